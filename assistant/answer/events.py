"""What ``Assistant.stream`` yields, in order: TriageEvent, then (unless an emergency) EvidenceEvent,
TokenEvents as the draft streams, and one FinalEvent with the checked Answer.

>>> clock = Clock()
>>> clock.lap("triage"); sorted(clock.timings)
['triage']
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from assistant.core.types import Answer, Passage, Triage


@dataclass(frozen=True)
class TriageEvent:
    triage: Triage


@dataclass(frozen=True)
class EvidenceEvent:
    passages: list[Passage]


@dataclass(frozen=True)
class TokenEvent:
    text: str


@dataclass(frozen=True)
class FinalEvent:
    answer: Answer


Event = TriageEvent | EvidenceEvent | TokenEvent | FinalEvent


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


class ActiveQuestions:
    """Counts questions being answered (``with`` one per question); background work waits for none.

    >>> asking = ActiveQuestions()
    >>> with asking:
    ...     asking.busy
    True
    >>> asking.busy, asking.wait_until_idle(timeout=0.01)
    (False, True)
    """

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    @property
    def busy(self) -> bool:
        return self._count > 0

    def __enter__(self) -> ActiveQuestions:
        with self._idle:
            self._count += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._idle:
            self._count -= 1
            if self._count == 0:
                self._idle.notify_all()

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Block while any question is being answered; False if ``timeout`` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout)
