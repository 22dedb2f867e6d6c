"""Urgency triage, run first on every message: emergency, urgent, or none.

Two layers, each explained in ``reason``:

1. rules (``triage_rules``): symptom patterns on normalised text, with negation ("no trouble
   breathing"), general questions ("can dysautonomia cause trouble breathing?"), past events and
   chronic symptoms told apart from someone living it now;
2. embedding similarity to labelled example messages, for wordings no rule has: a personal message
   whose nearest example is an emergency (or urgent) one, above a threshold, is escalated.

>>> Triager(TriageSettings()).triage("my dad is slurring his words right now").urgency
'emergency'
>>> Triager(TriageSettings()).triage("What medicines control seizures?").urgency
'none'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import triage_rules as rules
from .embedders import Embedder
from .settings import TriageSettings
from .types import Triage

EXEMPLARS: dict[str, tuple[str, ...]] = {
    "emergency": (
        "I can't breathe", "my husband is gasping for air", "she is choking and can't swallow water",
        "his seizure has been going for ten minutes", "my mom won't wake up after a seizure",
        "I suddenly can't move my legs and I wet myself", "the weakness is climbing up his body by the hour",
        "I fainted and my heart is racing", "her face is drooping and she can't talk",
        "I want to end it all", "I have been thinking about killing myself",
        "he collapsed and isn't responding", "my chest is tight and I can't get air in",
        "my lips are turning blue", "I don't want to be here anymore",
    ),
    "urgent": (
        "over the past two weeks I keep losing my balance", "my dad has started slurring his words this week",
        "I've been seeing double for a few days", "my wife is forgetting things and getting confused lately",
        "I've had trouble swallowing food since last week", "my legs have been getting weaker for days",
        "my mother is seeing things that aren't there", "my arms keep jerking and I can't control it",
        "I had a seizure yesterday for the first time", "my hands are clumsy and I keep dropping things",
        "my son with lymphoma is suddenly unsteady when he walks", "I can't sleep and feel confused",
    ),
    "none": (
        "what is paraneoplastic syndrome", "can dysautonomia cause trouble breathing",
        "what medicines control seizures", "how is a spinal tap done", "which cancers cause this",
        "what are the symptoms of Lambert-Eaton", "is stiff person syndrome painful",
        "what does IVIG do", "how do I prepare for my appointment", "what is the weather tomorrow",
        "can limbic encephalitis cause hallucinations", "what did they used to call stiff person syndrome",
        "thanks for your help", "where can I find a support group",
    ),
}


CRISIS_EXEMPLARS = frozenset({
    "I want to end it all", "I have been thinking about killing myself", "I don't want to be here anymore",
})


class Triager:
    """Classifies a message (and the latest user turn before it) by urgency."""

    def __init__(self, settings: TriageSettings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder if settings.use_embeddings else None
        self._exemplar_vectors: dict[str, np.ndarray] | None = None

    def warm_up(self) -> None:
        if self.embedder is not None and self._exemplar_vectors is None:
            self._exemplar_vectors = {
                label: self.embedder.embed(list(texts)) for label, texts in EXEMPLARS.items()
            }

    def triage(self, message: str, history: Sequence[dict] = ()) -> Triage:
        current = self._classify(message)
        previous = [t["content"] for t in history if t.get("role") == "user"][-1:]
        if previous and current.urgency != "emergency":
            combined = self._classify(f"{previous[0].rstrip(' .!?')}, {message}")
            alone = self._classify(previous[0])
            if _rank(combined.urgency) > max(_rank(current.urgency), _rank(alone.urgency)):
                return Triage(combined.urgency, f"{combined.reason} (read with the previous message)",
                              combined.advice)
        return current

    def _classify(self, message: str) -> Triage:
        text = rules.normalise(message)
        matches = rules.find_symptoms(text)
        live = [m for m in matches if not rules.is_general(m.clause, m.start) and not rules.is_past(m.clause)]
        emergencies = [m for m in live if m.urgency == "emergency"]
        if emergencies:
            return self._emergency(emergencies, "rule")
        urgent = [m for m in live if m.urgency == "urgent"]
        if urgent and not rules.is_chronic(text):
            return self._urgent(urgent, text)
        by_example = self._by_example(text)
        if by_example is not None:
            return by_example
        if matches:
            topics = ", ".join(sorted({m.description for m in matches}))
            why = "a long-standing symptom" if urgent else "a topic or a past event, not happening now"
            return Triage("none", f"mentions {topics} as {why}", self._fmt(self.settings.informational_note))
        return Triage("none", "no urgent or emergency signs found", "")

    def _emergency(self, found: list[rules.SymptomMatch], layer: str) -> Triage:
        crisis = any(m.rule == "self_harm" for m in found)
        signs = "; ".join(f"{m.description} (\"{m.text}\")" for m in found)
        advice = self.settings.crisis_advice if crisis else self.settings.emergency_advice
        return Triage("emergency", f"emergency sign: {signs}", self._fmt(advice))

    def _urgent(self, found: list[rules.SymptomMatch], text: str) -> Triage:
        signs = "; ".join(f"{m.description} (\"{m.text}\")" for m in found)
        context = []
        if rules.mentions_progression(text):
            context.append("new or worsening")
        if rules.mentions_cancer(text):
            context.append("with a cancer history")
        extra = f" — {', '.join(context)}" if context else ""
        return Triage("urgent", f"nerve symptom in someone now: {signs}{extra}",
                      self._fmt(self.settings.urgent_advice))

    def _by_example(self, text: str) -> Triage | None:
        """Escalate a personal message whose nearest labelled example is an emergency/urgent one."""
        if (self.embedder is None or not rules.is_personal(text) or rules.is_past(text)
                or rules.is_conditional_or_general_question(text)):
            return None
        self.warm_up()
        vector = self.embedder.embed([text])[0]
        similarities = {label: vectors @ vector for label, vectors in self._exemplar_vectors.items()}
        best = {label: float(sims.max()) for label, sims in similarities.items()}
        label = max(best, key=best.get)
        threshold = {"emergency": self.settings.emergency_similarity,
                     "urgent": self.settings.urgent_similarity}.get(label)
        if threshold is None or best[label] < threshold:
            return None
        index = int(np.argmax(similarities[label]))
        reason = f"close to the {label} example \"{EXEMPLARS[label][index]}\" (similarity {best[label]:.2f})"
        if label == "urgent":
            advice = self.settings.urgent_advice
        elif EXEMPLARS[label][index] in CRISIS_EXEMPLARS:
            advice = self.settings.crisis_advice
        else:
            advice = self.settings.emergency_advice
        return Triage(label, reason, self._fmt(advice))

    def _fmt(self, template: str) -> str:
        return template.format(number=self.settings.emergency_number)


def _rank(urgency: str) -> int:
    return {"none": 0, "urgent": 1, "emergency": 2}[urgency]
