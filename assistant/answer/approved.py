"""Serving approved answers: find the one that answers a question, check its sources, make it an Answer.

A moderator-approved answer is served instead of a generated one only when (1) the question matches
an approved question by both signals of :mod:`assistant.moderation.matching` and (2) every passage it
cites is still in the sources word for word. An approved answer whose sources changed is flagged, queued
for review and never served again until re-approved. Triage always runs first: an emergency never
reaches this step, and an urgent message keeps its banner.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from assistant.answer.compose import unquoted
from assistant.answer.grounding import entities_in
from assistant.answer.verify import Verification, Verifier
from assistant.core.settings import ModerationSettings
from assistant.core.types import Answer, ApprovalNote, Chunk, Citation, Passage
from assistant.llm.prompts import passage_text
from assistant.llm.protocols import Messages
from assistant.moderation.matching import ApprovedMatcher, Match, changed_sources
from assistant.moderation.store import ApprovedAnswer, ModerationStore, StoreError
from assistant.search.embedders import Embedder

log = logging.getLogger("assistant.approved")

# What a question asks about a thing. Two questions about the same thing that ask different aspects ("What are
# the symptoms of X?" / "How is X diagnosed?") are the near misses embeddings and the model both let through.
ASPECTS: dict[str, re.Pattern] = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in {
    "symptoms": r"\b(symptoms?|signs?|show (itself|up)|feel like|do(es)? to (you|a person|someone|people))\b",
    "cause": r"\b(caus\w*|why|what sets|behind|trigger\w*|because)\b",
    "treatment": r"\b(treat\w*|medicines?|medications?|drugs?|therap\w*|cure\w*|manage\w*|suppress\w*)\b",
    "diagnosis": r"\b(diagnos\w*|tests?|scans?|imaging|detect\w*|look(ing)? for|check\w*|find)\b",
    "name": r"\b(called|name[sd]?)\b",
    "pain": r"\b(hurts?|painful|pain)\b",
    "safety": r"\b(safe|safety|dangerous|side effects?|risky)\b",
    "risk": r"\b(risk|who gets|more likely|chance)\b",
    "timing": r"\b(how long|how soon|when (should|do|does|will|can|is) (i|we|you|he|she|they|it)|at what point|"
              r"before|after)\b",
    "outcome": r"\b(revers\w*|recover\w*|get(ting)? (better|worse)|outlook|progress\w*|come back|permanent)\b",
    "cancer link": r"\b(linked|associated|go(es)? with|seen with|which (kinds of )?(cancers?|tumou?rs?))\b",
}.items()}


def aspects(question: str) -> frozenset[str]:
    """What ``question`` asks about, from :data:`ASPECTS` (empty: what the thing is).

    >>> sorted(aspects("How is limbic encephalitis diagnosed?")), sorted(aspects("What is stiff person syndrome?"))
    (['diagnosis'], [])
    """
    return frozenset(name for name, pattern in ASPECTS.items() if pattern.search(question))


def compatible(asked: str, approved: str) -> bool:
    """Can one answer fit both questions? Only if they name the same things and ask the same aspects.

    >>> compatible("what is stiff person syndrom", "What is stiff person syndrome?")
    True
    >>> compatible("What are the symptoms of encephalomyelitis?", "What are the symptoms of limbic encephalitis?")
    False
    >>> compatible("Does a spinal tap hurt?", "What does a spinal tap show?")
    False
    """
    return set(entities_in(asked)) == set(entities_in(approved)) and aspects(asked) == aspects(approved)


class ApprovedAnswers:
    """Approved answers for the Assistant; reads the database only when the file exists."""

    def __init__(self, settings: ModerationSettings, store: ModerationStore, embedder: Embedder,
                 ask_yes: Callable[[Messages], float] | None) -> None:
        self.settings = settings
        self.store = store
        self.matcher = ApprovedMatcher(store, embedder, ask_yes, settings.match_similarity, settings.match_same)

    def servable(self, chunks: dict[str, Chunk]) -> list[ApprovedAnswer]:
        """Active approved answers whose cited passages are unchanged; the others are flagged now."""
        if not self.settings.serve_approved or not self.store.exists():
            return []
        entries = []
        for entry in self.store.approved("active"):
            reason = changed_sources(entry, chunks)
            if reason is None:
                entries.append(entry)
            else:
                self.store.flag(entry, reason)
        return entries

    def candidates(self, question: str, chunks: dict[str, Chunk]) -> list[ApprovedAnswer]:
        """Servable approved answers close enough (by embedding) and :func:`compatible`, for the model's check.

        A damaged database is logged and gives none: the question is still answered the usual way."""
        try:
            close = self.matcher.candidates(question, self.servable(chunks))
        except StoreError as exc:
            log.error("approved answers not consulted: %s", exc)
            return []
        return [e for e, _ in close if compatible(question, e.question)]

    def match(self, question: str, candidates: list[ApprovedAnswer]) -> Match | None:
        """The model's check of the candidates (this uses the model: call it in the model's line)."""
        return self.matcher.match(question, candidates)


def approved_answer(answer: Answer, match: Match, chunks: dict[str, Chunk]) -> Answer:
    """``answer`` (triaged, question set) filled with the approved text, its citations and their passages."""
    entry = match.entry
    answer.answer = entry.answer
    answer.citations = list(entry.citations)
    answer.contexts = [Passage(chunks[c.chunk_id], 1.0, c.n) for c in sorted(entry.citations, key=lambda c: c.n)]
    answer.faithfulness = entry.faithfulness
    answer.abstained = False
    answer.details.approved = ApprovalNote(entry.id, entry.question, entry.approved_by, entry.approved_at,
                                           match.similarity, match.same)
    return answer


def check_wording(verifier: Verifier, question: str, text: str, citations: list[Citation],
                  chunks: dict[str, Chunk]) -> Verification:
    """Each sentence of a moderator's wording checked against the passages it cites, as drafts are
    (citations numbered 1..k, as :func:`assistant.moderation.approvals.validate` leaves them); a quote of
    the sources is checked without its lead-in ("My sources also say:") and quotation marks."""
    passages = [Passage(chunks[c.chunk_id], 1.0, c.n) for c in sorted(citations, key=lambda c: c.n)]
    return verifier.verify(question, unquoted(text), passages, [passage_text(p.chunk) for p in passages])
