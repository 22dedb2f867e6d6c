"""Can the sources answer this question? The checks made before and after generation.

Before: a question of a kind the sources must address in a particular way (``answer.kinds``: inheritance,
research, costs, ...) is declined when no shown passage says it.

The focus of a question is what it asks about beyond the named things it mentions: "hurt" in "Does a
PET scan hurt?", "head injury" in "Can a head injury cause limbic encephalitis?". Passages about the PET
scan or limbic encephalitis do not answer those, so an answer that never addresses the focus (in the
source's words or the patient's: "hurt" is addressed by "painful") is not given.

>>> focus_words("Does a PET scan hurt?")
['hurt']
>>> addresses(["It may also cause painful muscle spasms."], focus_words("Does stiff person syndrome hurt?"))
True
>>> addresses(["PET uses radioactive compounds to make images."], focus_words("Does a PET scan hurt?"))
False
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.answer.evidence import focus_share
from assistant.answer.grounding import ENTITIES, GENERIC_TOPIC, LAY_TERMS, Lexicon, stems
from assistant.answer.kinds import question_kind
from assistant.core.settings import VerifySettings
from assistant.core.text import sentences
from assistant.core.types import AnswerDetails, Passage
from assistant.guard.names import split_lay_terms, unknown_names
from assistant.llm.prompts import passage_text
from assistant.search.embedders import Embedder

# People a question mentions are not what it asks about ("my dad", "her husband").
_PEOPLE = frozenset(stems("""mom mum mother dad father husband wife son daughter brother sister grandma grandpa
    grandmother grandfather friend partner parent parents aunt uncle baby spouse boyfriend girlfriend someone
    doctor doctors nurse nurses team"""))
_FORMS = sorted((form for forms in ENTITIES.values() for form in forms), key=len, reverse=True)
# "day to day", "every day": how often, not what about; "new question.", "ok so", "just wondering": talk. From the
# third line on, words that frame a question rather than say what it asks about (dev batch 3 abstained on "even
# though no one has found cancer in her yet" and "if there's none near me"; dev batch 11 on "the PET-CT they've
# booked", "this stuff", "will she ever walk properly again").
_FRAMING = frozenset(stems("""day one two three four five six seven eight nine ten question questions ok okay hi
    hello thanks please wonder wondering curious quick
    though although yet none near nearly right anyway actually maybe perhaps probably basically simply exactly
    else anything something nothing everything whatever worth notice noticed attached honestly obviously
    found wrote written form wat wot
    stuff ever properly proper book booked scheduled arranged planned meant supposed
    run nutshell totally source sources
    topic subject switch switching scared afraid worried frightened terrified"""))
# dev batch 14: "what tests will they run" quoted "... time runs out";
# dev batch 15: "in a nutshell, how do they treat this", "totally different question: ...", "do the sources say ...";
# dev batch 16: "new topic - how is plasmapheresis different from IVIg", "im so scared, is there anything that ..."
# "in simple words", "in plain English", "in layman's terms": how to say it, not what about
_HOW_TO_SAY = re.compile(r"\b(?:in|using|with) (?:simple|plain|easy|normal|everyday|basic|layman'?s?|lay) "
                         r"(?:words|terms|english|language)\b|\bfor dummies\b|\blike i'?m (?:five|5)\b", re.IGNORECASE)


_ASKING = re.compile(r"(?:^|[,;:]\s*|\b(?:so|and|but)\s+)(?=(?:what|which|how|why|when|where|who|is|are|can|could|"
                     r"does|do|did|will|would|should|may|might|has|have)\b)", re.IGNORECASE)


# "..., is that why her hands are numb?" asks about the clause before it (dev batch 13: "has the cancer moved into
# her nerves, is that why ...?" was cut to "is that why her hands are numb?")
_ASKS_BACK = re.compile(r"(?:is|was|could|would|can|might|does|did) (?:that|this)\b", re.IGNORECASE)


def question_part(text: str) -> str:
    """The part of a message that asks: its last sentence with a question mark, from its asking word.

    >>> question_part("My legs have been getting weaker for two weeks, does the immune system attack nerves?")
    'does the immune system attack nerves?'
    >>> question_part("My mom has lung cancer. What is LEMS?")
    'What is LEMS?'
    >>> question_part("has the cancer moved into her nerves, is that why her hands are numb?")
    'has the cancer moved into her nerves, is that why her hands are numb?'
    """
    asked = [s for s, _, _ in sentences(text) if s.rstrip().endswith("?")]
    if not asked:
        return text
    last = asked[-1]
    starts = [m.end() for m in _ASKING.finditer(last) if not _ASKS_BACK.match(last, m.end())]
    return last[starts[-1]:] if starts and len(last[starts[-1]:].split()) >= 3 else last


def focus_words(question: str) -> list[str]:
    """The question's content words (Porter2 stems) that are not a named thing, a person, a number, an
    abbreviation (unknown names are checked by :mod:`assistant.guard.names`) or the library's topic. The
    clinical words added for a patient's words (:func:`lay_alternatives`) are not among them: they say the
    same thing again, and counted apart they made "How often will they keep scanning him if nothing shows up
    (no malignant tumor is located, too small to find)?" need "malignant" or "tumor" said (dev batch 11)."""
    text = _HOW_TO_SAY.sub(" ", question_part(split_lay_terms(question)[0]))
    for form in _FORMS:
        text = re.sub(rf"(?<![\w-]){re.escape(form)}(?!\w)", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\b[A-Z][A-Z0-9]+s?\b|\b\d+\b", " ", text).lower()
    return [w for w in Lexicon.content_words(text) if w not in GENERIC_TOPIC | _PEOPLE | _FRAMING]


def lay_alternatives(question: str) -> list[str]:
    """The stems of the clinical words :func:`assistant.guard.names.expand_lay_terms` added to the question.

    >>> lay_alternatives("Does it hurt (pain)?"), lay_alternatives("Does it hurt?")
    (['pain'], [])
    """
    return Lexicon.content_words(split_lay_terms(question)[1])


# (focus words, answer words) -> for each focus word, its best cosine to an answer word (the embedder's).
WordSimilarity = Callable[[list[str], list[str]], list[float]]


def addresses(shown: Sequence[str], focus: Sequence[str], similar: WordSimilarity | None = None,
              min_similarity: float = 0.7, alternatives: Sequence[str] = ()) -> bool:
    """Do the shown sentences address the focus: at least a third of its words (one at least), each in the
    source's words, a patient's word for them, or (with ``similar``) a word at least ``min_similarity`` close
    ("tiny" and "small" are 0.91 apart for MiniLM; on the dev set, no word of an answer to an unanswerable
    question came closer than 0.64 to that question's focus). Saying one of ``alternatives`` (the clinical
    words for the patient's, :func:`lay_alternatives`) counts as one focus word addressed.

    >>> addresses(["Seizures occur."], ["fit"]), addresses(["Seizures occur."], ["fit"], alternatives=["seizur"])
    (False, True)
    """
    if not focus:
        return True
    needed = max(1, -(-len(focus) // 3))
    said = " ".join(shown)
    missing = [w for w in focus if focus_share(said, [w]) == 0]
    hits = len(focus) - len(missing) + bool(missing and focus_share(said, alternatives))
    if hits < needed and missing and similar is not None:
        answer_words = sorted({w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", said)})
        if answer_words:
            hits += sum(score >= min_similarity for score in similar(missing, answer_words))
    return hits >= needed


def surface_forms(question: str, focus: Sequence[str]) -> list[str]:
    """The question's own word for each focus stem ("injuri" -> "injury").

    >>> surface_forms("Can a head injury cause it?", ["head", "injuri"])
    ['head', 'injury']
    """
    words = re.findall(r"[A-Za-z0-9][\w'-]*", question)
    return [next((w for w in words if stems(w) == [f]), f) for f in focus]


def focus_phrase(question: str, focus: Sequence[str]) -> str:
    """The question's own words for its focus, quoted: "“hurt”", "“head” or “injury”".

    >>> focus_phrase("Can a head injury cause limbic encephalitis?", ["head", "injuri"])
    '“head” or “injury”'
    """
    quoted = [f"“{w}”" for w in dict.fromkeys(surface_forms(question, focus[:3]))]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


def unknown_focus(question: str, lexicon: Lexicon) -> list[str]:
    """The question's focus words that no text of the library uses and no patient's word maps to.

    >>> unknown_focus("Can I drink coffee with myasthenia gravis?", Lexicon(["Myasthenia gravis. It can cause pain."]))
    ['drink', 'coffe']
    >>> unknown_focus("Does myasthenia gravis hurt?", Lexicon(["Myasthenia gravis. It can cause pain."]))
    []
    """
    lay = {s for word in LAY_TERMS for s in stems(word)}
    return [w for w in focus_words(question) if w not in lexicon.vocabulary and w not in lay]


# A phrase the asker puts in quotes: "what does the 'bag of worms' thing mean" (dev batch 12)
_QUOTED = re.compile(r"""(?:^|\s)['"“‘]([^'"”’]{4,60})['"”’](?=[\s?.,!]|$)""")


def quotes_a_passage(question: str, texts: Sequence[str]) -> bool:
    """Does the question quote a phrase of two or more words that some passage says word for word? Such a
    question is covered however far its embedding is from the passage's.

    >>> quotes_a_passage("what does the 'bag of worms' thing mean", ['rippling that looks like a "bag of worms,"'])
    True
    >>> quotes_a_passage("what does 'worms' mean", ['looks like a "bag of worms"'])  # one word is not a phrase
    False
    >>> quotes_a_passage("what does 'bag of snakes' mean", ['looks like a "bag of worms"'])
    False
    """
    lowered = [" ".join(t.lower().split()) for t in texts]
    phrases = [" ".join(m.group(1).lower().split()) for m in _QUOTED.finditer(question)]
    return any(len(p.split()) >= 2 and p in t for p in phrases for t in lowered)


def before_generation(query: str, passages: Sequence[Passage], settings: VerifySettings,
                      details: AnswerDetails) -> str | None:
    """Why to abstain before asking the model ("" for the general message), or None to go on: no
    passage is close to the question, or the question is of a kind no shown passage addresses."""
    best = max((p.dense_score or 0.0 for p in passages), default=0.0)
    if best < settings.min_coverage and not quotes_a_passage(query, [passage_text(p.chunk) for p in passages]):
        return ""
    kind = question_kind(query)
    if kind is not None:
        details.question_kind = kind.name
        if not kind.addressed_by([passage_text(p.chunk) for p in passages]):
            return kind.lead
    return None


# "Can acupuncture help?", "is it okay to go to the gym?", "what's the treatment for multiple sclerosis?": whether
# something helps, is safe or treats, asked of a thing the sources never mention, which they cannot answer.
_HELPS_OR_SAFE = re.compile(r"\b(?:help|helps|helpful|work|works|safe|okay|ok|allowed|fine|cure[sd]?)\b|"
                            r"\btreat(?:s|ed|ing)?\b|\btreatments? (?:for|of)\b", re.IGNORECASE)


# "can anyone help with that?" asks who can help, not whether a thing the sources never mention helps (dev batch 11)
_WHO_HELPS = re.compile(r"\b(?:anyone|anybody|someone|somebody|who|you)\s+(?:\w+\s+)?help\b", re.IGNORECASE)


def asks_if_unknown_helps(question: str, strange: Sequence[str]) -> bool:
    """Is the question whether something no source mentions helps, is safe or treats (``strange``: its focus
    words no source uses, see :func:`unknown_focus`)?

    >>> asks_if_unknown_helps("Can acupuncture help with the nerve pain?", ["acupunctur"])
    True
    >>> asks_if_unknown_helps("Why did they stick a needle in my back?", ["stick"])
    False
    >>> asks_if_unknown_helps("How does IVIG work in simple words?", ["word"])  # the words are not the subject
    False
    >>> asks_if_unknown_helps("He chokes on water now, can anyone help with that?", ["water"])
    False
    >>> asks_if_unknown_helps("she keeps dropping her cup, is that part of this (fine motor skills)", ["drop"])
    False
    """
    asked = question_part(split_lay_terms(question)[0])  # not the clinical words added: "fine motor" is no "fine"
    verb = _HELPS_OR_SAFE.search(asked)
    if not strange or verb is None or _WHO_HELPS.search(asked):
        return False
    lower = asked.lower()
    places = [m.start() for form in surface_forms(asked, strange)
              for m in re.finditer(rf"\b{re.escape(form.lower())}\b", lower)]
    # "does acupuncture help/work": the thing comes first; "is it safe to drive", "treatment for lupus": after
    subject_first = verb.group().lower() in {"help", "helps", "helpful", "work", "works"}
    return any(place < verb.start() or not subject_first for place in places)


# A disease or condition named in lowercase ("multiple sclerosis", "arthritis") is a name the sources never use;
# not a cancer ("-oma"): "any cancer may be associated" answers many questions about one.
# "diagnosis" and "prognosis" end the same way and name no disease.
_DISEASE_WORD = re.compile(r"(?<!diagn)(?<!progn)(?:osis|itis|emia|aemia|pathy|plasia|trophy|algia|phobia|penia)s?$",
                           re.IGNORECASE)


def uncovered(query: str, covered: float | None, settings: VerifySettings, corpus_text: str, lexicon: Lexicon,
              details: AnswerDetails) -> str | None:
    """Why to abstain once the model has said how sure it is that the passages answer (``covered``,
    None when the judge cannot say): "" for the general message, or None to go on.

    A name the sources never use ("anti-Hu", "Texas"), or a word the question is about that no source
    uses and no patient's word maps to ("coffee", "lupus", "vaccine"), needs the model to be fairly sure
    the passages answer anyway: on the gold set it otherwise answered from the nearest passage. A question
    whether such a thing helps, is safe or treats (:func:`asks_if_unknown_helps`) is not answered at all: the
    nearest passages were quoted for "Can acupuncture help with the nerve pain?" (dev batch 2). Patients'
    own words for what the sources say ("stick a needle", "to blame") are unknown words too, so other
    questions with one still go on. Strong evidence (``details.strong_evidence``) is a second signal: from
    ``strong_evidence_floor`` up, the model's doubt is read as ``min_answerable``."""
    if details.strong_evidence and covered is not None and settings.strong_evidence_floor <= covered:
        covered = max(covered, settings.min_answerable)
    if covered is not None and covered < settings.min_answerable:
        return ""
    unknown = unknown_names(query, corpus_text)
    strange = unknown_focus(query, lexicon)
    if strange:
        details.unknown_focus = strange
    unknown += [w for w in surface_forms(query, strange) if _DISEASE_WORD.search(w) and w not in unknown]
    if unknown:
        details.unknown_names = unknown
    if not unknown and asks_if_unknown_helps(query, strange):
        return f"My sources don't mention {focus_phrase(query, strange)}, so I can't answer that reliably."
    strange_counts = bool(strange) and settings.unknown_focus_min_answerable > 0  # off by default
    bar = max([settings.unknown_name_min_answerable] * bool(unknown)
              + [settings.unknown_focus_min_answerable] * strange_counts, default=0.0)
    if (unknown or strange_counts) and (covered is None or covered < bar):
        if unknown:
            quoted = [f"“{n}”" for n in unknown[:3]]
            names = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
        else:
            names = focus_phrase(query, strange)
        return f"My sources don't mention {names}, so I can't answer that reliably."
    return None


class Cosines:
    """Embedding similarities the composer and the focus check ask for (the vectors are unit length)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def to_reference(self, texts: list[str], reference: str) -> list[float]:
        """Each of ``texts``' cosine to ``reference``."""
        return self.matrix([reference], texts)[0].tolist()

    def of_focus(self, query: str, stems: list[str], words: list[str]) -> list[float]:
        """Each focus stem's best cosine (by the question's own word for it) to one of ``words``."""
        focus = [w.lower() for w in surface_forms(query, stems)]
        return self.matrix(focus, words).max(axis=1).tolist()

    def matrix(self, rows: list[str], columns: list[str]) -> np.ndarray:
        """Cosine of each of ``rows`` to each of ``columns`` (one embedding call)."""
        vectors = self.embedder.embed([*rows, *columns])
        return vectors[: len(rows)] @ vectors[len(rows):].T
