"""Follow-ups borrow from the conversation only what they cannot do without (issue 14, item 3)."""

import pytest

from assistant.answer.followups import needs_history, standalone_question

TERMS = ["Stiff person syndrome", "Limbic encephalitis", "Spinal tap", "Neuromyotonia"]


def turns(*pairs):
    out = []
    for question in pairs:
        out += [{"role": "user", "content": question}, {"role": "assistant", "content": "An answer [1]."}]
    return out


@pytest.mark.parametrize("question", [
    "Is it the tumor spreading into my brain that causes these problems?",
    "What blood tests will they do?",
    "Can these syndromes affect parts of the body other than the nerves?",
    "Which doctor should I see first?",
])
def test_a_question_that_stands_alone_is_not_rewritten(question):
    history = turns("What does a spinal tap show?")
    assert standalone_question(question, history, TERMS) == question and not needs_history(question, TERMS)


def test_the_tumor_question_after_a_spinal_tap_question_is_asked_as_it_is():
    history = turns("What does a spinal tap show?")
    question = "Is it the tumor spreading into my brain that causes these problems?"
    assert "spinal" not in standalone_question(question, history, TERMS)


@pytest.mark.parametrize("question, previous, expected", [
    ("what did it used to be called?", "What is stiff person syndrome?",
     "what did stiff person syndrome used to be called?"),
    ("does it hurt?", "What is stiff person syndrome?", "does stiff person syndrome hurt?"),
    ("can it affect the heart?", "what is dysautonomia", "can dysautonomia affect the heart?"),
    ("and plasmapheresis?", "What does IVIg do?", "What does plasmapheresis do?"),
    ("what about a CT scan?", "What is a PET scan?", "What is a CT scan?"),
    ("is that also true for immunosuppressants?", "what are the side effects of steroids",
     "what are the side effects of immunosuppressants"),
    ("what are the side effects?", "What is prednisone for?", "what are the side effects of prednisone?"),
    # dev batch 2: the syndrome named in full ("stiff person syndrome" is a lead term, not a listed form)
    ("what are the symptoms of it?", "what was stiff person syndrome called before",
     "what are the symptoms of stiff person syndrome?"),
    ("and is that one treatable?", "what is opsoclonus", "and is opsoclonus treatable?"),
])
def test_a_question_that_needs_the_history_borrows_its_subject(question, previous, expected):
    assert standalone_question(question, turns(previous), TERMS) == expected


def test_a_topic_switch_after_two_turns_is_not_carried_over():
    history = turns("What is limbic encephalitis?", "can it cause seizures?")
    assert standalone_question("What blood tests will they do?", history, TERMS) == "What blood tests will they do?"
    assert standalone_question("How is plasmapheresis done?", history, TERMS) == "How is plasmapheresis done?"


def test_it_after_a_test_means_the_condition_unless_the_question_is_about_the_test():
    history = turns("What does a spinal tap show?")
    assert standalone_question("How is it treated?", history, TERMS) == "How is it treated?"
    assert standalone_question("does it hurt?", history, TERMS) == "does spinal tap hurt?"
    # dev batch 14: what one looks for in a test is asked of the test
    assert standalone_question("and what are they looking for in it", history, TERMS) == (
        "and what are they looking for in spinal tap")


def test_the_subject_can_come_from_the_last_answer_when_the_question_named_none():
    history = [{"role": "user", "content": "tell me something"},
               {"role": "assistant", "content": "Neuromyotonia causes twitching [1]."}]
    assert standalone_question("does it hurt?", history, TERMS) == "does neuromyotonia hurt?"


def test_without_history_nothing_changes():
    assert standalone_question("does it hurt?", [], TERMS) == "does it hurt?"


def test_a_said_change_of_topic_is_dropped_and_borrows_nothing():
    # dev batch 16: "totally different question:" before a question lowered the model's coverage and it abstained
    history = turns("What does a spinal tap show?") + turns("does it hurt?")
    assert standalone_question("totally different question: will the doctor ask about my family?", history,
                               TERMS) == "will the doctor ask about my family?"
    assert standalone_question("new topic - does it hurt?", history, TERMS) == "does it hurt?"


def test_a_preamble_is_dropped_but_the_question_may_still_lean_on_the_history():
    history = turns("What does a spinal tap show?")
    assert standalone_question("quick question, does it hurt?", history, TERMS) == "does spinal tap hurt?"
    assert standalone_question("ok new question - can it affect his bladder?", history, TERMS) == (
        "can it affect his bladder?")
