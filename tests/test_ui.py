"""The chat page's callbacks with a fake generator and judge (no browser, no real model)."""

import csv
import json

import pytest

from assistant.core.errors import InputError
from assistant.surfaces.ui.callbacks import (
    FRIENDLY_ERROR,
    ChatController,
    FeedbackStore,
    answer_all,
    read_questions,
    write_downloads,
)
from assistant.testing import FakeGenerator


@pytest.fixture
def bot(toy_assistant):
    return toy_assistant(FakeGenerator(["The immune system attacks nerves [1]."] * 5))


def test_chat_shows_evidence_then_draft_then_the_checked_answer(bot):
    states = list(ChatController(bot).respond("What does the immune system do to nerves?", [], {}))
    contents = [s[0][-1]["content"] for s in states]
    assert contents[0] == "_Checking your message…_"
    evidence_at = next(i for i, s in enumerate(states) if "Reading these sources" in s[2])
    draft_at = next(i for i, c in enumerate(contents) if c.startswith("_Draft"))
    assert evidence_at < draft_at  # evidence appears before the model's words
    chat, banner, sources, answers = states[-1]
    assert chat[-1]["content"].startswith("The immune system attacks nerves. [1]")
    assert "checked against its source" in chat[-1]["content"]
    assert banner == "" and "<mark>The immune system attacks nerves.</mark>" in sources
    assert "reviewed 2024-01-02" in sources
    assert answers["1"]["citations"][0]["n"] == 1


def test_emergency_banner_comes_before_any_answer(bot):
    states = list(ChatController(bot).respond("my husband can't breathe", [], {}))
    first_banner = next(i for i, s in enumerate(states) if "banner-emergency" in s[1])
    assert all(s[0][-1]["content"] == "_Checking your message…_" for s in states[: first_banner + 1])
    assert "911" in states[-1][0][-1]["content"] and bot.generator.prompts == []


def test_urgent_message_gets_the_amber_banner(bot):
    states = list(ChatController(bot).respond("my legs got weaker this week, does the immune system attack "
                                              "nerves?", [], {}))
    assert "banner-urgent" in states[-1][1] and "doctor soon" in states[-1][1].lower()


def test_follow_up_uses_the_conversation(bot):
    chat = [{"role": "user", "content": "Tell me about Beta syndrome"},
            {"role": "assistant", "content": "Beta syndrome is a long bullet. [1]"}]
    states = list(ChatController(bot).respond("Is it long?", chat, {}))
    assert states[-1][3]["3"]["standalone_question"] == "Is beta syndrome long?"


def test_internal_error_is_friendly_and_logged(bot, caplog):
    class Broken:
        name = "broken"

        def stream(self, messages, max_new_tokens=200):
            raise RuntimeError("boom")
            yield  # pragma: no cover

    bot._generator = Broken()
    states = list(ChatController(bot).respond("Does the immune system attack nerves?", [], {}))
    assert states[-1][0][-1]["content"] == FRIENDLY_ERROR
    assert "Traceback" not in states[-1][0][-1]["content"]
    assert any("internal error" in r.message for r in caplog.records)


def test_empty_message_gets_a_clear_reply(bot):
    states = list(ChatController(bot).respond("   ", [], {}))
    assert "Please type a question" in states[-1][0][-1]["content"]


def test_feedback_is_saved_with_question_answer_and_citations(bot, tmp_path):
    *_, (chat, _, _, answers) = ChatController(bot).respond("Does the immune system attack nerves?", [], {})
    store = FeedbackStore(tmp_path / "fb" / "feedback.jsonl")
    assert "saved" in store.record(1, True, answers)
    assert "finished answers" in store.record(0, False, answers)
    row = json.loads((tmp_path / "fb" / "feedback.jsonl").read_text())
    assert row["liked"] is True and row["question"] == "Does the immune system attack nerves?"
    assert row["citations"][0]["text"] and row["time"]


def test_moderator_reads_pasted_csv_and_jsonl(tmp_path):
    source = tmp_path / "q.csv"
    source.write_text("id,question\na,What is it?\nb,Why?\n", encoding="utf-8")
    assert [r.id for r in read_questions("One?\n\nTwo?", str(source), 10)] == ["a", "b", "p1", "p3"]
    jsonl = tmp_path / "q.jsonl"
    jsonl.write_text('{"id": "x", "question": "Q?"}\nnot json\n', encoding="utf-8")
    records = read_questions("", str(jsonl), 10)
    assert records[0]["record"].id == "x" and "error" in records[1]
    with pytest.raises(InputError, match="Paste at least one"):
        read_questions("  ", None, 10)
    with pytest.raises(InputError, match="more than the 1"):
        read_questions("a\nb", None, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("text\nhello\n", encoding="utf-8")
    with pytest.raises(InputError, match="'question' column"):
        read_questions("", str(bad), 10)


def test_moderator_answers_and_downloads(bot, tmp_path):
    rows = answer_all(bot, read_questions("Does the immune system attack nerves?\n   ", None, 10))
    md, csv_path, jsonl = write_downloads(rows, tmp_path)
    assert json.loads(jsonl.read_text())["citations"][0]["n"] == 1
    table = list(csv.reader(csv_path.open()))
    assert table[0][:6] == ["id", "question", "urgency", "answer", "faithfulness", "reading_grade"]
    assert "[1] Toy document" in table[1][7] and float(table[1][5]) < 20  # a grade, not a score
    assert md.read_text().startswith("## Does the immune system attack nerves?")


def test_a_question_waiting_for_the_model_shows_its_place_in_line(bot):
    from assistant.answer.events import QueuedEvent

    class Waiting:
        """Yields what the pipeline yields while two questions are ahead in line, then the real stream."""

        settings = bot.settings

        def stream(self, message, history):
            events = bot.stream(message, history)
            yield next(events)  # triage
            yield QueuedEvent(2)
            yield from events

    states = list(ChatController(Waiting()).respond("Does the immune system attack nerves?", [], {}))
    contents = [s[0][-1]["content"] for s in states]
    assert "_Many people are asking right now: you are number 2 in line…_" in contents
    assert "The immune system attacks nerves." in contents[-1] and "[1]" in contents[-1]


def test_logs_hold_no_question_text_unless_turned_on(toy_assistant, caplog):
    class Broken(FakeGenerator):
        def stream(self, messages, max_new_tokens=200):
            raise RuntimeError("model crashed")

    question = "Does my private diagnosis of the immune system attack nerves?"
    for log_text in (False, True):
        caplog.clear()
        bot = toy_assistant(Broken(), server={"log_text": log_text})
        states = list(ChatController(bot).respond(question, [], {}))
        assert states[-1][0][-1]["content"] == FRIENDLY_ERROR and "model crashed" in caplog.text
        assert (question in caplog.text) == log_text


def test_feedback_on_a_full_disk_is_refused_politely_and_leaves_no_half_line(bot, tmp_path, monkeypatch):
    import os

    *_, (chat, _, _, answers) = ChatController(bot).respond("Does the immune system attack nerves?", [], {})
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    assert "saved" in store.record(1, True, answers)
    before = store.path.read_bytes()
    real_write = os.write

    def half_then_full(fd, data):
        real_write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    assert "could not be saved" in store.record(1, False, answers)
    monkeypatch.undo()
    assert store.path.read_bytes() == before and oct(store.path.stat().st_mode)[-3:] == "600"


def test_a_message_sent_while_the_last_answer_is_written_waits_for_it_and_nothing_is_lost(bot):
    controller = ChatController(bot)
    first = controller.respond_in("s1", "What does the immune system do to nerves?", [], {})
    next(first)  # the first answer has started...
    second = controller.respond_in("s1", "Does the immune system attack nerves?", [], {})  # ...the page sends more
    first.close()  # and the page stops listening to the first request
    *_, (chat, _, _, answers) = second
    users = [m["content"] for m in chat if m["role"] == "user"]
    assert users == ["What does the immune system do to nerves?", "Does the immune system attack nerves?"]
    assert all(m["content"] and not m["content"].startswith("_") for m in chat if m["role"] == "assistant")
    assert sorted(answers) == ["1", "3"]  # both finished answers, each at its place in the chat


def test_a_new_conversation_starts_from_the_pages_empty_chat(bot):
    controller = ChatController(bot)
    *_, (chat, _, _, _) = controller.respond_in("s1", "Does the immune system attack nerves?", [], {})
    assert len(chat) == 2
    controller.forget("s1")
    *_, (chat, _, _, _) = controller.respond_in("s1", "Does the immune system attack nerves?", [], {})
    assert len(chat) == 2
    *_, (other, _, _, _) = controller.respond_in("s2", "Does the immune system attack nerves?", [], {})
    assert len(other) == 2  # sessions never mix
