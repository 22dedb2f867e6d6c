"""``assistant eval retrieval``: evidence hit@1/3/5 and MRR on the gold set, per retriever.

Only answerable gold questions count; a passage hits when it contains one of the question's
gold source sentences verbatim (chunks never split a sentence, so each sentence lives in one chunk).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ..components import Components
from ..errors import InputError
from ..retrieval import Retriever
from ..settings import PROJECT_ROOT, Settings
from .metrics import hit_at_k, mrr, passage_has_evidence

DEFAULT_GOLD = PROJECT_ROOT / "eval" / "gold.jsonl"
DEPTH = 10


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    evidence: tuple[str, ...]
    fact: tuple[str, ...]
    answerable: bool


def load_gold(path: Path) -> list[GoldQuestion]:
    if not path.is_file():
        raise InputError(f"Gold set {path} not found.")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(GoldQuestion(
                id=str(row["id"]), question=row["question"], evidence=tuple(row.get("evidence", [])),
                fact=tuple(row.get("fact", [])), answerable=bool(row.get("answerable", True)),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path} line {number} is not a gold record: {exc}") from exc
    return questions


def evaluate_retriever(retriever: Retriever, gold: list[GoldQuestion], mode: str) -> dict[str, float]:
    per_query = []
    for item in gold:
        if not item.answerable:
            continue
        passages = retriever.retrieve(item.question, k=DEPTH, mode=mode)
        per_query.append([passage_has_evidence(p.chunk.text, item.evidence) for p in passages])
    return {
        "hit@1": hit_at_k(per_query, 1),
        "hit@3": hit_at_k(per_query, 3),
        "hit@5": hit_at_k(per_query, 5),
        "mrr": mrr(per_query),
        "questions": len(per_query),
    }


def misses(retriever: Retriever, gold: list[GoldQuestion], mode: str, k: int = 5) -> list[str]:
    """Questions whose evidence is not in the top k, for inspection."""
    out = []
    for item in gold:
        if item.answerable:
            passages = retriever.retrieve(item.question, k=k, mode=mode)
            if not any(passage_has_evidence(p.chunk.text, item.evidence) for p in passages):
                out.append(f"{item.id}: {item.question}")
    return out


def markdown_table(rows: dict[str, dict[str, float]], label: str) -> str:
    lines = [f"| {label} | hit@1 | hit@3 | hit@5 | MRR | n |", "|---|---|---|---|---|---|"]
    for name, m in rows.items():
        lines.append(f"| {name} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['hit@5']:.3f} | "
                     f"{m['mrr']:.3f} | {m['questions']} |")
    return "\n".join(lines)


def run_retrieval_eval(args: argparse.Namespace, settings: Settings) -> int:
    gold = load_gold(args.gold or DEFAULT_GOLD)
    parts = Components(settings, progress=False)
    retriever = parts.retriever()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = set(modes) - {"dense", "bm25", "hybrid"}
    if unknown:
        raise InputError(f"Unknown retriever(s): {', '.join(sorted(unknown))} (use dense, bm25, hybrid).")
    rows = {mode: evaluate_retriever(retriever, gold, mode) for mode in modes}
    if args.json:
        print(json.dumps({"embedding_model": settings.embedding.model, "results": rows}, indent=2))
    else:
        print(markdown_table(rows, f"retriever ({settings.embedding.model})"))
        for mode in modes:
            missed = misses(retriever, gold, mode)
            if missed:
                print(f"\nMissed at 5 by {mode}:", *missed, sep="\n  ", file=sys.stderr)
    return 0
