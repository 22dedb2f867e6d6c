"""``assistant eval faithfulness-validate``: how well the scorer separates supported from unsupported answers.

Two sets, each with a dev split (where the combination's weights are fitted, ``--fit``) and a test split
(never tuned on), split by a hash of the item:

* domain — ``eval/faithfulness_val.jsonl``: 68 one-sentence answers about this corpus (negation flips,
  swapped cancers or syndromes, invented numbers and doses, all reusing the passage's own words);
* outside — HaluEval QA (:mod:`assistant.evaluation.outside`): Wikipedia passages and HotpotQA questions
  with a correct and a hallucinated answer each, ``--outside N`` items (default 300: 600 pairs).

Reported per set and split, for the model judge alone, the word-overlap baseline and the final scorer:
AUROC, balanced accuracy at each one's threshold, and seconds per item. An answer scores its weakest
sentence.

>>> fit([[1.0, 1.0], [0.9, 0.8], [0.2, 0.1], [0.1, 0.3]], [1, 1, 0, 0], ["judge", "overlap"])["judge"] > 0
True
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from assistant.core.errors import InputError
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.evaluation.faithfulness import FEATURES, THRESHOLD, WEIGHTS, FaithfulnessScorer, sigmoid_score
from assistant.evaluation.metrics import auroc, balanced_accuracy
from assistant.evaluation.outside import halueval_pairs, split_of
from assistant.testing import OverlapJudge

DEFAULT_SET = PROJECT_ROOT / "eval" / "faithfulness_val.jsonl"
OVERLAP_THRESHOLD = 0.5
JUDGE_THRESHOLD = 0.7  # the answer verifier's own judge threshold


def answer_features(scorer: FaithfulnessScorer, row: dict) -> list[dict[str, float]]:
    """The features of each sentence of the row's answer."""
    _, verdicts = scorer.score(row["question"], row["answer"], row["contexts"])
    return [v.features for v in verdicts] or [dict.fromkeys(FEATURES, 0.0)]


def overlap_score(row: dict) -> float:
    judge = OverlapJudge()
    return max(judge.support([(row["question"], row["answer"], c) for c in row["contexts"]]) or [0.0])


def fit(x: list[list[float]], y: list[int], names: list[str], weights: list[float] | None = None,
        steps: int = 3000, l2: float = 0.01) -> dict:
    """Logistic regression by gradient descent (a few features, a few hundred rows): weights by name.
    ``weights`` weigh the rows (each set counts equally, however many rows it has)."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    rw = np.ones(len(ys)) if weights is None else np.asarray(weights, dtype=float)
    xs = np.column_stack([np.ones(len(xs)), xs])
    w = np.zeros(xs.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-xs @ w))
        w -= 0.5 * (xs.T @ (rw * (p - ys)) / rw.sum() + l2 * np.r_[0.0, w[1:]])
    return {"bias": round(float(w[0]), 3), **{n: round(float(v), 3) for n, v in zip(names, w[1:], strict=True)}}


def best_threshold(parts: list[tuple[list[float], list[int]]]) -> float:
    """The threshold with the highest mean balanced accuracy over the (scores, labels) of each dev set."""
    candidates = sorted({round(s, 3) for scores, _ in parts for s in scores})
    return max(candidates, key=lambda t: sum(balanced_accuracy(s, y, t) for s, y in parts))


def _summary(scores: list[float], labels: list[int], threshold: float) -> dict:
    return {"auroc": round(auroc(scores, labels), 4), "threshold": threshold,
            "balanced_accuracy": round(balanced_accuracy(scores, labels, threshold), 4)}


def validate(scorer: FaithfulnessScorer, rows: list[dict], weights: dict | None = None,
             threshold: float = THRESHOLD) -> dict:
    """Scores of one set of rows for the three scorers (rows may carry precomputed ``features``)."""
    labels = [int(r["label"]) for r in rows]
    started = time.perf_counter()
    features = [r.get("features") or answer_features(scorer, r) for r in rows]
    seconds = (time.perf_counter() - started) / max(len(rows), 1)
    model = [min(f["judge"] for f in fs) for fs in features]
    final = [min(sigmoid_score(f, weights or scorer.weights) for f in fs) for fs in features]
    return {
        "pairs": len(rows), "supported": sum(labels), "seconds_per_item": round(seconds, 3),
        "model": _summary(model, labels, JUDGE_THRESHOLD),
        "word_overlap": _summary([overlap_score(r) for r in rows], labels, OVERLAP_THRESHOLD),
        "final": _summary(final, labels, threshold),
        "misjudged": sorted(({"id": r.get("id"), "label": r["label"], "score": round(s, 3), "answer": r["answer"]}
                             for r, s in zip(rows, final, strict=True) if (s >= threshold) != bool(r["label"])),
                            key=lambda m: -abs(m["score"] - threshold))[:20],
    }


def load_domain(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(f"{path} not found.")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{**r, "split": r.get("split") or split_of(str(r.get("id", r["answer"])))} for r in rows]


def run_validation(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.llm.factory import make_judge

    sets = {"domain": load_domain(args.set or DEFAULT_SET)}
    if args.outside:
        sets["outside"] = halueval_pairs(settings.paths.cache_dir, args.outside)
    scorer = FaithfulnessScorer(make_judge(settings))
    cached = json.loads(args.features.read_text()) if args.features and args.features.is_file() else {}
    for name, rows in sets.items():  # the features once per row: fitting and reporting reuse them
        for row in rows:
            key = f"{name}:{row.get('id')}:{row['answer']}"
            if key not in cached:
                started = time.perf_counter()
                cached[key] = {"features": answer_features(scorer, row), "seconds": time.perf_counter() - started}
            row.update(cached[key])
    if args.features:
        args.features.write_text(json.dumps(cached))
    weights, threshold = dict(WEIGHTS), THRESHOLD
    if args.fit:
        dev = {name: [r for r in rows if r["split"] == "dev"] for name, rows in sets.items()}
        rows = [r for part in dev.values() for r in part]
        weakest = [min(r["features"], key=lambda f: sigmoid_score(f)) for r in rows]
        row_weights = [1.0 / len(part) for part in dev.values() for _ in part]  # each set counts equally
        weights = fit([[f[n] for n in FEATURES] for f in weakest], [r["label"] for r in rows], list(FEATURES),
                      row_weights)
        threshold = best_threshold([([min(sigmoid_score(f, weights) for f in r["features"]) for r in part],
                                     [r["label"] for r in part]) for part in dev.values()])
    results = {f"{name} {split}": {**validate(scorer, [r for r in rows if r["split"] == split], weights, threshold),
                                   "seconds_per_item": round(float(np.mean([r["seconds"] for r in rows])), 3)}
               for name, rows in sets.items() for split in ("dev", "test")}
    if args.json:
        print(json.dumps({"weights": weights, "threshold": threshold, "results": results}, indent=2))
        return 0
    print(f"Weights{' (fitted on dev)' if args.fit else ''}: {weights}; threshold {threshold}\n")
    print("| set | pairs | model judge: AUROC / bal. acc. | word overlap: AUROC / bal. acc. | "
          "final scorer: AUROC / bal. acc. | s per item |\n|---|---|---|---|---|---|")
    for name, r in results.items():
        cells = " | ".join(f"{r[k]['auroc']:.3f} / {r[k]['balanced_accuracy']:.3f}"
                           for k in ("model", "word_overlap", "final"))
        print(f"| {name} | {r['pairs']} | {cells} | {r['seconds_per_item']} |")
    for name, r in results.items():
        for miss in r["misjudged"][:10]:
            print(f"  [{name}] misjudged {miss['id']} (label {miss['label']}, score {miss['score']}): "
                  f"{miss['answer'][:100]}")
    return 0
