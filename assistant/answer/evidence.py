"""Evidence first: the source sentences that answer a question, best first.

Each sentence of the passages shown is scored by three signals: how close it is to the question (the
embedder's cosine), how many of the question's words it has (BM25 over the sentences, scaled to the
best), and how highly its passage was retrieved; sentences holding the question's focus words
(:func:`assistant.gates.focus_words`: "breathing" in "Can myasthenia gravis affect breathing?") score
higher. A sentence inside a bullet ("Lambert-Eaton myasthenic syndrome. This is a syndrome caused by
...") is read with the bullet's lead term as its subject, unless it names it, so neither the scorer
nor a reader loses what it is about. Lines that only introduce a list ("... may include:") and bare
lead terms are not evidence; the sources' own interview questions ("Have you had any seizures?") are
evidence only when the question asks what will be asked.

The answer's fallback quotes these sentences, and the pipeline checks that an answer covers the best
of them.

>>> [u.readable for u in units("Myelopathy. This term refers to injury of the spinal cord. Myelopathy is rare.")]
['Myelopathy: This term refers to injury of the spinal cord.', 'Myelopathy is rare.']
>>> units("Examples include:\\n\\n- Alpha. It is an example.")[0].subject
'Alpha'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.grounding import LAY_TERMS, entities_in, stems
from assistant.core.text import sentences, tokenize
from assistant.core.types import Passage
from assistant.guard.safety import has_dose, is_instruction_like, is_personal_diagnosis
from assistant.llm.prompts import MASK, excerpt
from assistant.search.bm25 import BM25
from assistant.search.embedders import Embedder

_LEAD = re.compile(r"^(?P<term>[A-Z][\w' ()-]{2,70}?)\.$")
_REFERS_BACK = re.compile(r"^(?:This|It|These|They|Its|Their|People with this)\b")
# A sentence that only goes on from the one before it: "Instead, they occur ... immune system." after "They are not
# caused by the cancer spreading."; quoted or judged alone it loses what it answers, or what it contrasts with.
_GOES_ON = re.compile(r"^(?:Instead|However|Therefore|Otherwise|Even so|Still),\s|^But\s")
# A paragraph that opens with a condition ("If no malignant tumor is located ..., the problem may ...") sets it for
# every sentence after it: "You'll likely have follow-up imaging tests every 3 to 6 months" is quoted with its "if".
_CONDITION = re.compile(r"^(?:If|Unless)\s")
_ASKS_ABOUT_QUESTIONS = re.compile(r"\b(?:questions?|ask|asks|asking)\b", re.IGNORECASE)
# cosine, BM25 (scaled to the best), passage score: chosen on eval/gold.jsonl (evidence hit@1/2/3 0.60/0.83/0.90,
# against 0.59/0.80/0.85 for 0.5/0.25/0.25)
WEIGHTS = (0.5, 0.15, 0.35)
FOCUS_WEIGHT = 0.1  # added in proportion to the share of the question's focus words a sentence holds
# The sources say "cancer", "tumor" and "malignant" of the same thing; for the lexical signal they are one word,
# so "Is it the tumor spreading...?" finds "not caused by ... the cancer spreading" (dev evidence hit@1/2 unchanged,
# 0.679/0.832 on the 137 standalone answerable gold questions).
SAME_WORD = {"tumor": "cancer", "tumour": "cancer", "malignant": "cancer"}


@dataclass(frozen=True)
class Unit:
    """One sentence of a passage, with the lead term of its bullet when it refers back to it."""

    text: str
    subject: str = ""

    @property
    def readable(self) -> str:
        """The sentence with its subject named: "Myelopathy: This term refers to ..."."""
        named = self.subject.split(" (")[0].lower() in self.text.lower()
        return f"{self.subject}: {self.text}" if self.subject and not named else self.text


@dataclass(frozen=True)
class Evidence:
    unit: Unit
    n: int  # 1-based number of the passage it comes from
    score: float


def units(text: str) -> list[Unit]:
    r"""The sentences of a passage that can be evidence (see the module docstring).

    A short sentence opening a block is a bullet's lead term when it has at most three words, or the next
    sentence refers back to it ("This", "It", "People with this ...") or repeats its words ("Doctors
    treat the cancer first." is not one). A list of short items ("- Difficulty walking") is one unit,
    read after the line that introduces it, so "Hallucinations" is never quoted alone.

    >>> [u.readable for u in units("It may include:\n\n- Difficulty walking\n- Seizures")]
    ['It may include: Difficulty walking; Seizures.']
    >>> [u.text for u in units("It is not the cancer spreading. Instead, it is the immune system.\n\nIt is rare.")]
    ['It is not the cancer spreading. Instead, it is the immune system.', 'It is rare.']

    A paragraph opening with "If ..." is one unit, so no sentence of it is quoted without its condition:

    >>> [u.text for u in units("If no tumor is found, it may be small. You'll have scans.\n\nIt is rare.")]
    ["If no tumor is found, it may be small. You'll have scans.", 'It is rare.']
    """
    spans = sentences(text)
    out, lead, intro, items = [], "", "", []
    for i, (sentence, _, _) in enumerate(spans):
        if _is_item(sentence):
            items.append(sentence)
            continue
        if items:
            out.append(Unit(f"{intro} {'; '.join(items)}.".strip()))
            items = []
        if _is_lead(text, spans, i):
            lead = _LEAD.match(sentence).group("term")
        elif sentence.endswith(":"):
            lead, intro = "", sentence
        elif out and (_goes_on(text, spans, i) and out[-1].text == spans[i - 1][0]
                      or _under_condition(text, spans, i) and out[-1].text.endswith(spans[i - 1][0])):
            out[-1] = Unit(f"{out[-1].text} {sentence}", out[-1].subject)
        else:
            out.append(Unit(sentence, lead))
    if items:
        out.append(Unit(f"{intro} {'; '.join(items)}.".strip()))
    return out


def lead_terms(text: str) -> list[str]:
    """The bullet lead terms of a passage ("Myelopathy"), as :func:`units` finds them.

    >>> lead_terms("Myelopathy. This term refers to injury of the spinal cord.")
    ['Myelopathy']
    """
    spans = sentences(text)
    return [_LEAD.match(s).group("term") for i, (s, _, _) in enumerate(spans) if _is_lead(text, spans, i)]


def _goes_on(text: str, spans: list[tuple[str, int, int]], i: int) -> bool:
    """Does sentence ``i`` go on from the one before it, in the same paragraph (``_GOES_ON``)?"""
    return i > 0 and bool(_GOES_ON.match(spans[i][0])) and "\n" not in text[spans[i - 1][2]:spans[i][1]]


def _under_condition(text: str, spans: list[tuple[str, int, int]], i: int) -> bool:
    """Is sentence ``i`` in a paragraph whose first sentence is a condition (``_CONDITION``)?"""
    first = i
    while first > 0 and "\n" not in text[spans[first - 1][2]:spans[first][1]]:
        first -= 1
    opens = first == 0 or text[:spans[first][1]].rstrip(" \t").endswith("\n")
    return first < i and opens and bool(_CONDITION.match(spans[first][0]))


def scored_pieces(unit: Unit) -> list[str]:
    """What a unit is scored by; it scores as the best of them. A paragraph under a condition is quoted whole
    but scored sentence by sentence: its three sentences together held more of "Is it the tumor spreading into
    my brain?" than the sentences that answer it, and were quoted first (browser walk and dev g155, 2026-12-04).

    >>> scored_pieces(Unit("If none is found, it may be small. Scans are repeated."))
    ['If none is found, it may be small.', 'Scans are repeated.']
    >>> scored_pieces(Unit("It is not the cancer spreading. Instead, it is the immune system."))
    ['It is not the cancer spreading. Instead, it is the immune system.']
    """
    said = [sentence for sentence, _, _ in sentences(unit.text)]
    if len(said) < 2 or not _CONDITION.match(unit.text):
        return [unit.readable]
    return [Unit(sentence, unit.subject).readable for sentence in said]


def _is_item(sentence: str) -> bool:
    """A short list item without a full stop: "Difficulty walking", "Seizures", "Muscle tone"."""
    return not sentence.endswith((".", "?", "!", ":")) and len(sentence.split()) <= 10


def _is_lead(text: str, spans: list[tuple[str, int, int]], i: int) -> bool:
    sentence, start, _ = spans[i]
    before = text[:start].rstrip(" \t-*•")
    if not _LEAD.match(sentence) or len(sentence.split()) > 6 or (before.strip() and not before.endswith("\n")):
        return False
    following = spans[i + 1][0] if i + 1 < len(spans) else ""
    if len(sentence.split()) <= 3 and following:
        return True
    return bool(_REFERS_BACK.match(following)) or bool(set(tokenize(sentence)) & set(tokenize(following)))


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
    return each_named_first(question, ranked)[:k]


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


# What a kind of question is answered with, in the sources' words: "What does a spinal tap show?" is answered by
# what is found in the fluid, "Is it the tumor spreading?" by what causes it. (question pattern, answer words); not
# the question kinds of assistant.answer.gates, which the sources must address at all.
ANSWER_KINDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"\b(?:show|shows|showed|tell|tells|reveal|reveals|find|finds|look(?:ing)? for|detect|pick up|"
                r"what (?:are|is|do|does|will) (?:they|the doctors?|it) (?:looking|checking|testing))\b", re.I),
     re.compile(r"\b(?:found|find|finds|detect\w*|reveal\w*|identif\w*|evidence|look for|show\w*|confirm\w*)\b", re.I)),
    (re.compile(r"\b(?:why|cause|causes|caused|causing|because|due to|reason|brings? on|to blame)\b", re.I),
     re.compile(r"\b(?:caused|cause|causes|result of|occur when|because|due to|trigger\w*)\b", re.I)),
    # "How often will they keep scanning him?" (dev batch 11) is answered by "every 3 to 6 months"
    (re.compile(r"\bhow (?:often|frequently|soon|fast|quickly)\b|\bhow many times\b", re.I),
     re.compile(r"\bevery\b|\b\d+ (?:to \d+ )?(?:hours?|days?|weeks?|months?|years?)\b|\bdays to weeks\b|"
                r"\b(?:relatively |very )?(?:quickly|rapidly)\b", re.I)),
)
KIND_WEIGHT = 0.1  # dev evidence hit@1/@2 0.679/0.832 at 0, 0.05 (0.825) and 0.1


def kind_share(question: str, text: str) -> float:
    """1.0 when ``text`` says the kind of thing ``question`` asks for (``ANSWER_KINDS``), else 0.0.

    >>> kind_share("What does a spinal tap show?", "Antibodies may be found in CSF.")
    1.0
    >>> kind_share("What does a spinal tap show?", "A nurse inserts a needle into your lower spine.")
    0.0
    >>> kind_share("How often are the scans repeated?", "Follow-up imaging tests every 3 to 6 months.")
    1.0
    """
    return float(any(asks.search(question) and says.search(text) for asks, says in ANSWER_KINDS))


def lexical_words(text: str) -> list[str]:
    """The words BM25 compares, with the words for the same thing made one (``SAME_WORD``).

    >>> lexical_words("Is the tumour spreading?")
    ['cancer', 'spread']
    """
    return [SAME_WORD.get(w, w) for w in tokenize(text)]


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
