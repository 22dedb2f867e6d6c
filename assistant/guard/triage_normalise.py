"""Triage's normalisation: lower case, quotations dropped, contractions and near-miss spellings repaired.

The rules (``triage_rules``) and concepts run on this text, so "cant breath" and "CAN'T BREATHE" match the
same pattern.

>>> normalise("My dad cant breath, hes chokeing!!")
"my dad can't breath, he's choking!!"
"""

from __future__ import annotations

import os
import re

from assistant.core.text import clean_text, english_words

_CONTRACTIONS = {
    "cant": "can't", "cannot": "can't", "can not": "can't", "wont": "won't", "dont": "don't",
    "doesnt": "doesn't", "isnt": "isn't", "hes": "he's", "shes": "she's", "im": "i'm", "ive": "i've",
    "didnt": "didn't", "hasnt": "hasn't", "havent": "haven't", "wasnt": "wasn't", "couldnt": "couldn't",
    "u": "you", "ur": "your", "pls": "please", "rn": "right now", "asap": "as soon as possible",
}
_VOCABULARY = (
    "breathe breathing breath breathless choking choke swallow swallowing seizure seizures seizing "
    "convulsing convulsions unconscious unresponsive wake waking suicide suicidal kill myself "
    "drooping slurring slurred paralyzed paralysed bladder bowel bowels fainted fainting passed "
    "heartbeat racing pounding weakness weaker walking balance falling hallucinating hallucinations "
    "coordination swallowing vision double memory confused confusion forgetting stiffness twitching "
    "jerking numbness tingling dizzy dizziness speech stroke emergency minutes spreading quickly "
    "suddenly overdose harm hurting chest pressure bleeding blood pills tablets headache throat "
    "fainting blacking pulse fluttering skipping seizure wheezing rouse collapsed husband temperature"
).split()
_VOCAB_SET = set(_VOCABULARY)


_QUOTED = re.compile(r"(?<![\w'])[\"“'‘](?:[^\"”'’]|(?<=\w)'(?=\w)){3,80}[\"”'’](?!\w)")
_REPORTED = re.compile(r"\b(?:says?|said|saying|told|tells|telling|keeps? saying|screams?|screaming|yells?|"
                       r"yelling|cries|crying|whispers?|whispering)\W*$")


def drop_quotations(text: str) -> str:
    """Remove quoted phrases unless they report what someone said ("he said 'I can't breathe'").

    >>> drop_quotations("is 'i can't breathe' a movie line")
    'is  a movie line'
    >>> drop_quotations("my dad said 'i can't breathe'")
    "my dad said 'i can't breathe'"
    """
    def keep_reported(match: re.Match[str]) -> str:
        return match.group() if _REPORTED.search(text[: match.start()]) else ""
    return _QUOTED.sub(keep_reported, text)


def normalise(text: str) -> str:
    """Lower-case, repair contractions and near-miss spellings of the words the rules look for."""
    text = clean_text(text).lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    text = drop_quotations(text)
    text = re.sub(r"\bcan not\b", "can't", text)
    words = re.split(r"(\W+)", text)
    return "".join(_repair(word) for word in words)


def _repair(word: str) -> str:
    if not word or not word[0].isalpha():
        return word
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if word in _VOCAB_SET or len(word) < 5:
        return word
    for known in _VOCABULARY:
        if abs(len(known) - len(word)) <= 1 and _edit_distance_at_most_one(word, known) \
                and (word not in english_words() or _same_stem(word, known)):
            return known
    return word


def _same_stem(word: str, known: str) -> bool:
    """Another form of the same word ("collapses" for "collapsed", "headaches" for "headache")."""
    return len(os.path.commonprefix([word, known])) >= min(len(word), len(known)) - 2


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or adjacent swap turns a into b."""
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] \
            and a[diffs[1]] == b[diffs[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
