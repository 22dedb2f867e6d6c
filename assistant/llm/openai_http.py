"""The OpenAI-compatible backend: a chat-completions server (vLLM, llama.cpp server, TGI) over HTTP.

The generator streams ``{base_url}/chat/completions``; the judge reads P(Yes) from the same server's
``top_logprobs``. The API key is read from an environment variable at call time and only ever sent
in the ``Authorization`` header.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence

from assistant.core.errors import ModelError
from assistant.llm.prompts import judge_messages
from assistant.llm.protocols import Judge, Messages, PieceCache


class OpenAICompatibleGenerator:
    """Streams from ``{base_url}/chat/completions`` (OpenAI's wire format)."""

    piece_cache: PieceCache | None = None  # the server manages its own prefix cache

    def __init__(self, base_url: str, model: str, api_key_env: str = "OPENAI_API_KEY",
                 timeout_s: float = 120.0) -> None:
        self.name = f"openai-compatible:{model}"
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s

    def warm_up(self) -> None:
        """Nothing to load: the server holds the model."""

    def judge(self) -> Judge:
        return OpenAICompatibleJudge(self)

    def count_tokens(self, text: str) -> int:
        """An estimate (the server's tokenizer is not here): about four characters per token."""
        return max(1, round(len(text) / 4))

    def weight_bytes(self) -> int | None:
        return None

    def headers(self) -> dict[str, str]:
        """JSON content type, plus the bearer key when its environment variable is set."""
        headers = {"Content-Type": "application/json"}
        api_key = os.environ.get(self.api_key_env)
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        return headers

    def stream(self, messages: Messages, max_new_tokens: int = 200) -> Iterator[str]:
        import httpx

        headers = self.headers()
        body = {"model": self.model, "messages": messages, "max_tokens": max_new_tokens,
                "temperature": 0, "stream": True}
        url = f"{self.base_url}/chat/completions"
        try:
            with httpx.stream("POST", url, json=body, headers=headers, timeout=self.timeout_s) as response:
                if response.status_code != 200:
                    response.read()
                    raise ModelError(self.redact(f"{url} answered {response.status_code}: {response.text[:300]}"))
                yield from _sse_deltas(response.iter_lines())
        except httpx.HTTPError as exc:
            raise ModelError(self.redact(f"Could not reach the generator endpoint {url}: {exc}")) from exc

    def redact(self, message: str) -> str:
        """``message`` with the API key, should a server echo it, replaced by "***"."""
        key = os.environ.get(self.api_key_env)
        return message.replace(key, "***") if key else message


class OpenAICompatibleJudge:
    """P(Yes) from a chat-completions server's ``top_logprobs``."""

    answers_yes_no = True

    def __init__(self, generator: OpenAICompatibleGenerator) -> None:
        self.generator = generator
        self.name = f"llm-judge:{generator.name}"

    def warm_up(self) -> None:
        """Nothing to load."""

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        return [self.yes_probability(judge_messages(*item)) for item in items]

    def yes_probability(self, messages: Messages) -> float:
        import httpx

        g = self.generator
        body = {"model": g.model, "messages": messages, "max_tokens": 1, "temperature": 0, "logprobs": True,
                "top_logprobs": 10}
        try:
            response = httpx.post(f"{g.base_url}/chat/completions", json=body, headers=g.headers(),
                                  timeout=g.timeout_s)
            response.raise_for_status()
            content = response.json()["choices"][0]["logprobs"]["content"]
        except (httpx.HTTPError, KeyError, TypeError, IndexError, json.JSONDecodeError) as exc:
            raise ModelError(g.redact(f"The judge endpoint {g.base_url} failed: {exc}")) from exc
        return yes_probability(content[0]["top_logprobs"]) if content else 0.0


def yes_probability(top_logprobs: Sequence[dict]) -> float:
    """P(Yes) / (P(Yes) + P(No)) from a token's top log-probabilities (OpenAI's shape).

    >>> round(yes_probability([{"token": "Yes", "logprob": -0.1}, {"token": "No", "logprob": -2.4}]), 3)
    0.909
    >>> yes_probability([{"token": "Maybe", "logprob": -0.1}])
    0.0
    """
    yes = no = 0.0
    for entry in top_logprobs:
        word = entry["token"].strip().lower()
        if word == "yes":
            yes += math.exp(entry["logprob"])
        elif word == "no":
            no += math.exp(entry["logprob"])
    return yes / (yes + no) if yes + no > 0 else 0.0


def _sse_deltas(lines: Iterator[str]) -> Iterator[str]:
    """Text deltas from server-sent-event lines of a streamed chat completion.

    >>> list(_sse_deltas(iter(['data: {"choices":[{"delta":{"content":"Hi"}}]}', '', 'data: [DONE]'])))
    ['Hi']
    """
    for line in lines:
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        try:
            choices = json.loads(payload).get("choices") or [{}]
        except json.JSONDecodeError as exc:
            raise ModelError(f"The generator endpoint sent a malformed event: {payload[:200]!r}") from exc
        piece = (choices[0].get("delta") or {}).get("content")
        if piece:
            yield piece
