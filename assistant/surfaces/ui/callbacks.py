"""The chat page's callbacks, kept free of Gradio layout so they can be tested with fakes.

``ChatController.respond`` is a generator of ``(chat, banner_html, sources_html, answers)`` states:
the banner and evidence appear first, then (while others' questions hold the model) the place in line,
then the draft streams, and the verified answer replaces it. The page uses ``respond_in``: one browser
session's messages are answered one at a time, in order, by a worker that keeps going if the page stops
listening, so a message sent while an answer is being written is never lost.
"""

from __future__ import annotations

import csv
import errno
import html
import io
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer.events import EvidenceEvent, FinalEvent, QueuedEvent, TokenEvent, TriageEvent
from assistant.answer.pipeline import Assistant
from assistant.core.errors import AssistantError, InputError
from assistant.core.types import Answer, Citation
from assistant.surfaces.batch import BatchRecord, process_lines
from assistant.surfaces.format import NOTICES, Source
from assistant.surfaces.moderating import Moderation
from assistant.surfaces.ui.render import answer_markdown, banner_html, cited_sentences, evidence_html

log = logging.getLogger("assistant.ui")

FRIENDLY_ERROR = ("Sorry — something went wrong on our side while answering. Please try again in a moment. "
                  "If you feel unwell, don't wait: contact your doctor or emergency services.")

ChatState = tuple[list[dict], str, str, dict]


@dataclass
class Conversation:
    """One browser session's conversation: its latest state and the messages waiting to be answered.

    A worker thread answers the messages one at a time and publishes each state (``version`` counts them),
    so an answer goes on even if the page's request that asked for it is closed."""

    cond: threading.Condition = field(default_factory=threading.Condition)
    state: ChatState | None = None
    version: int = 0
    waiting: list[tuple[int, str]] = field(default_factory=list)  # (ticket, message)
    submitted: int = 0
    done: int = 0  # the last ticket answered
    busy: bool = False
    used: float = field(default_factory=time.monotonic)


class Conversations:
    """Conversations by session id; one idle for ``max_idle_s`` is forgotten."""

    def __init__(self, max_idle_s: float = 3600.0) -> None:
        self.max_idle_s = max_idle_s
        self._by_session: dict[str, Conversation] = {}
        self._lock = threading.Lock()

    def get(self, session: str) -> Conversation:
        now = time.monotonic()
        with self._lock:
            for old in [k for k, c in self._by_session.items() if now - c.used > self.max_idle_s and not c.busy]:
                del self._by_session[old]
            conversation = self._by_session.setdefault(session, Conversation())
            conversation.used = now
            return conversation

    def drop(self, session: str) -> None:
        with self._lock:
            self._by_session.pop(session, None)


class ChatController:
    """Turns the Assistant's events into chat states; logs never hold what people typed unless
    ``server.log_text`` is on. With ``moderation``, answers that abstained or were weakly supported go to
    the moderators' review queue."""

    def __init__(self, assistant: Assistant, moderation: Moderation | None = None) -> None:
        self.assistant = assistant
        self.moderation = moderation
        self.log_text = assistant.settings.server.log_text
        self._conversations = Conversations()

    def review(self, answer: Answer) -> None:
        """Queue ``answer`` for the moderators when it needs a look; a failing queue never fails the chat."""
        if self.moderation is None:
            return
        try:
            self.moderation.consider(answer)
        except AssistantError as exc:
            log.error("review queue not written: %s", exc)

    def respond_in(self, session: str, message: str, chat: list[dict] | None,
                   answers: dict | None) -> Iterator[ChatState]:
        """``respond`` for one browser session: its messages are answered one at a time, in order. A message
        sent while the previous answer is still being written is answered right after it; the states shown
        are the conversation's own (the browser's copy may be older), so no message or answer is lost."""
        conversation = self._conversations.get(session)
        with conversation.cond:
            if conversation.state is None:
                conversation.state = (list(chat or []), "", "", dict(answers or {}))
            conversation.submitted += 1
            ticket = conversation.submitted
            conversation.waiting.append((ticket, message))
            if not conversation.busy:
                conversation.busy = True
                threading.Thread(target=self._answer_waiting, args=(conversation,), daemon=True).start()
        seen = -1
        while True:
            with conversation.cond:
                conversation.cond.wait_for(lambda last=seen: conversation.version != last, timeout=60)
                state, seen, finished = conversation.state, conversation.version, conversation.done >= ticket
            yield state
            if finished:
                return

    def _answer_waiting(self, conversation: Conversation) -> None:
        try:
            while True:
                with conversation.cond:
                    if not conversation.waiting:
                        conversation.busy = False
                        return
                    ticket, message = conversation.waiting.pop(0)
                    chat, _, _, answers = conversation.state
                try:
                    for state in self.respond(message, chat, answers):  # never raises: errors become messages
                        with conversation.cond:
                            conversation.state, conversation.version = state, conversation.version + 1
                            conversation.cond.notify_all()
                finally:  # the page waiting for this message is released, whatever happened
                    with conversation.cond:
                        conversation.done, conversation.version = ticket, conversation.version + 1
                        conversation.cond.notify_all()
        except BaseException:
            with conversation.cond:  # a dead worker must not leave the conversation marked busy
                conversation.busy = False
                conversation.cond.notify_all()
            raise

    def forget(self, session: str) -> None:
        """A new conversation in that browser session."""
        self._conversations.drop(session)

    def respond(self, message: str, chat: list[dict] | None, answers: dict | None) -> Iterator[ChatState]:
        chat = list(chat or [])
        answers = dict(answers or {})
        history = plain_history(chat)
        chat.append({"role": "user", "content": html.escape(message, quote=False)})  # shown as typed, never as HTML
        chat.append({"role": "assistant", "content": "_Checking your message…_"})
        banner = sources = ""
        yield list(chat), banner, sources, dict(answers)
        try:
            for event in self.assistant.stream(message, history):
                if isinstance(event, TriageEvent):
                    banner = banner_html(event.triage)
                    yield list(chat), banner, sources, dict(answers)
                elif isinstance(event, QueuedEvent):
                    chat[-1] = {"role": "assistant", "content": f"_Many people are asking right now: you are number "
                                                                f"{event.position} in line…_"}
                    yield list(chat), banner, sources, dict(answers)
                elif isinstance(event, EvidenceEvent):
                    sources = evidence_html(event.passages, title="Reading these sources…")
                    chat[-1] = {"role": "assistant", "content": "_Reading the sources…_"}
                    yield list(chat), banner, sources, dict(answers)
                elif isinstance(event, TokenEvent):
                    draft = chat[-1]["content"] if chat[-1]["content"].startswith("_Draft") else "_Draft, being "\
                        "checked against the sources:_\n\n"
                    chat[-1] = {"role": "assistant", "content": draft + html.escape(event.text, quote=False)}
                    yield list(chat), banner, sources, dict(answers)
                elif isinstance(event, FinalEvent):
                    answer = event.answer
                    self.review(answer)
                    chat[-1] = {"role": "assistant", "content": answer_markdown(answer)}
                    answers[str(len(chat) - 1)] = answer.to_json()
                    sources = (evidence_html([p for p in answer.contexts], cited_sentences(answer))
                               if answer.contexts else "")
                    yield list(chat), banner, sources, dict(answers)
        except InputError as exc:
            chat[-1] = {"role": "assistant", "content": str(exc)}
            yield list(chat), banner, sources, dict(answers)
        except AssistantError as exc:
            log.error("assistant error: %s", exc)
            chat[-1] = {"role": "assistant", "content": f"Sorry — {exc}"}
            yield list(chat), banner, sources, dict(answers)
        except Exception:  # noqa: BLE001 - a patient must never see a traceback; it is logged in full
            log.exception("internal error while answering %s",
                          repr(message) if self.log_text else f"a message of {len(message)} characters")
            chat[-1] = {"role": "assistant", "content": FRIENDLY_ERROR}
            yield list(chat), banner, sources, dict(answers)


class FeedbackStore:
    """Appends thumbs up/down with the question, answer and citations to a JSONL file (readable by its
    owner only); a thumbs-down also puts the answer in the moderators' review queue. Each line is appended
    whole or not at all: a failed write (a full disk) is undone."""

    def __init__(self, path: Path, moderation: Moderation | None = None) -> None:
        self.path = path
        self.moderation = moderation
        self._lock = threading.Lock()

    def record(self, index: int, liked: bool | str, answers: dict) -> str:
        answer = answers.get(str(index))
        if answer is None:
            return "Feedback works on finished answers only."
        row = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "liked": liked is True or liked == "Like",
               "question": answer["question"], "answer": answer["answer"], "citations": answer["citations"],
               "urgency": answer["urgency"], "faithfulness": answer["faithfulness"]}
        try:
            self._append((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError as exc:
            log.error("feedback not saved to %s: %s", self.path, exc.strerror or exc)
            return "Sorry — your feedback could not be saved just now (the disk may be full)."
        if not row["liked"] and self.moderation is not None:
            try:
                self.moderation.store.queue("thumbs_down", answer["question"], answer["answer"],
                                            [Citation(**c) for c in answer["citations"]], answer["faithfulness"],
                                            json.dumps(answer, ensure_ascii=False))
            except AssistantError as exc:
                log.error("thumbs-down not queued for review: %s", exc)
        return "Thank you — your feedback was saved for the moderators."

    def _append(self, line: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                size = os.fstat(fd).st_size
                try:
                    if os.write(fd, line) != len(line):
                        raise OSError(errno.ENOSPC, "the line was only partly written")
                    os.fsync(fd)
                except OSError:
                    os.ftruncate(fd, size)  # no half line is ever left for a reader
                    raise
            finally:
                os.close(fd)


def read_questions(pasted: str | None, upload: str | None, limit: int) -> list[BatchRecord | dict]:
    """Questions from pasted lines, a CSV (column 'question', optional 'id') or the batch JSONL format."""
    records: list[BatchRecord | dict] = []
    if upload:
        path = Path(upload)
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(io.StringIO(text))
            if not reader.fieldnames or "question" not in reader.fieldnames:
                raise InputError("The CSV needs a header row with a 'question' column.")
            for i, row in enumerate(reader, start=1):
                records.append(BatchRecord(line=i + 1, id=row.get("id") or f"q{i}", question=row["question"] or ""))
        else:
            records.extend(process_lines(text.splitlines(), lambda r: {"record": r}))
    for i, line in enumerate((pasted or "").splitlines(), start=1):
        if line.strip():
            records.append(BatchRecord(line=i, id=f"p{i}", question=line.strip()))
    if not records:
        raise InputError("Paste at least one question (one per line) or upload a CSV or JSONL file.")
    if len(records) > limit:
        raise InputError(f"{len(records)} questions is more than the {limit} this page answers at once.")
    return records


def answer_all(assistant: Assistant, records: list) -> list[dict]:
    rows = []
    for record in records:
        if isinstance(record, dict) and "error" in record:
            rows.append({"id": record.get("id"), "question": "", "error": record["error"]})
            continue
        record = record["record"] if isinstance(record, dict) else record
        try:
            rows.append({"id": record.id, **assistant.ask(record.question, record.history).to_json()})
        except AssistantError as exc:
            rows.append({"id": record.id, "question": record.question, "error": str(exc)})
    return rows


TABLE_HEADERS = ["id", "question", "urgency", "answer", "faithfulness", "grade", "abstained"]


def table(rows: list[dict]) -> list[list]:
    """The moderators' table; "grade" is the answer's reading grade (Flesch-Kincaid; aim for 6-8)."""
    return [[r.get("id"), r.get("question", ""), r.get("urgency", ""), r.get("answer") or r.get("error", ""),
             "" if r.get("faithfulness") is None else f"{r['faithfulness']:.0%}",
             "" if r.get("reading_grade") is None else f"{r['reading_grade']:.1f}",
             "yes" if r.get("abstained") else ""] for r in rows]


def write_downloads(rows: list[dict], folder: Path | None = None) -> tuple[Path, Path, Path]:
    folder = folder or Path(tempfile.mkdtemp(prefix="moderator-"))
    jsonl, csv_path, md = folder / "answers.jsonl", folder / "answers.csv", folder / "answers.md"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "question", "urgency", "answer", "faithfulness", "reading_grade", "abstained",
                         "sources"])
        for r in rows:
            sources = "; ".join(_source(c).label for c in r.get("citations", []))
            writer.writerow([r.get("id"), r.get("question"), r.get("urgency"), r.get("answer") or r.get("error"),
                             r.get("faithfulness"), r.get("reading_grade"), r.get("abstained"), sources])
    md.write_text("\n\n".join(_markdown_entry(r) for r in rows), encoding="utf-8")
    return md, csv_path, jsonl


def _markdown_entry(row: dict) -> str:
    lines = [f"## {row.get('question') or row.get('id')}"]
    if row.get("error"):
        return "\n\n".join(lines + [f"Error: {row['error']}"])
    if row.get("urgency") != "none":
        lines.append(f"**{NOTICES[row['urgency']]}** — {row['triage']['advice']}")
    lines.append(row["answer"])
    lines += [f"- {_source(c).label}: “{c['text']}”" for c in row.get("citations", [])]
    return "\n\n".join(lines)


def _source(citation: dict) -> Source:
    """A citation of an answer's JSON, as the shared formatter's Source."""
    return Source(citation["n"], citation["doc_title"], citation["section"], "", citation["text"])


def plain_history(chat: list) -> list[dict[str, str]]:
    """The user and assistant turns of a chat as ``{role, content}`` text (anything else is skipped)."""
    return [{"role": m["role"], "content": html.unescape(_plain(m.get("content", "")))} for m in chat
            if isinstance(m, dict) and m.get("role") in ("user", "assistant")]


def _plain(content) -> str:
    """Chat message content as text (Gradio may hand back components or lists)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_plain(c.get("text", "") if isinstance(c, dict) else c) for c in content)
    return str(content)
