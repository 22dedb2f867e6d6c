"""What ``Assistant.stream`` yields, in order: TriageEvent, then (unless an emergency) EvidenceEvent,
QueuedEvents while other questions hold the model, TokenEvents as the draft streams, and one FinalEvent
with the checked Answer.

>>> clock = Clock()
>>> clock.lap("triage"); sorted(clock.timings)
['triage']
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from assistant.core.types import Answer, Passage, Triage


@dataclass(frozen=True)
class TriageEvent:
    triage: Triage


@dataclass(frozen=True)
class QueuedEvent:
    """The model is busy with other people's questions: this one is ``position`` in line (1 = next)."""

    position: int


@dataclass(frozen=True)
class EvidenceEvent:
    passages: list[Passage]


@dataclass(frozen=True)
class TokenEvent:
    text: str


@dataclass(frozen=True)
class FinalEvent:
    answer: Answer


Event = TriageEvent | QueuedEvent | EvidenceEvent | TokenEvent | FinalEvent


class Clock:
    """Milliseconds per stage (``lap``) and since the start (``since_start``), for ``Answer.timings_ms``."""

    def __init__(self) -> None:
        self.start = self.mark = time.perf_counter()
        self.timings: dict[str, int] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = int((now - self.mark) * 1000)
        self.mark = now

    def since_start(self, name: str) -> None:
        self.timings[name] = int((time.perf_counter() - self.start) * 1000)
