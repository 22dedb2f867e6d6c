"""Names a text uses (acronyms, "anti-" antibody names, mid-sentence proper nouns) and which of them
a reference text never mentions.

The sources cannot say anything about a name they never use: asked about "anti-Hu" or "Texas", the
1.5B model answered from the nearest passage anyway ("ask your primary care doctor for
recommendations"). A name the question or a statement uses and no source uses is therefore a cheap,
certain signal; lowercase words are left to the judge, since patients' plain words ("wobbly") rarely
appear in the sources.

>>> names_in("Is anti-Hu or anti-Yo the antibody? My Mom lives in Texas. What is a PET-CT?")
['anti-Hu', 'anti-Yo', 'Texas', 'PET-CT']
>>> unknown_names("Does a PET-CT scan show anti-NMDA antibodies?", "A PET scan... a CT scan. Antibodies.")
['anti-NMDA']
>>> names_in("WHAT DOES A SPINAL TAP SHOW? EMERGENCY!!! just kidding")  # shouting names nothing
[]
>>> expand_abbreviations("What is LEMS?", "Lambert-Eaton myasthenic syndrome. This is...")
'What is LEMS (Lambert-Eaton myasthenic syndrome)?'
>>> expand_abbreviations("LEMS? Is LEMS rare?", "Lambert-Eaton myasthenic syndrome")  # spelled out once
'LEMS (Lambert-Eaton myasthenic syndrome)? Is LEMS rare?'
>>> expand_lay_terms("Can it make someone see things that aren't there?")
"Can it make someone see things that aren't there (hallucinations)?"
>>> expand_lay_terms("Has the cancer moved into her nerves?")
'Has the cancer moved into her nerves (cancer spreading, metastasis)?'
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from assistant.core.text import english_words

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'’][A-Za-z0-9]+)*")
_SENTENCE_START = re.compile(r"(?:^|(?<!\bDr|\bMr|\bMs|\bSt)(?<!\bMrs)(?<!\bProf)[.!?:;]|\n)[\s\"“'‘(\[*•-]*$")
# Capitalised words people write mid-sentence that name nothing the sources could cover.
_COMMON = frozenset(
    """i i'm i've i'd i'll ok okay hi hello thanks er icu md dr mr mrs ms tv am pm faq asap fyi btw lol omg
    thx pls prof mom mum dad mommy daddy grandma grandpa god doctor doc nurse sir madam please
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december christmas english""".split()
)
# Abbreviations patients and doctors use that the sources spell out instead.
ABBREVIATIONS = {
    "LEMS": "Lambert-Eaton myasthenic syndrome",
    "LES": "Lambert-Eaton syndrome",
    "PCD": "paraneoplastic cerebellar degeneration",
    "SPS": "stiff person syndrome",
    "MG": "myasthenia gravis",
    "OMS": "opsoclonus-myoclonus syndrome",
    "PNS": "paraneoplastic neurological syndrome",
    "LP": "lumbar puncture",
    "PLEX": "plasma exchange",
    "SCLC": "small cell lung cancer",
    "GP": "primary care doctor",
    "PCP": "primary care doctor",
}


# How patients say what the sources say in clinical words: the clinical words are added, so that
# retrieval, evidence and the model meet the sources' vocabulary ("wobbly" -> "balance").
_LAY_PHRASES = (
    (r"\b(?:see|sees|seeing|hear|hears|hearing) (?:things|people|bugs|voices)(?: that (?:aren't|are not|isn't|is "
     r"not) there)?", "hallucinations"),
    (r"\b(?:wobbly|unsteady|off balance|los(?:e|es|ing) (?:my|his|her|their) balance|stumbl\w*|keeps? falling)\b",
     "balance, coordination"),
    (r"\b(?:forget\w*|can't remember|cannot remember)\b", "memory loss"),
    (r"\b(?:eyes?)\b[^?.!]{0,20}\b(?:dart\w*|jump\w*|jerk\w*)", "eye movements"),
    (r"\b(?:legs?|arms?)\b[^?.!]{0,15}\bheavy\b|\bheavy (?:legs|arms)\b|\b(?:buckl\w*|giv\w* way|gave way)\b",
     "muscle weakness"),
    (r"\b(?:trembl\w*|shak(?:y|ing|es)|tremors?)\b", "involuntary movements"),
    (r"\b(?:hold(?:ing)? (?:a |her |his |my )?(?:pen|pencil|cup|fork|spoon)|button\w*|pick(?:ing)? (?:things )?up|"
     r"drop(?:s|ping)? things|clumsy hands?)\b", "fine motor skills, picking up objects"),
    (r"\b(?:room (?:is |keeps )?spinning|spinning|vertigo|light-?headed|woozy)\b", "dizziness"),
    (r"\b(?:throw(?:ing)? up|vomit\w*|queasy|sick to (?:my|his|her) stomach)\b", "nausea"),
    (r"\b(?:food|drinks?|pills?) (?:going|goes|went) down the wrong way|\btrouble getting food down\b",
     "difficulty swallowing"),
    (r"\b(?:can't get (?:the |my |his |her )?words out|mumbl\w*|words come out wrong)\b", "difficulty speaking"),
    (r"\b(?:can't sleep|insomnia|sleeping all (?:day|the time))\b", "sleep disturbances"),
    (r"\bfits?\b", "seizures"),
    (r"\bpins and needles\b", "tingling, numbness"),
    (r"\bspinal fluid\b", "cerebrospinal fluid, CSF"),
    (r"\b(?:pee|peeing|wet (?:myself|himself|herself)|incontinen\w*)\b", "bladder"),
    (r"\btwitch\w*|\bripple\w*", "twitching, rippling"),
    (r"\b(?:tired all the time|exhausted|no energy|worn out)\b", "fatigue"),
    (r"\b(?:parched|cotton mouth)\b", "dry mouth"),
    (r"\bweird feelings?\b|\bfeel(?:s|ing)? (?:funny|strange|weird)\b", "sensation"),
    (r"\bchemo\b", "chemotherapy"),
    (r"\bblood ?work\b|\bdraw(?:s|ing)? (?:my |the )?blood|\bblood (?:they )?draw\b", "blood tests"),
    (r"\b(?:hurt|hurts|ache|aches|sore)\b", "pain"),
    (r"\b(?:downsides?|drawbacks?)\b", "side effects"),
    (r"\b(?:rehab|rehabilitation)\b", "therapy"),
    (r"\b(?:tiny|teeny)\b", "small"),
    (r"\b(?:get|gets|getting) sick\b|\bcatch(?:ing)? (?:things|colds?|bugs)\b", "infections"),
    (r"\b(?:lasting|forever|go away|for good|permanent\w*)\b", "reversed, permanent"),
    # the cancers the sources name by organ (dev batch 3: "testicular cancer" never found "testis")
    (r"\btesticular\b|\btestes\b|\btesticles?\b", "testis"),
    (r"\bovarian\b", "ovary"),
    (r"\blymphoma\b|\bhodgkin\w*", "lymphatic system"),
    (r"\b(?:toilet|loo|bathroom)\b", "bowel and bladder"),
    (r"\bneuro\b", "neurologist"),
    # dev batch 11, patients' words for what the sources name otherwise
    (r"\bphysio\w*", "physical therapy"),
    (r"\bplasma exchange\b", "plasmapheresis"),
    (r"\b(?:body|immune system)\b[^?.!]{0,25}\b(?:fight\w*|attack\w*|turn\w* on)\b[^?.!]{0,12}\b(?:itself|himself|"
     r"herself|themselves|own)\b", "immune system attacks"),
    (r"\b(?:numb\w*|tingl\w*)\b[^?.!]{0,25}\b(?:feet|foot|hands?|toes|fingers)\b", "peripheral neuropathy, sensation"),
    (r"\b(?:chok\w*|cough\w*) on (?:(?:his|her|my|their) )?(?:water|food|drinks?|liquids?|fluids)\b",
     "difficulty swallowing"),
    (r"\b(?:didn'?t|did not|couldn'?t|could not|can'?t|cannot|haven'?t|have not|never)\b[^?.!]{0,25}\b(?:find|found|"
     r"spot\w*|show)\b[^?.!]{0,20}\b(?:tumou?rs?|cancers?|anything|it)\b|\bnothing (?:showed|shows|turned|turns) up\b|"
     # not "blood test was negative for antibodies" (dev batch 15): that is no tumor search
     r"\b(?:scans?|(?<!blood )tests?|ct|mri|pet|imaging) (?:were|was|came back|come back) (?:clear|normal|negative)\b"
     r"(?! for antibod)",
     "no malignant tumor is located, too small to find"),
    # dev batch 13: the cancer "going to his brain", "moved into her nerves" is what the sources call its spreading
    (r"\b(?:cancers?|tumou?rs?|it|mets)\b[^?.!]{0,20}?\b(?:go(?:ing|ne|es)?|went|got|gets|getting|mov(?:e|ed|es|ing)|"
     r"travel\w*|reach\w*|invad\w*|eat\w*)\s+(?:up\s+)?(?:(?:in(?:to)?|to)\s+)?(?:the |his |her |my |their |your )?"
     r"(?:brain|nerves?|spine|spinal cord)\b", "cancer spreading, metastasis"),
    # "which doctor", "what kind of doctor": both doctors the sources name, the first one first
    (r"\b(?:what|which) (?:kind of |sort of |type of )?(?:doctors?|specialists?)\b|"
     r"\bwho (?:do|should|would|will|can) (?:i|we|he|she|they) (?:see|go to|talk to|ask)\b",
     "primary care doctor, specialist"),
    # dev batch 14: "will treating her tumor fix the walking?", "does it come on slowly or fast",
    # "should i bring my husband to the appointment", "which types of cancer usually come with this"
    (r"\b(?:fix(?:es|ed)?|cur(?:e|es|ed)|recover\w*|get(?:s|ting)? better|back to normal|undo(?:ne)?)\b",
     "reversible"),
    (r"\b(?:come|comes|came|coming) on\b|\b(?:slowly|gradually) or (?:fast|quickly|suddenly)\b|"
     r"\bhow (?:fast|quickly) (?:does|do|did|will) (?:it|this|they|these|symptoms?)\b",
     "develop quickly, days to weeks"),
    (r"\b(?:bring|take|brings|taking|bringing) (?:someone|somebody|anyone|(?:my|his|her|a|our) (?:husband|wife|"
     r"partner|son|daughter|mum|mom|mother|dad|father|friend|sister|brother|family member|relative|carer))\b"
     r"[^?.!]{0,30}\b(?:along|with (?:me|him|her|us)|to (?:the |my |his |her )?(?:appointment|visit|doctor))\b",
     "taking a family member or friend along"),
    (r"\b(?:which|what) (?:types?|kinds?|sorts?) of cancers?\b", "risk factors, cancers associated"),
    # dev batch 15: "is this a common thing with cancer" quoted "... small cancers, common in people who have ..."
    (r"\b(?:is|are) (?:it|this|these|they|that) (?:a |an |very |really |so |that )?(?:common|rare|unusual)\b|"
     r"\bhow (?:common|rare|often does (?:it|this) happen)\b", "uncommon disorders"),
)
LAY_PHRASES = tuple((re.compile(pattern, re.IGNORECASE), words) for pattern, words in _LAY_PHRASES)


def expand_lay_terms(text: str) -> str:
    """``text`` with the clinical words for the lay phrases it uses, in parentheses before its end."""
    added = [words for pattern, words in LAY_PHRASES if pattern.search(text) and words.split(",")[0] not in text]
    if not added:
        return text
    end = len(text.rstrip(" ?.!"))
    return f"{text[:end]} ({'; '.join(dict.fromkeys(added))}){text[end:]}"


_ADDED = re.compile(r" \(([^()]*)\)(?=[ ?.!]*$)")


def split_lay_terms(text: str) -> tuple[str, str]:
    """``text`` without what :func:`expand_lay_terms` added, and what it added ("" if nothing).

    >>> split_lay_terms(expand_lay_terms("Does it hurt?"))
    ('Does it hurt?', 'pain')
    """
    added = _ADDED.search(text)
    return (text, "") if added is None else (text[: added.start()] + text[added.end():], added.group(1))


def names_in(text: str) -> list[str]:
    """Acronyms (two or more capitals: "NMDA", "IVIg"), "anti-" names, and capitalised words that do not
    open a sentence, in order of first use."""
    found: list[str] = []
    letters = [ch for ch in text if ch.isalpha()]
    shouting = sum(ch.isupper() for ch in letters) > 0.5 * len(letters)
    for match in _TOKEN.finditer(text):
        token = re.sub(r"['’]s$", "", match.group())
        if token.lower() in _COMMON or token in found:
            continue
        capitals = sum(ch.isupper() for ch in token)
        opens_sentence = bool(_SENTENCE_START.search(text[: match.start()]))
        acronym = capitals >= 2 and not (token.isupper() and len(token) > 5)  # "EMERGENCY" is shouted
        if token.lower().startswith("anti-") or (not shouting and (
                acronym or (token[0].isupper() and not opens_sentence))):
            found.append(token)
    return found


def unknown_names(text: str, reference: str) -> list[str]:
    """The names in ``text`` that ``reference`` never uses (case-insensitive; every part of a
    hyphenated name must appear, "anti" aside; a plural "MRIs" counts as "MRI")."""
    known = _words(reference)
    missing = []
    for name in names_in(text):
        if _spelled_out(name, known):
            continue
        parts = [p for p in re.findall(r"[a-z0-9]+", name.lower()) if p != "anti"]
        plural_ok = [p[:-1] if p.endswith("s") and p not in known and p[:-1] in known else p for p in parts]
        if any(p not in known for p in plural_ok):
            missing.append(name)
    return missing


def expand_abbreviations(text: str, reference: str) -> str:
    """``text`` with each known abbreviation the reference never uses followed by its spelled-out form,
    so that retrieval, the model and :func:`unknown_names` all see the words the sources use."""
    known = _words(reference)
    done: set[str] = set()

    def spell_out(match: re.Match) -> str:
        short = match.group()
        if short in done or not _spelled_out(short, known):
            return short
        done.add(short)
        return f"{short} ({ABBREVIATIONS[short]})"

    return re.sub(r"\b(?:" + "|".join(ABBREVIATIONS) + r")\b(?! \()", spell_out, text)


@lru_cache(maxsize=16)
def _words(text: str) -> frozenset[str]:
    """Lowercase words of ``text``; cached, since every question is checked against the same corpus."""
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def _spelled_out(name: str, known: frozenset[str]) -> bool:
    """A known abbreviation that the reference never uses but whose spelled-out words it does."""
    long = ABBREVIATIONS.get(name.rstrip("s") if name.rstrip("s") in ABBREVIATIONS else name)
    return bool(long) and name.lower() not in known and _words(long) <= known


# Text-message spellings, in lower case only ("r smokers asked about it", dev batch 13; "U" may be a name).
_CHAT_WORDS = {"r": "are", "u": "you", "ur": "your", "abt": "about", "bc": "because",
               "pls": "please", "plz": "please", "thx": "thanks", "wht": "what", "hw": "how",
               # dev batch 16: "cn u get it with breast cancer" abstained on "cn"
               "cn": "can", "cud": "could", "shud": "should", "wud": "would", "wen": "when", "wat": "what",
               "wot": "what", "cuz": "because", "coz": "because", "ppl": "people", "thru": "through"}


def repair_spelling(text: str, reference: str) -> str:
    """``text`` with each misspelt word the reference nearly uses spelt as the reference does: a word of six
    letters or more that is neither in the reference nor an English word, one or two letters away from one
    reference word of about its length ("cerebelar degenration" -> "cerebellar degeneration"). A drug or
    disease the sources never name stays as it is unless it is that close to one they do.

    >>> repair_spelling("wat is cerebelar degenration?", "Cerebellar degeneration (cerebellar ataxia).")
    'what is cerebellar degeneration?'
    >>> repair_spelling("Is prednisolone the same?", "Corticosteroids, such as prednisone")  # 2 letters longer
    'Is prednisolone the same?'
    >>> repair_spelling("r smokers asked abt it", "Have you ever smoked?")
    'are smokers asked about it'
    >>> repair_spelling("cn u get it wen ur ill", "")
    'can you get it when your ill'
    """
    known = _words(reference)

    def repair(match: re.Match) -> str:
        word = match.group()
        lower = word.lower()
        if word in _CHAT_WORDS:
            return _CHAT_WORDS[word]
        if len(lower) < 6 or "'" in lower or "’" in lower or lower in known or lower in english_words() \
                or f"{lower}s" in known or lower.removesuffix("s") in known:  # another form of a reference word
            return word
        near = [k for k in known if abs(len(k) - len(lower)) <= 1 and k[0] == lower[0]]
        close = difflib.get_close_matches(lower, near, n=2, cutoff=0.85)
        return close[0] if len(close) == 1 or (close and _closer(lower, close)) else word

    return re.sub(r"[A-Za-z]+(?:['’][A-Za-z]+)*", repair, text)


def _closer(word: str, candidates: list[str]) -> bool:
    """Is the first candidate clearly the nearest (not a tie between two reference words)?"""
    first, second = (difflib.SequenceMatcher(None, word, c).ratio() for c in candidates[:2])
    return first - second >= 0.03
