"""One formatter, three renderings: the CLI, the chat page and the moderators' Markdown say the same."""

from assistant.core.types import Answer, AnswerDetails, CheckedSentence, Chunk, Citation, Passage, Triage
from assistant.surfaces.cli import format_answer
from assistant.surfaces.format import present
from assistant.surfaces.ui.render import answer_markdown

CHUNK = Chunk("c1", "d", "Paraneoplastic syndromes — Diagnosis", "Diagnosis", "A spinal tap looks for antibodies.",
              0, 34, "Mayo Clinic", "2022-03-26")


def _answer(urgency="none", advice="", **details) -> Answer:
    verdicts = [CheckedSentence("A spinal tap looks for antibodies.", [1], [1], 0.9, True, "judge 0.90 on [1]",
                                False),
                CheckedSentence("It cures it.", [1], [], 0.1, False, "judge 0.10 on [1]", False)]
    return Answer("What does a spinal tap show?", "A spinal tap looks for antibodies [1].",
                  citations=[Citation(1, "c1", CHUNK.doc_title, "Diagnosis", "Mayo Clinic", CHUNK.text)],
                  contexts=[Passage(CHUNK, 1.0, 1)], urgency=urgency, triage=Triage(urgency, "r", advice),
                  faithfulness=1.0, details=AnswerDetails(verification=verdicts, **details))


def test_checked_line_counts_the_draft_sentences_that_passed_and_every_surface_shows_it():
    answer = _answer()
    line = present(answer).checked
    assert line == ("✓ Every sentence shown was checked against its source (1 of 2 draft sentences passed; "
                    "faithfulness 100%).")
    assert line in format_answer(answer) and line in answer_markdown(answer)


def test_a_quoted_answer_and_an_abstention_say_so():
    assert present(_answer(extractive=True)).checked == "✓ Quoted word for word from the sources."
    abstained = _answer()
    abstained.abstained = True
    assert present(abstained).checked == "No answer given: the sources don't cover this."


def test_urgent_notice_comes_first_and_sources_carry_their_review_date():
    text = format_answer(_answer("urgent", "See a doctor within a day."))
    assert text.startswith("SEE A DOCTOR SOON — See a doctor within a day.\n")
    assert "[1] Paraneoplastic syndromes — Diagnosis › Diagnosis (reviewed 2022-03-26)" in text


def test_an_emergency_is_the_advice_alone_everywhere():
    answer = _answer("emergency", "Call 911 now.")
    answer.answer = "Call 911 now."
    shown = present(answer)
    assert (shown.notice, shown.checked, shown.sources) == ("Get help now", "", [])
    assert format_answer(answer) == "EMERGENCY — Call 911 now." and answer_markdown(answer) == "**Call 911 now.**"


def test_closing_advice_follows_an_ordinary_answer_only():
    assert present(_answer("none", "If this is new, tell your doctor.")).closing == "If this is new, tell your doctor."
    assert present(_answer("urgent", "See a doctor within a day.")).closing == ""
