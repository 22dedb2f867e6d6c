"""Triage's second look: the answering model's own P(Yes) for "an emergency sign, happening now?".

The rules, concepts and examples of :mod:`assistant.guard.triage` are written from the dev set and
miss wordings no one wrote there ("the room is spinning and my heart is fluttering, I'm going to
black out"). The model has read far more ways of saying such things. It is asked one yes/no
question (``prompts.emergency_messages``) about a message the rules did not call an emergency; the
triager escalates the message from ``TriageSettings.model_emergency_threshold``.

It shares the generator's judge (no second model in memory) and asks nothing when that judge does
not declare yes/no answers (``Judge.answers_yes_no``).

>>> from assistant.testing import FakeJudge
>>> ModelSecondLook(lambda: FakeJudge(yes=0.9)).emergency_probability("I can't breathe")
0.9
>>> ModelSecondLook(lambda: FakeJudge()).emergency_probability("I can't breathe") is None
True
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.llm.prompts import emergency_messages
from assistant.llm.protocols import Judge


class ModelSecondLook:
    """Implements :class:`assistant.guard.triage.SecondLook` with a judge made (or shared) on first use."""

    name = "model"

    def __init__(self, judge: Callable[[], Judge]) -> None:
        self._judge_source = judge
        self._judge: Judge | None = None

    def judge(self) -> Judge:
        if self._judge is None:
            self._judge = self._judge_source()
        return self._judge

    def warm_up(self) -> None:
        if self.judge().answers_yes_no:
            self.judge().warm_up()

    def emergency_probability(self, message: str) -> float | None:
        """P(Yes) that ``message`` shows an emergency sign now; None when the judge cannot answer yes/no."""
        judge = self.judge()
        if not judge.answers_yes_no:
            return None
        return judge.yes_probability(emergency_messages(message))
