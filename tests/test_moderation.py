"""Approved answers and the review queue: the store, the matcher, serving through the pipeline, the CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.answer.approved import aspects, compatible
from assistant.answer.citations import check_answer_contract
from assistant.core.types import Citation
from assistant.moderation.approvals import read_file, validate
from assistant.moderation.store import SCHEMA_VERSION, ModerationStore, StoreError
from assistant.surfaces.moderating import Moderation, review_reason
from assistant.surfaces.ui.callbacks import FeedbackStore
from assistant.surfaces.ui.moderators import ModeratorPanel
from assistant.testing import FakeGenerator, FakeJudge
from tests.conftest import TOY_DOC

CAUSE = "Tumor cells do not spread into the brain. The immune system attacks nerves."
APPROVED_Q = "Do tumor cells spread into the brain?"
APPROVED_A = "No. The immune system attacks nerves; tumor cells do not spread into the brain. [1]"
# The hashing fake's cosines are lower than MiniLM's: a paraphrase sharing most words scores ~0.6.
LOOSE = {"moderation": {"match_similarity": 0.5}}


def _cite(store_path: Path) -> ModerationStore:
    return ModerationStore(store_path)


def _chunk_id(assistant, section: str) -> str:
    return next(c.chunk_id for c in assistant.components.index().chunks if c.section == section)


@pytest.fixture
def approved_bot(toy_assistant):
    """A toy assistant whose judge says every pair of questions is the same (so the other checks decide),
    with one approved answer about the Causes passage."""
    bot = toy_assistant(FakeGenerator(["Doctors treat the cancer first. [1]"]), FakeJudge(yes=0.9), **LOOSE)
    Moderation(bot).approve(APPROVED_Q, APPROVED_A, [_chunk_id(bot, "Causes")], by="ana", check=False)
    return bot


# --- the store -------------------------------------------------------------------------------------

def test_store_keeps_who_when_sources_and_corpus_version(tmp_path):
    store = _cite(tmp_path / "m.sqlite3")
    entry = store.approve("Q?", "A. [1]", [Citation(1, "c1", "Doc", "Causes", "Mayo", "A.")], by=" ana ",
                          corpus_version="abc", faithfulness=1.0)
    again = ModerationStore(tmp_path / "m.sqlite3").get(entry.id)  # a new process would read the same
    assert (again.approved_by, again.corpus_version, again.status, again.citations[0].chunk_id) == \
        ("ana", "abc", "active", "c1")
    assert again.approved_at.endswith("Z")
    assert stat.S_IMODE(os.stat(tmp_path / "m.sqlite3").st_mode) == 0o600
    with sqlite3.connect(tmp_path / "m.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_store_refuses_a_newer_schema_and_a_file_that_is_not_a_database(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version"):
        ModerationStore(newer).approved()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite " * 100)
    with pytest.raises(StoreError, match="damaged or not a database"):
        ModerationStore(junk).approved()


def test_review_queue_filters_dismisses_and_closes_on_approval(tmp_path):
    store = _cite(tmp_path / "m.sqlite3")
    first = store.queue("abstained", "Is it inherited?", "My sources don't cover that.", [], None)
    second = store.queue("thumbs_down", "What is X?", "X. [1]", [], 0.5)
    assert [i.id for i in store.reviews()] == [second, first]  # newest first
    assert [i.id for i in store.reviews(reason="abstained")] == [first]
    store.dismiss(first, "ana")
    store.approve("What is X?", "X. [1]", [Citation(1, "c", "D", "S", "", "X.")], "ben", "v", review_id=second)
    assert store.reviews() == []
    assert {(i.id, i.status, i.resolved_by) for i in store.reviews(None)} == {(first, "dismissed", "ana"),
                                                                              (second, "approved", "ben")}
    with pytest.raises(StoreError, match="Unknown review reason"):
        store.queue("bored", "q", "a", [], None)


CRASH = textwrap.dedent("""
    import os, signal, sys
    from assistant.core.types import Citation
    from assistant.moderation.store import ModerationStore
    store = ModerationStore(sys.argv[1])
    store.approve("Kept?", "Yes. [1]", [Citation(1, "c", "D", "S", "", "Yes.")], "ana", "v")
    with store._connect(write=True) as conn:
        for i in range(2000):
            conn.execute("INSERT INTO review (created_at, reason, question, answer, citations) "
                         "VALUES ('t', 'abstained', ?, 'a', '[]')", (f"q{i}",))
        os.kill(os.getpid(), signal.SIGKILL)  # the process dies mid-transaction
""")


def test_sqlite_file_survives_a_crash_mid_write(tmp_path):
    path = tmp_path / "m.sqlite3"
    done = subprocess.run([sys.executable, "-c", CRASH, str(path)], capture_output=True, timeout=120)
    assert done.returncode == -9
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = ModerationStore(path)
    assert [e.question for e in store.approved()] == ["Kept?"]  # the committed write is kept
    assert store.reviews(None) == []  # the interrupted one left nothing half-written
    store.queue("abstained", "after the crash", "a", [], None)  # and the file is writable again
    assert len(store.reviews()) == 1


# --- what may be approved ----------------------------------------------------------------------------

def test_validation_rejects_doses_unknown_sources_and_stray_markers(approved_bot):
    chunks = approved_bot.components.index().by_id
    causes = _chunk_id(approved_bot, "Causes")
    with pytest.raises(StoreError, match="dose"):
        validate("How much?", "Take 2 g/kg of IVIg daily. [1]", [causes], chunks)
    with pytest.raises(StoreError, match="not a passage of the current sources"):
        validate("Q?", "A. [1]", ["0000000000000000"], chunks)
    with pytest.raises(StoreError, match=r"cites \[2\]"):
        validate("Q?", "A. [2]", [causes], chunks)
    approval = validate("Q?", "B. [3] A. [1]", [{"n": 1, "chunk_id": causes},
                                                 {"n": 3, "chunk_id": _chunk_id(approved_bot, "Treatment")}], chunks)
    assert approval.answer == "B. [2] A. [1]" and [c.n for c in approval.citations] == [1, 2]


def test_a_file_of_approvals_reports_bad_lines_and_keeps_the_good(approved_bot, tmp_path):
    causes = _chunk_id(approved_bot, "Causes")
    path = tmp_path / "approve.jsonl"
    path.write_text("\n".join([json.dumps({"question": "Q1?", "answer": "A. [1]", "citations": [causes]}),
                               "{not json", json.dumps({"question": "Q2?", "answer": "A. [1]"})]), encoding="utf-8")
    rows = list(read_file(path, approved_bot.components.index().by_id))
    assert [r.approval is not None for r in rows] == [True, False, False]
    assert rows[1].error.startswith("line 2: not valid JSON") and "citations" in rows[2].error


def test_aspects_and_named_things_keep_near_misses_apart():
    assert aspects("How is limbic encephalitis diagnosed?") == {"diagnosis"}
    assert compatible("signs of myasthenia gravis?", "What are the symptoms of myasthenia gravis?")
    assert not compatible("What is myasthenia gravis?", "What is Lambert-Eaton myasthenic syndrome?")
    assert not compatible("What causes cerebellar degeneration?", "What are the symptoms of cerebellar degeneration?")


# --- serving through the pipeline ----------------------------------------------------------------------

def test_a_paraphrase_gets_the_approved_answer_cited_and_marked(approved_bot):
    answer = approved_bot.ask("do the tumor cells spread into my brain?")
    assert answer.answer == APPROVED_A and not answer.abstained
    assert answer.details.approved.approved_by == "ana" and answer.details.approved.same == 0.9
    assert [c.section for c in answer.citations] == ["Causes"] and answer.citations[0].text == CAUSE
    assert check_answer_contract(answer) == []
    assert answer.to_json()["approved"]["question"] == APPROVED_Q


def test_a_different_question_is_answered_normally(approved_bot):
    answer = approved_bot.ask("How do doctors treat the cancer?")
    assert answer.details.approved is None and answer.answer != APPROVED_A


def test_the_model_check_can_refuse_a_close_question(toy_assistant):
    bot = toy_assistant(FakeGenerator(["Doctors treat the cancer first. [1]"]), FakeJudge(yes=0.2), **LOOSE)
    Moderation(bot).approve(APPROVED_Q, APPROVED_A, [_chunk_id(bot, "Causes")], by="ana", check=False)
    assert bot.ask("do the tumor cells spread into my brain?").details.approved is None


def test_triage_comes_first_even_for_an_approved_question(approved_bot):
    answer = approved_bot.ask("I have crushing chest pain right now. Do tumor cells spread into the brain?")
    assert answer.urgency == "emergency" and answer.details.approved is None


def test_changed_sources_flag_the_answer_and_queue_it_instead_of_serving_it(approved_bot, toy_settings, toy_assistant):
    (toy_settings.paths.corpus_dir / "toy.md").write_text(
        TOY_DOC.replace(CAUSE, "Tumor cells rarely spread into the brain. The immune system attacks nerves."),
        encoding="utf-8")
    fresh = toy_assistant(FakeGenerator(["Doctors treat the cancer first. [1]"]), FakeJudge(yes=0.9), **LOOSE)
    answer = fresh.ask("do the tumor cells spread into my brain?")
    assert answer.details.approved is None
    [entry] = fresh.moderation.approved()
    assert entry.status == "flagged" and "no longer in the sources" in entry.flag_reason
    assert [i.reason for i in fresh.moderation.reviews()] == ["sources_changed"]


def test_approving_the_same_question_again_replaces_the_old_answer(approved_bot):
    Moderation(approved_bot).approve(APPROVED_Q, "Tumor cells do not spread into the brain. [1]",
                                     [_chunk_id(approved_bot, "Causes")], by="ben", check=False)
    assert [e.status for e in approved_bot.moderation.approved()] == ["retired", "active"]
    assert approved_bot.ask("do the tumor cells spread into my brain?").details.approved.approved_by == "ben"


def test_wording_is_checked_sentence_by_sentence(approved_bot):
    approved = Moderation(approved_bot).approve(
        "Why?", "The immune system attacks nerves. [1] Coffee makes it worse. [1]",
        [_chunk_id(approved_bot, "Causes")], by="ana")
    assert approved.entry.faithfulness == 0.5 and approved.unsupported() == ["Coffee makes it worse."]


# --- the review queue fills itself ---------------------------------------------------------------------

def test_abstentions_and_thumbs_down_land_in_the_queue(toy_assistant, tmp_path):
    bot = toy_assistant(FakeGenerator(["My sources don't cover this."]))
    moderation = Moderation(bot)
    answer = bot.ask("How much does plasmapheresis cost in Ohio?")
    assert answer.abstained and review_reason(answer, 0.75) == "abstained"
    moderation.consider(answer)
    feedback = FeedbackStore(tmp_path / "feedback.jsonl", moderation)
    feedback.record(1, "Dislike", {"1": {**answer.to_json(), "question": "Was this useful?"}})
    assert [(i.reason, i.question) for i in bot.moderation.reviews()] == [
        ("thumbs_down", "Was this useful?"), ("abstained", "How much does plasmapheresis cost in Ohio?")]
    panel = ModeratorPanel(moderation)
    draft = panel.open_review(panel.queue_rows(), 1)
    assert draft.question.startswith("How much") and "In the queue because" in draft.detail_html
    assert panel.dismiss("ana", draft.review_id).startswith("Dismissed")
    assert len(panel.queue_rows()) == 1


# --- the command line -----------------------------------------------------------------------------------

def test_cli_adds_lists_and_exports(approved_bot, toy_settings, tmp_path, capsys, monkeypatch):
    from assistant.surfaces import moderation_cli

    monkeypatch.setattr(moderation_cli, "_moderation", lambda settings: Moderation(approved_bot))
    causes = _chunk_id(approved_bot, "Causes")
    path = tmp_path / "in.csv"
    path.write_text(f"question,answer,citations\nWhy?,The immune system attacks nerves. [1],{causes}\n"
                    "Bad?,No sources. [1],\n", encoding="utf-8")
    from assistant.surfaces.cli import main

    assert main(["approved", "add", "--file", str(path), "--by", "cli", "--no-check"]) == 1  # one bad row
    out = capsys.readouterr()
    assert "Approved #2: Why?" in out.out and "line 3" in out.err
    assert main(["approved", "list", "--json"]) == 0
    assert [json.loads(line)["question"] for line in capsys.readouterr().out.splitlines()] == [APPROVED_Q, "Why?"]
    assert main(["approved", "export", "--out", str(tmp_path / "all.jsonl")]) == 0
    exported = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert exported[1]["citations"][0]["chunk_id"] == causes and exported[1]["approved_by"] == "cli"
    assert main(["approved", "export", "--out", str(tmp_path / "all.csv")]) == 0
    assert (tmp_path / "all.csv").read_text().splitlines()[0].startswith("id,status,question,answer,citations")
    approved_bot.moderation.queue("abstained", "Is it inherited?", "My sources don't cover that.", [], None)
    assert main(["review", "export", "--out", str(tmp_path / "queue.csv")]) == 0
    assert "Is it inherited?" in (tmp_path / "queue.csv").read_text()
    assert main(["approved", "export", "--out", str(tmp_path / "all.txt")]) == 1
    assert "Export to a .jsonl or .csv" in capsys.readouterr().err


def test_a_flagged_answer_is_reapproved_from_the_queue_with_todays_passages(approved_bot, toy_settings,
                                                                            toy_assistant):
    (toy_settings.paths.corpus_dir / "toy.md").write_text(
        TOY_DOC.replace(CAUSE, "Tumor cells rarely spread into the brain. The immune system attacks nerves."),
        encoding="utf-8")
    fresh = toy_assistant(FakeGenerator(["Doctors treat the cancer first. [1]"]), FakeJudge(yes=0.9), **LOOSE)
    fresh.ask("do the tumor cells spread into my brain?")  # finds the change, flags and queues it
    panel = ModeratorPanel(Moderation(fresh))
    draft = panel.open_review(panel.queue_rows(), 0)
    assert "no longer in the sources" in draft.detail_html and "rarely spread" in draft.detail_html
    with pytest.raises(StoreError, match="not a passage of the current sources"):
        panel.approve(draft.question, draft.answer, draft.citations, "ana", draft.review_id)
    new_id = _chunk_id(fresh, "Causes")
    assert panel.approve(draft.question, "Tumor cells rarely spread into the brain. [1]", new_id, "ana",
                         draft.review_id).startswith("✓ Approved #2")
    assert [e.status for e in fresh.moderation.approved()] == ["retired", "active"]
    assert fresh.ask("do the tumor cells spread into my brain?").details.approved.id == 2


def test_a_damaged_database_is_logged_and_the_question_still_answered(toy_assistant, toy_settings, caplog):
    toy_settings.moderation.database.write_bytes(b"not a database at all " * 50)
    bot = toy_assistant(FakeGenerator(["Doctors treat the cancer first. [1]"]), FakeJudge(yes=0.9), **LOOSE)
    answer = bot.ask("How do doctors treat the cancer?")
    assert answer.details.approved is None and answer.answer
    assert "approved answers not consulted" in caplog.text and "damaged or not a database" in caplog.text


def test_moderator_actions_need_the_key_when_one_is_set_or_the_app_is_shared(approved_bot):
    from assistant.core.errors import AssistantError

    moderation = Moderation(approved_bot)
    ModeratorPanel(moderation).authorise("")  # this machine only, no key: open
    keyed = ModeratorPanel(moderation, key="s3cret")
    with pytest.raises(AssistantError, match="Enter the moderators' key"):
        keyed.authorise("guess")
    keyed.authorise("s3cret")
    with pytest.raises(AssistantError, match="off on a shared server"):
        ModeratorPanel(moderation, open_without_key=False).authorise("")
