"""The Moderators tab's review queue, editor and approved answers; callbacks kept free of Gradio layout.

A moderator picks an item (a row of the review queue, or of the "Answer all" results), reads the
question, the answer, its sources and how each sentence was checked, edits the wording if needed, and
approves it (stored with their name and the time) or dismisses it. Approved answers are listed with
their status; a flagged one (its sources changed) is served again only after a new approval.
"""

from __future__ import annotations

import hmac
import html
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import AssistantError
from assistant.moderation.store import ReviewItem
from assistant.surfaces.moderating import Moderation, review_row

QUEUE_HEADERS = ["id", "when", "reason", "question", "answer", "faithfulness", "status"]
APPROVED_HEADERS = ["id", "status", "question", "answer", "approved by", "approved at", "faithfulness", "note"]
REASON_CHOICES = ["all", "thumbs_down", "abstained", "low_faithfulness", "sources_changed"]
STATUS_CHOICES = ["open", "approved", "dismissed", "all"]


@dataclass(frozen=True)
class Draft:
    """What the editor shows: the item's question, answer, cited chunk ids and details."""

    question: str
    answer: str
    citations: str  # chunk ids, comma-separated, in [1], [2]... order
    detail_html: str
    review_id: int | None  # the queue item it came from (None: from the "Answer all" results)

    def outputs(self) -> tuple[str, str, str, str, int | None]:
        return self.question, self.answer, self.citations, self.detail_html, self.review_id


class ModeratorPanel:
    """The review section's actions. Reading the queue and changing anything need the moderators' key
    (``moderation.key``); with no key set, only an app that listens on this machine alone is open."""

    def __init__(self, moderation: Moderation, key: str = "", open_without_key: bool = True) -> None:
        self.moderation = moderation
        self.key = key
        self.open_without_key = open_without_key

    @property
    def open(self) -> bool:
        """Usable without typing a key (nothing set, and the app is not reachable from other machines)."""
        return not self.key and self.open_without_key

    def authorise(self, given: str | None) -> None:
        """Raise a clear error unless ``given`` is the moderators' key (or none is needed)."""
        if self.open:
            return
        if not self.key:
            raise AssistantError("Moderator actions are off on a shared server until a key is set "
                                 "(--moderation-key or ASSISTANT_MODERATION__KEY).")
        if not hmac.compare_digest((given or "").encode(), self.key.encode()):
            raise AssistantError("Enter the moderators' key to see the review queue and approve answers.")

    def queue_rows(self, reason: str = "all", status: str = "open") -> list[list]:
        items = self.moderation.store.reviews(None if status == "all" else status,
                                              None if reason in ("all", None) else reason)
        return [review_row(i) for i in items]

    def approved_rows(self) -> list[list]:
        return [[e.id, e.status, e.question, e.answer, e.approved_by, e.approved_at.replace("T", " ").rstrip("Z"),
                 "" if e.faithfulness is None else f"{e.faithfulness:.0%}", e.flag_reason]
                for e in self.moderation.store.approved()]

    def open_review(self, rows: list[list], row: int) -> Draft:
        """The queue item on table row ``row``."""
        review_id = int(rows[row][0])
        item = next((i for i in self.moderation.store.reviews(None) if i.id == review_id), None)
        if item is None:
            raise AssistantError(f"Review item {review_id} is gone; refresh the queue.")
        passages = []
        if item.reason == "sources_changed":  # its old sources are gone: offer today's passages to cite
            passages = self.moderation.assistant.components.retriever().retrieve(item.question)
        return _draft_of_review(item, [p.to_context() for p in passages])

    def open_result(self, results: list[dict], row: int) -> Draft:
        """Row ``row`` of the "Answer all" results (their full JSON)."""
        answer = results[row]
        if "error" in answer:
            raise AssistantError("That question could not be answered, so there is nothing to approve.")
        return Draft(answer["question"], answer["answer"], ", ".join(c["chunk_id"] for c in answer["citations"]),
                     detail_html(answer), None)

    def approve(self, question: str, answer: str, citations: str, name: str, review_id: int | None) -> str:
        cited = [c.strip() for c in (citations or "").replace(";", ",").split(",") if c.strip()]
        approved = self.moderation.approve(question or "", answer or "", cited, name or "",
                                           review_id=int(review_id) if review_id is not None else None)
        e = approved.entry
        message = f"✓ Approved #{e.id} by {e.approved_by}: questions like this now get this answer."
        if e.faithfulness is not None:
            message += f" Checked against its sources: {e.faithfulness:.0%} of sentences supported."
        for sentence in approved.unsupported():
            message += f"\n\n⚠ Not supported by its cited passage: “{sentence}”"
        return message

    def dismiss(self, name: str, review_id: int | None) -> str:
        if review_id is None:
            raise AssistantError("Open an item of the review queue first.")
        self.moderation.store.dismiss(int(review_id), name or "")
        return f"Dismissed review item #{int(review_id)}."

    def export(self, which: str) -> list[str]:
        folder = Path(tempfile.mkdtemp(prefix="moderation-"))
        paths = [folder / f"{which}.csv", folder / f"{which}.jsonl"]
        for path in paths:
            if which == "approved":
                self.moderation.export_approved(path)
            else:
                self.moderation.export_reviews(path, status=None)
        return [str(p) for p in paths]

    def import_file(self, path: str | None, name: str) -> str:
        if not path:
            raise AssistantError("Choose a JSONL or CSV file of question, answer and citations first.")
        done, errors = self.moderation.approve_file(Path(path), name or "")
        lines = [f"Approved {len(done)} answers; {len(errors)} rows skipped."] + [f"- {e}" for e in errors[:20]]
        return "\n".join(lines)


def _draft_of_review(item: ReviewItem, contexts: list[dict]) -> Draft:
    try:
        answer = json.loads(item.detail) if item.detail.startswith("{") else {}
    except json.JSONDecodeError:
        answer = {}
    if contexts:
        answer["contexts"] = contexts
    answer.setdefault("question", item.question)
    answer.setdefault("answer", item.answer)
    answer.setdefault("citations", [{"n": c.n, "chunk_id": c.chunk_id, "section": c.section, "text": c.text}
                                    for c in item.citations])
    why = item.reason.replace("_", " ")
    if answer.get("flag_reason"):
        why += f": {answer['flag_reason']}"
    return Draft(item.question, item.answer, ", ".join(c.chunk_id for c in item.citations),
                 f"<p><b>In the queue because:</b> {html.escape(why)}</p>" + detail_html(answer), item.id)


def detail_html(answer: dict) -> str:
    """The sources (cited, then the others retrieved, each with its chunk id to cite) and the verifier's
    verdict on each draft sentence."""
    parts = []
    cited = {c["chunk_id"] for c in answer.get("citations", [])}
    for c in answer.get("citations", []):
        parts.append(_source(f"[{c['n']}] {c.get('section', '')}", c["chunk_id"], c.get("text", "")))
    others = [c for c in answer.get("contexts", []) if c.get("chunk_id") not in cited]
    if others:
        parts.append("<p><b>Other passages retrieved</b> (cite one by adding its id):</p>")
        parts += [_source(c.get("section", ""), c["chunk_id"], c.get("text", "")) for c in others]
    checks = answer.get("verification") or []
    if checks:
        parts.append("<p><b>How each draft sentence was checked</b></p><ul>")
        parts += [f"<li>{'✓' if v['kept'] else '✗'} {html.escape(v['sentence'])} "
                  f"<span class='source-meta'>({html.escape(v['reason'])})</span></li>" for v in checks]
        parts.append("</ul>")
    if answer.get("faithfulness") is not None:
        parts.append(f"<p class='source-meta'>Faithfulness {answer['faithfulness']:.0%}</p>")
    return "<div id='mod-detail'>" + "".join(parts) + "</div>"


def _source(title: str, chunk_id: str, text: str) -> str:
    return (f"<div class='source'><div class='source-head'>{html.escape(title)}</div>"
            f"<div class='source-meta'>id {html.escape(chunk_id)}</div>"
            f"<div class='source-text'>{html.escape(text)}</div></div>")
