"""The moderators' actions, shared by the Moderators tab and ``assistant approved|review``.

* ``approve``: validate (sources exist, markers point to them, no dose), check each sentence of the
  wording against its cited passages with the answer verifier, store with who/when and the corpus
  version; an older answer to the same question (active, or flagged because its sources changed) is retired.
* ``consider``: after a patient's answer, queue it for review when it abstained or its draft was poorly
  supported (a thumbs-down queues it too, from the chat page).
* ``export_approved`` / ``export_reviews``: JSONL or CSV, by the file's suffix; approved JSONL can be
  read back by ``assistant approved add --file``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.answer.approved import check_wording
from assistant.answer.pipeline import Assistant
from assistant.answer.verify import Verification
from assistant.core.types import Answer
from assistant.moderation.approvals import FileRow, read_file, validate
from assistant.moderation.store import ApprovedAnswer, ModerationStore, ReviewItem, StoreError


@dataclass(frozen=True)
class Approved:
    """The stored answer, and what the verifier said of each of its sentences (None: not checked)."""

    entry: ApprovedAnswer
    verification: Verification | None

    def unsupported(self) -> list[str]:
        return [v.text for v in self.verification.verdicts if not v.kept] if self.verification else []


class Moderation:
    """Cheap to construct; the index (and, to check wording, the model) load on first use."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.store: ModerationStore = assistant.moderation

    def approve(self, question: str, answer: str, cited: list, by: str, review_id: int | None = None,
                check: bool = True) -> Approved:
        index = self.assistant.components.index()
        approval = validate(question, answer, cited, index.by_id)
        verification = None
        if check:
            verification = check_wording(self.assistant.make_verifier(), approval.question, approval.answer,
                                         approval.citations, index.by_id)
        faithfulness = verification.draft_faithfulness if verification else None
        same = [e for e in self.store.approved() if e.status != "retired"
                and e.question.casefold() == approval.question.casefold()]
        entry = self.store.approve(approval.question, approval.answer, approval.citations, by,
                                   index.corpus_version, faithfulness, review_id)
        for old in same:
            self.store.retire(old.id)
        return Approved(entry, verification)

    def approve_file(self, path: Path, by: str, check: bool = True) -> tuple[list[Approved], list[str]]:
        """Approve every valid row of a JSONL/CSV file; (approved, one error line per bad row)."""
        rows: list[FileRow] = list(read_file(path, self.assistant.components.index().by_id))
        done, errors = [], [r.error for r in rows if r.approval is None]
        for row in rows:
            if row.approval is not None:
                a = row.approval
                done.append(self.approve(a.question, a.answer, [c.chunk_id for c in a.citations], by, check=check))
        return done, errors

    def consider(self, answer: Answer) -> int | None:
        """Queue a patient's answer when it abstained or its draft was poorly supported; the item's id."""
        reason = review_reason(answer, self.assistant.settings.moderation.queue_below_faithfulness)
        return None if reason is None else self.queue(answer, reason)

    def queue(self, answer: Answer, reason: str) -> int:
        return self.store.queue(reason, answer.question, answer.answer, answer.citations, answer.faithfulness
                                if answer.details.draft_faithfulness is None else answer.details.draft_faithfulness,
                                json.dumps(answer.to_json(), ensure_ascii=False))

    def export_approved(self, out: Path, status: str | None = None) -> int:
        entries = self.store.approved(status)
        rows = [{**asdict(e), "citations": [asdict(c) for c in e.citations]} for e in entries]
        _write(out, rows, ["id", "status", "question", "answer", "citations", "approved_by", "approved_at",
                           "corpus_version", "faithfulness", "flag_reason"])
        return len(rows)

    def export_reviews(self, out: Path, status: str | None = "open", reason: str | None = None) -> int:
        items = self.store.reviews(status, reason)
        rows = [{**asdict(i), "citations": [asdict(c) for c in i.citations]} for i in items]
        _write(out, rows, ["id", "created_at", "reason", "status", "question", "answer", "citations",
                           "faithfulness", "resolved_by", "approved_id"])
        return len(rows)


def review_reason(answer: Answer, below: float) -> str | None:
    """Why a patient's answer needs a moderator's look, or None.

    >>> review_reason(Answer("q", abstained=True), 0.75), review_reason(Answer("q", urgency="emergency"), 0.75)
    ('abstained', None)
    """
    if answer.urgency == "emergency" or answer.details.approved is not None:
        return None
    if answer.abstained:
        return "abstained"
    draft = answer.details.draft_faithfulness
    if draft is not None and draft < below:
        return "low_faithfulness"
    return None


def review_row(item: ReviewItem) -> list:
    """One row of the Moderators tab's queue table."""
    return [item.id, item.created_at.replace("T", " ").rstrip("Z"), item.reason, item.question, item.answer,
            "" if item.faithfulness is None else f"{item.faithfulness:.0%}", item.status]


def _write(out: Path, rows: list[dict], columns: list[str]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns + ["sources"])
            for row in rows:
                cells = [";".join(c["chunk_id"] for c in row[k]) if k == "citations" else row[k] for k in columns]
                writer.writerow(cells + ["; ".join(f"[{c['n']}] {c['section']}" for c in row["citations"])])
    elif out.suffix.lower() in (".jsonl", ".json"):
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    else:
        raise StoreError(f"Export to a .jsonl or .csv file (got {out.name!r}).")
