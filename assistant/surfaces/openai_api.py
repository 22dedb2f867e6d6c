"""An OpenAI-compatible ``/v1/chat/completions`` of the assistant itself, so Open WebUI, LibreChat or any
OpenAI client can use it as a model (``/v1/models`` lists it).

The last user message is the question; earlier user/assistant turns are the history; system messages
are ignored (the assistant's rules are not the client's to change). The reply's ``content`` is the
checked answer with its ``[n]`` markers; the citations, urgency, triage, abstention and faithfulness
travel in an extra ``assistant`` field (non-streaming: on the message; streaming: on the last chunk).
A bad request gets a 400 with OpenAI's error shape, never a traceback.

>>> parse_request({"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "Hi?"}]})
ChatRequest(question='Hi?', history=[], stream=False)
>>> parse_request({"messages": []})
Traceback (most recent call last):
...
assistant.surfaces.openai_api.RequestError: 'messages' must end with a user message.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant.answer.pipeline import Assistant
from assistant.core.errors import AssistantError, InputError
from assistant.core.types import Answer

MODEL_ID = "paraneoplastic-assistant"
INTERNAL_ERROR = "Something went wrong on our side while answering; please try again in a moment."
log = logging.getLogger("assistant.api")


class RequestError(ValueError):
    """The request body is not a usable chat completion request (answered with 400)."""


@dataclass(frozen=True)
class ChatRequest:
    question: str
    history: list[dict[str, str]]
    stream: bool


def parse_request(body: object) -> ChatRequest:
    """The question, history and stream flag of an OpenAI chat request; ``RequestError`` says what is wrong."""
    if not isinstance(body, dict):
        raise RequestError("The body must be a JSON object.")
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise RequestError("'messages' must be a list of {role, content} objects.")
    turns = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant", "developer"):
            raise RequestError(f"messages[{i}] needs a role of system, user or assistant.")
        content = _text(message.get("content"))
        if content is None:
            raise RequestError(f"messages[{i}].content must be a string or a list of text parts.")
        if message["role"] in ("user", "assistant"):
            turns.append({"role": message["role"], "content": content})
    if not turns or turns[-1]["role"] != "user":
        raise RequestError("'messages' must end with a user message.")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise RequestError("'stream' must be true or false.")
    return ChatRequest(turns[-1]["content"], turns[:-1], stream)


def _text(content: object) -> str | None:
    """A message's text: a string, or OpenAI's list of parts (text parts joined)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        return " ".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return None


def extra_fields(answer: Answer) -> dict:
    """What an OpenAI message cannot carry: citations, urgency, triage, abstention, faithfulness."""
    data = answer.to_json()
    keys = ("question", "urgency", "triage", "citations", "abstained", "faithfulness", "timings_ms")
    return {key: data[key] for key in keys}


class ChatCompletions:
    """Answers OpenAI chat requests with the Assistant (which lets ``server.concurrency`` questions use
    the model at once and lines the others up; an emergency never waits)."""

    def __init__(self, assistant: Assistant, on_answer: Callable[[Answer], None] | None = None) -> None:
        self.assistant = assistant
        self.on_answer = on_answer or (lambda answer: None)  # the app queues answers for the moderators

    def _ask(self, request: ChatRequest) -> Answer:
        answer = self.assistant.ask(request.question, request.history)  # every event consumed: slots freed
        self.on_answer(answer)
        return answer

    def complete(self, request: ChatRequest) -> dict:
        """A non-streaming ``chat.completion`` object."""
        answer = self._ask(request)
        extra = extra_fields(answer)
        return {"id": _completion_id(), "object": "chat.completion", "created": int(time.time()), "model": MODEL_ID,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": answer.answer, "assistant": extra}}],
                "assistant": extra}

    def stream(self, request: ChatRequest) -> Iterator[str]:
        """Server-sent events of ``chat.completion.chunk`` objects, then ``data: [DONE]``.

        The draft is not streamed (it has not been checked yet): the checked answer is sent once it is
        final, in one content chunk, then the last chunk with ``finish_reason`` and the extra fields."""
        completion_id, created = _completion_id(), int(time.time())

        def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
            body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if extra is not None:
                body["assistant"] = extra
            return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        try:
            answer = self._ask(request)
            yield chunk({"content": answer.answer})
            yield chunk({}, "stop", extra_fields(answer))
        except InputError as exc:
            yield chunk({"content": str(exc)})
            yield chunk({}, "stop")
        except AssistantError as exc:
            log.error("assistant error: %s", exc)
            yield f"data: {json.dumps(error_body(str(exc), 'server_error'))}\n\n"
        except Exception:  # noqa: BLE001 - a client gets a plain message, never a traceback; logged in full
            log.exception("internal error while streaming an answer")
            yield f"data: {json.dumps(error_body(INTERNAL_ERROR, 'server_error'))}\n\n"
        yield "data: [DONE]\n\n"


def _completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex[:24]}"


def error_body(message: str, kind: str = "invalid_request_error") -> dict:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def add_routes(app: FastAPI, completions: ChatCompletions) -> None:
    """Mount ``GET /v1/models`` and ``POST /v1/chat/completions`` on a FastAPI app."""
    @app.get("/v1/models")
    def models() -> dict:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "local"}]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        try:
            parsed = parse_request(await request.json())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return JSONResponse(error_body("The body is not valid JSON."), status_code=400)
        except RequestError as exc:
            return JSONResponse(error_body(str(exc)), status_code=400)
        if parsed.stream:
            return StreamingResponse(completions.stream(parsed), media_type="text/event-stream")
        try:
            return await run_in_threadpool(completions.complete, parsed)
        except InputError as exc:
            return JSONResponse(error_body(str(exc)), status_code=400)
        except AssistantError as exc:
            log.error("assistant error: %s", exc)
            return JSONResponse(error_body(str(exc), "server_error"), status_code=503)
        except Exception:  # noqa: BLE001 - a client gets a plain message, never a traceback; logged in full
            log.exception("internal error while answering")
            return JSONResponse(error_body(INTERNAL_ERROR, "server_error"), status_code=500)
