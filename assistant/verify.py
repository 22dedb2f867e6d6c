"""Check a draft answer sentence by sentence before anyone sees it.

For each sentence of the draft:

1. its ``[n]`` markers are parsed; numbers that point to no shown passage are stripped;
2. cheap, certain checks run first: a dose or schedule is never shown; a number or a name that no
   passage contains is unsupported; a sentence copied from a passage is supported by it;
3. otherwise the judge scores it against the passages it cites plus the passages that share the most
   words with it (all sentences in one batch);
4. it is kept only if some passage supports it, and its citation is re-pointed to the passage that
   really does.

>>> [(s.text, s.cited) for s in split_draft("It is rare [1]. It is immune [2][9]. Uncited.")]
[('It is rare.', (1,)), ('It is immune.', (2, 9)), ('Uncited.', ())]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .judges import SHORT_STATEMENT_WORDS, Judge
from .names import unknown_names
from .safety import has_dose, is_personal_diagnosis
from .text import sentences, tokenize
from .types import Passage

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_UP = re.compile(r"\b(?:increase[sd]?|increasing|raise[sd]?|raising|higher|more|greater|worsen(?:s|ed)?)\b", re.I)
_DOWN = re.compile(r"\b(?:decrease[sd]?|decreasing|lower(?:s|ed)?|reduce[sd]?|reducing|less|fewer|improve[sd]?)\b",
                   re.I)
_NUMBER_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|half|percent)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DraftSentence:
    text: str  # the sentence without its markers
    cited: tuple[int, ...]  # passage numbers as the model wrote them


@dataclass(frozen=True)
class SentenceVerdict:
    text: str
    cited: tuple[int, ...]  # as written (invalid numbers included)
    supported_by: tuple[int, ...]  # passages that support it (after re-pointing); empty if dropped
    score: float  # best support score among the passages tried
    reason: str  # "copied from [2]", "judge 0.93 on [1]", "number 500 is in no source", ...

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


_POLARITY = re.compile(r"^(?:yes|no|yeah|nope|correct|true|false)\s*[,;:!—–-]+\s*", re.IGNORECASE)


# "[1] indicates that X": with the marker moved to the sentence before, "indicates that" is left over.
_CITATION_SUBJECT = re.compile(
    r"^(?:the )?(?:passage|source|text)?\s*(?:indicates|states|says|shows|mentions|explains|notes|suggests)\s+"
    r"that\s+", re.IGNORECASE)


def strip_polarity(text: str) -> str:
    """Drop a leading "Yes,"/"No," — the judge checks the statement, not which way a question was answered.

    >>> strip_polarity("Yes, indicates that the tumor may be too small."), strip_polarity("No tumor was found.")
    ('Indicates that the tumor may be too small.', 'No tumor was found.')
    """
    rest = _POLARITY.sub("", text, count=1)
    return rest[:1].upper() + rest[1:] if rest != text and rest else text


def split_draft(draft: str) -> list[DraftSentence]:
    """Sentences of a draft with their markers; a marker opening a sentence belongs to the one before.

    A leading "Yes,"/"No," is removed (see :func:`strip_polarity`): measured on the gold set, the
    1.5B judge accepted "Yes, this is an infection." and "Yes, [the tumor] may be too small to find"
    as answers to "is it an infection?" and "is it the tumor spreading?"."""
    out: list[DraftSentence] = []
    for raw, _, _ in sentences(draft):
        leading = re.match(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+", raw)
        if leading and out:
            prev = out[-1]
            out[-1] = DraftSentence(prev.text, prev.cited + _numbers_in(leading.group()))
            raw = raw[leading.end():]
        cited = _numbers_in(" ".join(m.group() for m in _MARKERS.finditer(raw)))
        text = _CITATION_SUBJECT.sub("", strip_polarity(_MARKERS.sub("", raw).strip()), count=1)
        text = text[:1].upper() + text[1:]
        text = re.sub(r"\s+([.!?,;:])", r"\1", text)
        if text.strip(" .!?,;:-"):
            out.append(DraftSentence(text, cited))
    return out


def missing_number(statement: str, texts: Sequence[str], number_words: bool = True) -> str | None:
    """The first number in ``statement`` that none of ``texts`` contains, if any.

    >>> missing_number("It takes 3 to 40 days.", ["every 3 to 6 months"])
    '40'
    """
    joined = " ".join(texts).lower()
    found = _NUMBER.findall(statement) + (_NUMBER_WORDS.findall(statement) if number_words else [])
    return next((n for n in found if not re.search(rf"\b{re.escape(n.lower())}\b", joined)), None)


def missing_name(statement: str, texts: Sequence[str]) -> str | None:
    """The first name (acronym, "anti-" name, proper noun) in ``statement`` that none of ``texts`` uses.

    >>> missing_name("A positive anti-NMDA test means an immune attack.", ["antibodies in CSF"])
    'anti-NMDA'
    >>> missing_name("It is tested in the CSF.", ["antibodies in CSF"]) is None
    True
    """
    return next(iter(unknown_names(statement, " ".join(texts))), None)


def copied_from(statement: str, texts: Sequence[str]) -> list[int]:
    """0-based indices of the texts that contain ``statement`` word for word (statements over 20 chars).

    >>> copied_from("The immune system attacks nerves.", ["No.", "So the immune system attacks nerves!"])
    [1]
    """
    needle = _squash(statement.rstrip("."))
    return [i for i, t in enumerate(texts) if len(needle) > 20 and needle in _squash(t)]


def rank_by_overlap(statement: str, texts: Sequence[str], indices: Sequence[int]) -> list[int]:
    """``indices`` (into ``texts``) ordered by how many stemmed words the text shares with the statement."""
    words = set(tokenize(statement))
    return sorted(indices, key=lambda i: -len(words & set(tokenize(texts[i]))))


def _numbers_in(markers: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", markers))


class Verifier:
    def __init__(self, judge: Judge, threshold: float = 0.5, extra_candidates: int = 2,
                 short_threshold: float | None = None) -> None:
        self.judge = judge
        self.threshold = threshold
        self.short_threshold = max(threshold, short_threshold or threshold)
        self.extra_candidates = extra_candidates

    def verify(self, question: str, draft: str, passages: Sequence[Passage],
               texts: Sequence[str] | None = None) -> Verification:
        """``texts``: what the generator saw of each passage (defaults to the chunk texts).

        Round 1 judges each sentence against the passages it cites (or, uncited, the one sharing the
        most words); round 2 tries other passages only for the sentences round 1 did not support.
        """
        texts = list(texts) if texts is not None else [p.chunk.text for p in passages]
        parsed = split_draft(draft)
        verdicts: list[SentenceVerdict | None] = [self._cheap_verdict(s, texts) for s in parsed]
        pending = [i for i, v in enumerate(verdicts) if v is None]
        ranked = {i: self._candidates(parsed[i], texts) for i in pending}
        scored: dict[int, dict[int, float]] = {i: {} for i in pending}
        first = {i: ranked[i][: max(1, len(self._valid(parsed[i], texts)))] for i in pending}
        self._judge_round(question, parsed, texts, first, scored)
        retry = {i: ranked[i][len(first[i]):][: self.extra_candidates] for i in pending
                 if max(scored[i].values(), default=0.0) < self._threshold_for(parsed[i].text)}
        self._judge_round(question, parsed, texts, retry, scored)
        for i in pending:
            verdicts[i] = self._judged_verdict(parsed[i], scored[i])
        return Verification([v for v in verdicts if v is not None])

    def _judge_round(self, question: str, parsed: list[DraftSentence], texts: list[str],
                     plan: dict[int, list[int]], scored: dict[int, dict[int, float]]) -> None:
        jobs = [(i, n) for i, numbers in plan.items() for n in numbers]
        if not jobs:
            return
        results = self.judge.support([(question, parsed[i].text, texts[n - 1]) for i, n in jobs])
        for (i, n), score in zip(jobs, results, strict=True):
            scored[i][n] = score

    def _cheap_verdict(self, sentence: DraftSentence, texts: list[str]) -> SentenceVerdict | None:
        text = sentence.text
        if has_dose(text):
            return SentenceVerdict(text, sentence.cited, (), 0.0, "gives a dose or schedule")
        if is_personal_diagnosis(text):
            return SentenceVerdict(text, sentence.cited, (), 0.0, "tells someone what they have")
        number = missing_number(text, texts)
        if number:
            return SentenceVerdict(text, sentence.cited, (), 0.0, f"number '{number}' is in no source")
        name = missing_name(text, texts)
        if name:
            return SentenceVerdict(text, sentence.cited, (), 0.0, f"name '{name}' is in no source")
        cited = [texts[n - 1] for n in self._valid(sentence, texts)]
        conflict = _direction_conflict(text, cited) or _negated_word_conflict(text, cited, texts)
        if conflict:
            return SentenceVerdict(text, sentence.cited, (), 0.0, conflict)
        copied = [i + 1 for i in copied_from(text, texts)]
        if copied:
            best = [n for n in sentence.cited if n in copied] or copied[:1]
            return SentenceVerdict(text, sentence.cited, tuple(best), 1.0, f"copied from [{best[0]}]")
        return None

    @staticmethod
    def _valid(sentence: DraftSentence, texts: list[str]) -> list[int]:
        return [n for n in dict.fromkeys(sentence.cited) if 1 <= n <= len(texts)]

    def _candidates(self, sentence: DraftSentence, texts: list[str]) -> list[int]:
        """Cited passages first, then the others by how many words they share with the sentence."""
        valid = self._valid(sentence, texts)
        others = rank_by_overlap(sentence.text, texts, [i for i in range(len(texts)) if i + 1 not in valid])
        return valid + [i + 1 for i in others]

    def _threshold_for(self, statement: str) -> float:
        return self.short_threshold if len(statement.split()) < SHORT_STATEMENT_WORDS else self.threshold

    def _judged_verdict(self, sentence: DraftSentence, scored: dict[int, float]) -> SentenceVerdict:
        threshold = self._threshold_for(sentence.text)
        best_n = max(scored, key=scored.get) if scored else None
        best = scored.get(best_n, 0.0) if best_n else 0.0
        cited_ok = [n for n in sentence.cited if scored.get(n, 0.0) >= threshold]
        if cited_ok:
            return SentenceVerdict(sentence.text, sentence.cited, tuple(cited_ok), best,
                                   f"judge {max(scored[n] for n in cited_ok):.2f} on the cited passage")
        if best_n is not None and best >= threshold:
            return SentenceVerdict(sentence.text, sentence.cited, (best_n,), best,
                                   f"judge {best:.2f} on [{best_n}] (citation re-pointed)")
        return SentenceVerdict(sentence.text, sentence.cited, (), best,
                               f"no passage supports it (best judge score {best:.2f})")


def _direction_conflict(statement: str, cited: list[str]) -> str | None:
    """A statement that says "lower" where its cited passages only say "increased" (or the reverse).

    >>> _direction_conflict("It lowers the risk of infections.", ["an increased risk of infections"])
    "says 'lowers' where the cited source says 'increased'"
    """
    for mine, theirs in ((_DOWN, _UP), (_UP, _DOWN)):
        said = mine.search(statement)
        if said and cited and not any(mine.search(t) for t in cited):
            other = next((m for t in cited if (m := theirs.search(t))), None)
            if other:
                return f"says '{said.group()}' where the cited source says '{other.group()}'"
    return None


def _negated_word_conflict(statement: str, cited: list[str], shown: list[str]) -> str | None:
    """A statement using a word whose negated form ("uncommon", "irreversible") a shown source uses,
    while the passages it cites never use the plain word.

    >>> _negated_word_conflict("Yes, this is common.", ["Any cancer may be linked."], ["a group of uncommon disorders"])
    "says 'common' where a source says 'uncommon'"
    """
    words = set(re.findall(r"[a-z]{4,}", statement.lower()))
    cited_text = " ".join(cited).lower()
    for source in shown:
        for prefix, word in re.findall(r"\b(un|in|ir|non)([a-z]{4,})\b", source.lower()):
            if word in words and f"{prefix}{word}" not in statement.lower() \
                    and not re.search(rf"\b{word}\b", cited_text):
                return f"says '{word}' where a source says '{prefix}{word}'"
    return None


def _squash(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()
