"""``assistant eval claims``: does the answer verifier drop fabricated sentences and keep supported ones?

Each line of ``eval/claims.jsonl`` is one sentence an answer might show: the question, the passages
shown for it (the retriever's top 4, with the cited one forced in), the passage it cites, a label
(1: a shown passage supports it; 0: none does — entity swaps between neighbouring passages, topic
drift, generic advice, invented research, answers the sources cannot give, reversals, overclaims,
true-then-invented mixes) and a split (dev, or test: never tuned on).

The sentence goes through the same :class:`~assistant.verify.Verifier` the pipeline uses, as the draft
``"<sentence> [<cited>]"``. Reported per split: the catch rate (unsupported sentences dropped), the
false-drop rate (supported sentences dropped), and both per kind.

>>> rows = [{"id": "a", "label": 0, "kept": False, "kind": "swap", "sentence": "IVIg separates plasma.", "reason": ""},
...         {"id": "b", "label": 1, "kept": False, "kind": "copy", "sentence": "It is rare.", "reason": "judge 0.4"},
...         {"id": "c", "label": 1, "kept": True, "kind": "copy", "sentence": "It is immune.", "reason": ""}]
>>> result = summarise(rows)  # 1 of 1 fabricated dropped; 1 of 2 supported dropped
>>> result["catch_rate"], result["false_drop_rate"], [e["id"] for e in result["errors"]]
(1.0, 0.5, ['b'])
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from tqdm import tqdm

from assistant.answer.verify import Verifier
from assistant.core.errors import InputError
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.evaluation.metrics import percent, share

DEFAULT_SET = PROJECT_ROOT / "eval" / "claims.jsonl"


def load_claims(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(f"Claims set {path} not found.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not (isinstance(row["sentence"], str) and isinstance(row["contexts"], list)
                    and 1 <= int(row["cited"]) <= len(row["contexts"]) and row["label"] in (0, 1)):
                raise ValueError("needs sentence, contexts, cited (1-based) and label 0/1")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path} line {number} is not a labelled claim: {exc}") from exc
        rows.append(row)
    return rows


def judge_claims(verifier: Verifier, rows: list[dict]) -> list[dict]:
    """Each row with ``kept`` (the verifier showed it) and the verifier's ``reason``."""
    out = []
    for row in tqdm(rows, desc="Verifying claims", unit="claim", file=sys.stderr):
        draft = f"{row['sentence']} [{row['cited']}]"
        verdicts = verifier.verify(row.get("question", ""), draft, [], row["contexts"]).verdicts
        kept = bool(verdicts) and all(v.kept for v in verdicts)
        out.append({**row, "kept": kept, "reason": "; ".join(v.reason for v in verdicts)})
    return out


def summarise(judged: list[dict]) -> dict:
    """Catch rate (label 0 dropped) and false-drop rate (label 1 dropped), overall and per kind."""
    fabricated = [r for r in judged if r["label"] == 0]
    supported = [r for r in judged if r["label"] == 1]
    kinds: dict[str, list[dict]] = defaultdict(list)
    for r in judged:
        kinds[r["kind"]].append(r)
    return {
        "claims": len(judged),
        "catch_rate": share(sum(not r["kept"] for r in fabricated), len(fabricated)),
        "false_drop_rate": share(sum(not r["kept"] for r in supported), len(supported)),
        "fabricated": len(fabricated), "supported": len(supported),
        "by_kind": {kind: {"n": len(rs), "label": rs[0]["label"], "dropped": sum(not r["kept"] for r in rs)}
                    for kind, rs in sorted(kinds.items())},
        "errors": [{"id": r["id"], "label": r["label"], "kept": r["kept"], "sentence": r["sentence"],
                    "reason": r["reason"]} for r in judged if r["kept"] != bool(r["label"])],
    }


def evaluate_claims(verifier: Verifier, rows: list[dict]) -> dict[str, dict]:
    """Summaries per split ("dev", "test")."""
    judged = judge_claims(verifier, rows)
    return {split: summarise([r for r in judged if r.get("split", "dev") == split])
            for split in sorted({r.get("split", "dev") for r in judged})}


def markdown(results: dict[str, dict]) -> str:
    lines = ["| split | claims | catch rate (unsupported dropped) | false drops (supported dropped) |",
             "|---|---|---|---|"]
    for split, r in results.items():
        lines.append(f"| {split} | {r['claims']} | {percent(r['catch_rate'])} of {r['fabricated']} | "
                     f"{percent(r['false_drop_rate'])} of {r['supported']} |")
    return "\n".join(lines)


def run_claims_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.pipeline import Assistant

    rows = load_claims(args.set or DEFAULT_SET)
    if args.split:
        rows = [r for r in rows if r.get("split", "dev") == args.split]
    assistant = Assistant(settings)
    results = evaluate_claims(assistant.make_verifier(), rows)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(markdown(results))
        for split, r in results.items():
            for e in r["errors"]:
                what = "kept unsupported" if e["kept"] else "dropped supported"
                print(f"  [{split}] {e['id']} {what}: {e['sentence']!r} ({e['reason']})")
    return 0
