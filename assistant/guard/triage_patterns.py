"""The symptom patterns triage's rule layer looks for, on normalised text (see ``triage_rules``).

One ``Rule`` per sign; a rule's alternatives are regular expressions joined with ``|``. Emergency
rules follow the families frightened people write in (not any one message): trouble breathing,
choking or a closing throat, fainting with a racing/skipping/slow heart, chest pain, someone who
will not wake, sudden paralysis, a seizure that will not stop, stroke signs, a sudden worst-ever
headache, heavy bleeding, too many pills, and suicidal thoughts said directly or indirectly.

>>> bool(CHEST.pattern.search("there's a crushing pressure on my chest"))
True
>>> bool(FAINTING_HEART.pattern.search("my heart skipped a beat when i saw him"))
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str  # e.g. "breathing"
    urgency: str  # "emergency" or "urgent"
    description: str  # for the reason, e.g. "trouble breathing"
    pattern: re.Pattern[str]


def make_rule(name: str, urgency: str, description: str, *alternatives: str) -> Rule:
    return Rule(name, urgency, description, re.compile("|".join(f"(?:{a})" for a in alternatives)))


_NOW = r"(?:right now|just now|now|suddenly|sudden|all of a sudden|(?:a few |\d+ |five |ten |twenty )?minutes ago|" \
       r"this morning|an hour ago|in the last hour|tonight|today|out of nowhere)"
_LIQUIDS = r"(?:water|liquids?|drinks?|fluids?|(?:my |his |her |their )?(?:own )?(?:spit|saliva))"
_SEIZURE = r"(?:seizures?|seizing|convulsing|convulsions?|fitting|fits?)"
_OVER_5_MIN = (r"(?:[5-9]|[1-9]\d|five|six|seven|eight|nine|ten|fifteen|twenty|thirty) ?(?:minutes|mins|min)\b")
_WHOSE = r"(?:my|his|her|their|the)"
_HEART = r"\b(?:heart(?:beat| rate)?|pulse)\b"
_HEART_WRONG = (r"\b(?:racing|pounding|irregular(?:ly)?|skipping|skips|fluttering|flutters|fast|slow|going crazy|"
                r"all over the place|hammering|thumping|banging|beating (?:so |really |very )?(?:hard|fast|slow))\b")
_FAINT = (r"\b(?:faint(?:ed|ing)?|pass(?:ed|ing)? out|black(?:ed|ing)? out|collaps(?:e|ed|ing)|"
          r"going to pass out|room (?:is )?(?:going|went) (?:dark|black)|light-? ?headed|dizzy|"
          r"(?:dropped|fell|slumped|keeled over) (?:to|on|onto) the (?:floor|ground))\b")
_DAYS = r"\b(?:days?|weeks?|fortnight|months?|years?)\b"
_NOT_OVER_DAYS = rf"(?:(?!{_DAYS})[^.!?])"  # any character of the clause, but no span of days, weeks or months
_PILLS = r"(?:pills?|tablets?|meds|medicines?|medication|capsules|painkillers)"

BREATHING = make_rule(
    "breathing", "emergency", "trouble breathing",
    r"\bcan't (?:\w+ )?(?:(?:or|and) )?(?:breathe?\b|catch (?:my|his|her|their) breath|get (?:enough )?air)",
    r"\bcan't (?:\w+ )?(?:\w+ )?get (?:a |enough |my |his |her |their )?(?:full |deep |proper |good )?breath\b",
    r"\bpanting\b[^.!?]{0,30}\b(?:can't|breath|air)\b",
    r"\b(?:trouble|difficulty|struggling|struggle|hard|problems?) (?:to )?(?:breathe|breathing)",
    r"\b(?:struggling|fighting|gasping) (?:for|to get) (?:every |each |his |her |my )?(?:air|breath)\b",
    r"\bcan (?:hardly|barely|scarcely|not) (?:breathe|catch (?:my|his|her|their) breath|get air)",
    r"\b(?:not|isn't|wasn't|aren't) (?:really |properly )?breathing\b", r"\bstopped breathing\b", r"\bgasping\b",
    r"\bshort(?:ness)? of breath\b",
    r"\bbreathing (?:very |really |so )?(?:fast|rapid|shallow|heavy|hard|noisy)\b.{0,40}",
    r"\bbreathing\b[^.!?]{0,25}\b(?:weak|shallow|laboured|labored|irregular|keeps stopping|stops|tight)\b",
    r"\brattl\w*\b[^.!?]{0,30}\bbreath", r"\bribs (?:are )?sucking in\b",
    r"\b(?:oxygen|o2|sats|saturation)\b[^.!?]{0,20}\b(?:dropping|falling|dropped|very low)\b",
    r"\b(?:blue|grey|gray) (?:around|round) (?:the|her|his|my|their) (?:lips|mouth)\b",
    r"\bwheez(?:e|es|ing)\b[^.!?]{0,30}\b(?:badly|air|breath|can't)\b",
    r"\bcan't (?:speak|talk|finish) (?:in )?(?:full |whole |a )?sentences?\b",
    r"\bturning blue\b", r"\b(?:gone|going|turned|turning|went) (?:all |very )?(?:blue|grey|gray|purple)\b",
    r"\b(?:lips|face|fingers)\b[^.!?]{0,15}\b(?:are|is|look|looks|going|gone) "
    r"(?:blue|grey|gray)\b", r"\bbreathless\b", r"\bsuffocating\b", r"\bair hunger\b")
CHOKING = make_rule(
    "choking", "emergency", "choking, a closing throat or unable to swallow liquids",
    r"\bchok(?:e|es|ing|ed)\b",
    rf"\bcan't (?:even )?swallow (?:any |even )?(?:{_LIQUIDS}|anything|at all)",
    rf"\b(?:unable to|can (?:barely|hardly)) swallow (?:any |even )?{_LIQUIDS}",
    r"\bthroat\b[^.!?]{0,20}\b(?:closing|swelling|swollen|tightening|closed up)\b",
    r"\b(?:tongue|lips)\b[^.!?]{0,15}\b(?:swelling|swollen|puffing up|blowing up)\b",
    rf"\bstuck in {_WHOSE} (?:throat|windpipe|airway)\b")
SEIZURE_LONG = make_rule(
    "seizure_long", "emergency", "a seizure that will not stop, lasts more than 5 minutes or comes back to back",
    rf"\b{_SEIZURE}\b[^.!?]{{0,60}}\b(?:won't stop|isn't stopping|not stopping|still going|keeps going|"
    rf"going on (?:forever|for ages|and on)|{_OVER_5_MIN})", rf"\b{_OVER_5_MIN}\b[^.!?]{{0,30}}\b{_SEIZURE}\b",
    rf"\b{_SEIZURE}\b.{{0,40}}\bwon't wake\b",
    rf"\b(?:{_SEIZURE}|shaking|jerking)\b[^.!?]{{0,50}}\b(?:for|over) (?:about |around |nearly |almost )?{_OVER_5_MIN}",
    r"\b(?:seizures?|fits?|convulsions?) in a row\b", r"\bback[- ]to[- ]back (?:seizures?|fits?|convulsions?)\b",
    r"\b(?:seizure|fit) after (?:seizure|fit|another)\b",
    r"\b(?:not|isn't|hasn't been|hasn't) (?:coming out of (?:it|them|the seizures?)|wak(?:ing|en|ed) (?:up )?"
    r"(?:in )?between)\b")
UNRESPONSIVE = make_rule(
    "unresponsive", "emergency", "someone who will not wake up or respond",
    r"\b(?:won't|can't|doesn't|isn't|not|cannot) (?:wake|waking|woken|be woken)(?: up)?\b",
    r"\bunresponsive\b", r"\bunconscious\b", r"\bcollapsed\b",
    r"\b(?:isn't|not|doesn't|won't|stopped|is not|does not) (?:responding|respond|reacting|answering)\b",
    r"\bcan't (?:wake|rouse|arouse) (?:him|her|them|my|his)\b", r"\b(?:hard|difficult|impossible) to (?:wake|rouse)\b",
    r"\bcan't (?:keep|stay) (?:awake|(?:her|his|my|their) eyes open)\b",
    r"\b(?:can't find|there's no|no) (?:a )?pulse\b", r"\bheart (?:has )?stopped\b",
    r"\b(?:doing|started|giving) cpr\b",
    r"\bwon't (?:open (?:his|her|their) eyes|come (?:round|around|to))\b",
    r"\b(?:not|isn't) coming (?:round|around|to)\b",
    r"\b(?:gone|went|going) (?:all |very |completely )?(?:limp|floppy)\b(?! in)",
    r"\b(?:keeps?|kept|just) (?:passing|blacking|passed|blacked) out\b", r"\bkeeps? fainting\b",
    r"\b(?:isn't|is not|not) moving\b(?! (?:my|his|her|their|well|much|properly|right))",
    r"\b(?:on|to) the (?:\w+ )?(?:floor|ground)\b[^.!?]{0,40}\b(?:won't|can't|isn't|not|doesn't) (?:talk|speak|"
    r"move|answer|respond|get up)")
PARALYSIS = make_rule(
    "paralysis", "emergency", "sudden loss of movement or feeling, or of bladder/bowel control",
    r"\bcan't (?:move|feel|lift|stand on) (?:my|his|her|their|both)? ?legs?\b",
    r"\bcan't (?:move|feel|lift|use) (?:my|his|her|their) (?:right|left) (?:arm|leg|side|hand)",
    # not a gait or a manner: "now she can't walk straight" is trouble walking (urgent), not a loss of movement
    rf"\b{_NOW}\b[^.!?]{{0,25}}\bcan't (?:move|feel|lift|use|stand|walk)\b(?! (?:straight|properly|right|well|"
    r"steadily|very|far|for long|without|unaided|in a straight line|up straight|as)\b)",
    rf"\b{_NOW}\b[^.!?]{{0,25}}\b(?:can't see|went blind|gone blind|lost (?:the |his |her |my )?(?:sight|vision))\b",
    r"\b(?:went|gone|going) blind\b",
    r"\blegs? (?:won't|can't|don't|aren't|will not) (?:hold|support|carry) (?:me|him|her|them)\b",
    r"\bsudden(?:ly)? (?:\w+ )?weak(?:ness)? in (?:both|my|his|her|their) legs\b",
    r"\b(?:can't|unable to) (?:pee|urinate|empty (?:my|his|her) bladder)\b",
    r"\blegs? (?:suddenly |just )?(?:won't move|gave out|gave way|stopped working|are paralyzed|is paralyzed|"
    r"went (?:dead|numb|limp|floppy)|have gone (?:dead|numb|limp))",
    r"\bcan't feel (?:anything|a thing) (?:below|from)\b", r"\b(?:paralyzed|paralysed)\b",
    r"\b(?:lost|losing|loss of|no) control (?:of|over) (?:my |his |her |their )?(?:bladder|bowels?|"
    r"pee|poop)", r"\b(?:wet|soiled) (?:myself|himself|herself) (?:and|suddenly)")
SPREADING_WEAKNESS = make_rule(
    "spreading_weakness", "emergency", "weakness spreading quickly over hours",
    r"\b(?:weak(?:ness|er)?|numb(?:ness)?|paralysis)\b[^.!?]{0,60}\b(?:"
    r"by the hour|(?:over|in|within) (?:a few |a couple of |the last |the past |\d+ |two |three )?"
    r"(?:hours?|hrs?)\b|every hour)",
    # spreading with no time said, or in hours; "numb for a week now and it's spreading up" is urgent (dev batch 16)
    rf"\b(?:weak(?:ness|er)?|numb(?:ness)?|paralysis)\b{_NOT_OVER_DAYS}{{0,60}}\b(?:spreading|moving up|climbing up)\b"
    rf"(?!{_NOT_OVER_DAYS}{{0,40}}{_DAYS})",
    r"\b(?:spreading|creeping|moving up)\b[^.!?]{0,40}\b(?:weakness|numbness)\b[^.!?]{0,30}\bhours?\b",
    r"\bgetting weaker (?:by the|every) (?:hour|minute)", r"\bcan't (?:lift|hold up) (?:his|her|my|their) head\b")
FAINTING_HEART = make_rule(
    "fainting_heart", "emergency", "fainting or nearly fainting with a racing, irregular or very slow heartbeat",
    rf"{_FAINT}[^.!?]{{0,60}}{_HEART}[^.!?]{{0,25}}{_HEART_WRONG}",
    rf"{_HEART}[^.!?]{{0,25}}{_HEART_WRONG}[^.!?]{{0,60}}{_FAINT}",
    rf"{_HEART}[^.!?]{{0,15}}\b(?:[1-3]\d|4[0-4])\b(?! (?:years?|minutes?))")
CHEST = make_rule(
    "chest", "emergency", "chest pain, pressure or tightness",
    r"\bchest\b[^.!?]{0,30}\b(?:pain|pains|hurts?|hurting|tight|tightness|heavy|heaviness|pressure|crushing|"
    r"squeezing|aching|burning)\b",
    rf"\b(?:pain|pressure|tightness|heaviness|crushing|squeezing|ache)\b[^.!?]{{0,25}}\b(?:in|on|across) "
    rf"{_WHOSE} chest\b", r"\b(?:having|had|think (?:i'm|he's|she's) having) a heart attack\b")
STROKE = make_rule(
    "stroke", "emergency", "stroke signs (face drooping, sudden slurred speech or one-sided weakness)",
    r"\b(?:face|smile|mouth)\b[^.!?]{0,20}\b(?:drooping|droops|drooped|droopy|lopsided|crooked|"
    r"sagging|sagged|uneven|fell|is falling|dropped|dropping|went slack)\b", r"\bdrooping (?:face|mouth|smile)\b",
    r"\b(?:talking|speaking|speaks|talks) (?:\w+ )?(?:gibberish|nonsense)\b", r"\bjumbled words\b",
    rf"\b(?:slurring|slurred|can't speak|can't talk|garbled)\b[^.!?]{{0,40}}\b{_NOW}\b",
    rf"\b{_NOW}\b[^.!?]{{0,40}}\b(?:slurring|slurred|can't speak|can't talk|garbled)\b",
    r"\b(?:one side of|half) (?:my|his|her|their) (?:face|body)\b[^.!?]{0,30}\b(?:numb|weak|droop|won't move|"
    r"heavy|dead)",
    r"\b(?:right|left) (?:hand|arm|leg|side)\b[^.!?]{0,15}\b(?:won't work|isn't working|stopped working|"
    r"went (?:weak|numb|dead|floppy|limp)|is (?:dead|floppy|limp))",
    r"\b(?:arm|hand)\b[^.!?]{0,10}\bwent (?:dead|floppy|limp)\b",
    r"\bwords (?:are )?(?:coming out )?(?:all )?(?:wrong|jumbled|garbled|scrambled)\b",
    r"\b(?:having|had|think (?:i'm|he's|she's) having) a stroke\b")
HEADACHE = make_rule(
    "headache", "emergency", "a sudden, severe headache",
    r"\bworst headache\b", r"\bthunderclap\b",
    r"\b(?:sudden|suddenly|out of nowhere)\b[^.!?]{0,25}\b(?:severe|splitting|terrible|excruciating|blinding|"
    r"explosive|awful|horrible)\b[^.!?]{0,10}\bheadache",
    r"\b(?:severe|splitting|excruciating|blinding|explosive)\b headache\b[^.!?]{0,40}\b(?:suddenly|sudden|"
    r"out of nowhere|came on|confused|throwing up|vomiting|stiff neck)")
BLEEDING = make_rule(
    "bleeding", "emergency", "heavy bleeding, or coughing or vomiting blood",
    r"\b(?:coughing|coughed|coughs|vomiting|vomited|throwing up|threw up|spitting) (?:up )?(?:a lot of |lots of |"
    r"some )?blood\b",
    r"\bbleeding\b[^.!?]{0,30}\b(?:won't stop|isn't stopping|not stopping|a lot|heavily|badly|everywhere)\b",
    r"\b(?:heavy|heavily|uncontrolled|severe|lots of) bleeding\b", r"\bblood everywhere\b")
OVERDOSE = make_rule(
    "overdose", "emergency", "too much medicine taken (possible overdose)",
    r"\b(?:took|taken|take|swallowed|ate|eaten|had)\b[^.!?]{0,25}\b(?:too many|too much|(?:a|the|his|her|my|their) "
    r"(?:whole|entire|full) (?:bottle|pack|packet|box|strip|tub|blister)|double (?:the )?dose|a double dose|handful)\b",
    # dev batch 15: "took the whole packet of his gabapentin on purpose" (a medicine the rules do not name)
    r"\b(?:took|taken|swallowed|downed)\b[^.!?]{0,40}\bon purpose\b",
    rf"\b(?:swallowed|ate|eaten|got into)\b[^.!?]{{0,30}}\b{_PILLS}\b",
    r"\b(?:took|taken|swallowed|drank)\b (?:all|the whole|the rest) of\b",
    r"\b(?:took|taken|swallowed|drank)\b[^.!?]{0,40}\b(?:by mistake|by accident|accidentally)\b",
    r"\baccidentally (?:took|taken|swallowed|drank)\b",
    rf"\b(?:took|taken|given|gave|injected)\b[^.!?]{{0,25}}\b(?:insulin|{_PILLS}|dose)\b[^.!?]{{0,15}}"
    rf"\b(?:twice|two times|again by mistake)\b")
SELF_HARM = make_rule(
    "self_harm", "emergency", "thoughts of suicide or self-harm",
    r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning) (?:myself|himself|herself|themselves)\b",
    r"\bdo something to (?:myself|himself|herself|themselves)\b",
    r"\b(?:suicide|suicidal)\b", r"\bend (?:my|his|her) life\b", r"\bwant(?:s)? to die\b",
    r"\bbetter off dead\b", r"\b(?:end|ending|take|taking) (?:my|his|her|their) (?:own )?life\b",
    r"\bend it all\b", r"\b(?:end|ending) (?:things|everything)\b", r"\bdon't want to be here any ?more\b",
    r"\bno (?:reason|point) (?:to|in) (?:live|living|going on|carrying on)\b",
    r"\bdon't see (?:the|any) point (?:to|in) (?:live|living|going on|carrying on|life)\b",
    r"\btake all (?:my|of my|his|her) (?:pills|meds|medication)", r"\boverdose\b",
    r"\bdon't want to (?:live|be alive|wake up)\b", r"\bbetter off without (?:me|him|her)\b",
    rf"\b(?:saving|stockpiling|hoarding|collecting) (?:up )?(?:my |his |her )?(?:sleeping )?{_PILLS}",
    r"\b(?:go to sleep|fall asleep) and (?:never|not) wake up\b", r"\bwish (?:i|he|she) (?:was|were) dead\b",
    r"\bgiving (?:away )?(?:all )?(?:my|his|her|their) (?:things|stuff|belongings|possessions)(?: away)?\b",
    r"\bnot (?:be|being) (?:around|here) any ?more\b", r"\bwish (?:i|he|she) could (?:just )?disappear\b",
    # dev batch 15, warning signs told by a relative: "keeps saying goodbye to everyone and gave his dog away, he
    # said he won't be around for christmas"
    r"\b(?:won't|will not|not going to) be (?:around|here) (?:for|by|at|to see|much longer|any ?more)\b",
    r"\b(?:keeps?|kept|been) saying goodbye\b",
    r"\b(?:gave|giving|given|gives) (?:away )?(?:all )?(?:my|his|her|their) (?:pets?|dog|cat|things|stuff|"
    r"belongings|possessions) away\b",
    r"\b(?:wish|wishes|wished|hope|hopes)\b[^.!?]{0,20}\b(?:not|never|wouldn't|didn't|won't) wake up\b",
    rf"\b{_PILLS}\b[^.!?]{{0,20}}\b(?:lined up|all ready|counted out)\b",
    r"\b(?:thinking|thought|thoughts) (?:about|of) (?:driving|jumping|crashing|stepping|throwing (?:my|him|her)self)"
    r" (?:into|off|in front of|under)\b",
    r"\bjump(?:ing)? off (?:a|the) (?:bridge|building|roof|cliff)\b")

FEVER = make_rule(
    "fever", "emergency", "a fever during cancer treatment, or with a stiff neck",
    r"\b(?:chemo\w*|immunotherapy|infusions?|radiotherapy)\b[^.!?]{0,60}\b(?:fever|temperature of|high temp\w*|"
    r"temp of)", r"\b(?:fever|temperature|temp)\b[^.!?]{0,40}\b(?:chemo\w*|immunotherapy|radiotherapy)\b",
    r"\b(?:fever|temperature)\b[^.!?]{0,30}\bstiff neck\b", r"\bstiff neck\b[^.!?]{0,30}\b(?:fever|temperature)\b")
HEAD_INJURY = make_rule(
    "head_injury", "emergency", "a head injury followed by confusion, vomiting or drowsiness",
    r"\b(?:hit|banged|bumped|knocked|smashed) (?:his|her|my|their) head\b[^.!?]{0,60}\b(?:confused|being sick|"
    r"vomiting|throwing up|drowsy|sleepy|won't wake|unconscious|bleeding)\b")
ALLERGY = make_rule(
    "allergy", "emergency", "a severe allergic reaction",
    r"\b(?:hives|rash|allergic reaction)\b[^.!?]{0,60}\b(?:breath\w*|throat|swelling|swollen|wheez\w*|faint\w*)",
    r"\b(?:breath\w*|throat|swelling|swollen|wheez\w*)\b[^.!?]{0,60}\b(?:hives|allergic reaction)\b",
    # dev batch 17: "his face swelled up and he's wheezing after the IVIG"
    r"\b(?:face|eyes|lips|tongue)\b[^.!?]{0,20}\b(?:swell\w*|swollen|puff\w* up)\b[^.!?]{0,60}"
    r"\b(?:wheez\w*|breath\w*|throat|hives)",
    r"\bwheez\w*\b[^.!?]{0,60}\b(?:face|lips|tongue|throat)\b[^.!?]{0,20}\b(?:swell\w*|swollen|puff\w*)")
VIOLENCE = make_rule(
    "violence", "emergency", "someone threatening to hurt others",
    r"\bthreaten(?:ing|s|ed)? to (?:hurt|kill|harm|stab|shoot|attack)\b",
    r"\b(?:knife|gun|weapon)\b[^.!?]{0,30}\b(?:threaten\w*|waving|pointing|attack\w*)\b")

EMERGENCY_RULES = (BREATHING, CHOKING, SEIZURE_LONG, UNRESPONSIVE, PARALYSIS, SPREADING_WEAKNESS,
                   FAINTING_HEART, CHEST, STROKE, HEADACHE, BLEEDING, OVERDOSE, FEVER, HEAD_INJURY, ALLERGY,
                   VIOLENCE, SELF_HARM)
