"""Evidence first: the source sentences that answer a question, best first.

Each sentence of the passages shown is scored by three signals: how close it is to the question (the
embedder's cosine), how many of the question's words it has (BM25 over the sentences, scaled to the
best), and how highly its passage was retrieved; sentences holding the question's focus words
(:func:`assistant.gates.focus_words`: "breathing" in "Can myasthenia gravis affect breathing?") score
higher. The sentences are the units of :mod:`assistant.answer.units`, read with their subject; the
sources' own interview questions ("Have you had any seizures?") are evidence only when the question asks
what will be asked.

The answer's fallback quotes these sentences, and the pipeline checks that an answer covers the best
of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.asked_for import KIND_WEIGHT, kind_share
from assistant.answer.grounding import LAY_TERMS, entities_in, stems
from assistant.answer.units import Unit, scored_pieces, units
from assistant.core.text import sentences, tokenize
from assistant.core.types import Passage
from assistant.guard.safety import has_dose, is_instruction_like, is_personal_diagnosis
from assistant.llm.prompts import MASK, excerpt
from assistant.search.bm25 import BM25
from assistant.search.embedders import Embedder

_ASKS_ABOUT_QUESTIONS = re.compile(r"\b(?:questions?|ask|asks|asking)\b", re.IGNORECASE)
# cosine, BM25 (scaled to the best), passage score: chosen on eval/gold.jsonl (evidence hit@1/2/3 0.60/0.83/0.90,
# against 0.59/0.80/0.85 for 0.5/0.25/0.25)
WEIGHTS = (0.5, 0.15, 0.35)
FOCUS_WEIGHT = 0.1  # added in proportion to the share of the question's focus words a sentence holds
# The sources say "cancer", "tumor" and "malignant" of the same thing; for the lexical signal they are one word,
# so "Is it the tumor spreading...?" finds "not caused by ... the cancer spreading" (dev evidence hit@1/2 unchanged,
# 0.679/0.832 on the 137 standalone answerable gold questions).
SAME_WORD = {"tumor": "cancer", "tumour": "cancer", "malignant": "cancer"}
# Verbs that only carry a question ("what tests will they run?"): matched, they quoted "... in case time runs out"
# (dev batch 14). The focus words leave them out too (``gates._FRAMING``).
LIGHT_VERBS = frozenset({"run", "ran"})  # stems, as tokenize gives them ("runs" -> "run")


@dataclass(frozen=True)
class Evidence:
    unit: Unit
    n: int  # 1-based number of the passage it comes from
    score: float


def rerank(question: str, evidence: list[Evidence], answers: Callable[[str, str], float], weight: float,
           window: float) -> list[Evidence]:
    """Re-order the candidates within ``window`` of the best by score + ``weight`` x P(the sentence answers
    the question), asked of the model (``answers(question, sentence)``); the rest keep their places.

    Measured on eval/gold.jsonl: sentence hit@1 0.60 -> 0.65 with the top 4 always reranked (~1 s a
    question here); reranking only close calls costs a fraction of that.

    >>> ev = [Evidence(Unit("A"), 1, 0.70), Evidence(Unit("B"), 2, 0.68), Evidence(Unit("C"), 3, 0.40)]
    >>> [e.unit.text for e in rerank("q", ev, lambda q, s: {"A": 0.1, "B": 0.9}[s], 0.5, 0.05)]
    ['B', 'A', 'C']
    """
    if len(evidence) < 2 or evidence[1].score < evidence[0].score - window:
        return evidence
    close = [e for e in evidence if e.score >= evidence[0].score - window]
    rescored = [Evidence(e.unit, e.n, e.score + weight * answers(question, e.unit.readable)) for e in close]
    return sorted(rescored, key=lambda e: -e.score) + evidence[len(close):]


def asks_about_questions(question: str) -> bool:
    """Does the question ask what will be asked? Then the sources' interview questions are the answer.

    >>> asks_about_questions("What questions will the doctor ask me?"), asks_about_questions("What is IVIg?")
    (True, False)
    """
    return bool(_ASKS_ABOUT_QUESTIONS.search(question))


def select_evidence(question: str, passages: Sequence[Passage], embedder: Embedder, texts: Sequence[str] | None = None,
                    k: int = 3, focus: Sequence[str] = ()) -> list[Evidence]:
    """The ``k`` best evidence sentences of ``texts`` (default: the passages' chunk texts), best first;
    ``focus``: the question's focus words (Porter2 stems)."""
    texts = list(texts) if texts is not None else [p.chunk.text for p in passages]
    asks_questions = asks_about_questions(question)
    found = [(unit, n) for n, text in enumerate(texts, start=1) for unit in units(text.replace(MASK, " "))
             if (asks_questions or not unit.text.endswith("?")) and quotable(unit.readable)]
    if not found:
        return []
    pieces = [scored_pieces(unit) for unit, _ in found]
    readable = [piece for unit_pieces in pieces for piece in unit_pieces]
    owner = np.array([i for i, unit_pieces in enumerate(pieces) for _ in unit_pieces])
    vectors = embedder.embed([question, *readable])
    cosine = vectors[1:] @ vectors[0]
    lexical = BM25([lexical_words(t) for t in readable]).scores(lexical_words(question))
    lexical = lexical / lexical.max() if lexical.max() > 0 else lexical
    retrieval = np.array([passages[found[i][1] - 1].score for i in owner])
    w_cos, w_lex, w_ret = WEIGHTS
    piece_scores = w_cos * cosine + w_lex * lexical + w_ret * retrieval
    if focus:
        piece_scores = piece_scores + FOCUS_WEIGHT * np.array([focus_share(text, focus) for text in readable])
    piece_scores = piece_scores + KIND_WEIGHT * np.array([kind_share(question, text) for text in readable])
    scores = np.full(len(found), -np.inf)
    np.maximum.at(scores, owner, piece_scores)
    order = np.argsort(-scores, kind="stable")
    ranked = [Evidence(found[i][0], found[i][1], float(scores[i])) for i in order]
    return kind_said_early(question, each_named_first(question, ranked))[:k]


KIND_WINDOW = 0.1  # how far below the best a sentence that says what the question asks for may be, to be quoted


def kind_said_early(question: str, ranked: list[Evidence], window: float = KIND_WINDOW) -> list[Evidence]:
    """When the best sentence does not say the kind of thing the question asks for (``ANSWER_KINDS``) and one
    within ``window`` of it does, that one next, scored as the best (so it is quoted too); else ``ranked``.
    "How is stiff person syndrome treated?" (dev batch 13) was answered with what the syndrome is: the
    sources' sentence on treating these syndromes was third, 0.04 below.

    >>> ranked = [Evidence(Unit("It causes stiffness."), 1, 0.83), Evidence(Unit("It causes spasms."), 1, 0.80),
    ...           Evidence(Unit("Treatment involves treating the cancer."), 2, 0.79)]
    >>> [(e.unit.text, e.score) for e in kind_said_early("How is it treated?", ranked)][:2]
    [('It causes stiffness.', 0.83), ('Treatment involves treating the cancer.', 0.83)]
    """
    if not ranked or kind_share(question, ranked[0].unit.readable):
        return ranked
    top = ranked[0].score
    said = next((i for i, e in enumerate(ranked) if e.score >= top - window and kind_share(question, e.unit.readable)),
                None)
    if said is None:
        return ranked
    promoted = Evidence(ranked[said].unit, ranked[said].n, top)
    return [ranked[0], promoted, *(e for i, e in enumerate(ranked[1:], start=1) if i != said)]


_COMPARES = re.compile(r"\b(?:differen\w*|differ|compare[ds]?|comparing|vs|versus|same (?:as|thing)|alike|similar)\b",
                       re.IGNORECASE)


def each_named_first(question: str, ranked: list[Evidence]) -> list[Evidence]:
    """For a question that compares named things, the best sentence about each of them first, each scored as
    the best of them (so each is quoted); otherwise ``ranked`` as it is. "What's the difference between
    myasthenia gravis and lambert eaton?" was answered with two sentences about Lambert-Eaton (dev batch 11).

    >>> ranked = [Evidence(Unit("LEMS is linked to lung cancer.", "Lambert-Eaton myasthenic syndrome"), 1, 0.8),
    ...           Evidence(Unit("It causes fatigue.", "Lambert-Eaton myasthenic syndrome"), 1, 0.7),
    ...           Evidence(Unit("It is linked to thymoma.", "Myasthenia gravis"), 2, 0.6)]
    >>> [(e.unit.subject, e.score) for e in each_named_first("How is LEMS different from myasthenia gravis?", ranked)]
    [('Lambert-Eaton myasthenic syndrome', 0.8), ('Myasthenia gravis', 0.8), ('Lambert-Eaton myasthenic syndrome', 0.7)]
    """
    named = entities_in(question)
    if len(named) < 2 or not _COMPARES.search(question):
        return ranked
    firsts = [next((i for i, e in enumerate(ranked) if name in entities_in(e.unit.readable)), None) for name in named]
    lead = sorted({i for i in firsts if i is not None})
    if len(lead) < 2:
        return ranked
    top = max(ranked[i].score for i in lead)
    return [Evidence(ranked[i].unit, ranked[i].n, top) for i in lead] + [e for i, e in enumerate(ranked)
                                                                         if i not in lead]


def lexical_words(text: str) -> list[str]:
    """The words BM25 compares, with the words for the same thing made one (``SAME_WORD``).

    >>> lexical_words("Is the tumour spreading?")
    ['cancer', 'spread']
    """
    return [SAME_WORD.get(w, w) for w in tokenize(text) if w not in LIGHT_VERBS]


def quotable(text: str) -> bool:
    """May this source sentence be shown word for word? Never a dose, a diagnosis of someone, or a sentence
    that speaks to the writer of the reply (masked or not): evidence can be quoted without the verifier.

    >>> quotable("Steroids calm the immune system."), quotable("Give 2 g/kg of immunoglobulin twice a day.")
    (True, False)
    """
    return not (has_dose(text) or is_personal_diagnosis(text) or is_instruction_like(text) or MASK in text)


_LAY_STEMS = {stem: {s for term in terms for s in stems(term)} for word, terms in LAY_TERMS.items()
              for stem in stems(word)}


def focus_share(text: str, focus: Sequence[str]) -> float:
    """The share of the focus words (stems) ``text`` holds, in its words or a patient's word for them.

    >>> focus_share("It may also cause painful muscle spasms.", ["hurt", "spasm"])
    1.0
    >>> focus_share("A group of uncommon disorders.", ["common"])  # "is it common?" is answered by "uncommon"
    1.0
    """
    said = set(stems(text))

    def holds(word: str) -> bool:
        negated = {prefix + word for prefix in ("un", "in", "ir", "non")}
        return word in said or bool(_LAY_STEMS.get(word, set()) & said) or bool(negated & said)

    return sum(holds(w) for w in focus) / len(focus) if focus else 0.0


def strong_evidence(evidence: Sequence[Evidence], focus: Sequence[str], min_score: float) -> bool:
    """Does the best sentence score at least ``min_score`` and hold every focus word (one at least)?

    >>> strong_evidence([Evidence(Unit("Find a support group on the internet."), 1, 0.9)], ["support"], 0.85)
    True
    >>> strong_evidence([Evidence(Unit("Find a support group on the internet."), 1, 0.9)], ["hair"], 0.85)
    False
    """
    return bool(evidence and focus) and evidence[0].score >= min_score and \
        focus_share(evidence[0].unit.readable, focus) == 1.0


def passage_excerpts(query: str, texts: list[str], embedder: Embedder, limit: int) -> list[str]:
    """``texts`` with each one longer than ``limit`` characters cut to its sentences most similar to the
    question (:func:`assistant.llm.prompts.excerpt`); one embedding call for all of them."""
    texts = list(texts)
    long_ones = [i for i, t in enumerate(texts) if len(t) > limit]
    if not long_ones:
        return texts
    split = {i: [s for s, _, _ in sentences(texts[i])] for i in long_ones}
    flat = [s for i in long_ones for s in split[i]]
    vectors = embedder.embed([query] + flat)
    similarity = iter((vectors[1:] @ vectors[0]).tolist())
    for i in long_ones:
        texts[i] = excerpt(texts[i], [next(similarity) for _ in split[i]], limit)
    return texts
