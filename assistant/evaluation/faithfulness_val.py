"""``assistant eval faithfulness-validate``: how well the scorer separates supported from unsupported.

Each line of eval/faithfulness_val.jsonl is a one-sentence answer with its contexts and a label
(1 supported, 0 not: negation flips, swapped cancers or syndromes, invented numbers and doses, wrong
frequencies, all reusing the passage's own words). Reports AUROC and balanced accuracy at the default
threshold for the model judge and for a word-overlap baseline.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.core.errors import InputError
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.evaluation.faithfulness import FaithfulnessScorer
from assistant.evaluation.metrics import auroc, balanced_accuracy
from assistant.testing import OverlapJudge

DEFAULT_SET = PROJECT_ROOT / "eval" / "faithfulness_val.jsonl"
OVERLAP_THRESHOLD = 0.5


def statement_scores(scorer: FaithfulnessScorer, rows: list[dict]) -> list[float]:
    """One score per row: the lowest statement score of its answer (an answer is as good as its worst)."""
    out = []
    for row in rows:
        _, verdicts = scorer.score(row["question"], row["answer"], row["contexts"])
        out.append(min((v.score for v in verdicts), default=0.0))
    return out


def overlap_scores(rows: list[dict]) -> list[float]:
    judge = OverlapJudge()
    return [max(judge.support([(r["question"], r["answer"], c) for c in r["contexts"]]) or [0.0]) for r in rows]


def validate(scorer: FaithfulnessScorer, rows: list[dict]) -> dict:
    labels = [int(r["label"]) for r in rows]
    model = statement_scores(scorer, rows)
    overlap = overlap_scores(rows)
    return {
        "pairs": len(rows), "supported": sum(labels),
        "model": {"auroc": auroc(model, labels), "threshold": scorer.threshold,
                  "balanced_accuracy": balanced_accuracy(model, labels, scorer.threshold)},
        "word_overlap": {"auroc": auroc(overlap, labels), "threshold": OVERLAP_THRESHOLD,
                         "balanced_accuracy": balanced_accuracy(overlap, labels, OVERLAP_THRESHOLD)},
        "misjudged": [{"id": r.get("id"), "label": r["label"], "score": round(s, 3), "answer": r["answer"]}
                      for r, s in zip(rows, model, strict=True)
                      if (s >= scorer.threshold) != bool(r["label"])],
    }


def run_validation(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.llm.factory import make_judge

    path: Path = args.set or DEFAULT_SET
    if not path.is_file():
        raise InputError(f"{path} not found.")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    scorer = FaithfulnessScorer(make_judge(settings), settings.verify.threshold)
    result = validate(scorer, rows)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("| scorer | AUROC | balanced accuracy (threshold) |\n|---|---|---|")
    for name in ("model", "word_overlap"):
        r = result[name]
        print(f"| {name} | {r['auroc']:.3f} | {r['balanced_accuracy']:.3f} ({r['threshold']}) |")
    print(f"\n{result['pairs']} pairs, {result['supported']} supported.")
    for miss in result["misjudged"]:
        print(f"  misjudged {miss['id']} (label {miss['label']}, score {miss['score']}): {miss['answer']}")
    return 0
