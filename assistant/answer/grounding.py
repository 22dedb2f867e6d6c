"""Lexical grounding: does a passage contain what a sentence claims, its named things and its words?

The 1.5B judge scored 0.71-0.88 for "avoid caffeine and alcohol", "there are several clinical trials
being conducted" and "dysautonomia causes muscle rippling" (eval/claims.jsonl, dev half): each uses a
word or a named thing that the passage it cites never states. Four deterministic signals catch them
before the judge is asked:

* **unknown words**: content words the whole library never uses ("caffeine", "trials", "contagious"),
  after plain-language synonyms ("lab" -> "laboratory") and the small set of words any paraphrase
  needs ("happen", "linked", "start");
* **missing entities**: a named thing (a syndrome, treatment, test, cancer) in the sentence that the
  passage does not name, so "plasmapheresis uses donor antibodies" cannot lean on the IVIg passage;
* **support**: the share of the sentence's content words that the passage contains;
* **borrowed words**: a word the passage lacks that the library says only of other named things
  ("rigidity" is stiff person syndrome's, so "cerebellar ataxia causes rigidity" cannot stand).

>>> lexicon = Lexicon(["Immunoglobulin contains healthy antibodies from blood donors.",
...                    "Plasmapheresis separates the plasma from your blood cells."])
>>> g = lexicon.ground("Plasmapheresis uses antibodies from donors.", lexicon.texts[0])
>>> g.missing_entities, g.unknown_words
(['plasmapheresis'], [])
>>> lexicon.ground("Avoid caffeine and alcohol.", lexicon.texts[0]).unknown_words
['alcohol', 'avoid', 'caffein']
>>> round(lexicon.ground("Immunoglobulin has antibodies from donors.", lexicon.texts[0]).support, 2)
1.0
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import snowballstemmer

from assistant.core.text import STOPWORDS

# Named things of this field, each with the surface forms patients and the sources use. A sentence
# naming one needs a passage that names it too (any form). Lower case; matched on word boundaries.
ENTITIES: dict[str, tuple[str, ...]] = {
    "cerebellar degeneration": ("cerebellar degeneration", "cerebellar ataxia", "pcd"),
    "limbic encephalitis": ("limbic encephalitis", "limbic system"),
    "encephalomyelitis": ("encephalomyelitis",),
    "opsoclonus-myoclonus": ("opsoclonus-myoclonus", "opsoclonus", "myoclonus"),
    "stiff person syndrome": ("stiff person", "stiff man", "sps"),
    "myelopathy": ("myelopathy",),
    "lambert-eaton": ("lambert-eaton", "lambert eaton", "lems", "myasthenic syndrome"),
    "myasthenia gravis": ("myasthenia gravis", "myasthenia"),
    "neuromyotonia": ("neuromyotonia", "isaacs"),
    "peripheral neuropathy": ("peripheral neuropathy", "neuropathy"),
    "dysautonomia": ("dysautonomia",),
    "plasmapheresis": ("plasmapheresis", "plasma exchange", "plex"),
    "immunoglobulin": ("immunoglobulin", "ivig"),
    "corticosteroids": ("corticosteroid", "corticosteroids", "steroid", "steroids", "prednisone"),
    "immunosuppressants": ("immunosuppressant", "immunosuppressants", "azathioprine", "imuran", "azasan",
                           "mycophenolate", "cellcept", "rituximab", "rituxan", "cyclophosphamide", "cytoxan"),
    "nerve-to-muscle drugs": ("pyridostigmine", "mestinon", "regonol", "nerve-to-muscle"),
    "anti-seizure medications": ("anti-seizure", "antiseizure"),
    "chemotherapy": ("chemotherapy", "chemo"),
    "physical therapy": ("physical therapy", "physical therapist"),
    "speech therapy": ("speech therapy", "speech therapist"),
    "spinal tap": ("spinal tap", "lumbar puncture"),
    "ct scan": ("ct scan", "ct scans", "ct", "computerized tomography"),
    "mri": ("mri scan", "mri", "magnetic resonance"),
    "pet scan": ("pet scan", "pet scans", "pet-ct", "pet", "positron emission"),
    "lung": ("lung", "lungs"),
    "ovary": ("ovary", "ovaries", "ovarian"),
    "breast": ("breast",),
    "testis": ("testis", "testes", "testicular", "testicle", "testicles"),
    "lymphatic system": ("lymphatic", "lymphoma", "lymph"),
    "thymus": ("thymus", "thymoma"),
    "t cells": ("t cells", "t cell", "t-cells"),
    "support groups": ("support group", "support groups"),
}


class _Stemmers(threading.local):
    """One Snowball stemmer per thread: a stemmer keeps the word it works on in itself, so two threads
    sharing one corrupt each other's words (seen as IndexError with two answers at once)."""

    def __init__(self) -> None:
        self.english = snowballstemmer.stemmer("english")


_STEMMERS = _Stemmers()


def stems(text: str) -> list[str]:
    """Porter2 stems of the content words of ``text`` (stop words and one-letter words left out).

    >>> stems("The immune system was activated; activation of T cells.")
    ['immun', 'system', 'activ', 'activ', 'cell']
    """
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'s ", " ").replace("'t ", " "))
    return _STEMMERS.english.stemWords([w for w in words if w not in STOPWORDS and len(w) > 1])


# Plain-language words a faithful paraphrase may use although the library does not: words that
# connect, hedge or restate, never new facts. ("always", "never", "cure", "everyone" are not here.)
PARAPHRASE_WORDS = frozenset(stems(
    """happen happens happened start starts begin begins mean means meaning called call name named another
    linked link tied connected related relate associated usually often sometimes rarely mostly mainly
    typically generally also too even still already just only really very much many few lot lots
    thing things part parts kind kinds type types way ways like such example including include includes
    plus because since therefore while when then there here get gets got make makes made take takes taken
    give gives given need needs needed keep keeps become becomes show shows find finds look looks see sees
    help helps helped hold holds holding put away back out around inside outside along together
    people person someone somebody body place places time times work works working cause causes caused
    due result results reason reasons effect effects affect affects affected lead leads able unable
    problem problems trouble troubles difficulty hard harder easy easier well good better worse bad
    big small large larger little more less most least new different same other others whole each
    first second third next last later earlier soon quickly slowly fast slow high higher low lower
    raise raises raised increase increases increased reduce reduces reduced lower lowers decrease
    stop stops stopped prevent prevents slowed slows speed speeds control controls check checks
    test tests tested use uses used using try tries throw throws thrown remove removes removed
    thought think believe believed believes said say says known anything else something
    come comes came coming go goes went gone going point done doing watch watching warning warnings figure
    nothing repeat repeated send sends sent bring brings brought visit visits idea understand understood
    might may could would should can will must possibly perhaps maybe likely
    feel feels felt feeling exact exactly actual actually now anymore ready true okay sure matter matters
    caught catch catches stay stays wait waiting calm calms easily explain explains mention mentions
    describe describes involve involves seem seems appear appears tell tells told ask asks asked answer
    know knows anyone anybody besides apart"""))

# Patients' words for what the sources say in other words; used to see whether a text addresses a
# question's focus ("does it hurt?" is answered by "painful"), never to let a new claim through.
LAY_TERMS: dict[str, tuple[str, ...]] = {
    "hurt": ("pain", "painful"), "hurts": ("pain", "painful"), "ache": ("pain",), "sore": ("pain",),
    "wobbly": ("unsteady", "balance"), "shaky": ("unsteady", "involuntary"), "clumsy": ("coordination",),
    "dizzy": ("dizziness",), "heavy": ("weakness",), "tired": ("fatigue",), "exhausted": ("fatigue",),
    "forget": ("memory",), "forgetting": ("memory",), "forgetful": ("memory",), "confused": ("thinking", "memory"),
    "darting": ("eye movement",), "jumpy": ("eye movement",), "twitch": ("twitching",), "jerks": ("jerks",),
    "stiff": ("stiffness",), "weaker": ("weakness",), "weak": ("weakness",), "numb": ("numbness",),
    "tingly": ("tingling",), "pee": ("bladder",),
    "poop": ("bowel",), "blurry": ("vision",), "seeing": ("vision", "seeing"), "slurring": ("slurred",),
    "catching": ("infection",), "germs": ("infection",), "permanent": ("reversed", "reversible"),
    "heal": ("reversible", "improve"), "scan": ("imaging",), "scans": ("imaging",),
    "tumor": ("thymoma", "cancer", "malignant"), "tumour": ("thymoma", "cancer", "malignant"),
    "tremble": ("involuntary",), "shaking": ("involuntary",), "spinning": ("dizziness",), "vertigo": ("dizziness",),
    "rehab": ("therapy",), "talk": ("speaking", "speech"), "talking": ("speaking", "speech"),
    "sick": ("infections", "disease"), "lasting": ("reversed", "reversible"), "tiny": ("small",),
    "downside": ("side effects",), "downsides": ("side effects",), "parched": ("dry",), "buckling": ("weakness",),
    "risk": ("more often", "associated"), "nerve": ("neurological", "nervous"), "nerves": ("neurological", "nervous"),
    "better": ("improve", "reversible"), "weird": ("sensation", "disturbances"), "mess": ("affect",),
    "treatable": ("treatment", "treating", "therapy"), "toilet": ("bowel", "bladder"), "loo": ("bowel", "bladder"),
    "neuro": ("neurologist", "neurological"), "testicular": ("testis",), "ovarian": ("ovary",),
    # how fast it comes on: the sources say "relatively quickly, often over days to weeks", "rapidly"
    "sudden": ("quickly", "rapidly"), "suddenly": ("quickly", "rapidly"), "gradual": ("quickly", "days to weeks"),
    "gradually": ("quickly", "days to weeks"), "slowly": ("quickly", "days to weeks"), "creep": ("quickly",),
    # what a syndrome causes or is characterized by is its symptoms ("what are the symptoms of stiff person syndrome?")
    "symptom": ("cause", "characterized", "experience"), "symptoms": ("cause", "characterized", "experience"),
    # dev batch 11: "Will physio help her?", "his own body fighting itself?", "what kind of doctor deals with this?"
    "physio": ("physical therapy",), "physiotherapy": ("physical therapy",), "fight": ("immune", "attack"),
    "fighting": ("immune", "attack"), "deal": ("specialist", "treat"), "deals": ("specialist", "treat"),
    "choke": ("swallowing",), "chokes": ("swallowing",), "choking": ("swallowing",),
    # dev batch 12: "keeps dropping her cup and cant do buttons", "support groups ... online"
    "buttons": ("fine motor",), "online": ("internet",), "cup": ("objects",), "cups": ("objects",),
    "mug": ("objects",), "fork": ("objects",), "spoon": ("objects",), "pen": ("objects",), "keys": ("objects",),
    # dev batch 13: "how does the plasma exchange machine work", "what if there's no local support group"
    "machine": ("device", "separator"), "local": ("where you live",), "nearby": ("where you live",),
    # dev batch 14: "will treating her tumor fix the walking?"; the sources say "reversible", "improve symptoms"
    "fix": ("reversible", "improve"), "fixed": ("reversible", "improve"), "cure": ("reversible", "improve"),
    "cured": ("reversible", "improve"), "recover": ("reversible", "improve"), "recovery": ("reversible", "improve"),
    # dev batch 15: "does an MRI use radiation", "my mum is struggling to cope"
    "radiation": ("radioactive", "x-ray", "radio waves"), "struggling": ("challenges", "coping"),
    "struggle": ("challenges", "coping"),
}

# Lay words for what the sources say in clinical words: "lab" counts as "laboratory".
SYNONYMS: dict[str, str] = {
    "lab": "laboratory", "labs": "laboratory", "meds": "medication", "medicine": "medication",
    "medicines": "medication", "pills": "medication", "doc": "doctor", "docs": "doctor", "men": "males",
    "women": "females", "permanent": "reversed", "permanently": "reversed", "sick": "disease",
    "illness": "disease", "tired": "fatigue", "tiredness": "fatigue", "eyesight": "vision",
    "broken": "breakdown", "break": "breakdown", "breaks": "breakdown", "analyze": "analysis",
    "analyse": "analysis", "analyzed": "analysis", "forgotten": "forgot", "issues": "problems", "issue": "problem",
    "tumour": "tumor", "tumours": "tumors", "behaviour": "behavior", "behaviours": "behaviors",
    "steroid": "corticosteroid", "steroids": "corticosteroids", "rehab": "therapy",
}

GENERIC_TOPIC = frozenset(stems("paraneoplastic syndromes nervous system cancer disorders"))


@lru_cache(maxsize=256)
def passage_words_of(passage: str) -> frozenset[str]:
    """A passage's stems, raw and with synonyms mapped (as a sentence's are), once per passage text:
    "Steroids" in a passage supports "corticosteroids" in a sentence, and the other way round."""
    return frozenset(stems(passage)) | frozenset(stems(_with_synonyms(passage)))


def _with_synonyms(text: str) -> str:
    """``text`` lower-cased with each lay word replaced by the sources' word ("lab" -> "laboratory")."""
    return " ".join(SYNONYMS.get(w, w) for w in re.findall(r"[a-z0-9'’-]+", text.lower()))


@dataclass(frozen=True)
class Grounding:
    """How a sentence sits on one passage: what it says that the library or the passage does not."""

    unknown_words: list[str]  # content words no text of the library uses
    missing_entities: list[str]  # named things the sentence names and the passage does not
    novel_words: list[str]  # content words the passage does not contain (unknown ones included)
    support: float  # share of the sentence's content words the passage contains (1.0 with none)
    borrowed_words: list[str] = field(default_factory=list)  # novel words the library says only of other things

class Lexicon:
    """The library's words and named things; built once per index (cheap: no model)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Stems of the library, plus every form of a named thing the library names ("ovarian" counts
        when it says "ovary")."""
        words = {t for text in self.texts for t in stems(text)}
        named = set(entities_in(" ".join(self.texts)))
        words |= {t for name in named for form in ENTITIES[name] for t in stems(form)}
        return frozenset(words)

    @staticmethod
    def content_words(text: str) -> list[str]:
        """Stems of ``text`` with synonyms mapped and paraphrase words left out, in order, once each.

        >>> Lexicon.content_words("The lab tests the spinal fluid, usually.")
        ['laboratori', 'spinal', 'fluid']
        """
        return list(dict.fromkeys(w for w in stems(_with_synonyms(text)) if w not in PARAPHRASE_WORDS))

    def unknown_words(self, text: str) -> list[str]:
        """Content words of ``text`` that no text of the library uses, sorted.

        >>> Lexicon(["Corticosteroids inhibit inflammation."]).unknown_words("Steroids cure inflammation.")
        ['cure']

        ("Steroids" is a form of a named thing the library names; "cure" is in no text.)
        """
        return sorted(w for w in self.content_words(text) if w not in self.vocabulary and not w.isdigit())

    def ground(self, sentence: str, passage: str, refers_to: Sequence[str] = ()) -> Grounding:
        """``refers_to``: named things the sentence's "it"/"this" stands for (from the sentence before)."""
        words = self.content_words(sentence)
        passage_words = passage_words_of(passage)
        novel = [w for w in words if w not in passage_words]
        missing = sorted((set(entities_in(sentence)) | set(refers_to)) - set(entities_in(passage)))
        support = 1.0 - len(novel) / len(words) if words else 1.0
        named = set(entities_in(sentence)) | set(refers_to)
        borrowed = [w for w in novel if named and self.owners.get(w) and not self.owners[w] & named]
        return Grounding(self.unknown_words(sentence), missing, novel, support, borrowed)

    @cached_property
    def owners(self) -> dict[str, frozenset[str]]:
        """For each word, the named things of the library lines that use it, when every such line names one.

        A word some line uses without naming anything ("weakness" in a general list) has no owners.
        "rigid" belongs to stiff person syndrome alone, so "cerebellar ataxia causes rigidity" borrows it:

        >>> Lexicon(["- Stiff person syndrome. It causes rigidity.", "Weakness is common."]).owners["rigid"]
        frozenset({'stiff person syndrome'})
        >>> "weak" in Lexicon(["- Stiff person syndrome. It causes rigidity.", "Weakness is common."]).owners
        False
        """
        seen: dict[str, set[str]] = {}
        shared: set[str] = set()
        for text in self.texts:
            for line in text.splitlines():
                named = set(entities_in(line))
                for word in set(self.content_words(line)):
                    if named:
                        seen.setdefault(word, set()).update(named)
                    else:
                        shared.add(word)
        return {w: frozenset(names) for w, names in seen.items() if w not in shared}

    def restates(self, sentence: str, question: str) -> bool:
        """Does the sentence only repeat the question's own words (no fact of its own)?

        >>> Lexicon([]).restates("It can make someone see things that aren't there.",
        ...                      "Can it make someone see things that aren't there?")
        True
        >>> Lexicon([]).restates("Hallucinations are a symptom.", "Can it make someone see things?")
        False
        """
        asked = set(self.content_words(question)) | GENERIC_TOPIC
        return bool(question) and all(w in asked for w in self.content_words(sentence))


def entities_in(text: str) -> list[str]:
    """The named things ``text`` mentions, by their canonical names, in ``ENTITIES`` order.

    >>> entities_in("Steroids and IVIg; a spinal tap (lumbar puncture) for Lambert-Eaton.")
    ['lambert-eaton', 'immunoglobulin', 'corticosteroids', 'spinal tap']
    """
    lower = text.lower().replace("’", "'")
    return [name for name, forms in ENTITIES.items() if any(_PATTERNS[form].search(lower) for form in forms)]


_PATTERNS = {form: re.compile(rf"(?<![a-z0-9-]){re.escape(form)}(?![a-z0-9])")
             for forms in ENTITIES.values() for form in forms}
