"""A draft answer as sentences with their citation markers, before anything checks them.

Prompt formatting ("(Medications)", "[2] (Imaging tests)", "Passage:") is stripped, ``[n]`` markers are parsed (one
opening a sentence belongs to the sentence before), and a leading "Yes,"/"No," is set aside: the statement is what
the verifier (:mod:`assistant.answer.verify`) checks.

>>> [(s.text, s.cited) for s in split_draft("It is rare [1]. It is immune [2][9]. Uncited.")]
[('It is rare.', (1,)), ('It is immune.', (2, 9)), ('Uncited.', ())]
>>> [s.text for s in split_draft("(Medications) Corticosteroids inhibit inflammation. [2]")]
['Corticosteroids inhibit inflammation.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.text import sentences

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# What the prompt looks like, never part of an answer: "Passages:", "[2] (Imaging tests)", "(Medications)".
_PROMPT_FORMAT = re.compile(
    r"^\s*(?:(?:Passages?|Question|Answer|Statement)\s*:\s*)?(?:\[\d+\]\s*)?(?:\((?:[A-Z][\w&',/ -]{1,60})\)\s*)?")
_POLARITY = re.compile(r"^(?:yes|no|yeah|nope|correct|true|false)\s*[,;:!—–-]+\s*", re.IGNORECASE)
# "[1] indicates that X": with the marker moved to the sentence before, "indicates that" is left over.
_CITATION_SUBJECT = re.compile(
    r"^(?:the )?(?:passage|source|text)?\s*(?:indicates|states|says|shows|mentions|explains|notes|suggests)\s+"
    r"that\s+", re.IGNORECASE)


@dataclass(frozen=True)
class DraftSentence:
    text: str  # the sentence without its markers
    cited: tuple[int, ...]  # passage numbers as the model wrote them


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
        text = _MARKERS.sub("", _PROMPT_FORMAT.sub("", raw, count=1)).strip()
        text = _CITATION_SUBJECT.sub("", strip_polarity(text), count=1)
        text = re.sub(r"\s+([.!?,;:])", r"\1", text[:1].upper() + text[1:])
        if text.strip(" .!?,;:-") and not text.endswith(":"):
            out.append(DraftSentence(text, cited))
    return out


def _numbers_in(markers: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", markers))
