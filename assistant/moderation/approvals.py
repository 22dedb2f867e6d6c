"""What may be approved, and approvals read from a file (JSONL or CSV).

An approved answer must cite passages that are in the current sources (by chunk id, or by the full
citation objects of an answer's JSON), every ``[n]`` in its text must point to one of them, and no
sentence may state a dose: moderators approve wording, they do not add dosing.

>>> from assistant.core.types import Chunk
>>> chunks = {"c1": Chunk("c1", "d", "Doc", "Causes", "The immune system attacks nerves.", 0, 33)}
>>> [c.n for c in citations_for("It is the immune system. [1]", ["c1"], chunks)]
[1]
>>> citations_for("It is the immune system. [2]", ["c1"], chunks)
Traceback (most recent call last):
...
assistant.moderation.store.StoreError: The answer cites [2], which is not one of its sources ([1]).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.core.text import sentences
from assistant.core.types import Chunk, Citation
from assistant.guard.safety import has_dose
from assistant.moderation.store import StoreError

MARKER = re.compile(r"\[(\d+)\]")
MAX_ANSWER_CHARS = 4000


@dataclass(frozen=True)
class Approval:
    """One answer to approve, validated against the current sources."""

    question: str
    answer: str
    citations: list[Citation]


def citations_for(answer: str, cited: list, chunks: dict[str, Chunk]) -> list[Citation]:
    """The Citations of ``answer``: ``cited`` is a list of chunk ids, or of ``{"n", "chunk_id"}`` objects
    (an answer's JSON citations), numbered in order when they carry no ``n``."""
    if not cited:
        raise StoreError("An approved answer must cite at least one source passage (by chunk id).")
    result = []
    for position, item in enumerate(cited, start=1):
        chunk_id = item.get("chunk_id") if isinstance(item, dict) else item
        n = item.get("n", position) if isinstance(item, dict) else position
        if not isinstance(chunk_id, str) or chunk_id not in chunks:
            raise StoreError(f"Source {chunk_id!r} is not a passage of the current sources (was the corpus "
                             "changed? The chunk_id of each citation is in an answer's JSON: `assistant ask --json`).")
        chunk = chunks[chunk_id]
        result.append(Citation(int(n), chunk_id, chunk.doc_title, chunk.section, chunk.source, chunk.text))
    numbers = {c.n for c in result}
    for marker in sorted({int(m) for m in MARKER.findall(answer)}):
        if marker not in numbers:
            raise StoreError(f"The answer cites [{marker}], which is not one of its sources "
                             f"({', '.join(f'[{n}]' for n in sorted(numbers))}).")
    return result


def validate(question: str, answer: str, cited: list, chunks: dict[str, Chunk]) -> Approval:
    """An Approval, or StoreError saying what is wrong in words a moderator can act on."""
    question, answer = question.strip(), answer.strip()
    if not question or not answer:
        raise StoreError("An approved answer needs both a question and an answer.")
    if len(answer) > MAX_ANSWER_CHARS:
        raise StoreError(f"The answer is {len(answer)} characters; approved answers are at most {MAX_ANSWER_CHARS}.")
    dosed = [s for s, _, _ in sentences(answer) if has_dose(s)]
    if dosed:
        raise StoreError(f"The answer states a dose ({dosed[0][:80]!r}); doses are never shown to patients.")
    citations = citations_for(answer, cited, chunks)
    if len({c.n for c in citations}) != len(citations):
        raise StoreError("Two sources have the same number.")
    return Approval(question, *renumbered(answer, citations))


def renumbered(answer: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Citations numbered 1..k in their order, and the answer's markers rewritten to match (an answer's JSON
    may cite [1] and [3] of the passages it was shown; an approved answer shows only what it cites).

    >>> text, cits = renumbered("A. [3] B. [1]", [Citation(1, "a", "", "", "", ""), Citation(3, "b", "", "", "", "")])
    >>> text, [(c.n, c.chunk_id) for c in cits]
    ('A. [2] B. [1]', [(1, 'a'), (2, 'b')])
    """
    ordered = sorted(citations, key=lambda c: c.n)
    new = {c.n: i for i, c in enumerate(ordered, start=1)}
    text = MARKER.sub(lambda m: f"[{new[int(m.group(1))]}]", answer)
    return text, [replace(c, n=new[c.n]) for c in ordered]


@dataclass(frozen=True)
class FileRow:
    """One row of an approvals file: validated, or the error that stopped it."""

    line: int
    approval: Approval | None
    error: str = ""


def read_file(path: Path, chunks: dict[str, Chunk]) -> Iterator[FileRow]:
    """Rows of a JSONL file (``question``, ``answer``, ``citations``: chunk ids or citation objects, as
    ``assistant batch`` writes them) or a CSV file (columns question, answer, citations: chunk ids
    separated by ``;``). A bad row is reported by line and the others are still read."""
    text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    if Path(path).suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = {"question", "answer", "citations"} - set(reader.fieldnames or [])
        if missing:
            raise StoreError(f"The CSV needs columns question, answer and citations (missing: "
                             f"{', '.join(sorted(missing))}).")
        for line, row in enumerate(reader, start=2):
            cited = [c.strip() for c in (row.get("citations") or "").split(";") if c.strip()]
            yield _row(line, lambda r=row, c=cited: validate(r["question"] or "", r["answer"] or "", c, chunks))
        return
    for line, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            yield _row(line, lambda raw=raw: _json_approval(raw, chunks))


def _json_approval(raw: str, chunks: dict[str, Chunk]) -> Approval:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StoreError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("question"), str) or \
            not isinstance(data.get("answer"), str) or not isinstance(data.get("citations"), list):
        raise StoreError("needs 'question' and 'answer' strings and a 'citations' list")
    return validate(data["question"], data["answer"], data["citations"], chunks)


def _row(line: int, make) -> FileRow:
    try:
        return FileRow(line, make())
    except StoreError as exc:
        return FileRow(line, None, f"line {line}: {exc}")
