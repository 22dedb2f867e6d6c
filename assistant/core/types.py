"""The typed chain of data: Document -> Chunk -> Passage -> Answer.

Provenance is never lost: a Passage holds its Chunk, a Chunk names its document, section and
character offsets, and an Answer's citations hold the full text of the passages they point to.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Literal

Urgency = Literal["emergency", "urgent", "none"]
URGENCIES: tuple[Urgency, ...] = ("emergency", "urgent", "none")  # most urgent first


def severity(urgency: Urgency) -> int:
    """Higher is more urgent, for comparing two triage results.

    >>> sorted(URGENCIES, key=severity)
    ['none', 'urgent', 'emergency']
    """
    return len(URGENCIES) - 1 - URGENCIES.index(urgency)


@dataclass(frozen=True)
class Section:
    """A headed part of a document; ``start``/``end`` index into ``Document.text``."""

    heading: str  # e.g. "Causes"
    start: int  # offset of the first character of the section body
    end: int  # offset one past its last character


@dataclass(frozen=True)
class Document:
    """One source document, as loaded from ``corpus/``."""

    doc_id: str  # file stem, e.g. "mayo-symptoms-causes"
    title: str  # e.g. "Paraneoplastic syndromes of the nervous system"
    source: str  # publisher, e.g. "Mayo Clinic"
    page: str  # which page of the source, e.g. "Symptoms & causes" ("" when unknown)
    url: str  # "" when the front matter gives none
    reviewed: str  # ISO date the source was last reviewed, "" when unknown
    text: str  # the body after the front matter; all offsets index into this
    sections: tuple[Section, ...]
    path: str  # the file it came from

    @property
    def display_title(self) -> str:
        """Title plus page, e.g. "Paraneoplastic syndromes … — Symptoms & causes"."""
        return f"{self.title} — {self.page}" if self.page else self.title


@dataclass(frozen=True)
class Chunk:
    """A retrievable span of one section: whole sentences or whole bullets, never a fragment.

    ``text == document.text[start:end]`` always holds.
    """

    chunk_id: str  # content hash of (doc_id, section, text); stable across runs
    doc_id: str
    doc_title: str  # Document.display_title
    section: str  # section heading
    text: str  # verbatim source text
    start: int  # offset into Document.text
    end: int
    source: str = ""  # publisher
    reviewed: str = ""  # review date of the document

    @property
    def embed_text(self) -> str:
        """What the dense embedder sees: "section — text"."""
        return f"{self.section} — {self.text}"

    @staticmethod
    def make_id(doc_id: str, section: str, text: str) -> str:
        """16 hex digits of sha256 over the fields that define the chunk.

        >>> Chunk.make_id("d", "Causes", "Text.")
        '9975608afe9c2838'
        """
        digest = hashlib.sha256(f"{doc_id}\x1f{section}\x1f{text}".encode()).hexdigest()
        return digest[:16]


@dataclass(frozen=True)
class Passage:
    """A chunk returned for a question, with its fused score and 1-based rank."""

    chunk: Chunk
    score: float  # fused score in [0, 1]; 1 = ranked first by every retriever used
    rank: int  # 1-based position in the result list
    dense_score: float | None = None  # cosine similarity to the question, when dense ran
    lexical_score: float | None = None  # BM25 score, when BM25 ran

    def to_context(self) -> dict:
        """The contract's ``contexts`` item."""
        return {
            "chunk_id": self.chunk.chunk_id,
            "doc_title": self.chunk.doc_title,
            "section": self.chunk.section,
            "text": self.chunk.text,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Triage:
    """How urgent a message is, decided before anything else."""

    urgency: Urgency
    reason: str  # why, in words a reviewer can check
    advice: str  # what to tell the person ("" when urgency is "none")


@dataclass(frozen=True)
class Citation:
    """One ``[n]`` marker of an answer, tied to the full text of a shown passage."""

    n: int
    chunk_id: str
    doc_title: str
    section: str
    source: str
    text: str


@dataclass(frozen=True)
class EvidenceNote:
    """A source sentence picked as answering the question, before generation."""

    sentence: str
    n: int  # the passage it is in (1-based, as cited)
    score: float


@dataclass(frozen=True)
class CheckedSentence:
    """What the verifier decided about one sentence of the model's draft."""

    sentence: str
    cited: list[int]  # the passage numbers the draft cited
    supported_by: list[int]  # the passages found to support it
    score: float  # the judge's P(supported), best over the passages tried
    kept: bool
    reason: str  # why, e.g. "copied from [2]", "judge 0.93 on [1]", "number 500 is in no source"
    restates: bool  # kept, but it only repeats the question's words


@dataclass(frozen=True)
class ApprovalNote:
    """Set when the answer shown is one a moderator approved (served instead of a generated one)."""

    id: int  # the approved answer's id in the moderation database
    question: str  # the question it was approved for
    approved_by: str
    approved_at: str  # ISO 8601, UTC
    similarity: float  # cosine of the asked and the approved question
    same: float | None  # the model's P(Yes) that they ask the same thing (None: not asked)


@dataclass
class AnswerDetails:
    """How an answer came about: extra fields of the Answer's JSON (each present once it is known).

    >>> AnswerDetails(request="question", quoted=1).to_json()
    {'request': 'question', 'quoted': 1}
    """

    request: str | None = None  # "question", "emergency", "dosing", "prognosis", "diagnosis", "injection"
    standalone_question: str | None = None  # what retrieval and the model saw (follow-ups completed)
    question_kind: str | None = None  # a kind the sources must address, e.g. "inheritance"
    evidence: list[EvidenceNote] | None = None  # the source sentences picked before generation
    answerable: float | None = None  # the model's P(Yes) that the passages answer the question
    strong_evidence: bool | None = None  # the best evidence sentence holds every focus word and scores high
    unknown_names: list[str] | None = None  # names in the question that no source uses
    unknown_focus: list[str] | None = None  # words the question is about that no source uses
    unaddressed_focus: list[str] | None = None  # focus words the composed answer never addressed
    focus_addressed: bool | None = None  # did the composed answer address the question's focus words (the focus check)
    draft: str | None = None  # the model's raw draft, before checking
    verification: list[CheckedSentence] | None = None  # one verdict per draft sentence
    draft_faithfulness: float | None = None  # share of draft sentences that passed
    quoted: int | None = None  # how many shown sentences are verbatim source quotes
    extractive: bool | None = None  # every shown sentence is a quote
    reading_grade: float | None = None  # Flesch-Kincaid grade of the answer text (patient materials: 6-8)
    approved: ApprovalNote | None = None  # the moderator-approved answer that was served, if one was

    def to_json(self) -> dict:
        return {name: value for name, value in asdict(self).items() if value is not None}


@dataclass
class Answer:
    """The result of one question; ``to_json()`` gives the contract's JSON object."""

    question: str
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    contexts: list[Passage] = field(default_factory=list)
    urgency: Urgency = "none"
    triage: Triage | None = None
    abstained: bool = False
    faithfulness: float | None = None
    timings_ms: dict[str, int] = field(default_factory=dict)
    id: str | None = None
    details: AnswerDetails = field(default_factory=AnswerDetails)

    def to_json(self) -> dict:
        """The contract's object; urgency and triage come first, so emergency advice leads."""
        data: dict = {}
        if self.id is not None:
            data["id"] = self.id
        data.update(
            question=self.question,
            urgency=self.urgency,
            triage=(
                {"reason": self.triage.reason, "advice": self.triage.advice} if self.triage else None
            ),
            answer=self.answer,
            citations=[asdict(c) for c in self.citations],
            contexts=[p.to_context() for p in self.contexts],
            abstained=self.abstained,
            faithfulness=self.faithfulness,
            timings_ms=dict(self.timings_ms),
        )
        data.update(self.details.to_json())
        return data
