"""``assistant eval retrieval``: evidence hit@1/3/5 and MRR on a gold set, per retriever.

Only answerable gold questions count; a passage hits when it contains one of the question's
gold source sentences verbatim (chunks never split a sentence, so each sentence lives in one chunk).
Each question is retrieved as the pipeline retrieves it (``Assistant.standalone_question``): a
follow-up (one with ``history``) completed from its history, misspelt source words repaired,
abbreviations and patients' words spelled out. (Until 2026-12-02 only follow-ups were, which put
dev hit@5 at 0.959 where the pipeline's own queries reach 0.969.)

Misses are printed (to stderr) for dev sets only: a test set's questions are not for reading.

Gold sets: ``eval/gold.jsonl`` (dev: thresholds and prompts were chosen on it),
``eval/answers_test.jsonl`` (test: written before the changes of issue 14, never tuned on) and
``eval/answers_test2.jsonl`` (a second test set, written on 2026-12-01 before that day's changes).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.answer.components import Components
from assistant.answer.pipeline import Assistant
from assistant.core.errors import InputError
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.evaluation.metrics import hit_at_k, mrr, passage_has_evidence
from assistant.search.retriever import Retriever

DEFAULT_GOLD = PROJECT_ROOT / "eval" / "gold.jsonl"
TEST_GOLD = PROJECT_ROOT / "eval" / "answers_test.jsonl"
TEST2_GOLD = PROJECT_ROOT / "eval" / "answers_test2.jsonl"
DEPTH = 10


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    evidence: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]  # key facts; each a tuple of alternative phrasings
    answerable: bool
    history: tuple[dict, ...] = ()  # earlier turns, for follow-up questions
    kind: str = ""  # e.g. "yes_no", "followup", "research" (unanswerable kinds)

    @property
    def fact(self) -> tuple[str, ...]:
        """Every phrasing of every key fact (the dev set's single fact is one list of phrasings)."""
        return tuple(p for fact in self.facts for p in fact)


def load_gold(path: Path) -> list[GoldQuestion]:
    if not path.is_file():
        raise InputError(f"Gold set {path} not found.")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            facts = row["facts"] if "facts" in row else [row["fact"]] if row.get("fact") else []
            questions.append(GoldQuestion(
                id=str(row["id"]), question=row["question"], evidence=tuple(row.get("evidence", [])),
                facts=tuple(tuple(f) for f in facts), answerable=bool(row.get("answerable", True)),
                history=tuple(row.get("history", [])), kind=row.get("kind", ""),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path} line {number} is not a gold record: {exc}") from exc
    return questions


def _query(item: GoldQuestion, standalone: Callable[[GoldQuestion], str] | None) -> str:
    return standalone(item) if standalone else item.question


def evaluate_retriever(retriever: Retriever, gold: list[GoldQuestion], mode: str,
                       standalone: Callable[[GoldQuestion], str] | None = None) -> dict[str, float]:
    """``standalone`` turns a gold question into the query the pipeline would retrieve with."""
    per_query = []
    for item in gold:
        if not item.answerable:
            continue
        passages = retriever.retrieve(_query(item, standalone), k=DEPTH, mode=mode)
        per_query.append([passage_has_evidence(p.chunk.text, item.evidence) for p in passages])
    return {
        "hit@1": hit_at_k(per_query, 1),
        "hit@3": hit_at_k(per_query, 3),
        "hit@5": hit_at_k(per_query, 5),
        "mrr": mrr(per_query),
        "questions": len(per_query),
    }


def misses(retriever: Retriever, gold: list[GoldQuestion], mode: str, k: int = 5,
           standalone: Callable[[GoldQuestion], str] | None = None) -> list[str]:
    """Questions whose evidence is not in the top k, for inspection."""
    out = []
    for item in gold:
        if item.answerable:
            passages = retriever.retrieve(_query(item, standalone), k=k, mode=mode)
            if not any(passage_has_evidence(p.chunk.text, item.evidence) for p in passages):
                out.append(f"{item.id}: {item.question}")
    return out


def is_test_set(path: Path) -> bool:
    """Is ``path`` one of the held-out answer sets (never read question by question)?

    >>> is_test_set(Path("eval/answers_test2.jsonl")), is_test_set(Path("eval/gold.jsonl"))
    (True, False)
    """
    return path.name in {TEST_GOLD.name, TEST2_GOLD.name}


def markdown_table(rows: dict[str, dict[str, float]], label: str) -> str:
    lines = [f"| {label} | hit@1 | hit@3 | hit@5 | MRR | n |", "|---|---|---|---|---|---|"]
    for name, m in rows.items():
        lines.append(f"| {name} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['hit@5']:.3f} | "
                     f"{m['mrr']:.3f} | {m['questions']} |")
    return "\n".join(lines)


def run_retrieval_eval(args: argparse.Namespace, settings: Settings) -> int:
    path = args.gold or DEFAULT_GOLD
    gold = load_gold(path)
    parts = Components(settings, progress=False)
    retriever = parts.retriever()
    assistant = Assistant(settings, parts)  # only its question cleaning is used: no model is loaded

    def standalone(item: GoldQuestion) -> str:
        return assistant.standalone_question(item.question, item.history)

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = set(modes) - {"dense", "bm25", "hybrid"}
    if unknown:
        raise InputError(f"Unknown retriever(s): {', '.join(sorted(unknown))} (use dense, bm25, hybrid).")
    rows = {mode: evaluate_retriever(retriever, gold, mode, standalone) for mode in modes}
    if args.json:
        print(json.dumps({"embedding_model": settings.embedding.model, "results": rows}, indent=2))
    else:
        print(markdown_table(rows, f"retriever ({settings.embedding.model})"))
        if is_test_set(path):
            print(f"\n{path.name} is a test set: its misses are not printed.", file=sys.stderr)
            return 0
        for mode in modes:
            missed = misses(retriever, gold, mode, standalone=standalone)
            if missed:
                print(f"\nMissed at 5 by {mode}:", *missed, sep="\n  ", file=sys.stderr)
    return 0
