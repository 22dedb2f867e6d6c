"""From checked sentences and source evidence to the answer a person reads.

Verification says which draft sentences a passage supports; this decides which of them to show and
what to add, so that the answer states what the sources say about the question:

* a kept sentence is shown only if it says something of its own (not just the question's words again:
  "This is common." for "Is this common?" was judged supported at 0.78 where the source says
  "uncommon"), is not one of the sources' interview questions, and is about the question or the best
  evidence (a copied appointment checklist is true, and no answer to "will he get better?");
* when the shown sentences do not carry the best evidence sentence, it is quoted after them;
* when no sentence is shown, the best evidence sentences are quoted, if good enough;
* otherwise there is no answer, and the pipeline abstains.

>>> from assistant.answer.evidence import Evidence
>>> from assistant.answer.units import Unit
>>> carries(["Lambert-Eaton syndrome is usually linked to lung cancer."],
...         Unit("Lambert-Eaton myasthenic syndrome is typically associated with lung cancer."))
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.evidence import Evidence
from assistant.answer.grounding import Lexicon, entities_in
from assistant.answer.units import Unit
from assistant.answer.verify import SentenceVerdict, Verification
from assistant.core.settings import VerifySettings
from assistant.core.text import sentences

CARRY_SHARE = 0.7  # 0.5 let "nerve cells ... transmit messages" stand for "damage to nerves that transmit messages"
_POINTERS = r"It|Its|This|These|They|Their|That"
_ANAPHOR = re.compile(rf"^(?:{_POINTERS})\b")
# (texts, reference) -> cosine similarity of each text to the reference (the embedder's).
Similarity = Callable[[list[str], str], list[float]]


@dataclass(frozen=True)
class Composition:
    text: str  # the answer with [n] markers
    used: list[int]  # passage numbers it cites, ascending
    shown: list[str]  # its sentences without markers (checked or quoted)
    quoted: int  # how many of them are quoted word for word from the sources


@dataclass(frozen=True)
class ComposeSettings:
    min_relevance: float = 0.3  # a kept sentence's similarity to the question (or the best evidence)...
    min_evidence_relevance: float = 0.55  # ... or to the best evidence sentence, to be shown
    min_quote_score: float = 0.55  # an evidence sentence is quoted only from this evidence score on
    quotes: int = 2  # evidence sentences quoted when no draft sentence is shown
    quote_margin: float = 0.08  # a second quote must score within this of the first
    also_quotes: int = 1  # evidence sentences quoted after the shown sentences when those do not carry them

    @classmethod
    def from_settings(cls, v: VerifySettings) -> ComposeSettings:
        return cls(min_relevance=v.min_relevance, min_quote_score=v.min_quote_score,
                   quotes=min(2, v.extractive_sentences), quote_margin=v.quote_margin, also_quotes=v.also_quotes)


def carries(shown: Sequence[str], unit: Unit, question: str = "") -> bool:
    """Do the shown sentences already say what the evidence sentence adds to the question (``CARRY_SHARE``
    of its content words that the question does not have)?

    >>> carries(["Stiff person syndrome can cause pain."], Unit("It may also cause painful muscle spasms.",
    ...         "Stiff person syndrome"), "Does stiff person syndrome hurt?")
    False
    """
    asked = set(Lexicon.content_words(question))
    wanted = set(Lexicon.content_words(unit.readable)) - asked
    said = {w for s in shown for w in Lexicon.content_words(s)}
    return not wanted or len(wanted & said) >= CARRY_SHARE * len(wanted)


def compose(question: str, verification: Verification, evidence: Sequence[Evidence], similarity: Similarity,
            settings: ComposeSettings = ComposeSettings(), asks_questions: bool = False,
            headings: Sequence[str] = ()) -> Composition | None:
    """The answer, or None when nothing checked or quotable answers the question. ``headings``: the lead
    terms of the shown passages ("Myasthenia gravis."), which say nothing when shown alone."""
    bare = {h.lower().rstrip(".") for h in headings}
    orphans = _orphans(verification.verdicts, question)
    kept = [v for v in verification.kept if v not in orphans and not v.restates and _says_something(v.text)
            and (asks_questions or not v.text.endswith("?")) and v.text.lower().rstrip(".") not in bare]
    if kept and _dangling(kept[0].text, question):
        kept = kept[1:]  # "This is a syndrome ..." first, with nothing named before it: about what?
    best = evidence[0] if evidence and evidence[0].score >= settings.min_quote_score else None
    shown = _relevant(question, kept, best, similarity, settings) if kept else []
    if shown:
        parts = [(v.text, list(v.supported_by)) for v in shown]
        extra = [e for e in _close(evidence, best, settings)[: settings.also_quotes]
                 if not carries([v.text for v in shown], e.unit, question)]
        quoted = _quotes(extra, "My sources also say: ", [v.text for v in shown], question)
        return _assemble(parts + quoted, quoted=len(quoted))
    quotes = _close(evidence, best, settings)[: settings.quotes]
    if not quotes:
        return None
    parts = _quotes(quotes, "Here is what my sources say: ")
    return _assemble(parts, quoted=len(parts))


def _quotes(evidence: Sequence[Evidence], lead: str, shown: Sequence[str] = (),
            question: str = "") -> list[tuple[str, list[int]]]:
    """Evidence quoted word for word, each sentence in its own quotation marks with its passage's number, so
    a unit of two sentences ("Any cancer may ... However, ...") keeps them together and both are cited. A
    unit's last sentences that the ``shown`` answer already says (:func:`carries`) are not quoted again.

    >>> _quotes([Evidence(Unit("It is rare. However, it is serious."), 2, 0.9)], "Quote: ")
    [('Quote: “It is rare.”', [2]), ('“However, it is serious.”', [2])]
    >>> _quotes([Evidence(Unit("If none is found, it may be tiny. Scans are repeated."), 1, 0.9)], "Also: ",
    ...         ["Scans are repeated."], "How often are scans repeated?")
    [('Also: “If none is found, it may be tiny.”', [1])]

    A sentence that points back ("If these antibodies are found in both …") comes after one that names them (seen
    in the browser walk: "What does a spinal tap show?" quoted it first):

    >>> [q for q, _ in _quotes([Evidence(Unit("If these are found, it is strong."), 1, 0.9),
    ...                         Evidence(Unit("Antibodies may be found in CSF."), 1, 0.8)], "Q: ")]
    ['Q: “Antibodies may be found in CSF.”', '“If these are found, it is strong.”']
    """
    said = []
    for e in sorted(evidence, key=lambda e: bool(_REFERS_BACK.match(e.unit.text))):  # what they point at first
        unit = [s for s, _, _ in sentences(e.unit.readable)]
        while unit and shown and carries(shown, Unit(unit[-1]), question):
            unit.pop()  # only from the end: what is left keeps the sentence it goes on from, or its "if"
        said += [(s, e.n) for s in unit]
    return [(("" if i else lead) + f"“{s}”", [n]) for i, (s, n) in enumerate(said)]


def _close(evidence: Sequence[Evidence], best: Evidence | None, settings: ComposeSettings) -> list[Evidence]:
    """The evidence good enough to quote: from the best, those within the margin of it."""
    if best is None:
        return []
    floor = max(settings.min_quote_score, best.score - settings.quote_margin)
    return [e for e in evidence if e.score >= floor]


def _relevant(question: str, kept: list[SentenceVerdict], best: Evidence | None, similarity: Similarity,
              settings: ComposeSettings) -> list[SentenceVerdict]:
    texts = [v.text for v in kept]
    to_question = similarity(texts, question)
    to_evidence = similarity(texts, best.unit.readable) if best else [0.0] * len(texts)
    return [v for v, q, e in zip(kept, to_question, to_evidence, strict=True)
            if q >= settings.min_relevance or e >= settings.min_evidence_relevance]


# How a quote of the sources is introduced in a shown answer (and removed again to check or compare it).
QUOTE_LEAD = re.compile(r"(?:Here is what my sources say|My sources also say): ")


def unquoted(text: str) -> str:
    """An answer's text with the quote lead-ins and quotation marks taken out (the [n] markers stay).

    >>> unquoted('Here is what my sources say: “It is rare.” [1]')
    'It is rare. [1]'
    """
    return QUOTE_LEAD.sub("", text).replace("“", "").replace("”", "")


_REFERS_BACK = re.compile(rf"^(?:(?:if|when|because|although|so)\s+)?(?:{_POINTERS}|Those)\b", re.IGNORECASE)
_DEMONSTRATIVE = re.compile(r"^(?:This|These|That|Those)\b")


def _orphans(verdicts: Sequence[SentenceVerdict], question: str) -> list[SentenceVerdict]:
    """Kept sentences that point back at a sentence the verifier dropped: "This fluid cushions the brain."
    after a dropped one that named the CSF (the browser walk: "What does a spinal tap show?" was answered
    "This fluid is the fluid that cushions your brain and spinal cord."). "It"/"They" after a dropped sentence
    still stand when the question names what they can mean.

    >>> v = [SentenceVerdict("A tap takes CSF.", (1,), (), 0.1, "x"),
    ...      SentenceVerdict("This fluid is clear.", (1,), (1,), 0.9, "y")]
    >>> [o.text for o in _orphans(v, "what does a spinal tap show")]
    ['This fluid is clear.']
    >>> _orphans(v[1:], "what does a spinal tap show")
    []
    """
    named = bool(entities_in(question))
    return [v for before, v in zip(verdicts, verdicts[1:], strict=False) if v.kept and not before.kept
            and _ANAPHOR.match(v.text) and (_DEMONSTRATIVE.match(v.text) or not named)]


def _dangling(text: str, question: str) -> bool:
    """Does ``text`` open with a pronoun that nothing before it names: neither a named thing of the question
    nor the question's own pronoun, said of what the question asks about ("They will keep scanning him ..."
    answers "will they keep scanning him?", dev batch 11; "They will conduct a physical exam." does not answer
    "What will they do with the spinal fluid?")?

    >>> _dangling("This is a syndrome.", "What is it called?"), _dangling("They scan often.", "Will they scan?")
    (True, False)
    >>> _dangling("They will order blood tests.", "What will they do with the fluid?")
    True
    """
    opener = _ANAPHOR.match(text)
    if opener is None or entities_in(question):
        return False
    echoes = set(Lexicon.content_words(text)) & set(Lexicon.content_words(question))  # "scanning", not only "they"
    return opener.group().lower() not in re.findall(r"[a-z]+", question.lower()) or not echoes


def _says_something(text: str) -> bool:
    return len(Lexicon.content_words(text)) >= 2


def _assemble(parts: list[tuple[str, list[int]]], quoted: int) -> Composition:
    text = " ".join(f"{sentence} " + "".join(f"[{n}]" for n in numbers) for sentence, numbers in parts)
    used = sorted({n for _, numbers in parts for n in numbers})
    shown = [QUOTE_LEAD.sub("", s).strip("“”") for s, _ in parts]
    return Composition(text, used, shown, quoted)
