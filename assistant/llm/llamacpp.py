"""Pick the generator and judge that settings name; llama.cpp and HTTP backends live here.

``make_generator`` / ``make_judge`` are the only places that know every backend; the pipeline only
sees the ``Generator`` and ``Judge`` protocols.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import math
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from assistant.core.errors import ModelError
from assistant.core.settings import Settings
from assistant.llm.hf import BUNDLED_GENERATOR, Generator, OpenAICompatibleGenerator, TransformersGenerator
from assistant.llm.kvblocks import BlockCache, common_prefix, two_sequence_contexts
from assistant.llm.protocols import Judge, LLMJudge, judge_messages
from assistant.search.index import log_to_stderr


def resolve_backend(settings: Settings) -> str:
    """The backend 'auto' stands for: llama-cpp where it can run the model, else transformers."""
    g = settings.generation
    if g.backend != "auto":
        return g.backend
    gguf_model = g.model == BUNDLED_GENERATOR or g.model.lower().endswith(".gguf")
    return "llama-cpp" if gguf_model and importlib.util.find_spec("llama_cpp") else "transformers"


def make_generator(settings: Settings) -> Generator:
    g = settings.generation
    backend = resolve_backend(settings)
    if backend == "openai":
        return OpenAICompatibleGenerator(g.openai_base_url, g.openai_model, g.openai_api_key_env)
    if backend == "llama-cpp":
        return LlamaCppGenerator(g.model, settings.paths.cache_dir, g.threads, g.context_tokens, g.min_new_tokens,
                                 quant=g.llama_quant, block_tokens=g.passage_cache_tokens)
    return TransformersGenerator(g.model, settings.paths.cache_dir, threads=g.threads, log=log_to_stderr,
                                 dtype=g.torch_dtype, min_new_tokens=g.min_new_tokens)


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


class LlamaCppGenerator:
    """The bundled GGUF (re-quantised to ``quant``; any other GGUF file as it is) run by llama.cpp.

    Nothing loads until ``warm_up()``."""

    def __init__(self, model: str, cache_dir: Path, threads: int = 2, context_tokens: int = 2048,
                 min_new_tokens: int = 12, quant: str = "q4_0", block_tokens: int = 0) -> None:
        self.name = f"llama-cpp:{model}"
        self.block_tokens = block_tokens  # >0: reuse passages' KV states (see kvblocks), up to this many tokens
        self.blocks = None
        self.blocks_dir = cache_dir / "kv-blocks"  # saved passage states; the bench may point it elsewhere
        self.quant = quant
        self.min_new_tokens = min_new_tokens
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
        with two_sequence_contexts() if self.block_tokens else contextlib.nullcontext():
            try:
                self.llama = Llama(model_path=str(path), n_ctx=self._context, n_threads=self._threads,
                                   n_batch=512, verbose=False, seed=0)
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"llama.cpp could not load {path}: {exc}") from exc
        with self.lock:
            # Evaluate the fixed system prompt once, so every later prompt starts from cached tokens.
            self.llama.eval(self.llama.tokenize(system_prefix().encode(), add_bos=False, special=True))
            if self.block_tokens:
                self.blocks = BlockCache(self.llama, system_prefix(), path, self.blocks_dir, self.block_tokens)

    def cache_pieces(self, texts: Sequence[str]) -> None:
        """Evaluate these prompt pieces once each (or load them from disk), so prompts reuse them."""
        if not self.block_tokens:
            return
        self.warm_up()
        with self.lock:
            self.blocks.add(texts)

    def forget_saved_except(self, texts: Sequence[str]) -> None:
        """Delete saved passage states of any other text (an old corpus, model or prompt)."""
        if self.blocks is not None:
            with self.lock:
                self.blocks.forget_saved_except(texts)

    def prompt_tokens(self, messages: list[dict[str, str]]) -> list[int]:
        """The prompt's tokens, with its cached pieces already placed; the caller holds the lock."""
        if self.blocks is not None:
            return self.blocks.assemble(chatml(messages))
        return self.llama.tokenize(chatml(messages).encode(), add_bos=False, special=True)

    def _path(self) -> Path:
        if self.model_ref == BUNDLED_GENERATOR:
            from assistant.search.bundled import bundled_llama_gguf

            return bundled_llama_gguf(self._cache_dir, self.quant, log=log_to_stderr)
        path = Path(self.model_ref).expanduser()
        if not path.is_file():
            raise ModelError(f"The llama-cpp backend needs a .gguf file; {path} is not one.")
        return path

    def count_tokens(self, text: str) -> int:
        self.warm_up()
        return len(self.llama.tokenize(text.encode(), add_bos=False, special=False))

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int = 200) -> Iterator[str]:
        self.warm_up()
        with self.lock:
            # Generation and judging build their tokens the same way (prompt_tokens), so llama.cpp's
            # cache sees the same system-prompt and passage tokens in both.
            chunks = self.llama.create_completion(
                prompt=self.prompt_tokens(messages), max_tokens=max_new_tokens, temperature=0.0, top_k=1,
                repeat_penalty=1.05, stream=True, stop=["<|im_end|>", "<|endoftext|>"],
                logits_processor=self._no_early_stop(),
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["text"]
                if piece:
                    yield piece


    def _no_early_stop(self):
        """Forbid end-of-turn for the first tokens: greedy decoding sometimes emits only "[2]" and stops."""
        import numpy as np
        from llama_cpp import LogitsProcessorList

        stops = [self.llama.token_eos(), *self.llama.tokenize(b"<|im_end|>", add_bos=False, special=True)[:1]]
        start: list[int] = []

        def processor(input_ids, scores):
            if not start:
                start.append(len(input_ids))
            if len(input_ids) - start[0] < self.min_new_tokens:
                scores[stops] = -np.inf
            return scores

        return LogitsProcessorList([processor])


class LlamaCppJudge:
    """P(Yes) vs P(No) from llama.cpp's next-token logits.

    Items run sorted by passage, and each prompt is evaluated only from where it departs from the
    tokens already in llama.cpp's cache: the shared system prompt and a repeated passage cost nothing.
    """

    def __init__(self, generator: LlamaCppGenerator) -> None:
        self.generator = generator
        self.name = f"llm-judge:{generator.name}"
        self._yes_no: tuple[int, int] | None = None

    def warm_up(self) -> None:
        self.generator.warm_up()
        if self._yes_no is None:
            llama = self.generator.llama
            self._yes_no = (llama.tokenize(b"Yes", add_bos=False)[0], llama.tokenize(b"No", add_bos=False)[0])

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        self.warm_up()
        order = sorted(range(len(items)), key=lambda i: (items[i][2], items[i][0]))
        scores = [0.0] * len(items)
        with self.generator.lock:
            for i in order:
                scores[i] = self._score(judge_messages(*items[i]))
        return scores

    def yes_probability(self, messages: list[dict[str, str]]) -> float:
        self.warm_up()
        with self.generator.lock:
            return self._score(messages)

    def _score(self, messages: list[dict[str, str]]) -> float:
        import numpy as np

        llama = self.generator.llama
        tokens = self.generator.prompt_tokens(messages)
        cached = common_prefix(llama.input_ids[: llama.n_tokens], tokens)
        llama.n_tokens = min(cached, len(tokens) - 1)  # always evaluate at least the last token
        llama.eval(tokens[llama.n_tokens:])
        logits = np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),))
        yes, no = self._yes_no
        return float(1.0 / (1.0 + math.exp(float(logits[no]) - float(logits[yes]))))


def system_prefix() -> str:
    """What every prompt starts with: the system turn and the opening of the user turn."""
    from assistant.llm.prompts import SYSTEM_PROMPT

    return chatml([{"role": "system", "content": SYSTEM_PROMPT}])[: -len("<|im_start|>assistant\n")] + (
        "<|im_start|>user\n")


def chatml(messages: list[dict[str, str]]) -> str:
    """Qwen's chat format, ending where the assistant's reply starts.

    >>> chatml([{"role": "user", "content": "Hi"}])
    '<|im_start|>user\\nHi<|im_end|>\\n<|im_start|>assistant\\n'
    """
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


class OpenAICompatibleJudge:
    """P(Yes) from a chat-completions server's ``top_logprobs``."""

    def __init__(self, generator: OpenAICompatibleGenerator) -> None:
        self.generator = generator
        self.name = f"llm-judge:{generator.name}"

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        import httpx

        g = self.generator
        headers = g.headers()
        scores = []
        for question, statement, passage in items:
            body = {"model": g.model, "messages": judge_messages(question, statement, passage),
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
