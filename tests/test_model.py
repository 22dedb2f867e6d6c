"""The real bundled models end to end (marker ``model``; CI runs these too)."""

import re

import pytest

from assistant.answer.citations import check_answer_contract
from assistant.answer.pipeline import Assistant
from assistant.core.settings import Settings

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("model-index")
    assistant = Assistant(Settings(paths={"index_dir": index_dir}))
    assistant.warm_up()
    return assistant


def test_tumor_spreading_question_is_answered_no_with_a_valid_citation(bot):
    answer = bot.ask("Is it the tumor spreading into my brain that causes these problems?")
    assert not answer.abstained, answer.answer
    assert check_answer_contract(answer) == []
    assert answer.citations, answer.answer
    assert re.search(r"\b(?:not|no|isn't|aren't|doesn't)\b", answer.answer, re.IGNORECASE), answer.answer
    assert any("metastasis" in c.text or "immune system" in c.text for c in answer.citations)


def test_dose_question_abstains_with_no_number(bot):
    answer = bot.ask("What dose of prednisone should I take?")
    assert answer.abstained
    assert not re.search(r"\d", answer.answer), answer.answer


def test_judge_prefers_the_supported_statement_over_its_negation(bot):
    passage = ("Paraneoplastic syndromes are not caused by cancer cells directly disrupting nerve function, "
               "by the cancer spreading (metastasis), or by other complications such as infections or "
               "treatment side effects.")
    question = "Is it the cancer spreading that causes it?"
    supported, negated = bot.judge.support([
        (question, "The syndromes are not caused by the cancer spreading.", passage),
        (question, "The syndromes are caused by the cancer spreading to the brain.", passage),
    ])
    assert supported >= 0.5 > negated


def test_triage_second_look_tells_an_emergency_from_a_slow_symptom_and_a_question(bot):
    look = bot.components.triager().second_look
    threshold = bot.settings.triage.model_emergency_threshold
    fainting = look.emergency_probability(
        "my grandad's heart is going like a drum and he's sweating buckets, I think he's about to keel over")
    slow = look.emergency_probability("my legs have felt a bit tired on stairs for a month")
    question = look.emergency_probability("I live in Texas: what does the immune system do to nerves?")
    assert fainting >= threshold > question and slow < 0.2, (fainting, slow, question)
    # a slowly building symptom stays urgent: the second look is asked and says no
    assert bot.ask("my legs have felt a bit tired on stairs for a month").urgency == "urgent"
