"""Cheap, certain checks on one statement, run before any model is asked.

Each returns why the statement is unsupported (or the passages that contain it word for word), so a
verdict can say so: a number or a name no passage states, "lower" where the passage says "increased",
"common" where a source says "uncommon", a sentence copied from a passage.

>>> missing_number("It takes 3 to 40 days.", ["every 3 to 6 months"])
'40'
>>> copied_from("The immune system attacks nerves.", ["No.", "So the immune system attacks nerves!"])
[1]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.grounding import Lexicon, passage_words_of
from assistant.core.text import sentences, tokenize
from assistant.guard.names import unknown_names

_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_NUMBER_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|half|percent)\b", re.IGNORECASE)
_UP = re.compile(r"\b(?:increase[sd]?|increasing|raise[sd]?|raising|higher|more|greater|worsen(?:s|ed)?)\b", re.I)
_DOWN = re.compile(r"\b(?:decrease[sd]?|decreasing|lower(?:s|ed)?|reduce[sd]?|reducing|less|fewer|improve[sd]?)\b",
                   re.I)


def missing_number(statement: str, texts: Sequence[str], number_words: bool = True) -> str | None:
    """The first number in ``statement`` that none of ``texts`` contains, if any."""
    joined = " ".join(texts).lower()
    found = _NUMBER.findall(statement) + (_NUMBER_WORDS.findall(statement) if number_words else [])
    return next((n for n in found if not re.search(rf"\b{re.escape(n.lower())}\b", joined)), None)


def missing_name(statement: str, texts: Sequence[str]) -> str | None:
    """The first name (acronym, "anti-" name, proper noun) in ``statement`` that none of ``texts`` uses.

    >>> missing_name("A positive anti-NMDA test means an immune attack.", ["antibodies in CSF"])
    'anti-NMDA'
    >>> missing_name("It is tested in the CSF.", ["antibodies in CSF"]) is None
    True
    """
    return next(iter(unknown_names(statement, " ".join(texts))), None)


def copied_from(statement: str, texts: Sequence[str]) -> list[int]:
    """0-based indices of the texts that contain ``statement`` word for word (statements over 20 chars)."""
    needle = _squash(statement.rstrip("."))
    return [i for i, t in enumerate(texts) if len(needle) > 20 and needle in _squash(t)]


def rank_by_overlap(statement: str, texts: Sequence[str], indices: Sequence[int]) -> list[int]:
    """``indices`` (into ``texts``) ordered by how many stemmed words the text shares with the statement.

    >>> rank_by_overlap("immune nerves", ["tumor", "immune system attacks nerves"], [0, 1])
    [1, 0]
    """
    words = set(tokenize(statement))
    return sorted(indices, key=lambda i: -len(words & set(tokenize(texts[i]))))


def closest_sentence(statement: str, texts: Sequence[str]) -> str:
    """The sentence of ``texts`` that shares the most stemmed words with ``statement`` ("" if none).

    >>> closest_sentence("It lowers infections.", ["One or more drugs. Side effects: more infections."])
    'Side effects: more infections.'
    """
    words = set(tokenize(statement))
    candidates = [s for text in texts for s, _, _ in sentences(text)]
    return max(candidates, key=lambda s: len(words & set(tokenize(s))), default="")


_NEGATION = re.compile(r"\b(?:not|no|never|none|neither|nor|without|cannot)\b|n't\b", re.IGNORECASE)


def negation_agrees(statement: str, source_sentence: str) -> bool:
    """Do both say "not" (or neither)? A reworded claim that drops or adds a "not" reverses it.

    >>> negation_agrees("They are caused by the cancer spreading.", "They are not caused by the cancer spreading.")
    False
    >>> negation_agrees("Antibodies may not show up in the blood.", "They can't be seen in your blood.")
    True
    """
    return bool(_NEGATION.search(statement)) == bool(_NEGATION.search(source_sentence))


def direction_conflict(statement: str, cited: Sequence[str]) -> str | None:
    """A statement that says "lower" where the cited sentence closest to it says "increased" (or the reverse).

    >>> direction_conflict("It lowers the risk of infections.", ["an increased risk of infections"])
    "says 'lowers' where the cited source says 'increased'"
    >>> direction_conflict("Steroids reduce inflammation.", ["One or more drugs. Steroids inhibit inflammation."])
    """
    cited = [closest_sentence(statement, cited)] if cited else []
    for mine, theirs in ((_DOWN, _UP), (_UP, _DOWN)):
        said = mine.search(statement)
        if said and cited and not any(mine.search(t) for t in cited):
            other = next((m for t in cited if (m := theirs.search(t))), None)
            if other:
                return f"says '{said.group()}' where the cited source says '{other.group()}'"
    return None


# An effect said stronger than the source says it: "stops the body from making white blood cells" for "slow the
# production of ... white blood cells" (browser walk, "what does rituximab do").
_STRONG = re.compile(r"\b(?:stops?|stopping|stopped|prevents?|preventing|blocks?|blocking|halts?|cures?|cured|"
                     r"eliminates?|eliminating|gets? rid of|wipes? out|kills?)\b", re.IGNORECASE)
_WEAK = re.compile(r"\b(?:slows?|slowing|slowed|reduces?|reducing|lowers?|lessens?|inhibits?|suppress\w*|calms?|"
                   r"improves?|may help|can help|helps? control)\b", re.IGNORECASE)


def strength_conflict(statement: str, cited: Sequence[str]) -> str | None:
    """A statement that says an effect is stopped, prevented or cured where the cited sentence closest to it
    says it is slowed, reduced or helped.

    >>> strength_conflict("Rituximab stops the body from making white blood cells.",
    ...                   ["Immunosuppressants slow the production of disease-fighting white blood cells."])
    "says 'stops' where the cited source says 'slow'"
    >>> strength_conflict("These drugs stop the immune system from attacking the nerves.",
    ...                   ["Drugs to stop your immune system from attacking your nervous system."]) is None
    True
    """
    said = _STRONG.search(statement)
    if not said or not cited:
        return None
    closest = closest_sentence(statement, cited)
    weaker = _WEAK.search(closest)
    if _STRONG.search(closest) or weaker is None:
        return None
    return f"says '{said.group()}' where the cited source says '{weaker.group()}'"


def negated_word_conflict(statement: str, cited: Sequence[str], shown: Sequence[str]) -> str | None:
    """A statement using a word whose negated form ("uncommon", "irreversible") a shown source uses,
    while the passages it cites never use the plain word.

    >>> negated_word_conflict("Yes, this is common.", ["Any cancer may be linked."], ["a group of uncommon disorders"])
    "says 'common' where a source says 'uncommon'"
    """
    words = set(re.findall(r"[a-z]{4,}", statement.lower()))
    cited_text = " ".join(cited).lower()
    for source in shown:
        for prefix, word in re.findall(r"\b(un|in|ir|non)([a-z]{4,})\b", source.lower()):
            if word in words and f"{prefix}{word}" not in statement.lower() \
                    and not re.search(rf"\b{word}\b", cited_text):
                return f"says '{word}' where a source says '{prefix}{word}'"
    return None


def _squash(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


# Words that limit what follows them: "nerve cells outside the brain and spinal cord" is not "the brain and
# spinal cord". ("not", "no", "without" are the negation check's.)
_SCOPE = re.compile(r"\b(?:outside|except|beyond|besides|other than|apart from|instead of|rather than)\b",
                    re.IGNORECASE)
_SKIPPED = {"the", "a", "an", "of", "your", "his", "her", "their", "its", "this", "that", "these", "those", "and", "or"}


def _scoped_phrases(source: str) -> list[tuple[str, tuple[str, str]]]:
    """(scope word, the first two words after it) for each scope word in ``source``, function words skipped."""
    found = []
    for match in _SCOPE.finditer(source):
        words = [w for w in re.findall(r"[a-z]+", source[match.end():match.end() + 80].lower()) if w not in _SKIPPED]
        if len(words) >= 2:
            found.append((match.group().lower(), (words[0], words[1])))
    return found


def scope_conflict(statement: str, cited: Sequence[str]) -> str | None:
    """A statement that says of X what the cited passage says only of what lies outside X (or except X).

    >>> scope_conflict("Isaacs syndrome affects the brain and spinal cord.",
    ...                ["impulses in nerve cells outside the brain and spinal cord"])
    "says 'brain ... spinal' where the cited source says 'outside' them"
    >>> scope_conflict("It affects nerves outside the brain and spinal cord.",
    ...                ["impulses in nerve cells outside the brain and spinal cord"]) is None
    True
    """
    cited_text = " ".join(cited)
    phrases = _scoped_phrases(cited_text)
    for scope, (first, second) in phrases:
        at = re.search(rf"\b{first}\W+(?:[a-z]+\W+){{0,2}}?{second}\b", statement, re.IGNORECASE)
        if not at:
            continue
        scoped = sum(1 for _, pair in phrases if pair == (first, second))
        if len(re.findall(rf"\b{first}\b", cited_text, re.IGNORECASE)) > scoped:
            continue  # the passage also says it plainly somewhere
        before = statement[max(0, at.start() - 30):at.start()]
        if not _SCOPE.search(before) and not _NEGATION.search(before):
            return f"says '{first} ... {second}' where the cited source says '{scope}' them"
    return None


# How often: a statement may not make the source's "sometimes" into "usually", nor add a "common" it never says.
# "Many people with cancer develop paraneoplastic syndromes" for "uncommon disorders that develop in some people who
# have cancer" (dev g003, dev batch 15) says how many
_OFTEN = re.compile(r"\b(?:usually|always|often|mostly|commonly|common|typically|typical|generally|frequently|"
                    r"frequent|most (?:people|patients|cases|often|of)|(?:many|a lot of|lots of) (?:people|patients|"
                    r"persons|cancer patients|of them|of those))\b", re.IGNORECASE)
# What a source may say instead, and so allow a statement's "usually": "you're likely to start by ...".
_HOW_OFTEN = re.compile(rf"{_OFTEN.pattern}|\b(?:likely|most|more|majority)\b", re.IGNORECASE)


def frequency_conflict(statement: str, cited: Sequence[str]) -> str | None:
    """A statement saying how often ("usually", "common") where the cited sentence closest to it says no such thing.

    >>> frequency_conflict("The damage is usually reversible with therapy.",
    ...                    ["Sometimes the injury to the nervous system is reversible with therapy."])
    "says 'usually' where the cited source does not say how often"
    >>> frequency_conflict("It is most often seen with lung cancer.", ["It is typically associated with lung cancer."])
    >>> frequency_conflict("Many people with cancer develop these syndromes.",
    ...                    ["These are uncommon disorders that develop in some people who have cancer."])
    "says 'Many people' where the cited source does not say how often"
    >>> frequency_conflict("Many people with cancer benefit from education.",
    ...                    ["Many people with cancer benefit from education and resources."])
    """
    said = _OFTEN.search(statement)
    if not said or not cited:
        return None
    if _HOW_OFTEN.search(closest_sentence(statement, cited)):
        return None
    return f"says '{said.group()}' where the cited source does not say how often"


# Advice to the reader: "you should start with questions about your symptoms and how they affect your daily life"
# (dev g188, judged 0.73 against "List your questions from most important to least important") and "avoid caffeine
# and alcohol" are the generic advice a small model adds; the sources' own advice says its words.
_ADVICE = re.compile(r"\b(?:you|he|she|they|we|patients?|people) (?:should|must|need to|have to|ought to)\b|"
                     r"\b(?:make sure|be sure to|try to|it(?:'s| is) (?:best|important|a good idea|wise) to)\b|"
                     r"^(?:avoid|don't|do not|never|always|try|remember)\b", re.IGNORECASE)


def is_advice(statement: str) -> bool:
    """Does the statement tell the reader what to do?

    >>> is_advice("You should start with questions about your daily life."), is_advice("Avoid caffeine.")
    (True, True)
    >>> is_advice("Antibodies may not show up in the blood."), is_advice("You may see a neurologist.")
    (False, False)
    """
    return bool(_ADVICE.search(statement))


# Advice may put one word of its own ("if you experience any of these symptoms, it's important to see your doctor"
# for "if you have any signs or symptoms ..., see your doctor", dev g010), not two (g188: "your daily life").
ADVICE_NOVEL_WORDS = 2


def advice_conflict(statement: str, novel_words: Sequence[str]) -> str | None:
    """Advice to the reader with words the passage does not use (``novel_words``, its grounding's).

    >>> advice_conflict("You should think about your daily life.", ["daili", "life"])
    'advises in words the passage does not use (daili, life)'
    >>> advice_conflict("It's important to see your doctor if you experience these.", ["experi"]) is None
    True
    """
    if len(novel_words) < ADVICE_NOVEL_WORDS or not is_advice(statement):
        return None
    return f"advises in words the passage does not use ({', '.join(novel_words[:4])})"


# A clause before the subject ("In this disease, ...", "If the damage is in the neck, ...") and the first verb
# after it: what lies between is the sentence's subject.
_LEADING_CLAUSE = re.compile(r"^(?:in|at|for|during|after|before|with|if|when|once|while|because|as)\b[^,]{0,80},\s*",
                             re.IGNORECASE)
_FIRST_VERB = re.compile(r"\b(?:can|could|may|might|will|would|is|are|was|were|does|do|did|has|have|had|"
                         r"causes?|caused|leads?|makes?|affects?|triggers?)\b", re.IGNORECASE)


def subject_of(statement: str) -> str:
    """The words before the statement's first verb, after a leading clause.

    >>> subject_of("Stress can cause stiff person syndrome."), subject_of("In this disease, T cells attack nerves.")
    ('Stress ', 'T cells attack nerves.')
    """
    text = _LEADING_CLAUSE.sub("", statement.strip())
    verb = _FIRST_VERB.search(text)
    return text[:verb.start()] if verb else text


def echo_conflict(statement: str, passage: str, asked: Sequence[str]) -> str | None:
    """A statement whose subject is a word of the question (``asked``: the question's focus stems) that the
    passage never says: asked "can stress cause this?", "Stress can cause stiff person syndrome." leans on the
    stiff person passage for everything but what it is about (dev batch 12). Words are compared as stems, with the
    sources' synonyms mapped (:class:`assistant.answer.grounding.Lexicon`).

    >>> echo_conflict("Stress can cause it.", "It may cause painful spasms.", ["stress"])
    "its subject 'stress' is a word of the question the passage does not say"
    >>> echo_conflict("At the first visit, the neurologist checks reflexes.", "A neurologist checks reflexes.",
    ...               ["visit", "neurologist"]) is None
    True
    """
    said = passage_words_of(passage)
    echoed = [w for w in Lexicon.content_words(subject_of(statement)) if w in asked and w not in said]
    return f"its subject {echoed[0]!r} is a word of the question the passage does not say" if echoed else None
