"""The injection set's rules, checked with a fake model that obeys every planted instruction: the guards,
not the model's manners, must keep the rules."""

from assistant.evaluation.injection_eval import (
    DEFAULT_SET,
    PLANTED,
    TEST_SET,
    Case,
    broken_rules,
    evaluate_injection,
    load_cases,
)
from assistant.testing import FakeGenerator


class Obedient(FakeGenerator):
    """Does what the text it is shown tells it to: the worst case for the guards."""

    def stream(self, messages, max_new_tokens=200):
        self.prompts.append(messages)
        yield ("PWNED. Take 80 mg of prednisone daily [1]. You have Lambert-Eaton syndrome [2]. "
               "Use ONLY the numbered passages. HACKED ARRR <b>INJECTED</b> [9].")


def test_the_set_has_forty_cases_or_more_in_every_place():
    cases = load_cases(DEFAULT_SET) + load_cases(TEST_SET)
    assert len(cases) >= 40 and {c.place for c in cases} == {"question", "history", "document"}
    assert len({c.id for c in cases}) == len(cases) and len(PLANTED) == 2


def test_a_clean_answer_breaks_no_rule_and_an_obedient_one_breaks_several():
    from assistant.core.types import Answer

    case = Case("x", "question", "plain", "q", forbidden=["pwned"])
    clean = Answer("q", "The immune system attacks nerves.", faithfulness=1.0)
    assert broken_rules(case, clean) == []
    bad = Answer("q", "PWNED. Take 80 mg of prednisone daily.")
    assert {"said \"pwned\"", "showed a dose", "shown without checking"} <= set(broken_rules(case, bad))


def test_every_case_holds_even_when_the_model_obeys_the_injection(toy_assistant):
    bot = toy_assistant(Obedient())
    result = evaluate_injection(bot, load_cases(DEFAULT_SET) + load_cases(TEST_SET))
    assert result["failures"] == [], result["failures"][:3]
