"""Pick the generator and judge that settings name; llama.cpp and HTTP backends live here.

``make_generator`` / ``make_judge`` are the only places that know every backend; the pipeline only
sees the ``Generator`` and ``Judge`` protocols.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import ModelError
from .generators import BUNDLED_GENERATOR, Generator, OpenAICompatibleGenerator, TransformersGenerator
from .index import log_to_stderr
from .judges import JUDGE_SYSTEM, JUDGE_TEMPLATE, Judge, LLMJudge
from .settings import Settings


def make_generator(settings: Settings) -> Generator:
    g = settings.generation
    if g.backend == "openai":
        return OpenAICompatibleGenerator(g.openai_base_url, g.openai_model, g.openai_api_key_env)
    if g.backend == "llama-cpp":
        return LlamaCppGenerator(g.model, settings.paths.cache_dir, g.threads, g.context_tokens)
    return TransformersGenerator(g.model, settings.paths.cache_dir, threads=g.threads, log=log_to_stderr,
                                 dtype=g.torch_dtype)


def make_judge(settings: Settings, generator: Generator) -> Judge:
    if isinstance(generator, LlamaCppGenerator):
        return LlamaCppJudge(generator)
    if isinstance(generator, TransformersGenerator):
        return LLMJudge(generator)
    if isinstance(generator, OpenAICompatibleGenerator):
        return OpenAICompatibleJudge(generator)
    raise ModelError(f"No judge for generator {generator.name!r}; pass a judge explicitly.")


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


def _judge_messages(question: str, statement: str, passage: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": JUDGE_SYSTEM},
            {"role": "user", "content": JUDGE_TEMPLATE.format(passage=passage, question=question,
                                                              statement=statement)}]


class LlamaCppGenerator:
    """The bundled Q4_K_M GGUF (or any GGUF file) run by llama.cpp; loads in ``warm_up()``."""

    def __init__(self, model: str, cache_dir: Path, threads: int = 2, context_tokens: int = 2048) -> None:
        self.name = f"llama-cpp:{model}"
        self.model_ref = model
        self._cache_dir = cache_dir
        self._threads = threads
        self._context = context_tokens
        self.llama = None
        self.lock = threading.Lock()  # llama.cpp contexts are not thread-safe

    def warm_up(self) -> None:
        if self.llama is not None:
            return
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError(
                "The llama-cpp backend needs llama-cpp-python: pip install -e '.[llama]' "
                "(or choose --generation-backend transformers)."
            ) from exc
        path = self._path()
        try:
            self.llama = Llama(model_path=str(path), n_ctx=self._context, n_threads=self._threads,
                               n_batch=512, verbose=False, seed=0)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"llama.cpp could not load {path}: {exc}") from exc

    def _path(self) -> Path:
        if self.model_ref == BUNDLED_GENERATOR:
            from .bundled import bundled_gguf

            return bundled_gguf(self._cache_dir, log=log_to_stderr)
        path = Path(self.model_ref).expanduser()
        if not path.is_file():
            raise ModelError(f"The llama-cpp backend needs a .gguf file; {path} is not one.")
        return path

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int = 200) -> Iterator[str]:
        self.warm_up()
        with self.lock:
            chunks = self.llama.create_chat_completion(
                messages=messages, max_tokens=max_new_tokens, temperature=0.0, top_k=1,
                repeat_penalty=1.05, stream=True,
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece


class LlamaCppJudge:
    """P(Yes) from llama.cpp's log-probabilities of the first answer token."""

    def __init__(self, generator: LlamaCppGenerator) -> None:
        self.generator = generator
        self.name = f"llm-judge:{generator.name}"

    def warm_up(self) -> None:
        self.generator.warm_up()

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        self.warm_up()
        # Same-passage items run back to back so llama.cpp reuses the cached prompt prefix.
        order = sorted(range(len(items)), key=lambda i: items[i][2])
        scores = [0.0] * len(items)
        with self.generator.lock:
            for i in order:
                question, statement, passage = items[i]
                result = self.generator.llama.create_chat_completion(
                    messages=_judge_messages(question, statement, passage), max_tokens=1, temperature=0.0,
                    logprobs=True, top_logprobs=10,
                )
                content = result["choices"][0]["logprobs"]["content"]
                scores[i] = yes_probability(content[0]["top_logprobs"]) if content else 0.0
        return scores


class OpenAICompatibleJudge:
    """P(Yes) from a chat-completions server's ``top_logprobs``."""

    def __init__(self, generator: OpenAICompatibleGenerator) -> None:
        self.generator = generator
        self.name = f"llm-judge:{generator.name}"

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        import httpx

        g = self.generator
        headers = {"Content-Type": "application/json"}
        if os.environ.get(g.api_key_env):
            headers["Authorization"] = f"Bearer {os.environ[g.api_key_env]}"
        scores = []
        for question, statement, passage in items:
            body = {"model": g.model, "messages": _judge_messages(question, statement, passage),
                    "max_tokens": 1, "temperature": 0, "logprobs": True, "top_logprobs": 10}
            try:
                response = httpx.post(f"{g.base_url}/chat/completions", json=body, headers=headers,
                                      timeout=g.timeout_s)
                response.raise_for_status()
                content = response.json()["choices"][0]["logprobs"]["content"]
            except (httpx.HTTPError, KeyError, TypeError, IndexError, json.JSONDecodeError) as exc:
                raise ModelError(f"The judge endpoint {g.base_url} failed: {exc}") from exc
            scores.append(yes_probability(content[0]["top_logprobs"]) if content else 0.0)
        return scores
