"""Triage's concept layer: a sign is two or three kinds of words in one clause, in any order.

The rule layer (``triage_patterns``) matches word sequences, and each fresh batch of messages showed
how brittle that is: "coughing up bright red blood" escapes "coughing up blood", "took all his sleeping
tablets" escapes "took the whole bottle". Here a sign is a set of concepts that must all occur in one
clause, whatever the order and whatever words lie between: {cough, vomit, spit} + {blood, clots};
{took, swallowed} + {all, whole, handful} + {pills, tablets}. The families are general emergency
medicine (what a nurse line asks about), written from the families, never from a test message.

A clause that is negated before its first concept ("no chest pain"), a general question ("can it
cause trouble breathing?"), conditional ("if he ever stops breathing") or past ("last year") does not
count — except that talk of ending one's life counts even when conditional ("better off if I ended it").

>>> [m.rule for m in find_concepts("he's coughing up bright red blood")]
['blood_out']
>>> [m.rule for m in find_concepts("is coughing up blood a sign of lung cancer?")]
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.guard.triage_rules import (
    _NEGATORS,
    BRIEF_SPELLS,
    SymptomMatch,
    asks,
    is_general,
    question_split,
    reported,
)
from assistant.guard.triage_when import is_chronic, is_past_at, resolved_later


@dataclass(frozen=True)
class Concept:
    name: str
    urgency: str  # "emergency" or "urgent"
    description: str
    groups: tuple[re.Pattern[str], ...]  # every group must match in one clause
    crisis: bool = False  # talk of ending one's life: crisis advice, conditional wording still counts
    new_only: bool = False  # does not count when the clause says it has been so for years ("ached for years")
    unless: re.Pattern[str] | None = None  # does not count when the clause also says this


def _concept(name: str, urgency: str, description: str, *groups: str, crisis: bool = False,
             new_only: bool = False, unless: re.Pattern[str] | None = None) -> Concept:
    return Concept(name, urgency, description, tuple(re.compile(rf"\b(?:{g})") for g in groups), crisis, new_only,
                   unless)


_PERSON_OTHER = (r"him|her|them|someone|somebody|people|(?:my|the|our) (?:husband|wife|partner|kids?|children|"
                 r"son|daughter|mum|mom|dad|father|mother|family|neighbou?r|boss|brother|sister|baby)")
_SUDDEN = (r"sudden(?:ly)?|all of a sudden|out of nowhere|just now|right now|(?:a few |\d+ )?minutes ago|"
           r"in the last hour|an hour ago|this morning|tonight|overnight")
_TOOK = r"took|taken|swallowed|drank|drunk|ate|eaten|downed|overdosed|necked"
_MANY = (r"all (?:of )?(?:his |her |my |their |the )?|whole|entire|bottle|box(?:es)?|packet|strip|handful|bunch|"
         r"too many|lots of|load of|a lot of")
_PILLS = (r"pills?|tablets?|meds\b|medicines?|medications?|capsules?|painkillers?|sleeping|insulin|morphine|"
          r"opioids?|oxy\w*|paracetamol|tylenol|antidepressants?")

CONCEPTS: tuple[Concept, ...] = (
    _concept("blood_out", "emergency", "coughing up, vomiting or passing blood",
             r"cough\w*|vomit\w*|throw\w* up|threw up|spit\w*|puk\w*|sick|poo\w*|stools?|pee\w*|urine",
             r"blood\w*|clots?|coffee grounds|black tarry|dark brown|gritty|grainy"),
    _concept("bleeding_heavy", "emergency", "bleeding that will not stop",
             r"blood|bleed\w*", r"won't stop|will not stop|not stopping|pouring|gushing|so much|soak\w*|everywhere"),
    _concept("poison", "emergency", "poison or a household chemical swallowed",
             _TOOK, r"bleach|(?:oven|floor|drain|toilet|window|household|kitchen) cleaner|detergent|poison\w*|"
                    r"chemicals?|antifreeze|batter(?:y|ies)|weed ?killer|pesticide|dishwasher tablet|"
                    r"washing (?:up )?liquid"),
    _concept("too_many_pills", "emergency", "too many pills taken", _TOOK, _MANY, _PILLS),
    _concept("overdose_intent", "emergency", "a plan to take too many pills",
             r"going to take|gonna take|"
             r"(?:i'll|i will|i might|about to|want to|plan to|thinking (?:of|about)) tak(?:e|ing)",
             _MANY, _PILLS, crisis=True),
    _concept("vision_lost", "emergency", "sudden loss of sight",
             r"lost|losing|lose|can't see|went (?:blind|black|dark)|gone (?:blind|black|dark)|blind|curtain|"
             r"only see half|half of (?:everything|my vision|what i see)",
             r"vision|sight|eyes?|see", _SUDDEN),
    _concept("threat", "emergency", "a wish to hurt someone else",
             r"i want to|i'm going to|i am going to|i'm about to|i am about to|(?:i'm |i am )?gonna|"
             r"i will|i'll|i might|i could|i feel like|can't stop myself|"
             r"can't control",
             r"hurt|kill|harm|stab|shoot|strangle|attack|beat|smother", _PERSON_OTHER),
    _concept("ending_life", "emergency", "thoughts of ending one's life",
             r"end(?:ed|ing)? (?:it|it all|my life|things)|better off (?:without me|if i|dead|gone)|"
             r"kill(?:ing)? myself|take my (?:own )?life|not (?:be )?(?:here|around) anymore|goodbye (?:note|letter)|"
             r"want to die|wish i (?:was|were) dead|no reason to (?:live|go on|stay alive|be alive|keep living)|"
             r"jump (?:off|from)|disappear (?:for good|forever)|nothing (?:left )?to live for|"
             r"(?:happier|better off|easier) (?:if|without) (?:i|me)\b|if i (?:wasn't|weren't|was not|were not) "
             r"(?:around|here|alive)|hang (?:myself|himself|herself)|how to (?:die|end it|kill myself|end my life)|"
             r"ways to (?:die|end it|end my life)|(?:don't|do not) want to (?:live|be alive) any ?more|"
             r"(?:want|wish) to (?:go to sleep and |fall asleep and )?(?:not|never) wake up|"
             r"want to jump|(?:kill|hurt) (?:himself|herself|themselves)|(?:cope|manage|do) better without me|"
             r"better without me|(?:tonight|today) is the night|"
             r"(?:got|have|bought|found) (?:the |a )?(?:rope|noose|gun)|"
             r"(?:would it take|way) to (?:not|never) wake up|giving (?:away )?(?:all )?my (?:things|stuff|belongings|"
             r"possessions)(?: away)?", crisis=True),
    _concept("crisis_plan", "emergency", "despair with a plan or a decision",
             r"can't (?:cope|go on|take (?:it|this)|do (?:it|this)) any ?more|no point (?:in )?(?:carrying on|going on|"
             r"living|being here|anymore)|had enough of (?:living|life|everything)|done fighting|tired of living|"
             r"give up on (?:life|everything)|can't keep going|want to disappear|made up my mind|i'm done\b|"
             r"(?:don't|doesn't|do not|does not) want to (?:live|go on|be here|be alive)",
             r"decided|planned|(?:a|the|my) plan\b|rope|noose|gun\b|tonight is|goodbye|letters? to|"
             r"tonight i'm going to|going to do it|"
             r"(?:my|the|all the|all my) (?:pills|tablets)|the bridge|end (?:it|things|my life)", crisis=True),
    _concept("breathing_failing", "emergency", "breathing getting weak or shallow",
             r"breath\w*", r"weak\w*|shallow|failing|barely|hardly|can't (?:talk|speak|finish)|gaps?|pauses?|"
                          r"further apart|stops? (?:and starts?|for)"),
    _concept("colour", "emergency", "blue or grey lips or face",
             r"lips?|face|skin|fingers?|tongue", r"blue|grey|gray|purple|dusky|ashen"),
    _concept("faint_heart", "emergency", "fainting with the heart racing, irregular or slow",
             r"faint\w*|feint\w*|pass(?:ed|ing)? out|black(?:ed|ing)? out|collaps\w*|went black|woozy|keel\w* over|"
             r"went down|hit the floor|came (?:round|to) on the floor|about to drop|going down|"
             r"(?:going|gone|goes) black",
             r"heart\w*|hart|pulse|palpitations?|racing|pounding|fluttering|skipping|irregular|somersault\w*|"
             r"flip[ -]?flop\w*|going (?:crazy|mad|wild)|hammering|thumping|\b(?:1[5-9]\d|2\d\d)\b"),
    _concept("fever_chemo", "emergency", "fever during chemotherapy",
             r"fever\w*|temp\w*|burning up|chills|shiver\w*|rigors|3[89](?:\.\d)?|40(?:\.\d)?|10[1-5]",
             r"chemo\w*|neutropeni\w*|low white|infusion|immunotherapy"),
    _concept("chest", "emergency", "chest pain, pressure or tightness",
             r"chest", r"crush\w*|tight\w*|pressure|squeez\w*|heav\w*|elephant|pain\w*|hurts?|hurting|ach\w*|burning|"
                      r"clutch\w*|grabb\w*|gripping"),
    _concept("colour_person", "emergency", "someone turning blue or grey",
             # grey only said of how someone looks now ("she's going grey" is her hair)
             r"turn(?:ed|ing) (?:blue|purple)|gone (?:blue|purple)|going (?:blue|purple)|"
             r"(?:he|she|they|baby)(?:'s| is| are| looks?) (?:really |very |so |all )?(?:blue|grey|gray|purple)\b"),
    _concept("grey_sweating", "emergency", "grey or ashen and sweating",
             r"grey|gray|ashen|pale as", r"sweat\w*|clammy"),
    _concept("unresponsive", "emergency", "someone who cannot be woken or does not respond",
             r"can't|cannot|won't|unable to|couldn't|isn't|not|no longer|doesn't",
             r"wake|waking|woken|rouse|rousing|respond\w*|come round|come to\b|keep (?:him|her|them) awake",
             unless=BRIEF_SPELLS),  # "staring spells where he doesn't respond for a few seconds": urgent, by the rules
    _concept("slumped", "emergency", "someone slumped or fallen who does not answer",
             r"slump\w*|crumpl\w*|keel\w* over|flopp?\w* over|fallen over|on the floor",
             r"won't|isn't|can't|doesn't|not|no longer",
             r"answer\w*|respond\w*|react\w*|mov(?:e|ing)|talk\w*|speak\w*"),
    _concept("seizure_long", "emergency", "a seizure that goes on or keeps coming back",
             r"seiz\w*|fitting|fits?\b|convuls\w*|(?:shaking|twitching|jerking) (?:all over|like this)|"
             r"(?:whole )?body (?:is |keeps )?(?:shaking|jerking|twitching)|(?:he|she|they)(?:'s| is|s| are) shaking",
             r"won't stop|not stopping|keeps? going|one after (?:another|the other)|back to back|over and over|"
             r"(?:two|three|four|five|several|multiple|[2-9]) (?:seiz\w*|fits|convulsions)|"
             r"hasn't (?:come round|stopped|woken)|not (?:waking|coming round)|[5-9] ?min|[1-9]\d ?min|ages|"
             r"for a (?:while|long time)|a long time|(?:been )?going on (?:a while|for)|"
             r"still (?:going|shaking|jerking)|"
             r"can't (?:reach|get through to) (?:him|her|them)|(?:won'?t|isn't|not|doesn't) (?:answer\w*|respond\w*)"),
    # a fit happening now: eyes rolled back with the body shaking or stiff
    _concept("seizure_eyes", "emergency", "eyes rolled back with shaking, jerking or stiffening",
             r"eyes? (?:have |are |were |has |is )?(?:rolled|rolling|roll(?:s|ed)?)(?: back| up)?",
             r"shak\w*|jerk\w*|twitch\w*|seiz\w*|convuls\w*|fitting|stiff\w*|foam\w*|can't (?:reach|wake)"),
    # a fall or slump with speech or sense gone: "slid off her chair and is mumbling nonsense"
    _concept("collapse_confused", "emergency", "a collapse or fall with confused or garbled speech",
             r"slid (?:off|down|out of|to)|slump\w*|collaps\w*|fell (?:off|down|over|out of|to)|dropped to|"
             r"keel\w* over|went down|(?:found (?:him|her|them|my \w+) )?on the floor|hit the floor|crumpl\w*",
             r"mumbl\w*|babbl\w*|mutter\w*|gibberish|nonsense|jabber\w*|confus\w*|muddled|not making sense|"
             r"makes? no sense|slurr\w*|doesn't (?:know|recogni[sz]e) (?:me|us|where|who)"),
    _concept("shaking_minutes", "emergency", "shaking or jerking that has gone on for minutes",
             r"shak\w*|jerk\w*|seiz\w*|fit\b|fitting|convuls\w*|twitch\w*",
             r"(?:\b(?:five|six|seven|eight|nine|ten|fifteen|twenty|[5-9]|[1-9]\d)\b (?:or (?:\w+ )?)?min\w*)|"
             r"(?:it's|its|it has) been ages"),
    _concept("face_drop", "emergency", "a face drooping on one side",
             r"face|mouth|smile", r"droop\w*|dropped|sagg\w*|lopsided|crooked|fallen|twisted|slipped"),
    _concept("limb_sudden", "emergency", "an arm, leg or side suddenly weak, numb or dead",
             r"arms?|legs?|hand|side|half of (?:my|his|her) body",
             r"went dead|gone dead|dead|numb|weak|useless|floppy|limp|won't (?:work|move)|can't (?:lift|move|feel)|"
             r"gave (?:way|out)",
             _SUDDEN),
    _concept("speech_sudden", "emergency", "speech suddenly jumbled or slurred",
             r"words?|speech|talk\w*|speak\w*", r"jumbl\w*|slurr\w*|garbl\w*|nonsense|wrong|mixed up|can't find|"
                                              r"can't get (?:her|his|my|their) words", _SUDDEN),
    _concept("confusion_sudden", "emergency", "sudden confusion",
             r"confus\w*|disorient\w*|nonsense|gibberish|not making sense|"
             r"doesn't (?:know|recogni[sz]e) (?:where|who|me|us)|"
             r"can't tell (?:me |us )?(?:where|who|what)|doesn't know what day",
             _SUDDEN),
    _concept("airway_swelling", "emergency", "a swelling throat, tongue or lips",
             r"throat|tongue|lips?|mouth", r"swell\w*|swollen|closing|closed up"),
    _concept("head_injury", "emergency", "a head injury with vomiting, confusion or drowsiness",
             r"hit|bang\w*|bump\w*|knock\w*|fell|fall\w*", r"head",
             r"vomit\w*|throw\w* up|sick|confus\w*|sleepy|drowsy|won't wake|unconscious|knocked out|seiz\w*"),
    _concept("paralysis_sudden", "emergency", "sudden inability to move or feel",
             r"can't|cannot|unable to|won't|couldn't", r"move|feel|lift|stand|walk",
             r"legs?|arms?|body|below|waist|side|anything", _SUDDEN),
    _concept("cord", "emergency", "numb or weak legs with the bladder failing",
             r"can't (?:pee|wee|urinate)|can't control (?:my|his|her) bladder|wet (?:myself|himself|herself)",
             r"numb\w*|weak\w*|legs?|feel (?:down there|anything)"),
    _concept("headache_worst", "emergency", "a sudden, worst-ever headache",
             r"headache|head pain|pain in (?:my|his|her) head|head (?:is |feels )?(?:exploding|splitting)",
             r"worst|thunderclap|exploding|explod\w*|"
                                                                 r"out of nowhere|like being hit"),
    _concept("meningitis", "emergency", "fever with a stiff neck, a rash or confusion",
             r"fever\w*|temp\w*|burning (?:up|hot)|hot to (?:the )?touch|feverish",
             r"stiff neck|neck (?:is )?(?:very )?stiff|light hurts|rash|confus\w*"),
    _concept("rash_not_fading", "emergency", "a rash that does not fade when pressed",
             r"rash|spots|blotch\w*", r"won't fade|doesn't fade|not fading|does not fade|glass test"),
    _concept("heart_rate", "emergency", "a very slow or very fast heart rate",
             r"heart rate|pulse|heartbeat|\bhr\b|bpm|(?:smart ?)?watch|fitbit|monitor",
             r"\b(?:[1-3]\d|1[6-9]\d|2\d\d)\b(?! ?(?:years?|mins?|minutes))"),
    _concept("worsening", "urgent", "a new or worsening nerve or muscle symptom",
             r"numb\w*|tingl\w*|weak\w*|unsteady|balance|sway\w*|wobbl\w*|stagger\w*|veer\w*|bump\w* into|"
             r"double vision|seeing double|blurr\w*|droop\w*|slurr\w*|"
             r"swallow\w*|memory|confus\w*|hallucinat\w*|seeing things|jerk\w*|twitch\w*|spasm\w*|tremor|"
             r"shak\w*|dizz\w*|light-? ?headed|vomit\w*|throw\w* up|threw up|being sick|sleepy|drows\w*|"
             r"stiff\w*|clums\w*|falling|fell|heavy|like lead|trip\w*|behaviou?r|personality|aggressive|suspicious|"
             r"paranoi\w*|agitated|buttons|grip\w*|handwriting|cramp\w*|woozy|queasy|nause\w*|eyeballs|"
             r"eyes? (?:won't|don't|can't) (?:keep|stay) still|hold (?:my|his|her) head up|downhill|"
             r"dropp\w* (?:things|stuff|cups|everything)|drops? things|gloves|cotton wool|spidery|shaky|"
             r"drops? (?:my|his|her|their) (?:keys|cup|phone|fork|spoon|pen)",
             r"getting worse|worse|worsening|new|started|began|since|(?:past|last) (?:few|couple of|two|three) days|"
             r"this week|for (?:a few|a|one|two|three|several|\d+) (?:days?|weeks?)|lately|each day|"
             r"every (?:single )?day|"
             r"(?:in|over) the (?:past|last) (?:few |couple of |two |three |\d+ )?(?:days?|weeks?|fortnight|month)|"
             r"this month|"
             r"spread\w*|crept|creeping|recently|any ?more|no longer"),
    # a heart attack as people tell it: arm, jaw, neck or shoulder pain with sweating, breathlessness or sickness,
    # no word of the chest; not when the clause says it has been so for years (new_only)
    _concept("heart_attack", "emergency", "arm, jaw or neck pain with sweating, breathlessness or sickness",
             r"arms?|jaw|neck|shoulders?", r"hurt\w*|pain\w*|ach\w*|tight\w*|pressure|crush\w*",
             r"sweat\w*|clammy|breathless|short of breath|sick|nause\w*|grey|gray|ashen", new_only=True),
    _concept("fever", "urgent", "a fever", r"fever\w*|temp\w*|burning up", r"3[89](?:\.\d)?|10[0-4]|since|days?"),
    _concept("sleepier", "urgent", "getting sleepier or harder to keep awake",
             r"sleepy|sleepier|drowsy|drowsier|hard to wake|keeps? (?:nodding|dozing)",
             r"more and more|getting worse|every day|this week|lately|each day|worse"),
)


def find_concepts(text: str) -> list[SymptomMatch]:
    """Every concept whose groups all occur in one clause of normalised ``text``, told as happening now.

    A clause that asks ("is coughing up blood a sign of cancer?") does not count, except for words of
    ending one's own life said by the person ("should I just end it all?")."""
    found: list[SymptomMatch] = []
    for clause in question_split(text):
        for concept in CONCEPTS:
            hits = [g.search(clause) for g in concept.groups]
            if not all(hits):
                continue
            start = min(h.start() for h in hits)
            if _NEGATORS.search(clause[:start]) or is_past_at(clause, max(h.start() for h in hits)) \
                    or reported(clause, start) \
                    or resolved_later(text, clause) \
                    or (concept.new_only and is_chronic(clause)) or (concept.unless and concept.unless.search(clause)):
                continue
            personal = bool(re.search(r"\b(?:i|i'm|me|my|myself)\b", clause))
            if (asks(clause) or is_general(clause, start)) and not (concept.crisis and personal):
                continue
            words = " … ".join(h.group() for h in sorted(hits, key=lambda h: h.start()))
            found.append(SymptomMatch(concept.name, concept.urgency, concept.description, words, clause, start))
    return found


CRISIS_CONCEPTS = frozenset(c.name for c in CONCEPTS if c.crisis)
