"""Sharing one model between many people: at most ``slots`` questions use it at once, the others wait
in line, first come first served, and are told their place; background work waits for no question.

>>> turns = Turns(slots=1)
>>> list(turns.enter())  # a free slot: no waiting, no positions
[]
>>> turns.waiting, turns.active
(0, 1)
>>> turns.leave(); turns.active
0
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Iterator


class Turns:
    """A fair (FIFO) bounded gate. ``enter()`` yields the caller's place in line while it waits."""

    def __init__(self, slots: int = 1, report_every_s: float = 1.0) -> None:
        self.slots = slots
        self.report_every_s = report_every_s
        self.active = 0
        self._line: deque[int] = deque()
        self._tickets = itertools.count()
        self._changed = threading.Condition()

    @property
    def waiting(self) -> int:
        return len(self._line)

    def enter(self) -> Iterator[int]:
        """Wait for a slot; yields the 1-based place in line whenever it changes (and every
        ``report_every_s``). Closing the iterator before a slot is granted gives the place up."""
        ticket = next(self._tickets)
        admitted = False
        with self._changed:
            self._line.append(ticket)
        try:
            last = None
            while True:
                with self._changed:
                    place = self._line.index(ticket) + 1
                    if place == 1 and self.active < self.slots:
                        self._line.popleft()
                        self.active += 1
                        admitted = True
                        self._changed.notify_all()
                        return
                    if place == last:  # checked and waited under one lock: no wake-up is missed
                        self._changed.wait(self.report_every_s)
                        continue
                last = place
                yield place
        finally:
            if not admitted:
                with self._changed:
                    self._line.remove(ticket)
                    self._changed.notify_all()

    def leave(self) -> None:
        """Give the slot back (call once per completed ``enter``)."""
        with self._changed:
            self.active -= 1
            self._changed.notify_all()


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
