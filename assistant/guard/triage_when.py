"""When triage's rules say a symptom happens: past, over since, sudden, going on for days, long-standing.

Run on normalised text (``triage_normalise``), clause by clause (``triage_rules.clauses``); a past marker counts only
for the part of a clause it is in, so a past event told beside a symptom now does not make the symptom past.

>>> is_past_at("he can't breathe he had surgery in 2019", 3), is_past("last year he had a seizure")
(False, True)
>>> resolved_later("she choked but she's fine now", "she choked"), is_sudden("suddenly she can't see")
(True, True)
"""

from __future__ import annotations

import re

from assistant.guard.triage_rules import clauses

_PAST = re.compile(r"\b(?:last year|years ago|months ago|(?:it's|it is|that's|everything's) (?:fine|ok|okay|better|normal|gone) now|(?:a )?long (?:time )?ago|"
                   r"in the past(?! (?:few |couple of |two |three |\d+ )?(?:days?|weeks?|months?|hours?|fortnight))|"
                   r"(?<!never )(?<!like they )(?<!like it )(?<!like he )(?<!like she )(?<!like i )(?<!as they )(?<!as i )used to|back in (?:19|20)\d\d|"
                   r"when i was (?:a )?(?:kid|child|teen)|in (?:19|20)\d\d|as a (?:teenager|teen|kid|child)|"
                   r"(?:i|he|she|they|we) once|back then|at the time|(?<!since )(?<!over the )(?<!in the )(?<!than )(?<!started )(?<!began )(?<!begun )last (?:month|week|spring|summer|autumn|fall|winter|christmas)|(?<!one )last time|(?:was|were|had|did|couldn't|wouldn't|went|got) [^.!?]{0,40}\bonce(?=\s*(?:$|,|before|in |when|as a|years))|"
                   r"before (?:his|her|my|the) (?:pacemaker|operation|surgery|treatment)|"
                   # dev batch 17: the story of how it was found ("he collapsed ... in january and that's how they
                   # found it"). Not "in <month>", "at diagnosis" or "when I was diagnosed": a clause that says them
                   # beside a symptom now ("he can't breathe and at diagnosis they said this might happen") is not past
                   r"that's how (?:they|we|the doctors?) (?:found|discovered|diagnosed))\b")
_CHRONIC = re.compile(r"\b(?:for (?:many |a couple of |a few |two |three |several |\d+ )?years|for ages|for a long time|"
                      r"since (?:childhood|i was (?:a )?(?:kid|child|born))|"
                      r"all my life|always (?:had|been)|my whole life|(?:it's|it is|that's) not new|"
                      r"nothing(?:'s| has) changed|hasn't changed|(?:stays|stayed) the same)\b")
_PROGRESSION = re.compile(r"\b(?:getting worse|worse|worsening|new|started|began|over the (?:past|last) "
                          r"(?:few )?(?:days|weeks)|this week|for (?:a few|two|three|several) (?:days|weeks)|"
                          r"lately|each day|every (?:day|week)|since (?:monday|tuesday|wednesday|thursday|friday|"
                          r"saturday|sunday|last week|the weekend))\b")
_NOW_AFTER = re.compile(r"\b(?<!fine )(?<!ok )(?<!okay )(?<!better )(?<!well )(?<!recovered )(?<!controlled )(?<!stable )"
                        r"(?<!settled )(?<!resolved )(?<!control )"
                        r"(?:now|right now|today|tonight|this morning|at the moment|currently)\b"
                        # "... and now takes medicine", "now I'm doing fine": life since, not a symptom now
                        r"(?! (?:(?:she|he|i|they|we)(?:'s|'m| is| am| are)? )?(?:takes?|taking|on (?:medicine|medication|"
                        r"tablets|pills)|doing (?:fine|well|ok|okay|better)|fine|better|ok|okay|well|recovered)\b)")


def is_past(text: str) -> bool:
    """Told as past, unless something is said to happen now after it ("last week … and now he has a fever");
    "my hands don't grip like they used to" is a change now (dev batch 12).

    >>> is_past("last year he had a seizure"), is_past("he finished chemo last week and now he has a fever")
    (True, False)
    >>> is_past("he used to have fits"), is_past("my hands don't grip like they used to")
    (True, False)
    """
    return _past_before(text, len(text))


def _past_before(text: str, end: int) -> bool:
    """A past marker before ``end`` and nothing said to happen now after it, anywhere in ``text``."""
    found = _PAST.search(text[:end])
    return bool(found) and not _NOW_AFTER.search(text, found.end())


# "my father choked on a pill yesterday but he's fine now": what the clauses before it told is over
_RESOLVED = re.compile(r"^\W*(?:but|and)?\s*(?:now\s+)?(?:he|she|i|they|we|it|everything)(?:'s|'m|'re| is| am| are)? "
                       r"(?:(?:totally|completely|perfectly|absolutely) )?(?:fine|ok|okay|alright|all right|"
                       r"back to normal)(?: now| again)?(?=\W*$|\s*[,;]|\s+(?:and|so)\b)"
                       # "she had a bad seizure the week she was diagnosed but none since" (dev batch 18)
                       r"|^\W*(?:but|and)?\s*(?:(?:none|no more|no others?|not again) since|"
                       r"(?:(?:he|she|i|they|we) )?(?:hasn't|haven't|has not|have not) had (?:one|any|another) since)\b")


def resolved_later(text: str, clause: str) -> bool:
    """Does the clause right after ``clause`` in ``text`` say that it is over ("but he's fine now")?

    >>> resolved_later("my father choked on a pill yesterday but he's fine now", "my father choked on a pill yesterday")
    True
    >>> resolved_later("she choked and she's not ok now", "she choked")
    False
    >>> resolved_later("he fell, but he's fine now, should he be checked?", "he fell")
    True
    >>> resolved_later("he had a fit in may but hasn't had one since", "he had a fit in may")
    True
    """
    at = text.find(clause)
    rest = clauses(text[at + len(clause):]) if at >= 0 and clause else []
    return bool(rest) and bool(_RESOLVED.match(rest[0]))


_PART_END = re.compile(r"[,;]")
# Someone new told of in the past after the symptom, no comma between: "he can't breathe he had surgery in 2019",
# "she is choking and she had a stroke last year" (dev batch 18, and the browser walk: neither had a banner)
_NEW_PAST_CLAUSE = re.compile(r"\s(?:(?:and|so|because|since|as)\s+)?(?:i|he|she|they|we|(?:my|his|her|their|our) \w+)"
                              r"\s+(?:had|was|were|did|got|went|used to)\b")
# ... unless the symptom's own part is told in the past too: "he had a seizure and he was in hospital last year"
_TOLD_PAST = re.compile(r"\b(?:had|was|were|did|went|got)\b")


def is_past_at(clause: str, start: int) -> bool:
    """Is what the clause tells at ``start`` past? Only a past marker before it or in its own part counts: a
    part ends at a comma, or where a new past clause begins after a symptom told in the present ("he can't
    breathe, he had surgery in 2019" and "he can't breathe he had surgery in 2019" tell of breathing now).

    >>> is_past_at("he can't breathe, he had surgery in 2019", 3), is_past_at("he had a seizure last year, ok?", 9)
    (False, True)
    >>> is_past_at("last year, he had a seizure", 14), is_past_at("he can't breathe he had surgery in 2019", 3)
    (True, False)
    >>> is_past_at("he had a seizure and he was in hospital for it last year", 9)
    True
    """
    comma = _PART_END.search(clause, start)
    end = comma.start() if comma else len(clause)
    new = _NEW_PAST_CLAUSE.search(clause, start, end)
    if new and not _TOLD_PAST.search(clause, 0, new.start()):
        end = new.start()
    return _past_before(clause, end)


_SUDDEN_NOW = re.compile(r"\b(?:sudden(?:ly)?|all of a sudden|out of nowhere|just now|right now|(?:a few |\d+ |ten |twenty )?"
                         r"minutes ago|in the last hour|an hour ago|within (?:the last |an )?hour)\b")
_OVER_DAYS = re.compile(r"\b(?:days?|weeks?|fortnight|months?|years?|since (?:monday|tuesday|wednesday|thursday|"
                        r"friday|saturday|sunday|yesterday|last))\b|(?:okay|ok|fine|better) now\b")


def is_sudden(clause: str) -> bool:
    """Did it start suddenly, minutes or an hour ago, rather than over days? The stroke warning signs are all
    sudden ones: sudden confusion, trouble seeing, dizziness or loss of balance, trouble speaking.

    >>> is_sudden("all of a sudden she can't see properly"), is_sudden("suddenly much worse over the last week")
    (True, False)
    """
    return bool(_SUDDEN_NOW.search(clause)) and not _OVER_DAYS.search(clause)


# "on and off for a few days", "for weeks": going on a while, no sudden change -- said of a heart that races, an
# urgent sign to see a doctor about soon, not an emergency by likeness to "my heart keeps stopping and starting"
_ONGOING = re.compile(r"\b(?:on and off|off and on|comes and goes|come and go|for (?:a few|a couple of|two|three|"
                      r"four|several|\d+) (?:days|weeks)|for (?:days|weeks)|since last week)\b")


def is_ongoing(clause: str) -> bool:
    """Is it told as going on for days or coming and going, with nothing sudden?

    >>> is_ongoing("my heart has been racing on and off for a few days"), is_ongoing("for days, and just now he fell")
    (True, False)
    """
    return bool(_ONGOING.search(clause)) and not _SUDDEN_NOW.search(clause)


def is_chronic(text: str) -> bool:
    return bool(_CHRONIC.search(text))


def mentions_progression(text: str) -> bool:
    return bool(_PROGRESSION.search(text))
