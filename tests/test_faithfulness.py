import json

from assistant.evaluation.faithfulness import FaithfulnessScorer, score_file
from assistant.evaluation.faithfulness_val import validate
from assistant.surfaces.cli import main
from assistant.testing import FakeJudge

CONTEXTS = ["The immune system attacks nerves.", "Steroids calm the immune system."]


def scorer(**allow):
    return FaithfulnessScorer(FakeJudge(allow=allow or None))


def test_share_of_supported_statements_with_the_supporting_context():
    value, verdicts = scorer().score("q", "Steroids calm the immune system. Tumors spread to the brain.", CONTEXTS)
    assert value == 0.5
    assert [(v.supported, v.context) for v in verdicts] == [(True, 1), (False, 0)]


def test_invented_number_is_unsupported_without_asking_the_judge():
    judge = FakeJudge(allow={"About 40 people get it.": "immune"})
    value, verdicts = FaithfulnessScorer(judge).score("q", "About 40 people get it.", CONTEXTS)
    assert value == 0.0 and "number '40'" in verdicts[0].reason and judge.calls == []


def test_empty_answer_and_answer_without_sentences_have_no_score():
    assert scorer().score("q", "", CONTEXTS) == (None, [])
    assert scorer().score("q", "[1] ...", CONTEXTS) == (None, [])


def test_empty_contexts_support_nothing():
    value, verdicts = scorer().score("q", "The immune system attacks nerves.", [])
    assert value == 0.0 and verdicts[0].reason == "no contexts"


def test_file_scoring_skips_malformed_lines(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "a", "question": "q", "answer": "The immune system attacks nerves.", "contexts": CONTEXTS}),
        "{broken",
        json.dumps({"id": "b", "question": "q", "answer": "x", "contexts": "not a list"}),
        json.dumps({"id": "c", "question": "q", "answer": "", "contexts": []}),
    ]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert score_file(scorer(), source, out) == (2, 2)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["faithfulness"] == 1.0 and rows[0]["statements"][0]["context"] == 0
    assert rows[1]["faithfulness"] is None
    assert "line 2" in capsys.readouterr().err


def test_validation_reports_auroc_for_both_scorers():
    rows = [
        {"question": "q", "answer": "The immune system attacks nerves.", "contexts": CONTEXTS, "label": 1},
        {"question": "q", "answer": "The immune system does not attack nerves.", "contexts": CONTEXTS, "label": 0},
    ]
    result = validate(scorer(), rows)
    assert result["model"]["auroc"] == 1.0 and result["model"]["balanced_accuracy"] == 1.0
    assert result["word_overlap"]["auroc"] == 0.5  # both answers share every content word with the context


def test_faithfulness_command_missing_file_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_GENERATION__BACKEND", "openai")
    assert main(["eval", "faithfulness", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o")]) == 1
    assert "does not exist" in capsys.readouterr().err
