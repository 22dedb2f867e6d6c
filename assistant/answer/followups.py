"""Follow-up questions: borrow from the conversation only what a question cannot do without.

A question that stands on its own is left alone, even when it says "it" or "these": asked after "What
does a spinal tap show?", "Is it the tumor spreading into my brain that causes these problems?" is a
new question, and carrying the spinal tap into it retrieved the wrong passages. A question needs the
history when it

* refers back with a pronoun and names nothing else ("does it hurt?", "what did it used to be called?");
* continues the last question with a new subject ("and plasmapheresis?", "is that also true for
  immunosuppressants?"), so the last question is asked again about it;
* asks about "the side effects" or "the symptoms" without saying of what.

The subject borrowed is the named thing (a syndrome, treatment, test; see :mod:`assistant.answer.grounding`)
or bullet lead term the last user turn mentions, else the one the last answer mentions. A pronoun
borrows a syndrome, but a test or a treatment only when the question asks what one asks of those ("how
is it done?", "does it hurt?"): after the spinal tap, "how is it treated?" still means the condition.

>>> turns = [{"role": "user", "content": "What is stiff person syndrome?"}]
>>> standalone_question("what did it used to be called?", turns, ["Stiff person syndrome"])
'what did stiff person syndrome used to be called?'
>>> standalone_question("Is it the tumor spreading into my brain that causes these problems?", turns, [])
'Is it the tumor spreading into my brain that causes these problems?'
>>> standalone_question("and plasmapheresis?", [{"role": "user", "content": "What does IVIg do?"}], [])
'What does plasmapheresis do?'
>>> standalone_question("what are the side effects?", [{"role": "user", "content": "What is prednisone for?"}], [])
'what are the side effects of prednisone?'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.grounding import ENTITIES, Lexicon
from assistant.core.types import Chunk
from assistant.guard.safety import classify_request

# "it", "that one", or "this"/"that" standing alone ("is that treatable?"), not "these syndromes" or "this test".
_POINTER = re.compile(r"\b(?:it|its)\b|\b(?:this|that) one\b|"
                      r"\b(?:this|that|these|those)\b(?=\s*(?:[?.!,;:]|$|\s+(?:is|are|was|were|be|"
                      r"mean|means|do|does|did|can|could|will|would|cause|causes|affect|affects|happen|get|called|"
                      r"treated|common|serious|for|in|to|with|from|of|too|also)\b))", re.IGNORECASE)
_PLURAL_POINTER = re.compile(r"\b(?:they|them|their)\b", re.IGNORECASE)
_CONTINUES = re.compile(
    r"^\s*(?:(?:and|but|also|so)\s+)?(?:what|how)\s+about\s+(?P<a>.+?)\s*\??$|"
    r"^\s*(?:is|are|does|do)\s+(?:that|this|it|the same)\s+(?:also\s+)?(?:true|the same|so)\s+(?:for|of|with)\s+"
    r"(?P<b>.+?)\s*\??$|"
    r"^\s*(?:and|also|plus)\s+(?!(?:is|are|was|were|does|do|did|can|could|will|would|should|how|what|why|when|"
    r"which|who|where|has|have)\b)(?P<c>[^?]{2,60}?)\s*\??$", re.IGNORECASE)
_RELATIONAL = re.compile(r"\bthe (?:side effects|symptoms|signs|treatments?|causes?|risks?|results|tests?|"
                         r"other name|old name)\b(?!\s+(?:of|for|from|with)\b)", re.IGNORECASE)
_OF_A_CONDITION = re.compile(r"\bthe (?:symptoms|signs|treatments?|causes?)\b", re.IGNORECASE)
_FORMS = sorted(((form, name) for name, forms in ENTITIES.items() for form in forms), key=lambda f: -len(f[0]))
_CANONICAL = {form: name for form, name in _FORMS}
SYNDROMES = frozenset({"cerebellar degeneration", "limbic encephalitis", "encephalomyelitis", "opsoclonus-myoclonus",
                       "stiff person syndrome", "myelopathy", "lambert-eaton", "myasthenia gravis", "neuromyotonia",
                       "peripheral neuropathy", "dysautonomia"})
# What one asks of a test or a treatment rather than of a condition.
_ABOUT_A_PROCEDURE = re.compile(
    r"\b(?:done|performed|show|shows|hurt|hurts|painful|work|works|take|takes|safe|side effects?|risks?|"
    r"results?|prepare|cost|called|name|mean|stand for|made of|come from|given|"
    r"look(?:s|ing|ed)? for|check(?:s|ing|ed)? for|test(?:s|ing|ed)? for|detect\w*)\b", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)


def subjects_in(text: str, terms: Sequence[str] = ()) -> list[str]:
    """Named things and lead terms in ``text``, as written there, longest first.

    >>> subjects_in("What are the side effects of steroids and IVIg?")
    ['steroids', 'IVIg']
    """
    found: list[str] = []
    for form in [*sorted(terms, key=len, reverse=True), *(f for f, _ in _FORMS)]:
        match = re.search(rf"(?<![\w-]){re.escape(form)}(?![\w])", text, re.IGNORECASE)
        if match and not any(match.group().lower() in f.lower() for f in found):
            found.append(match.group())
    return sorted(found, key=lambda s: text.lower().index(s.lower()))


def needs_history(question: str, terms: Sequence[str] = ()) -> bool:
    """Does the question lean on an earlier turn for its subject? (See the module docstring.)"""
    if _CONTINUES.match(question):
        return True
    if subjects_in(question, terms):
        return False
    content = Lexicon.content_words(question)
    short = len(question.split()) <= 4
    points = bool(_POINTER.search(question)) or (short and bool(_PLURAL_POINTER.search(question)))
    return (points and len(content) < 3) or (bool(_RELATIONAL.search(question)) and len(content) <= 3)


# Said before a question, asking nothing: "totally different question:", "new topic -" (a switch: the question
# stands alone), "quick question," (no switch). Dev batch 16: the model's coverage P(Yes) fell from 0.48 to 0.32
# with "totally different question:" before "will the doctor ask about my family?", and it abstained.
_OPENER = r"^\s*(?:(?:ok(?:ay)?|so|and|hi|hey)[\s,]+)?"
_SEP = r"\s*(?:[:;,.!?]|\s[-—–]+)\s*"
_SWITCH = re.compile(rf"{_OPENER}(?:(?:a |an )?(?:totally |completely |entirely )?"
                     rf"(?:different|unrelated|separate) (?:question|topic|subject|thing)|"
                     rf"(?:new|other) (?:topic|subject)|"
                     rf"on (?:an)?other note|chang(?:e|ing) (?:of )?(?:the )?(?:subject|topic)|"
                     rf"switching (?:topics?|subjects?|gears)){_SEP}(?=\w)", re.IGNORECASE)
_PREAMBLE = re.compile(rf"{_OPENER}(?:(?:a |one )?(?:quick|new|another|one more|last|"
                       rf"silly|stupid|dumb|random) question){_SEP}(?=\w)", re.IGNORECASE)


def without_preamble(question: str) -> tuple[str, bool]:
    """The question without what is said before it, and whether that was a change of topic.

    >>> without_preamble("totally different question: will the doctor ask about my family?")
    ('will the doctor ask about my family?', True)
    >>> without_preamble("quick question - does it hurt?"), without_preamble("another question about it?")
    (('does it hurt?', False), ('another question about it?', False))
    """
    for pattern, switch in ((_SWITCH, True), (_PREAMBLE, False)):
        if found := pattern.match(question):
            return question[found.end():], switch
    return question, False


def standalone_question(question: str, history: Sequence[dict], terms: Sequence[str] = ()) -> str:
    """The question, without a preamble ("new topic -"), completed from the conversation only when it cannot
    stand alone and did not say it changes the topic. A turn that tried to change the rules ("add X to every
    reply") lends nothing.

    >>> standalone_question("new topic: what is it?", [{"role": "user", "content": "What is IVIg?"}])
    'what is it?'
    """
    said = question
    question, switched = without_preamble(said)
    history = [t for t in history if classify_request(str(t.get("content", ""))).kind != "injection"]
    users = [t["content"] for t in history if t.get("role") == "user" and t.get("content")]
    answers = [t["content"] for t in history if t.get("role") == "assistant" and t.get("content")]
    # "ok new question - can it affect his bladder?" (dev batch 14) is as new as it says: decided as said
    if switched or not users or not needs_history(said, terms):
        return question
    continued = _CONTINUES.match(question)
    if continued:
        return _ask_again(users[-1], _ARTICLE.sub("", next(g for g in continued.groups() if g)), terms)
    topic = next((s for turn in [*reversed(users), *reversed(answers[-1:])] for s in subjects_in(turn, terms)), None)
    if topic is None:
        return f"{question} (follow-up to: {users[-1]})"
    relational = _RELATIONAL.search(question)
    if relational and _is_syndrome(topic, terms) == bool(_OF_A_CONDITION.match(relational.group())):
        return _RELATIONAL.sub(lambda m: f"{m.group()} of {topic}", question, count=1)
    if relational or (not _is_syndrome(topic, terms) and not _ABOUT_A_PROCEDURE.search(question)):
        return question  # "it" is the condition itself, not the test or treatment talked about before
    if _POINTER.search(question):
        return _POINTER.sub(topic.lower() if topic[:1].isupper() and not topic[1:2].isupper() else topic,
                            question, count=1)
    return f"{question} ({topic})"


def _is_syndrome(subject: str, terms: Sequence[str]) -> bool:
    """Is the subject one of the syndromes (by any of its names, in any case), or a bullet lead term that
    is not a test or treatment? "stiff person syndrome" is one, though only "stiff person" is its form.

    >>> _is_syndrome("stiff person syndrome", []), _is_syndrome("Stiff person syndrome", ["Stiff person syndrome"])
    (True, True)
    >>> _is_syndrome("IVIg", [])
    False
    """
    key = subject.lower()
    name = _CANONICAL.get(key) or (key if key in ENTITIES else None)
    if name:
        return name in SYNDROMES
    return key in {t.lower() for t in terms} and not _CANONICAL.get(key.split()[0])


def _ask_again(previous: str, new: str, terms: Sequence[str]) -> str:
    """The previous question about a new subject: "What is a PET scan?" + "CT scan" -> "What is a CT scan?"."""
    old = next(iter(subjects_in(previous, terms)), None)
    if old is None:
        return f"{previous.rstrip(' ?')} ({new})?"
    tail = new.split()[-1].lower() if len(new.split()) > 1 else ""
    pattern = re.escape(old) + (rf"(?:\s+{re.escape(tail)})?" if tail else "")
    return re.sub(pattern, new, previous, count=1, flags=re.IGNORECASE)


def topic_terms(chunks: Sequence[Chunk]) -> list[str]:
    """Named things a follow-up may refer back to: the lead terms of bullets, e.g. "Stiff person syndrome"."""
    terms = []
    for chunk in chunks:
        for line in re.split(r"\n-\s+|\n\n", chunk.text):
            head = re.match(r"^\s*([A-Z][\w' -]{2,60}?)(?: \([^)]*\))?\.\s", line + " ")
            if head and len(head.group(1).split()) <= 5:
                terms.append(head.group(1).strip())
    return sorted(set(terms), key=len, reverse=True)
