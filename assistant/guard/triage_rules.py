"""The hand-written layer of triage: negation and who (patterns: ``triage_patterns``; when: ``triage_when``).

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


def reported(clause: str, start: int) -> bool:
    """Is what comes before ``start`` reported talk ("the doctor asked if…", "I read that…")?"""
    return bool(_REPORTING.search(clause[:start]))


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
