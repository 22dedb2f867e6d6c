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

from assistant.core.answer_settings import GenerationSettings, VerifySettings
from assistant.core.guard_settings import InputSettings, TriageSettings

__all__ = ["PROJECT_ROOT", "ChunkingSettings", "EmbeddingSettings", "GenerationSettings", "InputSettings",
           "ModerationSettings", "PathSettings", "RetrievalSettings", "ServerSettings", "Settings", "TriageSettings",
           "VerifySettings", "flag_specs"]

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
