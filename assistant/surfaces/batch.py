"""JSONL batch processing: one output line per input line, errors as records, never fatal.

Input lines: ``{"id": str, "question": str, "history": [{"role": ..., "content": ...}]}``.
A line that is not JSON, not an object, or lacks a usable ``question`` becomes
``{"id": ..., "line": n, "error": "..."}`` and the other lines are still processed.
Blank lines are skipped; a byte-order mark before the first line is ignored.

>>> out = list(process_lines(['{"id": "a", "question": "hi"}', 'oops'], lambda r: {"echo": r.question}))
>>> out[0]
{'id': 'a', 'echo': 'hi'}
>>> out[1]["line"], out[1]["error"].startswith("line 2 is not valid JSON")
(2, True)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from assistant.core.errors import AssistantError

ROLES = ("user", "assistant")


@dataclass(frozen=True)
class BatchRecord:
    """One validated input line."""

    line: int
    id: str | None
    question: str
    history: list[dict[str, str]] = field(default_factory=list)


def parse_line(text: str, line: int) -> BatchRecord:
    """Validate one JSONL line; raises AssistantError with a message naming the line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AssistantError(f"line {line} is not valid JSON ({exc.msg} at column {exc.colno}).") from exc
    if not isinstance(data, dict):
        raise AssistantError(f"line {line} must be a JSON object, got {type(data).__name__}.")
    record_id = data.get("id")
    if record_id is not None and not isinstance(record_id, str | int):
        raise AssistantError(f"line {line}: 'id' must be a string.")
    question = data.get("question")
    if not isinstance(question, str):
        raise AssistantError(f"line {line} has no 'question' string.")
    history = data.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(turn, dict) and turn.get("role") in ROLES and isinstance(turn.get("content"), str)
        for turn in history
    ):
        raise AssistantError(
            f"line {line}: 'history' must be a list of "
            '{"role": "user"|"assistant", "content": str} objects.'
        )
    return BatchRecord(line=line, id=None if record_id is None else writable(str(record_id)),
                       question=question, history=history)


def writable(text: str) -> str:
    """``text`` with any lone surrogate (JSON can carry "\\ud800"; UTF-8 cannot) replaced by U+FFFD.

    >>> writable("q\\ud8001")
    'q\\ufffd1'
    """
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _raw_id(text: str) -> str | None:
    """Best-effort id of a line that failed validation, so the error record can name it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return writable(str(value)) if isinstance(value, str | int) else None


def process_lines(lines: Iterable[str], handle: Callable[[BatchRecord], dict]) -> Iterator[dict]:
    """Yield one output dict per non-blank input line, in order."""
    for number, text in enumerate(lines, start=1):
        if number == 1:
            text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
        if not text.strip():
            continue
        try:
            record = parse_line(text, number)
            result = handle(record)
        except AssistantError as exc:
            message = str(exc) if str(exc).startswith("line ") else f"line {number}: {exc}"
            yield {"id": _raw_id(text), "line": number, "error": message}
            continue
        yield {"id": record.id, **{k: v for k, v in result.items() if k != "id"}}
