"""Text generators behind one small Protocol: ``stream(messages, max_new_tokens)`` yields text pieces.

* ``TransformersGenerator`` — the bundled Qwen2.5-Coder-1.5B-Instruct (converted once to bf16), or any
  local folder / locally cached Hugging Face id; runs on the CPU, greedy decoding.
* ``OpenAICompatibleGenerator`` — a chat-completions endpoint (vLLM, llama.cpp server, TGI).
* ``FakeGenerator`` — queued responses for tests (simonw/llm's MockModel pattern).

>>> fake = FakeGenerator(["Hello there [1]."])
>>> "".join(fake.stream([{"role": "user", "content": "hi"}]))
'Hello there [1].'
>>> fake.prompts[0][-1]["content"]
'hi'
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from assistant.core.errors import ModelError

BUNDLED_GENERATOR = "bundled"


@runtime_checkable
class Generator(Protocol):
    """Streams a chat completion as text pieces."""

    name: str

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int = 200) -> Iterator[str]: ...


class FakeGenerator:
    """Replies with queued responses, in order, word by word; remembers every prompt it got."""

    name = "fake"

    def __init__(self, responses: list[str] | None = None, default: str = "My sources don't cover this.") -> None:
        self.responses = list(responses or [])
        self.default = default
        self.prompts: list[list[dict[str, str]]] = []

    def enqueue(self, *responses: str) -> None:
        self.responses.extend(responses)

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int = 200) -> Iterator[str]:
        self.prompts.append(messages)
        text = self.responses.pop(0) if self.responses else self.default
        yield from re.findall(r"\S+\s*", text)


class TransformersGenerator:
    """A causal LM from transformers on the CPU. Cheap to construct; loads in ``warm_up()``."""

    def __init__(self, model: str, cache_dir: Path, threads: int | None = None,
                 log=print, dtype: str = "float32", min_new_tokens: int = 12) -> None:
        self.min_new_tokens = min_new_tokens
        self.name = model
        self._cache_dir = cache_dir
        self._threads = threads
        self._dtype = dtype
        self._log = log
        self.model = None
        self.tokenizer = None
        self._lock = threading.Lock()  # one generation at a time per loaded model

    def warm_up(self) -> None:
        if self.model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        if self._threads:
            torch.set_num_threads(self._threads)
        location = self._location()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(location)
            dtype = torch.float32 if self._dtype == "int8" else getattr(torch, self._dtype)
            self.model = AutoModelForCausalLM.from_pretrained(location, dtype=dtype)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"Could not load the generator {self.name!r} from {location!r}: {exc}. Use 'bundled', a local "
                "folder, or a Hugging Face id already in your local cache (nothing is downloaded)."
            ) from exc
        self.model.eval()
        if self._dtype == "int8":
            self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)

    def _location(self) -> str:
        if self.name == BUNDLED_GENERATOR:
            from assistant.search.bundled import bundled_generator_dir

            return str(bundled_generator_dir(self._cache_dir, log=self._log))
        return self.name

    def count_tokens(self, text: str) -> int:
        self.warm_up()
        return len(self.tokenizer(text, add_special_tokens=False).input_ids)

    def prompt_ids(self, messages: list[dict[str, str]]):
        """Token ids of the chat prompt, ending where the assistant's reply starts."""
        self.warm_up()
        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return self.tokenizer(text, return_tensors="pt").input_ids

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int = 200) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        input_ids = self.prompt_ids(messages)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                with self._lock, torch.inference_mode():
                    self.model.generate(
                        input_ids, attention_mask=torch.ones_like(input_ids), streamer=streamer,
                        max_new_tokens=max_new_tokens, min_new_tokens=self.min_new_tokens,
                        do_sample=False, repetition_penalty=1.05,
                        pad_token_id=self.tokenizer.eos_token_id,
                    )
            except Exception as exc:  # noqa: BLE001 - re-raised in the consuming thread below
                failure.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        yield from streamer
        worker.join()
        if failure:
            raise ModelError(f"The generator failed: {failure[0]}") from failure[0]


class OpenAICompatibleGenerator:
    """Streams from ``{base_url}/chat/completions`` (OpenAI's wire format; vLLM, llama.cpp, TGI)."""

    def __init__(self, base_url: str, model: str, api_key_env: str = "OPENAI_API_KEY",
                 timeout_s: float = 120.0) -> None:
        self.name = f"openai-compatible:{model}"
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s

    def headers(self) -> dict[str, str]:
        """JSON content type, plus the bearer key when its environment variable is set."""
        headers = {"Content-Type": "application/json"}
        api_key = os.environ.get(self.api_key_env)
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        return headers

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int = 200) -> Iterator[str]:
        import httpx

        headers = self.headers()
        body = {"model": self.model, "messages": messages, "max_tokens": max_new_tokens,
                "temperature": 0, "stream": True}
        url = f"{self.base_url}/chat/completions"
        try:
            with httpx.stream("POST", url, json=body, headers=headers, timeout=self.timeout_s) as response:
                if response.status_code != 200:
                    response.read()
                    raise ModelError(f"{url} answered {response.status_code}: {response.text[:300]}")
                yield from _sse_deltas(response.iter_lines())
        except httpx.HTTPError as exc:
            raise ModelError(f"Could not reach the generator endpoint {url}: {exc}") from exc


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
