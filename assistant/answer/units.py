"""Evidence units: the sentences of a passage that can be quoted or judged alone, each with its subject.

A sentence inside a bullet ("Lambert-Eaton myasthenic syndrome. This is a syndrome caused by ...") is read
with the bullet's lead term as its subject, unless it names it, so neither a scorer nor a reader loses what it
is about; so is a sentence that lists what its paragraph's first sentence names ("Drugs may include ...").
Lines that only introduce a list ("... may include:") and bare lead terms are not units.

>>> [u.readable for u in units("Myelopathy. This term refers to injury of the spinal cord. Myelopathy is rare.")]
['Myelopathy: This term refers to injury of the spinal cord.', 'Myelopathy is rare.']
>>> units("Examples include:\\n\\n- Alpha. It is an example.")[0].subject
'Alpha'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.text import sentences, tokenize

_LEAD = re.compile(r"^(?P<term>[A-Z][\w' ()-]{2,70}?)\.$")
_REFERS_BACK = re.compile(r"^(?:This|It|These|They|Its|Their|People with this)\b")
# A sentence that only goes on from the one before it: "Instead, they occur ... immune system." after "They are not
# caused by the cancer spreading."; quoted or judged alone it loses what it answers, or what it contrasts with.
# "He or she may also need to request a spinal tap or imaging tests." goes on with the tests of the sentence before
# (dev batch 14: "how do the doctors know for sure" was told of the exam and blood tests only).
_GOES_ON = re.compile(r"^(?:Instead|However|Therefore|Otherwise|Even so|Still),\s|^But\s|"
                      r"^(?:He or she|She or he) (?:\w+ )?also\b")
# A paragraph that opens with a condition ("If no malignant tumor is located ..., the problem may ...") sets it for
# every sentence after it: "You'll likely have follow-up imaging tests every 3 to 6 months" is quoted with its "if".
_CONDITION = re.compile(r"^(?:If|Unless)\s")
# "Side effects include ...", "Drugs may include ... rituximab ...", "Other drugs, such as pyridostigmine (Mestinon),
# prevent ...": of what the paragraph's first sentence names; quoted alone they lost it (dev batch 13: "what does
# rituximab do" was answered with the list of drugs and not that they are immunosuppressants).
_OF_THE_OPENER = re.compile(r"^(?:(?:Some|Other|These|Such|Serious(?: long-term)?) )?(?:drugs|medications|side effects|"
                            r"treatments)\b", re.IGNORECASE)


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


def units(text: str) -> list[Unit]:
    r"""The sentences of a passage that can be evidence (see the module docstring).

    A short sentence opening a block is a bullet's lead term when it has at most three words, or the next
    sentence refers back to it ("This", "It", "People with this ...") or repeats its words ("Doctors
    treat the cancer first." is not one). A list of short items ("- Difficulty walking") is one unit,
    read after the line that introduces it, so "Hallucinations" is never quoted alone.

    >>> [u.readable for u in units("It may include:\n\n- Difficulty walking\n- Seizures")]
    ['It may include: Difficulty walking; Seizures.']
    >>> [u.readable for u in units("Immunosuppressants slow white blood cells. Drugs may include rituximab.")][1]
    'Immunosuppressants: Drugs may include rituximab.'
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
        elif sentence.endswith("?") and not lead and (_bulleted(text, spans, i) or asker(intro, "") != _NO_ASKER):
            out.append(Unit(sentence, asker(intro, sentence)))
        else:
            out.append(Unit(sentence, lead or _opener_subject(text, spans, i)))
    if items:
        out.append(Unit(f"{intro} {'; '.join(items)}.".strip()))
    return out


_DOCTOR_ASKS = "Your doctor may ask"
_YOU_ASK = "A question to ask your doctor"
_NO_ASKER = ""  # an introduction that does not say who asks
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|me|my|mine)\b", re.IGNORECASE)


def asker(intro: str, question: str) -> str:
    """Who asks a question the sources list, as its subject: "Have you ever smoked?" quoted alone read as the
    assistant asking it, and was judged unsupported (dev g337, g387). The list's introduction says who asks;
    without one (a list cut at a chunk's start) a question in the first person is the patient's.

    >>> asker("Your doctor may ask the following questions:", "Have you ever smoked?")
    'Your doctor may ask'
    >>> asker("Some basic questions to ask your doctor include:", "What diagnostic tests will you order?")
    'A question to ask your doctor'
    >>> asker("", "Which specialists will I need to see?"), asker("", "Have any close relatives had cancer?")
    ('A question to ask your doctor', 'Your doctor may ask')
    """
    said = intro.lower()
    if re.search(r"\bquestions? to ask\b|\bask (?:your|the) (?:doctor|care team|team)\b", said):
        return _YOU_ASK
    if re.search(r"\b(?:may|will|might) ask\b|\bask you\b", said):
        return _DOCTOR_ASKS
    if not question:
        return _NO_ASKER
    return _YOU_ASK if _FIRST_PERSON.search(question) else _DOCTOR_ASKS


def _bulleted(text: str, spans: list[tuple[str, int, int]], i: int) -> bool:
    """Is sentence ``i`` a list item ("- Have you ever smoked?")?"""
    return text[:spans[i][1]].rstrip(" \t").endswith(("-", "*", "•"))


def lead_terms(text: str) -> list[str]:
    """The bullet lead terms of a passage ("Myelopathy"), as :func:`units` finds them.

    >>> lead_terms("Myelopathy. This term refers to injury of the spinal cord.")
    ['Myelopathy']
    """
    spans = sentences(text)
    return [_LEAD.match(s).group("term") for i, (s, _, _) in enumerate(spans) if _is_lead(text, spans, i)]


def _opener_subject(text: str, spans: list[tuple[str, int, int]], i: int) -> str:
    """What sentence ``i`` is about when it opens with "Drugs", "Side effects" ... (``_OF_THE_OPENER``): the
    subject of its paragraph's first sentence, up to its first comma if that is short, else its first word.

    >>> text = "Corticosteroids, such as prednisone, inhibit inflammation. Side effects include bone loss."
    >>> _opener_subject(text, sentences(text), 1)
    'Corticosteroids'
    """
    if not _OF_THE_OPENER.match(spans[i][0]):
        return ""
    first = _paragraph_start(text, spans, i)
    if first == i:
        return ""
    opener = spans[first][0]
    head = opener.split(",")[0]
    return head if "," in opener and len(head.split()) <= 6 else opener.split()[0]


def _paragraph_start(text: str, spans: list[tuple[str, int, int]], i: int) -> int:
    """The index of the first sentence of sentence ``i``'s paragraph (no line break between them)."""
    first = i
    while first > 0 and "\n" not in text[spans[first - 1][2]:spans[first][1]]:
        first -= 1
    return first


def _goes_on(text: str, spans: list[tuple[str, int, int]], i: int) -> bool:
    """Does sentence ``i`` go on from the one before it, in the same paragraph (``_GOES_ON``)?"""
    return i > 0 and bool(_GOES_ON.match(spans[i][0])) and "\n" not in text[spans[i - 1][2]:spans[i][1]]


def _under_condition(text: str, spans: list[tuple[str, int, int]], i: int) -> bool:
    """Is sentence ``i`` in a paragraph whose first sentence is a condition (``_CONDITION``)?"""
    first = _paragraph_start(text, spans, i)
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
    if unit.subject in (_DOCTOR_ASKS, _YOU_ASK):
        return [unit.text]  # who asks is shown, not scored: "A question to ask your doctor" is no answer to one
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

