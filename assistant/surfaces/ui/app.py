"""The chat app: ``python app.py [--host H] [--port P] [--share] [any settings flag]`` serves it on
127.0.0.1:7860 by default, with two APIs on the same server:

* Gradio: ``/chat`` takes ``(message, history)`` (ChatInterface's convention) and returns the Answer's
  JSON (``answer`` with ``[n]`` markers, ``citations``, ``urgency``, ...);
* OpenAI-compatible: ``POST /v1/chat/completions`` (see :mod:`assistant.surfaces.openai_api`).

Tab "Ask": a streaming chat, evidence first; the verified answer replaces the draft; a Sources panel
with the supporting sentences highlighted; red/amber banners for emergency/urgent messages;
thumbs up/down saved to a local JSONL. Tab "Moderators": many questions in, cited answers out,
downloadable as Markdown, CSV or JSONL; the review queue (thumbs-down, abstentions, weakly supported
drafts), an editor to approve or dismiss, and the approved answers (:mod:`assistant.surfaces.ui.moderators`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no call leaves the machine (before gradio loads)

import gradio as gr
import pandas as pd
from gradio.routes import App

from assistant.answer.pipeline import Assistant
from assistant.core.errors import AssistantError
from assistant.core.settings import Settings
from assistant.surfaces.cli import add_settings_flags, settings_from_args
from assistant.surfaces.format import DISCLAIMER
from assistant.surfaces.moderating import Moderation
from assistant.surfaces.openai_api import ChatCompletions, add_routes
from assistant.surfaces.ui.callbacks import (
    TABLE_HEADERS,
    ChatController,
    FeedbackStore,
    answer_all,
    plain_history,
    read_questions,
    table,
    write_downloads,
)
from assistant.surfaces.ui.moderators import (
    APPROVED_HEADERS,
    QUEUE_HEADERS,
    REASON_CHOICES,
    STATUS_CHOICES,
    ModeratorPanel,
)
from assistant.surfaces.ui.render import CSS

EXAMPLES = [
    "Is it the tumor spreading into my brain that causes these problems?",
    "What does a spinal tap show?",
    "What did they used to call stiff person syndrome?",
    "Which cancers is it most often seen with?",
    "What medicines calm the immune system down in this?",
]


def build_app(assistant: Assistant) -> gr.Blocks:
    settings = assistant.settings
    moderation = Moderation(assistant)
    controller = ChatController(assistant, moderation)
    feedback = FeedbackStore(settings.server.feedback_file, moderation)
    panel = ModeratorPanel(moderation, settings.moderation.key, open_without_key=settings.server.local_only)

    def on_like(data: gr.LikeData, answers: dict) -> None:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        gr.Info(feedback.record(index, data.liked, answers))

    def chat_api(message: str, history: list[dict] | None = None) -> dict:
        """Answer ``message`` (history: earlier {role, content} turns); the Answer's JSON, with citations."""
        try:
            answer = assistant.ask(message, plain_history(history or []))
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc
        controller.review(answer)
        return answer.to_json()

    def moderate(pasted: str, upload: str | None):
        try:
            records = read_questions(pasted, upload, settings.server.max_batch_questions)
        except AssistantError as exc:
            return [], None, f"⚠ {exc}", []
        rows = answer_all(assistant, records)
        files = [str(p) for p in write_downloads(rows)]
        errors = sum("error" in r for r in rows)
        return table(rows), files, f"Answered {len(rows) - errors} of {len(rows)} questions. Click a row to " \
                                   "review and approve its answer below.", rows

    with gr.Blocks(title="Paraneoplastic syndromes — questions answered from trusted sources",
                   analytics_enabled=False) as app:
        gr.Markdown("# Paraneoplastic syndromes of the nervous system\nAnswers come only from two Mayo Clinic "
                    "pages, and every sentence is checked against them.")
        with gr.Tab("Ask"):
            banner = gr.HTML(elem_id="banner")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=300):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chat",
                                         feedback_options=("Like", "Dislike"))
                    message = gr.Textbox(label="Your question", placeholder="Type a question and press Enter",
                                         elem_id="question", autofocus=True, max_lines=6)
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("New conversation")
                    gr.Examples(EXAMPLES, inputs=message, label="Try one of these")
                    gr.Markdown(f"<p class='disclaimer'>{DISCLAIMER}</p>")
                with gr.Column(scale=2, min_width=280):
                    sources = gr.HTML(elem_id="sources")
            pending = gr.State("")
            answers = gr.State({})

            def take(text: str) -> tuple[str, str]:
                return "", text

            def respond(text: str, chat: list, shown: dict, request: gr.Request):
                yield from controller.respond_in(request.session_hash or "", text, chat, shown)

            def new_conversation(request: gr.Request):
                controller.forget(request.session_hash or "")
                return [], "", "", {}

            for trigger in (message.submit, send.click):
                trigger(take, message, [message, pending], queue=False).then(
                    respond, [pending, chatbot, answers], [chatbot, banner, sources, answers],
                    api_name=False, trigger_mode="multiple",  # the page's own state machine; programs use /chat
                )
            clear.click(new_conversation, None, [chatbot, banner, sources, answers], queue=False)
            chatbot.like(on_like, [answers], None)
            gr.api(chat_api, api_name="chat")
        with gr.Tab("Moderators"):
            gr.Markdown("Paste questions (one per line) or upload a CSV (with a `question` column) or a JSONL "
                        "file (`{\"id\": …, \"question\": …}` per line). Each gets a cited, checked answer.")
            pasted = gr.Textbox(label="Questions, one per line", lines=6, elem_id="mod-questions")
            upload = gr.File(label="…or upload CSV / JSONL", file_types=[".csv", ".jsonl", ".json"], type="filepath",
                             height=120)
            run = gr.Button("Answer all", variant="primary", elem_id="mod-run")
            status = gr.Markdown()
            results = gr.Dataframe(headers=TABLE_HEADERS, wrap=True, interactive=False, elem_id="mod-results",
                                   column_widths=["7%", "21%", "9%", "41%", "8%", "7%", "7%"])
            downloads = gr.File(label="Download (Markdown, CSV, JSONL)", file_count="multiple")
            batch_rows = gr.State([])
            run.click(moderate, [pasted, upload], [results, downloads, status, batch_rows], api_name="moderate")
            _review_section(panel, results, batch_rows)
    return app


def _review_section(panel: ModeratorPanel, results: gr.Dataframe, batch_rows: gr.State) -> None:
    """Review queue, editor and approved answers (inside the Moderators tab)."""
    gr.Markdown("## Review queue\nThumbs-down answers, abstentions and weakly supported drafts from the chat, and "
                "approved answers whose sources changed. Click a row to open it in the editor.")
    key = gr.Textbox(label="Moderators' key", type="password", elem_id="mod-key", visible=not panel.open)
    with gr.Row():
        reason = gr.Dropdown(REASON_CHOICES, value="all", label="Why it is here", elem_id="queue-reason")
        state = gr.Dropdown(STATUS_CHOICES, value="open", label="Status", elem_id="queue-status")
        refresh = gr.Button("Refresh", elem_id="queue-refresh")
    queue = gr.Dataframe(headers=QUEUE_HEADERS, value=panel.queue_rows if panel.open else [], wrap=True,
                         interactive=False,
                         elem_id="review-queue", column_widths=["6%", "12%", "12%", "25%", "33%", "6%", "6%"])
    gr.Markdown("## Editor\nEdit the wording if needed (keep the [n] markers), then approve: questions that ask "
                "the same thing get this answer, marked as approved, while its sources stay unchanged.")
    name = gr.Textbox(label="Your name (stored with the approval)", elem_id="mod-name")
    question = gr.Textbox(label="Question", elem_id="edit-question")
    answer = gr.Textbox(label="Answer", lines=5, elem_id="edit-answer")
    citations = gr.Textbox(label="Sources cited as [1], [2]… (passage ids, comma-separated)",
                           elem_id="edit-citations")
    review_id = gr.State(None)
    with gr.Row():
        approve = gr.Button("Approve", variant="primary", elem_id="approve")
        dismiss = gr.Button("Dismiss", elem_id="dismiss")
    outcome = gr.Markdown(elem_id="edit-status")
    detail = gr.HTML(elem_id="edit-detail")
    gr.Markdown("## Approved answers")
    approved = gr.Dataframe(headers=APPROVED_HEADERS, value=panel.approved_rows if panel.open else [], wrap=True,
                            interactive=False, elem_id="approved-table")
    with gr.Row():
        export_queue = gr.Button("Export queue (CSV, JSONL)")
        export_approved = gr.Button("Export approved (CSV, JSONL)")
    with gr.Row():
        approvals_file = gr.File(label="Approve from a file (JSONL or CSV: question, answer, citations)",
                                 file_types=[".csv", ".jsonl"], type="filepath", height=120)
        import_button = gr.Button("Approve the file's answers")
    exported = gr.File(label="Exported", file_count="multiple")
    editor = [question, answer, citations, detail, review_id]

    def _safe(given_key, fn, *args):
        try:
            panel.authorise(given_key)
            return fn(*args)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc

    def open_queue(given_key, rows, evt: gr.SelectData):
        return _safe(given_key, panel.open_review, _rows(rows), evt.index[0]).outputs()

    def open_result(given_key, rows: list[dict], evt: gr.SelectData):
        return _safe(given_key, panel.open_result, rows, evt.index[0]).outputs()

    def tables(given_key, why: str, status: str):
        return _safe(given_key, lambda: (panel.queue_rows(why, status), panel.approved_rows()))

    def after(given_key, message: str, why: str, status: str):
        return (message, *tables(given_key, why, status))

    queue.select(open_queue, [key, queue], editor)
    results.select(open_result, [key, batch_rows], editor)
    refresh.click(tables, [key, reason, state], [queue, approved])
    for trigger in (reason.change, state.change):
        trigger(tables, [key, reason, state], [queue, approved])
    approve.click(lambda k, *a: after(k, _safe(k, panel.approve, *a[:5]), a[5], a[6]),
                  [key, question, answer, citations, name, review_id, reason, state], [outcome, queue, approved])
    dismiss.click(lambda k, n, r, why, status: after(k, _safe(k, panel.dismiss, n, r), why, status),
                  [key, name, review_id, reason, state], [outcome, queue, approved])
    export_queue.click(lambda k: _safe(k, panel.export, "review-queue"), key, exported)
    export_approved.click(lambda k: _safe(k, panel.export, "approved"), key, exported)
    import_button.click(lambda k, f, n, why, status: after(k, _safe(k, panel.import_file, f, n), why, status),
                        [key, approvals_file, name, reason, state], [outcome, queue, approved])


def _rows(table) -> list[list]:
    """A Dataframe's value as a list of rows (Gradio hands a pandas DataFrame to callbacks)."""
    return table.values.tolist() if isinstance(table, pd.DataFrame) else list(table or [])


def _prepare_passage_states(assistant: Assistant) -> None:
    """Background: the chat is usable at once. Preparation pauses while any question is being answered,
    and a question computes the few passage states it needs that are not ready yet."""
    try:
        assistant.prepare_passage_states()
    except AssistantError:
        logging.getLogger(__name__).exception("Passage states not prepared; they are computed when needed")


def parse_args(argv: list[str] | None = None) -> Settings:
    """``--host``, ``--port``, ``--share`` and every settings flag of the CLI (``--retrieval-k 8``, ...)."""
    parser = argparse.ArgumentParser(prog="python app.py", description="Serve the chat page and its APIs.")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("--share", action="store_true", default=None, help="also create a public Gradio link")
    add_settings_flags(parser)
    args = parser.parse_args(argv)
    for name in ("host", "port", "share"):
        if getattr(args, name) is not None:
            setattr(args, f"set__server__{name}", getattr(args, name))
    return settings_from_args(args)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = parse_args(argv)
    except ValueError as exc:
        print(f"app.py: invalid setting: {exc}", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    print("Preparing the index and models (the first run builds them; later runs take seconds)…", flush=True)
    try:
        assistant.warm_up(passage_states=False)
    except AssistantError as exc:
        print(f"assistant: {exc}", file=sys.stderr)
        return 1
    threading.Thread(target=_prepare_passage_states, args=(assistant,), daemon=True).start()
    app = build_app(assistant)
    # No limit here: the Assistant lines questions up for the model itself (server.concurrency at once,
    # telling each its place), so triage runs at once and an emergency never waits behind answers.
    app.queue(default_concurrency_limit=None)
    server = App()  # Gradio's FastAPI app, with the OpenAI-compatible routes added before Gradio's own
    add_routes(server, ChatCompletions(assistant, ChatController(assistant, Moderation(assistant)).review))
    app.launch(server_name=settings.server.host, server_port=settings.server.port, share=settings.server.share,
               css=CSS, show_error=False, _app=server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
