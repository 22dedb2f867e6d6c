"""The hand-written layer of triage: normalisation, symptom patterns, negation, who and when.

Patterns run on normalised text (lower case, contractions and common typos repaired), so
"cant breath" and "CAN'T BREATHE" match the same rule.

>>> normalise("My dad cant breath, hes chokeing!!")
"my dad can't breath, he's choking!!"
>>> [m.rule for m in find_symptoms(normalise("no trouble breathing, just curious"))]
[]
>>> [m.rule for m in find_symptoms(normalise("she is not breathing"))]
['breathing']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import clean_text

# -- normalisation -------------------------------------------------------------------------------

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
    "suddenly overdose harm hurting"
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
        if abs(len(known) - len(word)) <= 1 and _edit_distance_at_most_one(word, known):
            return known
    return word


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


# -- symptom patterns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    name: str  # e.g. "breathing"
    urgency: str  # "emergency" or "urgent"
    description: str  # for the reason, e.g. "trouble breathing"
    pattern: re.Pattern[str]


def _rule(name: str, urgency: str, description: str, *alternatives: str) -> Rule:
    return Rule(name, urgency, description, re.compile("|".join(f"(?:{a})" for a in alternatives)))


_NOW = r"(?:right now|just now|now|suddenly|sudden|all of a sudden|started (?:a few |\d+ )?minutes ago|" \
       r"this morning|an hour ago|in the last hour|tonight|today)"
_LIQUIDS = r"(?:water|liquids?|drinks?|fluids?|(?:my |his |her |their )?(?:own )?(?:spit|saliva))"
_SEIZURE = r"(?:seizures?|seizing|convulsing|convulsions?|fitting|fits?)"
_OVER_5_MIN = (r"(?:[5-9]|[1-9]\d|five|six|seven|eight|nine|ten|fifteen|twenty|thirty) ?(?:minutes|mins|min)\b")

EMERGENCY_RULES = (
    _rule("breathing", "emergency", "trouble breathing",
          r"\bcan't (?:\w+ )?(?:breathe?\b|catch (?:my|his|her|their) breath|get (?:enough )?air)",
          r"\b(?:trouble|difficulty|struggling|struggle|hard|problems?) (?:to )?(?:breathe|breathing)",
          r"\bcan (?:hardly|barely|scarcely|not) (?:breathe|catch (?:my|his|her|their) breath|get air)",
          r"\bnot breathing\b", r"\bstopped breathing\b", r"\bgasping\b", r"\bshort(?:ness)? of breath\b",
          r"\bbreathing (?:very |really |so )?(?:fast|rapid|shallow|heavy|hard|noisy)\b.{0,40}",
          r"\bcan't (?:speak|talk|finish) (?:in )?(?:full |whole |a )?sentences?\b",
          r"\bturning blue\b", r"\blips are blue\b", r"\bbreathless\b", r"\bsuffocating\b"),
    _rule("choking", "emergency", "choking or unable to swallow liquids",
          r"\bchok(?:e|es|ing|ed)\b",
          rf"\bcan't (?:even )?swallow (?:any |even )?(?:{_LIQUIDS}|anything|at all)",
          rf"\bunable to swallow (?:any |even )?{_LIQUIDS}"),
    _rule("seizure_long", "emergency", "a seizure that will not stop or lasts more than 5 minutes",
          rf"\b{_SEIZURE}\b[^.!?]{{0,60}}\b(?:won't stop|isn't stopping|not stopping|still going|keeps going|"
          rf"{_OVER_5_MIN})", rf"\b{_OVER_5_MIN}\b[^.!?]{{0,30}}\b{_SEIZURE}\b",
          rf"\b{_SEIZURE}\b.{{0,40}}\bwon't wake\b"),
    _rule("unresponsive", "emergency", "someone who will not wake up or respond",
          r"\b(?:won't|can't|doesn't|isn't|not|cannot) (?:wake|waking|woken|be woken)(?: up)?\b",
          r"\bunresponsive\b", r"\bunconscious\b", r"\bcollapsed\b",
          r"\b(?:isn't|not|doesn't|won't|stopped|is not|does not) (?:responding|respond|reacting|answering)\b",
          r"\bcan't wake (?:him|her|them)\b"),
    _rule("paralysis", "emergency", "sudden loss of leg movement or of bladder/bowel control",
          r"\bcan't (?:move|feel|lift|stand on) (?:my|his|her|their|both)? ?legs?\b",
          r"\bsudden(?:ly)? (?:\w+ )?weak(?:ness)? in (?:both|my|his|her|their) legs\b",
          r"\b(?:can't|unable to) (?:pee|urinate|empty (?:my|his|her) bladder)\b",
          r"\blegs? (?:suddenly )?(?:won't move|gave out|stopped working|are paralyzed|is paralyzed)",
          r"\b(?:paralyzed|paralysed)\b",
          r"\b(?:lost|losing|loss of|no) control (?:of|over) (?:my |his |her |their )?(?:bladder|bowels?|"
          r"pee|poop)", r"\b(?:wet|soiled) (?:myself|himself|herself) (?:and|suddenly)"),
    _rule("spreading_weakness", "emergency", "weakness spreading quickly over hours",
          r"\b(?:weak(?:ness|er)?|numb(?:ness)?|paralysis)\b[^.!?]{0,60}\b(?:spreading|moving up|climbing up|"
          r"by the hour|(?:over|in|within) (?:a few |a couple of |the last |the past |\d+ |two |three )?"
          r"(?:hours?|hrs?)\b|every hour)",
          r"\b(?:spreading|creeping|moving up)\b[^.!?]{0,40}\b(?:weakness|numbness)\b[^.!?]{0,30}\bhours?\b",
          r"\bgetting weaker (?:by the|every) (?:hour|minute)"),
    _rule("fainting_heart", "emergency", "fainting with a racing or irregular heartbeat",
          r"\b(?:fainted|fainting|passed out|blacked out|collapsed)\b[^.!?]{0,60}\b(?:heart(?:beat)?|pulse)\b"
          r"[^.!?]{0,25}"
          r"\b(?:racing|pounding|irregular|skipping|fluttering|fast|all over the place)",
          r"\b(?:heart(?:beat)?|pulse)\b[^.!?]{0,25}\b(?:racing|pounding|irregular|skipping|fluttering)\b"
          r"[^.!?]{0,60}"
          r"\b(?:fainted|fainting|passed out|blacked out|collapsed)\b"),
    _rule("stroke", "emergency", "stroke signs (face drooping, sudden slurred speech or one-sided weakness)",
          r"\b(?:face|smile|mouth)\b[^.!?]{0,20}\b(?:drooping|droops|drooped|droopy|lopsided|crooked|"
          r"sagging|uneven|fell|is falling)\b", r"\bdrooping (?:face|mouth|smile)\b",
          r"\b(?:talking|speaking|speaks|talks) (?:\w+ )?(?:gibberish|nonsense)\b", r"\bjumbled words\b",
          rf"\b(?:slurring|slurred|can't speak|can't talk|garbled)\b[^.!?]{{0,40}}\b{_NOW}\b",
          rf"\b{_NOW}\b[^.!?]{{0,40}}\b(?:slurring|slurred|can't speak|can't talk|garbled)\b",
          r"\bone side of (?:my|his|her|their) (?:face|body)\b[^.!?]{0,30}\b(?:numb|weak|droop|won't move)",
          r"\b(?:having|had|think (?:i'm|he's|she's) having) a stroke\b"),
    _rule("self_harm", "emergency", "thoughts of suicide or self-harm",
          r"\b(?:kill|killing|hurt|hurting|harm|harming) (?:myself|himself|herself|themselves)\b",
          r"\b(?:suicide|suicidal)\b", r"\bend (?:my|his|her) life\b", r"\bwant(?:s)? to die\b",
          r"\bbetter off dead\b", r"\b(?:end|ending|take|taking) (?:my|his|her|their) (?:own )?life\b",
          r"\bend it all\b", r"\bdon't want to be here any ?more\b", r"\bno (?:reason|point) (?:to|in) (?:live|living|going on)\b",
          r"\btake all (?:my|of my|his|her) (?:pills|meds|medication)", r"\boverdose\b",
          r"\bdon't want to (?:live|be alive|wake up)\b"),
)

URGENT_RULES = (
    _rule("walking", "urgent", "trouble walking, balance or coordination",
          r"\b(?:trouble|difficulty|problems?|hard time|can't|unable to|struggling) (?:with )?(?:walk|walking|"
          r"balance|balancing|keep(?:ing)? (?:my|his|her) balance|stand|standing)",
          r"\bbalance (?:is|has been|feels|seems|got|gets) (?:\w+ )?(?:off|bad|poor|worse|wrong)\b",
          r"\b(?:unsteady|wobbly|stumbling|staggering|clumsy|tripping|keeps? tripping|keeps? falling|"
          r"falling over|losing (?:my|his|her) "
          r"balance|off balance)\b", r"\bcoordination\b"),
    _rule("weakness", "urgent", "muscle weakness",
          r"\b(?:weak|weakness|weaker)\b", r"\bcan't (?:grip|lift|hold|pick up|climb)\b"),
    _rule("swallowing", "urgent", "trouble swallowing", r"\b(?:trouble|difficulty|hard|problems?|can't) "
          r"(?:to )?swallow(?:ing)?\b"),
    _rule("speech", "urgent", "slurred speech or trouble speaking",
          r"\b(?:slurred|slurring|slurs|stuttering|stutter(?:s|ing)?)\b",
          r"\b(?:trouble|difficulty|hard time) (?:speaking|talking|getting (?:the )?words out)"),
    _rule("memory", "urgent", "memory or thinking problems",
          r"\b(?:memory (?:loss|problems?|is (?:going|getting worse))|forgetting|forgetful|confused|confusion|"
          r"can't remember|can't think|disoriented|not making sense|mixing up words)\b",
          r"\bmemory\b[^.!?]{0,25}\b(?:bad|worse|going|loss|poor|failing|slipping)\b",
          r"\bpersonality (?:has )?changed?\b"),
    _rule("vision", "urgent", "vision problems",
          r"\b(?:vision|seeing|see|eyes?)\b[^.!?]{0,20}\b(?:double|blurry|blurred|dim)\b",
          r"\b(?:double vision|seeing double|blurry vision|blurred vision|vision (?:is )?(?:going|blurry|"
          r"problems?|getting worse)|can't see|eyes? (?:keep |are )?(?:jumping|darting|jerking|flickering))"),
    _rule("sleep", "urgent", "sleep disturbances",
          r"\b(?:can't sleep|not sleeping|sleeping all (?:day|the time)|insomnia|sleep (?:is|has been) "
          r"(?:off|terrible|disturbed)|drowsy all the time)\b"),
    _rule("seizure", "urgent", "a seizure",
          r"\b(?:had|having|has had|have had) (?:a |my |his |her |their )?(?:first |another |new |some |two "
          r"|several )?(?:seizures?|fits?|convulsions?)\b",
          r"\bseizures? (?:started|began|again)\b", r"\bnew seizures?\b"),
    _rule("hallucinations", "urgent", "hallucinations",
          r"\b(?:hallucinating|hallucinations?|seeing things|hearing (?:things|voices))\b",
          r"\b(?:seeing|sees|hearing|hears)\b[^.!?]{0,40}\bthat (?:aren't|are not|isn't|is not) (?:really )?there\b"),
    _rule("movements", "urgent", "involuntary movements, jerks or stiffness",
          r"\b(?:twitching|jerking|jerks|spasms?|tremors?|shaking|rippling|rigid|cramping)\b",
          r"\bstiff(?:ness)?\b(?! (?:person|man)\b)"),
    _rule("numbness", "urgent", "numbness or tingling",
          r"\b(?:numb|numbness|tingling|pins and needles)\b"),
)

_NEGATORS = re.compile(
    r"\b(?:no|not|never|without|denies|denied|isn't|doesn't|don't|hasn't|haven't|wasn't|no longer|"
    r"nothing like|free of)\b(?:\W+\w+){0,3}\W*$"
)
_CONDITIONAL = re.compile(r"\b(?:if|in case|when|whenever|suppose|supposing|what happens|what to do)\b")
_QUESTION_START = re.compile(
    r"^\W*(?:can|could|does|do|is|are|will|would|what|which|how|why|should|might|may|tell me|explain)\b(?!')"
)
_TOPIC = re.compile(
    r"\b(?:syndromes?|dysautonomia|disease|disorders?|conditions?|paraneoplastic|myasthenia|lems|lambert|"
    r"encephalitis|encephalomyelitis|neuropathy|myelopathy|degeneration|ataxia|causes?|symptoms?|signs?|"
    r"side effects?|medicines?|medications?|drugs?|treatments?|patients|people|someone|a person|"
    r"story|character|movie|film|novel|poem|song|lyrics?|game|exercises?)\b"
)
_PAST = re.compile(r"\b(?:last year|years ago|months ago|(?:a )?long (?:time )?ago|"
                   r"in the past(?! (?:few |couple of |two |three |\d+ )?(?:days?|weeks?|months?|hours?))|used to|back in (?:19|20)\d\d|"
                   r"when i was (?:a )?(?:kid|child|teen))\b")
_CLAUSE_SPLIT = re.compile(r"[.!?;]+|,\s*(?:but|though|however|and now)\b|\bbut\b|\bhowever\b|\bthough\b")
_FAMILY = (r"(?:mom|mum|mother|dad|father|husband|wife|partner|son|daughter|brother|sister|child|kid|baby|"
           r"grandma|grandpa|grandmother|grandfather|friend|aunt|uncle|boyfriend|girlfriend|spouse|"
           r"fianc[eé]e?|neighbou?r|roommate|patient|loved one|parent)")
_PERSONAL = re.compile(
    rf"\b(?:i|i'm|i've|i'd|me|myself|we|we're|he|he's|she|she's|him|they're|{_FAMILY}(?:'s)?|"
    rf"my (?:legs?|arms?|hands?|face|eyes?|speech|memory|vision|balance|body|muscles?|throat|feet))\b"
)
_CHRONIC = re.compile(r"\b(?:for (?:many )?years|since (?:childhood|i was (?:a )?(?:kid|child|born))|"
                      r"all my life|always had|my whole life)\b")
_PROGRESSION = re.compile(r"\b(?:getting worse|worse|worsening|new|started|began|over the (?:past|last) "
                          r"(?:few )?(?:days|weeks)|this week|for (?:a few|two|three|several) (?:days|weeks)|"
                          r"since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|last week))\b")
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


def is_personal(clause: str) -> bool:
    """Is someone (the writer or a person they name) the subject, rather than a general topic?"""
    return bool(_PERSONAL.search(clause))


def is_general(clause: str, symptom_start: int) -> bool:
    """Is the clause about the topic rather than someone living it now?

    Conditional ("what if he can't breathe"), a question with no person before the symptom ("can
    dysautonomia cause trouble breathing"), or a statement about a disease with no person in it.
    """
    before = clause[:symptom_start]
    if _CONDITIONAL.search(before):
        return True
    if _QUESTION_START.search(clause) and not _PERSONAL.search(before):
        return True
    return not _PERSONAL.search(clause) and bool(_TOPIC.search(clause))


def is_conditional_or_general_question(text: str) -> bool:
    """A whole message that asks "what if ..." or asks about a topic with no person in it."""
    return bool(_CONDITIONAL.search(text)) or (
        bool(_QUESTION_START.search(text)) and not _PERSONAL.search(text)
    )


def is_past(text: str) -> bool:
    return bool(_PAST.search(text))


def is_chronic(text: str) -> bool:
    return bool(_CHRONIC.search(text))


def mentions_progression(text: str) -> bool:
    return bool(_PROGRESSION.search(text))


def mentions_cancer(text: str) -> bool:
    return bool(_CANCER.search(text))
