"""Moderators' database: approved answers and the review queue, in one SQLite file.

Every write is one transaction (WAL journal, ``synchronous=FULL``): a crash or a full disk mid-write
leaves the file as it was before that write. The schema version is SQLite's ``user_version``; a file
written by a newer version is refused rather than misread. The file is readable by its owner only.

>>> import tempfile, pathlib
>>> store = ModerationStore(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite3")
>>> entry = store.approve("What is X?", "X is Y. [1]", [Citation(1, "c1", "Doc", "Sec", "Mayo", "X is Y.")],
...                       by="ana", corpus_version="h1")
>>> [e.question for e in store.approved()], entry.status
(['What is X?'], 'active')
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from assistant.core.errors import AssistantError
from assistant.core.types import Citation

SCHEMA_VERSION = 1
Status = Literal["active", "flagged", "retired"]
ReviewReason = Literal["thumbs_down", "abstained", "low_faithfulness", "sources_changed"]
REVIEW_REASONS: tuple[str, ...] = ("thumbs_down", "abstained", "low_faithfulness", "sources_changed")

_SCHEMA = """
CREATE TABLE approved (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,            -- JSON list of Citation fields
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,          -- ISO 8601, UTC
    corpus_version TEXT NOT NULL,       -- the index's corpus hash when it was checked
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'flagged', 'retired')),
    flag_reason TEXT NOT NULL DEFAULT '',
    faithfulness REAL                   -- the verifier's share of supported sentences, when checked
);
CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    faithfulness REAL,
    detail TEXT NOT NULL DEFAULT '',    -- the answer's JSON (verification, evidence), for the moderator
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'dismissed')),
    resolved_by TEXT NOT NULL DEFAULT '',
    resolved_at TEXT NOT NULL DEFAULT '',
    approved_id INTEGER REFERENCES approved(id)
);
CREATE INDEX review_status ON review(status, reason);
"""


class StoreError(AssistantError):
    """The moderation database cannot be used (damaged, newer schema, unwritable)."""


@dataclass(frozen=True)
class ApprovedAnswer:
    """An answer a moderator approved; served (marked as approved) to questions that ask the same."""

    id: int
    question: str
    answer: str  # with [n] markers pointing into ``citations``
    citations: list[Citation]
    approved_by: str
    approved_at: str
    corpus_version: str
    status: Status  # active: served; flagged: its sources changed, not served until approved again
    flag_reason: str
    faithfulness: float | None


@dataclass(frozen=True)
class ReviewItem:
    """An answer waiting for a moderator: disliked, abstained, or poorly supported."""

    id: int
    created_at: str
    reason: str  # one of REVIEW_REASONS
    question: str
    answer: str
    citations: list[Citation]
    faithfulness: float | None
    detail: str  # the answer's full JSON
    status: str  # open, approved, dismissed
    resolved_by: str
    approved_id: int | None


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _citations_json(citations: list[Citation]) -> str:
    return json.dumps([asdict(c) for c in citations], ensure_ascii=False)


def _citations(text: str) -> list[Citation]:
    return [Citation(**c) for c in json.loads(text)]


class ModerationStore:
    """Opens (and on first write creates) the SQLite file at ``path``; cheap to construct."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._ready = False

    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if not self._ready:
                self._prepare()
            conn = sqlite3.connect(self.path, timeout=10)
            conn.row_factory = sqlite3.Row
            try:
                conn.execute("PRAGMA synchronous = FULL")
                if write:
                    with conn:  # one transaction: committed whole, or rolled back
                        yield conn
                else:
                    yield conn
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"The moderation database {self.path} could not be used: {exc}. "
                                 "Nothing was changed.") from exc
            finally:
                conn.close()

    def _prepare(self) -> None:
        """Create the file (mode 0600) and schema, or check the schema version of an existing file."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            conn = sqlite3.connect(self.path, timeout=10)
        except OSError as exc:
            raise StoreError(f"Could not open the moderation database {self.path}: {exc.strerror or exc}") from exc
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer version (schema {version}); this version "
                                 f"reads schema {SCHEMA_VERSION}. Update the assistant or use another file.")
            if version == 0:
                conn.execute("PRAGMA journal_mode = WAL")
                with conn:
                    conn.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"The moderation database {self.path} is damaged or not a database ({exc}). Move "
                             "it aside to start a new one; approved answers are not served meanwhile.") from exc
        finally:
            conn.close()
        self._ready = True

    # approved answers -------------------------------------------------------------------------------

    def approve(self, question: str, answer: str, citations: list[Citation], by: str, corpus_version: str,
                faithfulness: float | None = None, review_id: int | None = None) -> ApprovedAnswer:
        """Store an approved answer (and close the review item it came from, if any)."""
        if not question.strip() or not answer.strip():
            raise StoreError("An approved answer needs both a question and an answer.")
        if not by.strip():
            raise StoreError("Say who approves it (a moderator's name).")
        at = now()
        with self._connect(write=True) as conn:
            cursor = conn.execute(
                "INSERT INTO approved (question, answer, citations, approved_by, approved_at, corpus_version, "
                "faithfulness) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (question.strip(), answer.strip(), _citations_json(citations), by.strip(), at, corpus_version,
                 faithfulness))
            entry_id = cursor.lastrowid
            if review_id is not None:
                conn.execute("UPDATE review SET status = 'approved', resolved_by = ?, resolved_at = ?, "
                             "approved_id = ? WHERE id = ?", (by.strip(), at, entry_id, review_id))
        return self.get(entry_id)

    def get(self, entry_id: int) -> ApprovedAnswer:
        with self._connect(write=False) as conn:
            row = conn.execute("SELECT * FROM approved WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise StoreError(f"No approved answer has id {entry_id}.")
        return _approved(row)

    def approved(self, status: str | None = None) -> list[ApprovedAnswer]:
        """Every approved answer (or those with ``status``), oldest first."""
        query, args = "SELECT * FROM approved", ()
        if status:
            query, args = query + " WHERE status = ?", (status,)
        with self._connect(write=False) as conn:
            return [_approved(r) for r in conn.execute(query + " ORDER BY id", args)]

    def flag(self, entry: ApprovedAnswer, reason: str) -> None:
        """Stop serving ``entry`` and put it in the review queue, saying why (e.g. its sources changed)."""
        with self._connect(write=True) as conn:
            conn.execute("UPDATE approved SET status = 'flagged', flag_reason = ? WHERE id = ? AND status = "
                         "'active'", (reason, entry.id))
            conn.execute("INSERT INTO review (created_at, reason, question, answer, citations, faithfulness, "
                         "detail) VALUES (?, 'sources_changed', ?, ?, ?, ?, ?)",
                         (now(), entry.question, entry.answer, _citations_json(entry.citations),
                          entry.faithfulness, json.dumps({"approved_id": entry.id, "flag_reason": reason})))

    def retire(self, entry_id: int) -> None:
        """Stop serving an approved answer (replaced, or no longer wanted); it stays in the export."""
        with self._connect(write=True) as conn:
            conn.execute("UPDATE approved SET status = 'retired' WHERE id = ?", (entry_id,))

    # review queue -----------------------------------------------------------------------------------

    def queue(self, reason: str, question: str, answer: str, citations: list[Citation],
              faithfulness: float | None, detail: str = "") -> int:
        """Add an answer to the review queue; its id."""
        if reason not in REVIEW_REASONS:
            raise StoreError(f"Unknown review reason {reason!r} (one of {', '.join(REVIEW_REASONS)}).")
        with self._connect(write=True) as conn:
            cursor = conn.execute(
                "INSERT INTO review (created_at, reason, question, answer, citations, faithfulness, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now(), reason, question, answer, _citations_json(citations), faithfulness, detail))
            return cursor.lastrowid

    def reviews(self, status: str | None = "open", reason: str | None = None) -> list[ReviewItem]:
        """Review items, newest first; ``status=None`` for all."""
        clauses, args = [], []
        for column, value in (("status", status), ("reason", reason)):
            if value:
                clauses.append(f"{column} = ?")
                args.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._connect(write=False) as conn:
            return [_review(r) for r in conn.execute(f"SELECT * FROM review{where} ORDER BY id DESC", args)]

    def dismiss(self, review_id: int, by: str) -> None:
        with self._connect(write=True) as conn:
            conn.execute("UPDATE review SET status = 'dismissed', resolved_by = ?, resolved_at = ? WHERE id = ?",
                         (by.strip() or "moderator", now(), review_id))


def _approved(row: sqlite3.Row) -> ApprovedAnswer:
    return ApprovedAnswer(row["id"], row["question"], row["answer"], _citations(row["citations"]),
                          row["approved_by"], row["approved_at"], row["corpus_version"], row["status"],
                          row["flag_reason"], row["faithfulness"])


def _review(row: sqlite3.Row) -> ReviewItem:
    return ReviewItem(row["id"], row["created_at"], row["reason"], row["question"], row["answer"],
                      _citations(row["citations"]), row["faithfulness"], row["detail"], row["status"],
                      row["resolved_by"], row["approved_id"])
