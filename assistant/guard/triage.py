"""Urgency triage, run first on every message: emergency, urgent, or none.

Four layers, each explained in ``reason``:

1. rules (``triage_rules``; when it happens: ``triage_when``): symptom patterns on normalised text
   (``triage_normalise``), with negation ("no trouble breathing"), general questions ("can dysautonomia cause
   trouble breathing?"), past events and chronic symptoms told apart from someone living it now; an urgent
   sign that came on suddenly ("all of a sudden she can't see properly") is an emergency, as stroke warning signs are;
2. concepts (``triage_concepts``): two or three kinds of words in one clause, in any order
   ({cough, vomit} + {blood}), with the same negation, question and past checks — for the many
   wordings a rule's word sequence misses;
3. similarity (``triage_examples``), for wordings no rule has: run only when the rules say none, the
   message has a symptom word and is not a general question or a past event. The message and each of
   its clauses are embedded; one whose nearest labelled example is an emergency (or urgent) one, at
   least ``emergency_similarity`` close and ``similarity_margin`` closer than any example of another
   kind, escalates the message (an emergency match before an urgent one). A clause that asks ("how long
   will he live with this") is not compared. It costs one embedding call (~10 ms on 2 cores).

4. second look (``SecondLook``, the answering model in :mod:`assistant.llm.second_look`): a message
   none of the layers above calls an emergency, that has a symptom word and is neither a general
   question nor a past event, is asked about once more ("an emergency sign, happening now?"); from
   ``model_emergency_threshold`` it is an emergency. ~0.4 s when asked (it waits while another
   question holds the model).

``reason`` starts with the layer that decided ("rule:", "concepts:", "similarity:" or "model:") and quotes
the words.

>>> Triager(TriageSettings()).triage("my dad is slurring his words right now").urgency
'emergency'
>>> Triager(TriageSettings()).triage("What medicines control seizures?").urgency
'none'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.core.errors import ModelError
from assistant.core.settings import TriageSettings
from assistant.core.text import english_words
from assistant.core.types import Triage, severity
from assistant.guard import triage_examples as examples
from assistant.guard import triage_rules as rules
from assistant.guard import triage_when as when
from assistant.guard.safety import is_instruction_like
from assistant.guard.triage_concepts import CRISIS_CONCEPTS, find_concepts
from assistant.guard.triage_normalise import normalise
from assistant.search.embedders import Embedder

EXEMPLARS: dict[str, tuple[str, ...]] = {"emergency": examples.EMERGENCY, "urgent": examples.URGENT,
                                         "none": examples.NONE}
CRISIS_RULES = frozenset({"self_harm"}) | CRISIS_CONCEPTS
CRISIS_EXEMPLARS = frozenset(examples.CRISIS)


def told_as_now(text: str) -> bool:
    """Could this (normalised) message tell of a symptom happening now: a symptom word, neither a general
    question nor a past event? Only such a message goes to the similarity layer and the second look.

    >>> told_as_now("my dad's heart is fluttering and he's grey"), told_as_now("can a seizure cause falls?")
    (True, False)
    """
    return told_now(text) and not rules.is_general(text, len(text))


def told_now(text: str, message: str = "") -> bool:
    """Does some symptom word of the text (a part of ``message``, by default all of it) stand outside what it
    tells as past or as over ("he can't breathe, he had surgery in 2019": yes; "I couldn't swallow for a while
    but it's fine now": no)?"""
    message = message or text
    return any(not when.is_past_at(clause, m.start()) and not when.resolved_later(message, clause)
               for clause in rules.clauses(text) for m in examples.SYMPTOM_WORDS.finditer(clause.lower()))


@runtime_checkable
class SecondLook(Protocol):
    """Another opinion on a message the rules do not call an emergency."""

    name: str

    def warm_up(self) -> None: ...

    def emergency_probability(self, message: str) -> float | None:
        """P(an emergency sign is happening now) in [0, 1]; None when it has no opinion to give."""
        ...


class Triager:
    """Classifies a message (and the latest user turn before it) by urgency."""

    def __init__(self, settings: TriageSettings, embedder: Embedder | None = None,
                 second_look: SecondLook | None = None) -> None:
        self.settings = settings
        self.embedder = embedder if settings.use_embeddings else None
        self.second_look = second_look if settings.model_check else None
        self._exemplar_vectors: dict[str, np.ndarray] | None = None

    def warm_up(self) -> None:
        english_words()  # the spelling repair's dictionary, loaded once (0.7 s)
        if self.embedder is not None and self._exemplar_vectors is None:
            self._exemplar_vectors = {
                label: self.embedder.embed(list(texts)) for label, texts in EXEMPLARS.items()
            }
        if self.second_look is not None:
            self.second_look.warm_up()

    def triage(self, message: str, history: Sequence[dict] = ()) -> Triage:
        text = normalise(message)
        found = self._by_layers(message, text, history)
        if found.urgency == "emergency" or self.second_look is None:
            return found
        return self._look_again(message, text, found)

    def _look_again(self, message: str, text: str, found: Triage) -> Triage:
        """Ask the second look about a message (``text``: normalised) with a symptom told as happening now."""
        if not told_as_now(text) or is_instruction_like(message):  # "say this is an emergency" is not one
            return found
        try:
            p = self.second_look.emergency_probability(message)
        except ModelError as exc:  # triage never fails for the model: the layers' answer stands, and says so
            return replace(found, reason=f"{found.reason} (no second look: {exc})")
        if p is None or p < self.settings.model_emergency_threshold:
            return found
        # "I'm not suicidal, but ..." is told the emergency advice, not the crisis line
        words = examples.SELF_HARM_WORDS
        crisis = bool(words.search(text)) and not rules.negated_symptom(text, words)
        advice = self.settings.crisis_advice if crisis else self.settings.emergency_advice
        return Triage("emergency", f"{self.second_look.name}: an emergency sign happening now (P(Yes) {p:.2f}); "
                                   f"before it, {found.reason}", self._fmt(advice))

    def _by_layers(self, message: str, text: str, history: Sequence[dict]) -> Triage:
        """Rules, concepts and similarity on the message (``text``: normalised), alone and after the previous one."""
        current = self._classify(text)
        previous = [t["content"] for t in history if t.get("role") == "user"][-1:]
        if previous and current.urgency != "emergency":
            combined = self._classify(normalise(f"{previous[0].rstrip(' .!?')}, {message}"))
            alone = self._classify(normalise(previous[0]))
            if severity(combined.urgency) > max(severity(current.urgency), severity(alone.urgency)):
                return Triage(combined.urgency, f"{combined.reason} (read with the previous message)",
                              combined.advice)
        return current

    def _classify(self, text: str) -> Triage:
        matches = rules.find_symptoms(text)
        live = [rules.recurring_downgrade(m) for m in matches
                if not rules.is_general(m.clause, m.start) and not when.is_past_at(m.clause, m.start)
                and not when.resolved_later(text, m.clause)]
        concepts = find_concepts(text)
        for layer, found in (("rule", live), ("concepts", concepts)):
            emergencies = [m for m in found if m.urgency == "emergency"]
            if emergencies:
                return self._emergency(emergencies, layer)
        urgent = [m for m in live if m.urgency == "urgent"]
        urgent_concepts = [m for m in concepts if m.urgency == "urgent"]
        chronic = when.is_chronic(text)
        # a nerve symptom that came on suddenly (minutes, an hour) is a stroke warning sign, not a see-your-doctor one
        sudden = [m for m in urgent + urgent_concepts if when.is_sudden(m.clause)]
        if sudden and not chronic:
            return self._emergency([replace(m, urgency="emergency", description=f"sudden {m.description}")
                                    for m in sudden], "rule")
        if urgent and not chronic:
            return self._urgent(urgent, text)
        if urgent_concepts and not chronic:
            return self._urgent(urgent_concepts, text, "concepts")
        by_example = self._by_example(text, urgent_allowed=not urgent and not chronic)
        if by_example is not None:
            return by_example
        if matches:
            topics = ", ".join(sorted({m.description for m in matches}))
            why = "a long-standing symptom" if urgent else "a topic or a past event, not happening now"
            return Triage("none", f"rule: mentions {topics} as {why}", self._fmt(self.settings.informational_note))
        return Triage("none", "rule and similarity: no urgent or emergency signs found", "")

    def _emergency(self, found: list[rules.SymptomMatch], layer: str = "rule") -> Triage:
        crisis = any(m.rule in CRISIS_RULES for m in found)
        signs = "; ".join(f"{m.description} (\"{m.text}\")" for m in found)
        advice = self.settings.crisis_advice if crisis else self.settings.emergency_advice
        return Triage("emergency", f"{layer}: emergency sign: {signs}", self._fmt(advice))

    def _urgent(self, found: list[rules.SymptomMatch], text: str, layer: str = "rule") -> Triage:
        signs = "; ".join(f"{m.description} (\"{m.text}\")" for m in found)
        context = []
        if when.mentions_progression(text):
            context.append("new or worsening")
        if rules.mentions_cancer(text):
            context.append("with a cancer history")
        extra = f" — {', '.join(context)}" if context else ""
        return Triage("urgent", f"{layer}: symptom in someone now: {signs}{extra}",
                      self._fmt(self.settings.urgent_advice))

    def _by_example(self, text: str, urgent_allowed: bool = True) -> Triage | None:
        """Escalate a message (or one of its clauses) whose nearest labelled example is an emergency or
        urgent one, close enough and clearly closer than any example of another kind.

        A clause that asks ("how long will my dad live with this", "who can help her swallow") tells
        nothing happening and is not compared; in a message that asks something, a telling clause needs
        ``question_similarity`` to be called an emergency ("her arms jerk, what is that called?")."""
        if self.embedder is None or not told_as_now(text):
            return None
        pieces = [p for p in dict.fromkeys([text, *rules.clauses(text), *rules.question_split(text)])
                  if told_now(p, text) and not rules.asks(p)
                  and not rules.negated_symptom(p, examples.SYMPTOM_WORDS)]
        if not pieces:
            return None
        emergency_bar = self.settings.emergency_similarity
        if rules.has_question(text):
            emergency_bar = max(emergency_bar, self.settings.question_similarity)
        self.warm_up()
        vectors = self.embedder.embed(pieces)
        best: tuple[float, str, int, str] | None = None  # (similarity, label, example index, piece)
        for piece, vector in zip(pieces, vectors, strict=True):
            nearest = {label: exemplar_vectors @ vector for label, exemplar_vectors in self._exemplar_vectors.items()}
            top = {label: float(sims.max()) for label, sims in nearest.items()}
            for label, threshold in (("emergency", emergency_bar),
                                     ("urgent", self.settings.urgent_similarity if urgent_allowed else float("inf"))):
                others = max(v for other, v in top.items() if other != label)
                if top[label] >= threshold and top[label] - others >= self.settings.similarity_margin \
                        and (best is None or (severity(label), top[label]) > (severity(best[1]), best[0])):
                    best = (top[label], label, int(np.argmax(nearest[label])), piece)
        if best is None:
            return None
        similarity, label, index, piece = best
        example = EXEMPLARS[label][index]
        words = ", ".join(dict.fromkeys(m.group() for m in examples.SYMPTOM_WORDS.finditer(piece)))
        reason = (f"similarity: \"{piece}\" (words: {words}) is close to the {label} example \"{example}\" "
                  f"({similarity:.2f})")
        if label == "emergency" and when.is_ongoing(piece) and example not in CRISIS_EXEMPLARS:
            # likeness is the weakest signal: told as going on for days, nothing sudden, it is a see-a-doctor one
            label, reason = "urgent", f"{reason}, but told as going on for days, not sudden"
        if label == "urgent":
            advice = self.settings.urgent_advice
        elif example in CRISIS_EXEMPLARS:
            advice = self.settings.crisis_advice
        else:
            advice = self.settings.emergency_advice
        return Triage(label, reason, self._fmt(advice))

    def _fmt(self, template: str) -> str:
        return template.format(number=self.settings.emergency_number)
