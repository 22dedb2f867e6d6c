"""Check a draft answer sentence by sentence before anyone sees it.

For each sentence of the draft:

1. the draft is split into sentences with their ``[n]`` markers (:mod:`assistant.answer.draft`: prompt
   formatting stripped, a leading "Yes,"/"No," set aside, the statement is what is checked);
2. cheap, certain checks run first (:mod:`assistant.answer.checks`): a dose or schedule is never shown; a number,
   a name, or a word that no source uses is unsupported ("caffeine", "trials"), and so is one that turns the
   cited source's "increased" into "lower" or its "uncommon" into "common"; a sentence copied from a passage
   is supported by it;
3. a passage can support it only if it names every named thing the sentence names, holds most of its
   words (:mod:`assistant.answer.grounding`), does not say them only of what lies "outside" or "except"
   them, says how often ("usually", "common") or that something stops or cures ("slows" in the source)
   only if its closest sentence does, and advises the reader
   ("you should ...") only in its words, one aside: "plasmapheresis uses
   donor antibodies" cannot lean on the IVIg passage, "avoid caffeine" cannot lean on any, "affects the
   brain and spinal cord" cannot lean on "nerve cells outside the brain and spinal cord", "usually
   reversible" cannot lean on "sometimes … reversible";
4. the judge scores it against those passages, the cited ones first; it is kept only if one reaches
   the threshold, and its citation is re-pointed to the passage that really supports it.

A kept sentence that only repeats the question's words is marked ``restates``: it is true but
answers nothing, so the pipeline adds what the sources say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer.checks import (
    advice_conflict,
    closest_sentence,
    copied_from,
    direction_conflict,
    echo_conflict,
    frequency_conflict,
    missing_name,
    missing_number,
    negated_word_conflict,
    negation_agrees,
    rank_by_overlap,
    scope_conflict,
    strength_conflict,
)
from assistant.answer.draft import DraftSentence, split_draft
from assistant.answer.gates import focus_words
from assistant.answer.grounding import LAY_TERMS, Lexicon, entities_in, stems
from assistant.answer.units import lead_terms
from assistant.core.types import Passage
from assistant.guard.safety import has_dose, is_personal_diagnosis
from assistant.llm.prompts import SHORT_STATEMENT_WORDS
from assistant.llm.protocols import Judge

# The stems of lay words (the question's "buttons", "cup"): a sentence's subject may say them in the sources' words
_LAY_STEMS = frozenset(s for word in LAY_TERMS for s in stems(word))
# Openings that stand for what was just named: "It can cause …". A sentence naming nothing ("The symptoms may
# include …") is about the condition just named, if a passage is headed by it (seen on dev, g015: cerebellar
# degeneration's symptom list under "What is limbic encephalitis?"; after "Could it be chemo?", "The symptoms"
# are the patient's, not chemotherapy's).
_ANAPHOR = re.compile(r"^(?:It|Its|This|These|They|Their|That)\b")


@dataclass(frozen=True)
class SentenceVerdict:
    text: str
    cited: tuple[int, ...]  # as written (invalid numbers included)
    supported_by: tuple[int, ...]  # passages that support it (after re-pointing); empty if dropped
    score: float  # best support score among the passages tried
    reason: str  # "copied from [2]", "judge 0.93 on [1]", "number 500 is in no source", ...
    restates: bool = False  # kept, but only repeats the question's words

    @property
    def kept(self) -> bool:
        return bool(self.supported_by)

    @property
    def repointed(self) -> bool:
        return self.kept and not set(self.supported_by) <= set(self.cited)


@dataclass
class Verification:
    verdicts: list[SentenceVerdict] = field(default_factory=list)

    @property
    def kept(self) -> list[SentenceVerdict]:
        return [v for v in self.verdicts if v.kept]

    @property
    def draft_faithfulness(self) -> float | None:
        """Share of the draft's sentences that a passage supports (None for an empty draft)."""
        return len(self.kept) / len(self.verdicts) if self.verdicts else None

    def render(self) -> str:
        """The kept sentences, each followed by its citation markers."""
        return " ".join(f"{v.text} " + "".join(f"[{n}]" for n in v.supported_by) for v in self.kept)


class Verifier:
    """``lexicon``: the library's words and named things (default: the passages being checked against)."""

    def __init__(self, judge: Judge, threshold: float = 0.5, extra_candidates: int = 2,
                 short_threshold: float | None = None, lexicon: Lexicon | None = None,
                 min_support: float = 0.5, grounded_threshold: float | None = None) -> None:
        self.judge = judge
        self.threshold = threshold
        self.short_threshold = max(threshold, short_threshold or threshold)
        self.extra_candidates = extra_candidates
        self.lexicon = lexicon
        self.min_support = min_support
        # the bar for a sentence whose every content word is in the passage and whose "not" agrees with it
        self.grounded_threshold = min(threshold, grounded_threshold if grounded_threshold is not None else threshold)

    def verify(self, question: str, draft: str, passages: Sequence[Passage],
               texts: Sequence[str] | None = None) -> Verification:
        """``texts``: what the generator saw of each passage (defaults to the chunk texts).

        Round 1 judges each sentence against the cited passages that could support it (or, uncited,
        the best such passage); round 2 tries other such passages for the sentences round 1 did not
        support.
        """
        texts = list(texts) if texts is not None else [p.chunk.text for p in passages]
        lexicon = self.lexicon or Lexicon(texts)
        parsed = split_draft(draft)
        refers = self._referents(question, parsed, texts)
        verdicts: list[SentenceVerdict | None] = [self._cheap_verdict(s, texts, lexicon, r)
                                                  for s, r in zip(parsed, refers, strict=True)]
        pending = [i for i, v in enumerate(verdicts) if v is None]
        asked = [w for w in focus_words(question) if w not in _LAY_STEMS] if question else []
        eligible = {i: self._eligible(parsed[i], texts, lexicon, refers[i], asked) for i in pending}
        bars = {i: eligible[i][2] for i in pending}
        scored: dict[int, dict[int, float]] = {i: {} for i in pending}
        first = {i: [n for n in eligible[i][0] if n in parsed[i].cited] or eligible[i][0][:1] for i in pending}
        self._judge_round(question, parsed, texts, first, scored)
        retry = {i: [n for n in eligible[i][0] if n not in first[i]][: self.extra_candidates] for i in pending
                 if not any(score >= bars[i][n] for n, score in scored[i].items())}
        self._judge_round(question, parsed, texts, retry, scored)
        for i in pending:
            verdicts[i] = self._judged_verdict(parsed[i], scored[i], eligible[i][1], bars[i])
        restated = [v if not v.kept or not lexicon.restates(v.text, question) else
                    SentenceVerdict(v.text, v.cited, v.supported_by, v.score, v.reason, restates=True)
                    for v in verdicts if v is not None]
        return Verification(restated)

    def _judge_round(self, question: str, parsed: list[DraftSentence], texts: list[str],
                     plan: dict[int, list[int]], scored: dict[int, dict[int, float]]) -> None:
        jobs = [(i, n) for i, numbers in plan.items() for n in numbers]
        if not jobs:
            return
        results = self.judge.support([(question, parsed[i].text, texts[n - 1]) for i, n in jobs])
        for (i, n), score in zip(jobs, results, strict=True):
            scored[i][n] = score

    def _cheap_verdict(self, sentence: DraftSentence, texts: list[str], lexicon: Lexicon,
                       refers_to: Sequence[str] = ()) -> SentenceVerdict | None:
        text = sentence.text

        def unsupported(reason: str) -> SentenceVerdict:
            return SentenceVerdict(text, sentence.cited, (), 0.0, reason)

        if has_dose(text):
            return unsupported("gives a dose or schedule")
        if is_personal_diagnosis(text):
            return unsupported("tells someone what they have")
        if number := missing_number(text, texts):
            return unsupported(f"number '{number}' is in no source")
        if name := missing_name(text, texts):
            return unsupported(f"name '{name}' is in no source")
        cited = [texts[n - 1] for n in self._valid(sentence, texts)]
        if conflict := direction_conflict(text, cited) or negated_word_conflict(text, cited, texts):
            return unsupported(conflict)
        if unknown := lexicon.unknown_words(text):
            return unsupported(f"says {', '.join(repr(w) for w in unknown[:3])}, which no source uses")
        # A copied "This syndrome is ..." is true where it was copied from, about that passage's subject only.
        copied = [i + 1 for i in copied_from(text, texts) if set(refers_to) <= set(entities_in(texts[i]))]
        if copied:
            best = [n for n in sentence.cited if n in copied] or copied[:1]
            return SentenceVerdict(text, sentence.cited, tuple(best), 1.0, f"copied from [{best[0]}]")
        return None

    @staticmethod
    def _referents(question: str, parsed: list[DraftSentence], texts: Sequence[str]) -> list[list[str]]:
        """For each sentence opening with "It"/"This"/"They", the named things that word stands for: those of
        the sentence before (or of the question, for the first), so "This can cause muscle rippling" after a
        sentence about neuropathy cannot lean on the neuromyotonia passage; for one naming nothing ("The
        symptoms may include …"), those of them that head a passage (a condition, not a treatment)."""
        out, previous = [], entities_in(question)
        headings = [t.lower() for text in texts for t in lead_terms(text)]  # "limbic encephalitis", …
        for sentence in parsed:
            own = entities_in(sentence.text)
            if own:
                out.append([])
            elif _ANAPHOR.match(sentence.text):
                out.append(previous)
            else:  # "The symptoms may include …", "Some people may also have …": about the condition just named
                out.append([e for e in previous if any(h == e or h.startswith(f"{e} ") for h in headings)])
            previous = own or previous
        return out

    def _eligible(self, sentence: DraftSentence, texts: list[str], lexicon: Lexicon, refers_to: Sequence[str] = (),
                  asked: Sequence[str] = ()) -> tuple[list[int], str, dict[int, float]]:
        """Passages that could support the sentence (cited first, then by shared words), why none could
        when the list is empty, and the judge score each needs."""
        valid = self._valid(sentence, texts)
        order = valid + [i + 1 for i in rank_by_overlap(sentence.text, texts,
                                                        [i for i in range(len(texts)) if i + 1 not in valid])]
        eligible, why, bars = [], "", {}
        for n in order:
            grounding = lexicon.ground(sentence.text, texts[n - 1], refers_to)
            if grounding.missing_entities:
                why = why or f"names {grounding.missing_entities[0]!r}, which passage [{n}] does not"
            elif grounding.borrowed_words:
                word = grounding.borrowed_words[0]
                why = why or (f"says {word!r}, which the sources say only of "
                              f"{', '.join(sorted(lexicon.owners[word]))}, not of what it names")
            elif grounding.support < self.min_support:
                why = why or f"most of its words are not in passage [{n}] ({', '.join(grounding.novel_words[:4])})"
            elif conflict := (advice_conflict(sentence.text, grounding.novel_words)
                              or scope_conflict(sentence.text, [texts[n - 1]])
                              or frequency_conflict(sentence.text, [texts[n - 1]])
                              or strength_conflict(sentence.text, [texts[n - 1]])
                              or echo_conflict(sentence.text, texts[n - 1], asked)):
                why = why or f"{conflict} ([{n}])"
            else:
                eligible.append(n)
                bars[n] = self._threshold_for(sentence.text)
                fully = grounding.support == 1.0 and len(lexicon.content_words(sentence.text)) >= 2
                if fully and negation_agrees(sentence.text, closest_sentence(sentence.text, [texts[n - 1]])):
                    bars[n] = min(bars[n], self.grounded_threshold)
        return eligible, why, bars

    @staticmethod
    def _valid(sentence: DraftSentence, texts: list[str]) -> list[int]:
        return [n for n in dict.fromkeys(sentence.cited) if 1 <= n <= len(texts)]

    def _threshold_for(self, statement: str) -> float:
        return self.short_threshold if len(statement.split()) < SHORT_STATEMENT_WORDS else self.threshold

    def _judged_verdict(self, sentence: DraftSentence, scored: dict[int, float], why_none: str,
                        bars: dict[int, float]) -> SentenceVerdict:
        if not scored:
            return SentenceVerdict(sentence.text, sentence.cited, (), 0.0, why_none or "no passage to check it against")
        best_n = max(scored, key=scored.get)
        best = scored[best_n]
        passing = [n for n, score in scored.items() if score >= bars[n]]
        cited_ok = [n for n in sentence.cited if n in passing]
        if cited_ok:
            return SentenceVerdict(sentence.text, sentence.cited, tuple(cited_ok), best,
                                   f"judge {max(scored[n] for n in cited_ok):.2f} on the cited passage")
        if passing:
            n = max(passing, key=scored.get)
            return SentenceVerdict(sentence.text, sentence.cited, (n,), scored[n],
                                   f"judge {scored[n]:.2f} on [{n}] (citation re-pointed)")
        return SentenceVerdict(sentence.text, sentence.cited, (), best,
                               f"no passage supports it (best judge score {best:.2f})")
