"""``assistant eval faithfulness IN.jsonl --out OUT.jsonl``: score any RAG system's answers.

Input lines use the RAGAS field names ``{"id", "question", "answer", "contexts": [str]}``. Each output
line is the input plus ``faithfulness`` (share of the answer's sentences judged supported; ``null`` when
the answer has no text), ``faithfulness_score`` (the answer's weakest sentence's probability of being
supported: one unsupported sentence among several makes the whole answer suspect) and ``statements``:
per sentence, the verdict, its score, the features behind it, the index of the supporting context and why.
Malformed lines are reported and skipped.

Each sentence gets five features, combined by a logistic model (:data:`WEIGHTS`, fitted by
``assistant eval faithfulness-validate --fit`` on the dev splits of the domain and outside sets):

* ``judge`` — the answer verifier's judge (:func:`assistant.llm.prompts.judge_messages`: a short answer
  is judged as the answer to its question), best over the contexts, a long context split into windows
  of ``window_chars`` and the best window taken;
* ``overlap`` — share of the sentence's content words in its best context (the word-overlap baseline);
* ``span`` — the sentence is a verbatim span of a context (an extracted answer);
* ``number_missing``, ``name_missing`` — the verifier's cheap checks (:mod:`assistant.answer.checks`), as
  evidence to weigh rather than vetoes.

>>> sigmoid_score({"judge": 1.0, "overlap": 1.0, "span": 1.0, "number_missing": 0.0, "name_missing": 0.0}) > 0.9
True
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from assistant.answer.checks import missing_name, missing_number
from assistant.answer.draft import split_draft
from assistant.core.errors import InputError
from assistant.core.settings import Settings
from assistant.core.text import sentences, tokenize
from assistant.llm.protocols import Judge

FEATURES = ("judge", "overlap", "span", "number_missing", "name_missing")
# Fitted by `assistant eval faithfulness-validate --fit` (logistic regression on the dev splits of
# eval/faithfulness_val.jsonl and HaluEval QA); the test splits were never used to choose them.
# Each set weighs equally in the fit (29 domain and 236 outside dev pairs).
WEIGHTS = {"bias": -2.474, "judge": 3.017, "overlap": 0.034, "span": 2.222, "number_missing": -0.836,
           "name_missing": -1.191}
THRESHOLD = 0.477  # the score from which a sentence counts as supported (best mean balanced accuracy on dev)


def sigmoid_score(features: dict[str, float], weights: dict[str, float] | None = None) -> float:
    w = weights or WEIGHTS
    z = w["bias"] + sum(w[name] * features[name] for name in FEATURES)
    return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class StatementVerdict:
    statement: str
    supported: bool
    score: float  # the combined probability of being supported
    context: int | None  # index into contexts of the best-supporting one
    reason: str
    features: dict[str, float]


class FaithfulnessScorer:
    def __init__(self, judge: Judge, threshold: float = THRESHOLD, window_chars: int = 1500,
                 weights: dict[str, float] | None = None) -> None:
        self.judge = judge
        self.threshold = threshold
        self.window_chars = window_chars
        self.weights = weights or WEIGHTS

    def score(self, question: str, answer: str, contexts: Sequence[str]) -> tuple[float | None, list[StatementVerdict]]:
        """(share of sentences supported, one verdict per sentence); (None, []) for an empty answer."""
        bare = re.sub(r"\[\d+\]", "", answer or "").strip()  # a bare "No." or "Delhi" is still an answer
        statements = [s.text for s in split_draft(answer or "")] or ([bare] if re.search(r"\w", bare) else [])
        if not statements:
            return None, []
        verdicts = [self._verdict(question, statement, contexts) for statement in statements]
        return sum(v.supported for v in verdicts) / len(verdicts), verdicts

    def features(self, question: str, statement: str, contexts: Sequence[str]) -> tuple[dict[str, float], int | None]:
        """The five features of one sentence, and the context that supports it best."""
        if not contexts:
            return dict.fromkeys(FEATURES, 0.0), None
        windows = [(i, w) for i, c in enumerate(contexts) for w in windows_of(c, self.window_chars)]
        judged = self.judge.support([(question, statement, w) for _, w in windows])
        best = max(range(len(windows)), key=lambda k: judged[k])
        words = set(tokenize(statement))
        overlap = max(len(words & set(tokenize(c))) / len(words) if words else 0.0 for c in contexts)
        return {"judge": round(judged[best], 4), "overlap": round(overlap, 4),
                "span": float(any(is_span(statement, c) for c in contexts)),
                "number_missing": float(missing_number(statement, contexts, number_words=False) is not None),
                "name_missing": float(missing_name(statement, contexts) is not None)}, windows[best][0]

    def _verdict(self, question: str, statement: str, contexts: Sequence[str]) -> StatementVerdict:
        features, context = self.features(question, statement, contexts)
        score = round(sigmoid_score(features, self.weights), 4)
        why = ", ".join(f"{k} {v:g}" for k, v in features.items())
        return StatementVerdict(statement, score >= self.threshold, score, context, why, features)


def windows_of(text: str, max_chars: int) -> list[str]:
    """``text`` whole when short, else overlapping windows of whole sentences (each ≤ ``max_chars`` where
    a sentence allows), stepping half a window.

    >>> windows_of("Cats purr. Dogs bark loudly. Birds sing.", 30)
    ['Cats purr. Dogs bark loudly.', 'Dogs bark loudly. Birds sing.']
    """
    if len(text) <= max_chars:
        return [text]
    spans = [(start, end) for _, start, end in sentences(text)] or [(0, len(text))]
    windows, first = [], 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= max_chars:
            last += 1
        windows.append(text[spans[first][0]:spans[last][1]])
        if last == len(spans) - 1:
            break
        first = max(first + 1, (first + last + 1) // 2)
    return windows


def is_span(statement: str, context: str) -> bool:
    """Is the statement (lower case, punctuation aside) a run of whole words of the context?

    >>> is_span("President Richard Nixon.", "named after President Richard Nixon's middle name")
    True
    >>> is_span("Nixon was named", "named after Nixon")
    False
    """
    needle = " ".join(re.findall(r"[a-z0-9]+", statement.lower()))
    return bool(needle) and f" {needle} " in f" {' '.join(re.findall(r'[a-z0-9]+', context.lower()))} "


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
            row["faithfulness_score"] = min((v.score for v in verdicts), default=None)
            row["statements"] = [v.__dict__ for v in verdicts]
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            done += 1
    return done, skipped


def run_faithfulness(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.llm.factory import make_judge

    judge = make_judge(settings)
    scorer = FaithfulnessScorer(judge)
    done, skipped = score_file(scorer, args.input, args.out)
    print(f"Scored {done} answers into {args.out}; skipped {skipped} malformed lines.", file=sys.stderr)
    return 0
