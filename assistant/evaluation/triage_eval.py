"""``assistant eval triage``: per-class recall, the confusion matrix and latency on eval/triage.jsonl."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assistant.answer.components import Components
from assistant.core.errors import InputError
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.evaluation.metrics import LABELS, confusion_matrix, percentile, recall

DEFAULT_SET = PROJECT_ROOT / "eval" / "triage.jsonl"  # dev: the rules were tuned on it
TEST_SET = PROJECT_ROOT / "eval" / "triage_test.jsonl"  # test: written before issue 15's changes, never tuned on
# Further held-out sets, each written before a day's triage changes and scored in aggregate only
TRIAGE_HELD_OUT = tuple(PROJECT_ROOT / "eval" / f"triage_test{n}.jsonl" for n in (3, 4, 5, 6))


def load_labelled(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(f"Triage set {path} not found.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                row = json.loads(line)
                if row["urgency"] not in LABELS or not isinstance(row["message"], str):
                    raise ValueError(f"bad label {row['urgency']!r}")
            except (json.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
                raise InputError(f"{path} line {number} is not a labelled message: {exc}") from exc
            rows.append(row)
    return rows


def evaluate_triage(parts: Components, rows: list[dict]) -> dict:
    triager = parts.triager()
    triager.warm_up()
    pairs, latencies, errors = [], [], []
    for row in rows:
        started = time.perf_counter()
        result = triager.triage(row["message"], row.get("history", []))
        latencies.append((time.perf_counter() - started) * 1000)
        pairs.append((row["urgency"], result.urgency))
        if result.urgency != row["urgency"]:
            errors.append({"id": row.get("id"), "want": row["urgency"], "got": result.urgency,
                           "message": row["message"], "reason": result.reason})
    matrix = confusion_matrix(pairs)
    informational = [p for (t, p), row in zip(pairs, rows, strict=True) if t == "none"]
    return {
        "messages": len(rows),
        "recall": {label: recall(matrix, label) for label in LABELS},
        "none_as_emergency": informational.count("emergency") / len(informational) if informational else 0.0,
        "confusion": matrix,
        "latency_ms": {"median": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
                       "max": max(latencies)},
        "errors": errors,
    }


def aggregate(result: dict) -> dict:
    """A held-out set's figures without its misses, so that its messages are never read one by one."""
    return {k: v for k, v in result.items() if k != "errors"}


def markdown_report(result: dict) -> str:
    lines = ["| true \\ predicted | " + " | ".join(LABELS) + " | recall |", "|---|---|---|---|---|"]
    for label in LABELS:
        row = result["confusion"][label]
        lines.append(f"| {label} | " + " | ".join(str(row[p]) for p in LABELS)
                     + f" | {result['recall'][label]:.3f} |")
    lat = result["latency_ms"]
    lines.append(f"\n{result['messages']} messages; informational classed emergency: "
                 f"{result['none_as_emergency']:.1%}; latency per message: median {lat['median']:.1f} ms, "
                 f"p95 {lat['p95']:.1f} ms, max {lat['max']:.1f} ms")
    return "\n".join(lines)


def run_triage_eval(args: argparse.Namespace, settings: Settings) -> int:
    rows = load_labelled(args.set or DEFAULT_SET)
    result = evaluate_triage(Components(settings, progress=False), rows)
    if args.aggregate:
        result = aggregate(result)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(markdown_report(result))
        for error in result.get("errors", []):
            print(f"  {error['id']}: want {error['want']}, got {error['got']}: {error['message']!r}")
    return 0
