"""Sharing the model: a fair line with places, and an emergency that never waits in it."""

import threading

from assistant.answer.events import FinalEvent, QueuedEvent, TriageEvent
from assistant.answer.turns import Turns
from assistant.testing import FakeGenerator


def test_the_line_is_first_come_first_served_and_says_each_place():
    turns = Turns(slots=1, report_every_s=0.05)
    list(turns.enter())  # someone holds the model
    second, third = turns.enter(), turns.enter()
    assert next(second) == 1 and next(third) == 2 and turns.waiting == 2
    turns.leave()
    assert list(second) == [] and turns.active == 1  # admitted
    assert next(third) == 1  # moved up
    turns.leave()
    assert list(third) == [] and turns.waiting == 0


def test_leaving_the_line_gives_the_place_up():
    turns = Turns(slots=1, report_every_s=0.05)
    list(turns.enter())
    quitter, patient = turns.enter(), turns.enter()
    next(quitter), next(patient)
    quitter.close()
    assert turns.waiting == 1 and next(patient) == 1


class SlowGenerator(FakeGenerator):
    """Holds the model until released, so a test can ask something else meanwhile."""

    def __init__(self) -> None:
        super().__init__(["The immune system attacks nerves [1]."] * 3)
        self.started, self.release = threading.Event(), threading.Event()

    def stream(self, messages, max_new_tokens=200):
        self.started.set()
        self.release.wait(10)
        yield from super().stream(messages, max_new_tokens)


def test_an_emergency_is_answered_while_another_question_holds_the_model_and_a_question_waits(toy_assistant):
    generator = SlowGenerator()
    bot = toy_assistant(generator, server={"concurrency": 1})
    first = threading.Thread(target=bot.ask, args=("Does the immune system attack nerves?",))
    first.start()
    assert generator.started.wait(10)
    emergency = bot.ask("My wife collapsed and is not breathing")
    assert emergency.urgency == "emergency" and "911" in emergency.answer  # did not wait for the model
    waiting = bot.stream("Do tumor cells spread into the brain?")
    events = [next(waiting) for _ in range(3)]
    assert isinstance(events[0], TriageEvent) and events[2] == QueuedEvent(1)
    generator.release.set()
    first.join(10)
    final = [e for e in waiting if isinstance(e, FinalEvent)][0].answer
    assert final.question == "Do tumor cells spread into the brain?" and "queue" in final.timings_ms
