"""The CLI contract. Tests marked ``model`` use the real corpus and the real bundled embedder."""

import json

import pytest

from assistant.surfaces.cli import main

TUMOR_QUESTION = "Is it the tumor spreading to my brain that causes this?"
METASTASIS = ("not caused by cancer cells directly disrupting nerve function, "
              "by the cancer spreading (metastasis)")


@pytest.fixture
def toy_env(monkeypatch, toy_settings):
    monkeypatch.setenv("ASSISTANT_PATHS__CORPUS_DIR", str(toy_settings.paths.corpus_dir))
    monkeypatch.setenv("ASSISTANT_PATHS__INDEX_DIR", str(toy_settings.paths.index_dir))
    return toy_settings


@pytest.fixture
def real_env(monkeypatch, real_index_dir):
    monkeypatch.setenv("ASSISTANT_PATHS__INDEX_DIR", str(real_index_dir))


@pytest.mark.parametrize("question, message", [
    ("   ", "Please type a question"),
    ("x" * 10_000, "10,000 characters long"),
    ("?!?", "no letters or digits"),
])
def test_bad_questions_get_a_clear_message_not_a_traceback(question, message, capsys, toy_env):
    assert main(["retrieve", question]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_invalid_setting_is_a_usage_error(capsys):
    assert main(["retrieve", "hello", "--retrieval-k", "0"]) == 2
    assert "invalid setting" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["index"], ["ask"], ["batch"], ["eval"], ["eval", "run"],
                                     ["eval", "claims"], ["bench"]])
def test_every_help_page_renders(command, capsys):
    """Setting descriptions hold '%' ("82 %"); argparse must not read it as a placeholder."""
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: assistant" in capsys.readouterr().out


def test_batch_reports_bad_lines_and_processes_the_rest(tmp_path, capsys, monkeypatch, toy_env):
    import assistant.surfaces.cli as cli
    from assistant.testing import HashingEmbedder

    monkeypatch.setattr(cli, "Components", _fake_components(HashingEmbedder(dimension=64)))
    lines = [
        '{"id": "q1", "question": "Does the tumor spread?"}',
        "this is not json",
        '{"id": "q3"}',
        "",
        '{"id": "q5", "question": "   "}',
        '{"id": "q6", "question": "Steroids?", "history": [{"role": "user", "content": "hi"}]}',
        '{"id": "q7", "question": "x", "history": [{"role": "robot", "content": "hi"}]}',
        '["a list"]',
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "--out", str(out), "--mode", "retrieve"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["q1", None, "q3", "q5", "q6", "q7", None]
    assert rows[0]["answer"] == "" and rows[0]["contexts"] and "error" not in rows[0]
    assert rows[1] == {"id": None, "line": 2, "error": rows[1]["error"]}
    assert "line 2 is not valid JSON" in rows[1]["error"]
    assert "line 3 has no 'question'" in rows[2]["error"]
    assert "line 5" in rows[3]["error"] and "empty" in rows[3]["error"]
    assert "error" not in rows[4]
    assert "'history' must be" in rows[5]["error"] and "JSON object" in rows[6]["error"]
    assert "7 lines" in capsys.readouterr().err


def test_batch_missing_input_file(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o.jsonl"),
                 "--mode", "retrieve"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_fast_eval_run_writes_report_plots_and_compares(tmp_path, capsys, monkeypatch, toy_env):
    import assistant.evaluation.run as run_module
    from assistant.testing import HashingEmbedder

    monkeypatch.setattr(run_module, "Components", _fake_components(HashingEmbedder(dimension=64)))
    monkeypatch.setenv("ASSISTANT_TRIAGE__USE_EMBEDDINGS", "false")
    first, second = tmp_path / "r1", tmp_path / "r2"
    assert main(["eval", "run", "--fast", "--limit", "4", "--out-dir", str(first)]) == 0
    assert main(["eval", "run", "--fast", "--limit", "4", "--out-dir", str(second),
                 "--compare", str(first / "report.json")]) == 0
    for name in ("report.json", "report.md", "metrics.png", "latency.png", "triage_confusion.png",
                 "answers-dev.jsonl", "answers-test.jsonl"):
        assert (second / name).is_file(), name
    report = json.loads((second / "report.json").read_text())
    assert report["fast"] and report["questions"] == 4 and report["answers"]["citation_validity"] == 1.0
    assert report["test"]["questions"] == 4 and report["test"]["triage"]["messages"] == 160
    assert report["claims"]["claims"] + report["test"]["claims"]["claims"] == 175
    out = capsys.readouterr().out
    assert "| triage.recall.emergency |" in out and "| test.triage.recall.emergency |" in out
    assert "| metric | dev | test |" in (second / "report.md").read_text()


def _fake_components(embedder):
    from assistant.answer.components import Components

    def make(settings, **kwargs):
        kwargs.pop("embedder", None)
        return Components(settings, embedder=embedder, **kwargs)
    return make


@pytest.mark.model
def test_index_command_builds_and_then_reports_ready(capsys, real_env):
    assert main(["index", "--rebuild"]) == 0
    err = capsys.readouterr().err
    assert "chunks from 2 documents" in err and "Index ready:" in err and "all-MiniLM-L6-v2 (384-d)" in err


@pytest.mark.model
def test_retrieve_json_contract_on_the_real_corpus(capsys, real_env):
    assert main(["retrieve", TUMOR_QUESTION, "--json", "--k", "5"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["question"] == TUMOR_QUESTION and answer["answer"] == "" and answer["citations"] == []
    contexts = answer["contexts"]
    assert len(contexts) == 5
    assert set(contexts[0]) == {"chunk_id", "doc_title", "section", "text", "score"}
    assert [c["score"] for c in contexts] == sorted((c["score"] for c in contexts), reverse=True)
    assert any(METASTASIS in c["text"] for c in contexts[:3])
    assert set(answer) >= {"question", "answer", "citations", "contexts", "urgency", "abstained",
                           "faithfulness", "timings_ms"}


@pytest.mark.model
def test_batch_retrieve_on_the_real_corpus(tmp_path, real_env):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "s1", "question": "What will they do with the spinal fluid?"}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "--out", str(out), "--mode", "retrieve", "--retrieval-k", "3"]) == 0
    row = json.loads(out.read_text())
    assert row["id"] == "s1" and len(row["contexts"]) == 3
    assert any("remove a small amount of CSF" in c["text"] for c in row["contexts"])


@pytest.mark.model
def test_python_m_assistant_runs(real_env):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "assistant", "retrieve", "spinal tap", "--k", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "[1]" in done.stdout


def test_triage_eval_aggregate_prints_no_misses(tmp_path, capsys):
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"id": "a", "message": "what is an EMG?", "urgency": "emergency"}\n'
                        '{"id": "b", "message": "my chest is crushing", "urgency": "emergency"}\n', encoding="utf-8")
    assert main(["eval", "triage", "--set", str(labelled), "--no-triage-use-embeddings"]) == 0
    assert "what is an EMG?" in capsys.readouterr().out  # the miss is listed by default
    assert main(["eval", "triage", "--set", str(labelled), "--no-triage-use-embeddings", "--aggregate"]) == 0
    out = capsys.readouterr().out
    assert "EMG" not in out and "| emergency | 1 | 0 | 1 | 0.500 |" in out


@pytest.mark.parametrize("name, listed", [("dev.jsonl", True), ("answers_test2.jsonl", False)])
def test_retrieval_eval_lists_misses_of_dev_sets_only(tmp_path, capsys, toy_env, name, listed):
    gold = tmp_path / name
    gold.write_text('{"id": "a", "question": "What is the zebra syndrome?", "evidence": ["No such sentence."], '
                    '"facts": [["zebra"]], "answerable": true}\n', encoding="utf-8")
    assert main(["eval", "retrieval", "--gold", str(gold), "--modes", "bm25"]) == 0
    err = capsys.readouterr().err
    assert ("zebra syndrome" in err) is listed
    assert ("is a test set: its misses are not printed" in err) is not listed


def test_retrieval_eval_asks_what_the_pipeline_would_retrieve_with():
    """Every question goes through ``standalone`` (the pipeline's cleaning), not only follow-ups."""
    from assistant.evaluation.retrieval_eval import GoldQuestion, evaluate_retriever

    class Recording:
        queries: list[str] = []

        def retrieve(self, query, k, mode):
            self.queries.append(query)
            return []

    retriever = Recording()
    gold = [GoldQuestion("a", "whats a LP?", ("x",), (("x",),), True)]
    result = evaluate_retriever(retriever, gold, "hybrid", lambda item: "What is a lumbar puncture?")
    assert retriever.queries == ["What is a lumbar puncture?"] and result["hit@5"] == 0.0
