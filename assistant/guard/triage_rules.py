"""The hand-written layer of triage: negation, who and when (patterns: ``triage_patterns``).

Patterns run on normalised text (``triage_normalise``: lower case, contractions and common typos repaired).

>>> from assistant.guard.triage_normalise import normalise
>>> [m.rule for m in find_symptoms(normalise("no trouble breathing, just curious"))]
[]
>>> [m.rule for m in find_symptoms(normalise("she is not breathing"))]
['breathing']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.guard.triage_patterns import EMERGENCY_RULES, Rule
from assistant.guard.triage_urgent import URGENT_RULES

_NEGATORS = re.compile(
    r"\b(?:no|not|never|without|denies|denied|isn't|doesn't|don't|hasn't|haven't|wasn't|no longer|"
    r"nothing like|free of)\b(?:\W+\w+){0,3}\W*$"
)
# "sorry if this is the wrong place" is politeness, not a condition
_CONDITIONAL = re.compile(r"\b(?:(?<!sorry )(?<!apologies )(?<!not sure )if|in case|whenever|suppose|supposing|what happens|what to do|what should i do|"
                          r"what do i do)\b|(?:^|[,;:]\s*)when\b")  # "when" only opening a clause: "when he can't…"
_QUESTION_OPENERS = r"can|could|does|do|is|are|will|would|what|which|how|why|should|might|may|tell me|explain"
# "can barely breathe" tells, it does not ask
_NOT_ASKING = r"(?!'t\b)(?!\s+(?:barely|hardly|scarcely|only just|no longer|not)\b)"
_QUESTION_START = re.compile(rf"^\W*(?:{_QUESTION_OPENERS})\b{_NOT_ASKING}")
_TOPIC = re.compile(
    r"\b(?:syndromes?|dysautonomia|disease|disorders?|conditions?|paraneoplastic|myasthenia|lems|lambert|"
    r"encephalitis|encephalomyelitis|neuropathy|myelopathy|degeneration|ataxia|causes?|symptoms?|signs?|"
    r"side effects?|medicines?|medications?|drugs?|treatments?|patients|people|someone|a person|"
    r"story|character|movie|film|novel|poem|song|lyrics?|game|exercises?)\b"
)
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
_CLAUSE_SPLIT = re.compile(r"(?:[!?;]|\.(?!\d)|(?<!\d)\.)+|,\s*(?:but|though|however|and now)\b|\bbut\b|\bhowever\b|\bthough\b")
_FAMILY = (r"(?:mom|mum|mother|dad|father|husband|wife|partner|son|daughter|brother|sister|child|kid|baby|"
           r"grandma|grandpa|grandmother|grandfather|friend|aunt|uncle|boyfriend|girlfriend|spouse|"
           r"fianc[eé]e?|neighbou?r|roommate|patient|loved one|parent)")
_PERSONAL = re.compile(
    rf"\b(?:i|i'm|i've|i'd|me|myself|we|we're|he|he's|she|she's|him|they're|{_FAMILY}(?:'s)?|"
    rf"my (?:legs?|arms?|hands?|face|eyes?|eyelids?|speech|voice|words|memory|vision|balance|body|"
    rf"muscles?|throat|feet|fingers?|toes?|shoulders?|hips?|knees?|neck|back|jaw|head|chest|heart|breathing|"
    rf"syndrome|condition|temperature|temp|fever|pulse|heart rate)|"
    # someone here and now: "someone at my support group just collapsed"
    rf"(?:someone|somebody|a (?:man|woman|person|lady|guy|child|kid)) (?:just|here|next to me|near me|at (?:my|the|our)))\b"
)
_CHRONIC = re.compile(r"\b(?:for (?:many |a couple of |a few |two |three |several |\d+ )?years|for ages|for a long time|"
                      r"since (?:childhood|i was (?:a )?(?:kid|child|born))|"
                      r"all my life|always (?:had|been)|my whole life|(?:it's|it is|that's) not new|"
                      r"nothing(?:'s| has) changed|hasn't changed|(?:stays|stayed) the same)\b")
_PROGRESSION = re.compile(r"\b(?:getting worse|worse|worsening|new|started|began|over the (?:past|last) "
                          r"(?:few )?(?:days|weeks)|this week|for (?:a few|two|three|several) (?:days|weeks)|"
                          r"lately|each day|every (?:day|week)|since (?:monday|tuesday|wednesday|thursday|friday|"
                          r"saturday|sunday|last week|the weekend))\b")
_CANCER = re.compile(r"\b(?:cancer|tumou?r|chemo|chemotherapy|oncologist|lymphoma|thymoma|radiation)\b")


@dataclass(frozen=True)
class SymptomMatch:
    rule: str
    urgency: str
    description: str
    text: str  # the matched words
    clause: str  # the clause they were found in
    start: int  # where the match starts in the clause


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c and c.strip()]


_ASKS = re.compile(rf"^\W*(?:{_QUESTION_OPENERS}|did|was|what's|who|whom|where)\b{_NOT_ASKING}")
_QUESTION_CLAUSE = re.compile(r",\s*(?=(?:what|what's|who|where|how|why|which|is (?:that|this|it)|are (?:these|they)|"
                              rf"could|can|should|does|do)\b{_NOT_ASKING})")  # ", can't find words" tells


def asks(piece: str) -> bool:
    """Does this clause ask rather than tell? ("how long will he live with this" asks.)"""
    return bool(_ASKS.search(piece))


def question_split(text: str) -> list[str]:
    """Clauses, also split where a question starts after a comma.

    >>> question_split("her arms jerk, what is that called")
    ['her arms jerk', 'what is that called']
    """
    return [p.strip() for c in clauses(text) for p in _QUESTION_CLAUSE.split(c) if p.strip()]


def has_question(text: str) -> bool:
    """Does the message ask something (a "?", a clause that asks, or "i'm only asking…")?"""
    return "?" in text or just_asking(text) or any(asks(p) for p in question_split(text))


def find_symptoms(text: str, rules: tuple[Rule, ...] = EMERGENCY_RULES + URGENT_RULES) -> list[SymptomMatch]:
    """Every rule that matches a clause of normalised ``text`` and is not negated there."""
    found: list[SymptomMatch] = []
    for clause in clauses(text):
        for rule in rules:
            for match in rule.pattern.finditer(clause):
                if _NEGATORS.search(clause[: match.start()]):
                    continue
                found.append(SymptomMatch(rule.name, rule.urgency, rule.description, match.group(), clause,
                                          match.start()))
                break
    return found


_REPORTING = re.compile(r"\b(?:i (?:read|heard|saw)|read (?:that|about)|heard (?:that|about)|talk(?:ed|ing) about|"
                        r"asked (?:me )?(?:if|whether|about)|told us about|an article|a video|online|on the news|"
                        # "in my support group someone said..." reports; "someone at my support group just collapsed" tells
                        r"(?:support group|forum|(?:my|our|the|a) group)\b[^.!?]{0,40}\b(?:says?|said|told|tells|wrote|writes|"
                        r"mention\w*|talk\w*|"
                        r"post\w*|shar\w*)|(?:tv|television|the) (?:show|series|programme|program|episode)|documentary|"
                        r"(?:sheet|leaflet|booklet|pamphlet|handout|letter|website|label|poster|instructions?) (?:says?|said|tells?)|"
                        r"(?:nurse|doctor) (?:says?|said|tells? (?:us|me|you)|told (?:us|me)) to|"
                        # dev batch 17: "my daughter wrote a school report about suicide prevention"
                        r"(?:report|essay|project|assignment|presentation|homework|paper) (?:about|on))\b")
_ANIMAL = re.compile(r"\b(?:cat|dog|pet|puppy|kitten|rabbit|hamster|horse|bird|parrot)\b")
_PRONOUN = re.compile(r"\b(?:i|me|i'm|he|she|him|her|they|we|us)\b")


# "can my condition cause trouble breathing?", "could his LEMS make it hard to swallow?": whether it can, not that it does
_CAUSE_QUESTION = re.compile(r"^\W*(?:can|could|does|do|will|would|might|may|is it possible that)\b(?!'t)[^.!?]{0,60}"
                             r"\b(?:cause|causes|make|makes|lead to|leads to|give|gives|bring on|result in|affect)\b")


def is_general(clause: str, symptom_start: int) -> bool:
    """Is the clause about the topic rather than someone living it now?

    Conditional ("what if he can't breathe"), a question with no person before the symptom ("can
    dysautonomia cause trouble breathing"), a statement about a disease with no person in it, reported
    talk ("I read that some patients…", "the doctor asked if…"), or an animal ("my cat swallowed a pill").
    """
    before = clause[:symptom_start]
    if _CONDITIONAL.search(before) or _REPORTING.search(before) or _CAUSE_QUESTION.search(before):
        return True
    if _ANIMAL.search(before) and not _PRONOUN.search(before):
        return True
    if _QUESTION_START.search(clause) and not _PERSONAL.search(before):
        return True
    return not _PERSONAL.search(clause) and bool(_TOPIC.search(clause))


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


def reported(clause: str, start: int) -> bool:
    """Is what comes before ``start`` reported talk ("the doctor asked if…", "I read that…")?"""
    return bool(_REPORTING.search(clause[:start]))


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


def mentions_cancer(text: str) -> bool:
    return bool(_CANCER.search(text))


# ... and said as a habit: "he chokes on water now", "she keeps choking on her food", "I choke when I drink"
# (dev batch 11); "he's choking!" and "help he chokes" are not.
_RECURRING = re.compile(r"\b(?:a bit|a little|sometimes|lately|often|now and then|on and off|occasionally|"
                        r"every (?:now|so often)|from time to time|these days|nowadays|every time|"
                        r"keeps? (?:on )?choking|choke (?:when|whenever|if)|"
                        # normalised "chokes" and "choked" are both "choke": "she choked on her dinner and now ..."
                        r"choke on (?:water|drinks?|liquids?|fluids|food|(?:his|her|my) food) (?:now|a lot))\b")


# dizzy when standing up, "lately", with no faint: a heartbeat and blood pressure problem to see a doctor about soon
_ON_STANDING = re.compile(r"\b(?:when|whenever|every time|if) (?:i|he|she|they|we) (?:stand|stands|get up|gets up|"
                          r"sit up|sits up)\b")
_REAL_FAINT = re.compile(r"\b(?:faint\w*|pass(?:ed|es|ing)? out|black(?:ed|s|ing)? out|collaps\w*|keel\w* over|"
                         r"unconscious|hit the floor)\b")


# "staring spells where he doesn't respond for a few seconds": absences to see a doctor about soon (dev batch 13)
# ... unless the clause says more: "a staring spell and now he won't wake up"
BRIEF_SPELLS = re.compile(r"^(?!.*\b(?:wake|waking|woken|rouse|unconscious|breath\w*|blue|floor)\b)"
                          r".*\b(?:staring|blank|absence) (?:spells?|episodes?|moments?)\b")


def recurring_downgrade(match: SymptomMatch) -> SymptomMatch:
    """Choking "a bit, lately" is a swallowing problem to see a doctor about soon, not a choking emergency;
    so is getting dizzy with a fluttering heart "lately" or "when I stand up", when no one has fainted, and so
    are brief spells of not responding and "can't stay awake in the afternoons lately".

    >>> recurring_downgrade(find_symptoms("he keeps choking a bit on drinks lately")[0]).urgency
    'urgent'
    >>> {recurring_downgrade(m).urgency for m in find_symptoms("lately I get dizzy and my heart flutters")}
    {'urgent'}
    >>> {recurring_downgrade(m).urgency for m in find_symptoms("lately I faint and my heart is racing")}
    {'emergency'}
    """
    if match.rule == "choking" and _RECURRING.search(match.clause):
        return SymptomMatch("swallowing", "urgent", "trouble swallowing, now and then", match.text, match.clause,
                            match.start)
    if match.rule == "unresponsive" and "awake" in match.text and _RECURRING.search(match.clause):
        return SymptomMatch("sleep", "urgent", "sleepiness, now and then", match.text, match.clause, match.start)
    if match.rule == "unresponsive" and BRIEF_SPELLS.search(match.clause):  # a spell, not someone out cold
        return SymptomMatch("seizure", "urgent", "brief spells of not responding", match.text, match.clause,
                            match.start)
    if (match.rule == "fainting_heart" and (_RECURRING.search(match.clause) or _ON_STANDING.search(match.clause))
            and not _REAL_FAINT.search(match.clause)):
        return SymptomMatch("dizzy_heart", "urgent", "dizziness with heartbeat changes, now and then", match.text,
                            match.clause, match.start)
    return match


# "my heart isn't racing", "my pulse is fine" -- but "my breathing isn't right" is a complaint, not a negation
_NEGATED_AFTER = re.compile(r"\W*(?:(?:isn't|aren't|wasn't|(?:is|are|was|feels?|seems?) not)\s+"
                            r"(?!right|normal|good|well|working|stopping|getting|going|easing|improving|ok\b|okay)\w+"
                            r"|(?:is|are|was|feels?|seems?) (?:fine|ok|okay|normal)\b)")
_JUST_ASKING = re.compile(r"\b(?:just|only|simply) (?:asking|curious|wondering|want(?:ed)? to (?:know|understand|learn))\b")


def just_asking(text: str) -> bool:
    """Does the writer say they only ask ("i'm only asking how…", "just curious")?"""
    return bool(_JUST_ASKING.search(text))


def negated_symptom(piece: str, symptom_words: re.Pattern[str]) -> bool:
    """Is the first symptom word of ``piece`` negated ("i don't have chest pain")?

    >>> negated_symptom("i don't have chest pain", re.compile(r"chest|pain"))
    True
    """
    first = symptom_words.search(piece)
    return bool(first and (_NEGATORS.search(piece[: first.start()])
                           or _NEGATED_AFTER.match(piece, first.end())))
