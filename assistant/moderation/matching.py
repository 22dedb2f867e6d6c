"""Which approved answer (if any) answers a patient's question, and is it still true to its sources?

Two signals must agree before an approved answer is served: the question's embedding is close to the
approved question's (``min_similarity``), and the model says the two ask for the same thing
(``min_same``, P(Yes) of :func:`assistant.llm.prompts.same_question_messages`). Both thresholds were set
on the dev half of ``eval/paraphrases.jsonl``; ``assistant eval paraphrases`` reports both halves.

An approved answer is served only while every passage it cites is still in the index word for word
(a chunk id is a hash of its text); otherwise it is flagged and queued for review.

>>> cosine(np.array([1.0, 0.0]), np.array([1.0, 1.0]))
0.7071
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.core.types import Chunk
from assistant.llm.prompts import same_question_messages
from assistant.llm.protocols import Messages
from assistant.moderation.store import ApprovedAnswer, ModerationStore
from assistant.search.embedders import Embedder


@dataclass(frozen=True)
class Match:
    """An approved answer found for a question, with the two signals that agreed."""

    entry: ApprovedAnswer
    similarity: float  # cosine of the two questions' embeddings
    same: float | None  # the model's P(Yes) that they ask the same thing (None: no model check)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return round(float(np.dot(a, b) / ((np.linalg.norm(a) * np.linalg.norm(b)) or 1.0)), 4)


def changed_sources(entry: ApprovedAnswer, chunks: dict[str, Chunk]) -> str | None:
    """Why ``entry`` can no longer be served (a cited passage is gone or reworded), or None.

    >>> from assistant.core.types import Citation
    >>> e = ApprovedAnswer(1, "q", "a [1]", [Citation(1, "c1", "Doc", "Causes", "", "t")], "m", "", "", "active",
    ...                    "", None)
    >>> changed_sources(e, {})
    'cited passage [1] (Causes) is no longer in the sources word for word'
    """
    for citation in entry.citations:
        if citation.chunk_id not in chunks:
            return (f"cited passage [{citation.n}] ({citation.section}) is no longer in the sources word for "
                    "word")
    return None


class ApprovedMatcher:
    """Finds the approved answer for a question; approved questions are embedded once and remembered."""

    def __init__(self, store: ModerationStore, embedder: Embedder, ask_yes: Callable[[Messages], float] | None,
                 min_similarity: float, min_same: float) -> None:
        self.store = store
        self.embedder = embedder
        self.ask_yes = ask_yes
        self.min_similarity = min_similarity
        self.min_same = min_same
        self._vectors: dict[str, np.ndarray] = {}

    def candidates(self, question: str, entries: Sequence[ApprovedAnswer]) -> list[tuple[ApprovedAnswer, float]]:
        """Entries whose question is at least ``min_similarity`` close to ``question``, closest first."""
        if not entries:
            return []
        missing = [e.question for e in entries if e.question not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.embedder.embed(missing), strict=True))
        asked = self.embedder.embed([question])[0]
        scored = [(e, cosine(asked, self._vectors[e.question])) for e in entries]
        return sorted([(e, s) for e, s in scored if s >= self.min_similarity], key=lambda pair: -pair[1])

    def match(self, question: str, entries: Sequence[ApprovedAnswer] | None = None, tries: int = 2) -> Match | None:
        """The approved answer for ``question``: the closest candidate the model also calls the same question
        (at most ``tries`` model checks); None when there is none."""
        entries = self.store.approved("active") if entries is None else entries
        for entry, similarity in self.candidates(question, entries)[:tries]:
            if self.ask_yes is None:
                return Match(entry, similarity, None)
            same = round(self.ask_yes(same_question_messages(entry.question, question)), 3)
            if same >= self.min_same:
                return Match(entry, similarity, same)
        return None
