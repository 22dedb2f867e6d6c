"""``assistant eval faithfulness IN.jsonl --out OUT.jsonl``: score any RAG system's answers.

Input lines use the RAGAS field names ``{"id", "question", "answer", "contexts": [str]}``. Each output
line is the input plus ``faithfulness`` (share of the answer's sentences that some context supports;
``null`` when the answer has no sentences) and ``statements``: per sentence, the verdict, its score,
the index of the supporting context and why. Malformed lines are reported and skipped.

Per sentence, cheap certain checks run first (a number or name no context contains; a sentence copied from a
context); the rest go to the judge, against the contexts that share the most words with it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from assistant.answer.checks import copied_from, missing_name, missing_number, rank_by_overlap
from assistant.answer.verify import split_draft
from assistant.core.errors import InputError
from assistant.core.settings import Settings
from assistant.llm.protocols import Judge


@dataclass(frozen=True)
class StatementVerdict:
    statement: str
    supported: bool
    score: float
    context: int | None  # index into contexts of the best-supporting one
    reason: str


class FaithfulnessScorer:
    def __init__(self, judge: Judge, threshold: float = 0.7, contexts_per_statement: int = 2) -> None:
        self.judge = judge
        self.threshold = threshold
        self.contexts_per_statement = contexts_per_statement

    def score(self, question: str, answer: str, contexts: Sequence[str]) -> tuple[float | None, list[StatementVerdict]]:
        statements = [s.text for s in split_draft(answer or "")]
        if not statements:
            return None, []
        verdicts: list[StatementVerdict | None] = []
        jobs: list[tuple[int, int]] = []
        for index, statement in enumerate(statements):
            cheap = self._cheap(statement, contexts)
            verdicts.append(cheap)
            if cheap is None:
                jobs += [(index, c) for c in self._closest(statement, contexts)]
        scores = self.judge.support([(question, statements[i], contexts[c]) for i, c in jobs]) if jobs else []
        best: dict[int, tuple[float, int]] = {}
        for (i, c), s in zip(jobs, scores, strict=True):
            if i not in best or s > best[i][0]:
                best[i] = (s, c)
        for i, verdict in enumerate(verdicts):
            if verdict is None:
                s, c = best[i]
                verdicts[i] = StatementVerdict(statements[i], s >= self.threshold, round(s, 4), c, f"judge {s:.2f}")
        final = [v for v in verdicts if v is not None]
        return sum(v.supported for v in final) / len(final), final

    def _cheap(self, statement: str, contexts: Sequence[str]) -> StatementVerdict | None:
        if not contexts:
            return StatementVerdict(statement, False, 0.0, None, "no contexts")
        number = missing_number(statement, contexts, number_words=False)
        if number:
            return StatementVerdict(statement, False, 0.0, None, f"number '{number}' is in no context")
        name = missing_name(statement, contexts)
        if name:
            return StatementVerdict(statement, False, 0.0, None, f"name '{name}' is in no context")
        copied = copied_from(statement, contexts)
        if copied:
            return StatementVerdict(statement, True, 1.0, copied[0], "copied from the context")
        return None

    def _closest(self, statement: str, contexts: Sequence[str]) -> list[int]:
        return rank_by_overlap(statement, contexts, range(len(contexts)))[: self.contexts_per_statement]


def read_records(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, record or None, error or None) for each non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
            if not isinstance(row.get("answer", ""), str) or not isinstance(row.get("question", ""), str):
                raise ValueError("'question' and 'answer' must be strings")
            contexts = row.get("contexts", [])
            if not isinstance(contexts, list) or not all(isinstance(c, str) for c in contexts):
                raise ValueError("'contexts' must be a list of strings")
        except (json.JSONDecodeError, ValueError) as exc:
            yield number, None, f"line {number}: {exc}"
            continue
        yield number, row, None


def score_file(scorer: FaithfulnessScorer, source: Path, out: Path) -> tuple[int, int]:
    if not source.is_file():
        raise InputError(f"{source} does not exist or is not a file.")
    lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    done = skipped = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as sink:
        for _, row, error in tqdm(list(read_records(lines)), desc="Scoring", unit="answer", file=sys.stderr):
            if error:
                print(f"skipped {error}", file=sys.stderr)
                skipped += 1
                continue
            value, verdicts = scorer.score(row.get("question", ""), row.get("answer", ""), row.get("contexts", []))
            row["faithfulness"] = None if value is None else round(value, 4)
            row["statements"] = [v.__dict__ for v in verdicts]
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            done += 1
    return done, skipped


def run_faithfulness(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.llm.factory import make_judge

    judge = make_judge(settings)
    scorer = FaithfulnessScorer(judge, settings.verify.threshold)
    done, skipped = score_file(scorer, args.input, args.out)
    print(f"Scored {done} answers into {args.out}; skipped {skipped} malformed lines.", file=sys.stderr)
    return 0
