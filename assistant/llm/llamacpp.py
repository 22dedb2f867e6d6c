"""The llama.cpp backend (the default): the bundled GGUF, re-quantised to ``quant`` once, or any other
GGUF file as it is; its judge; and its passage cache (:mod:`assistant.llm.kvblocks`).

Generation and judging share one llama.cpp context and build their tokens the same way, so the system
prompt and a passage already evaluated cost nothing the second time. Nothing loads until ``warm_up()``.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from assistant.core.errors import ModelError
from assistant.core.log import log_to_stderr
from assistant.llm.cpucheck import extra_buffers_safe, without_extra_buffers
from assistant.llm.kvblocks import BlockCache, common_prefix, two_sequence_contexts
from assistant.llm.prompts import EMERGENCY_LEAD, chatml, judge_messages, system_prefix
from assistant.llm.protocols import Judge, Messages, PieceCache, yes_no_ids
from assistant.search.bundled import BUNDLED_GENERATOR


class LlamaCppGenerator:
    """The bundled GGUF (re-quantised to ``quant``; any other GGUF file as it is) run by llama.cpp.

    Nothing loads until ``warm_up()``."""

    def __init__(self, model: str, cache_dir: Path, threads: int = 2, context_tokens: int = 2048,
                 min_new_tokens: int = 12, quant: str = "q4_0", block_tokens: int = 0,
                 blocks_dir: Path | None = None) -> None:
        self.name = f"llama-cpp:{model}"
        self.block_tokens = block_tokens  # >0: reuse passages' KV states (see kvblocks.py), up to this many tokens
        self.blocks = None
        self.blocks_dir = blocks_dir or cache_dir / "kv-blocks"  # where passage states are saved
        self.quant = quant
        self.min_new_tokens = min_new_tokens
        self.model_ref = model
        self._cache_dir = cache_dir
        self._threads = threads
        self._context = context_tokens
        self.llama = None
        self.model_path: Path | None = None  # the GGUF file, once loaded
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
        plain = not extra_buffers_safe(path, self._cache_dir)
        with two_sequence_contexts() if self.block_tokens else contextlib.nullcontext(), without_extra_buffers(plain):
            try:
                self.llama = Llama(model_path=str(path), n_ctx=self._context, n_threads=self._threads,
                                   n_batch=512, verbose=False, seed=0)
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"llama.cpp could not load {path}: {exc}") from exc
        self.model_path = path
        with self.lock:
            # Evaluate the fixed system prompt once, so every later prompt starts from cached tokens.
            self.llama.eval(self.llama.tokenize(system_prefix().encode(), add_bos=False, special=True))
            if self.block_tokens:
                self.blocks = BlockCache(self.llama, system_prefix(), path, self.blocks_dir, self.block_tokens,
                                         pieces=[EMERGENCY_LEAD])

    @property
    def piece_cache(self) -> PieceCache | None:
        """Passage states reused across prompts, when ``block_tokens`` > 0 (see :mod:`assistant.llm.kvblocks`)."""
        return _PassageStates(self) if self.block_tokens else None

    def judge(self) -> Judge:
        return LlamaCppJudge(self)

    def weight_bytes(self) -> int | None:
        return self.model_path.stat().st_size if self.model_path is not None else None

    def prompt_tokens(self, messages: Messages) -> list[int]:
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

    def stream(self, messages: Messages, max_new_tokens: int = 200) -> Iterator[str]:
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

    answers_yes_no = True

    def __init__(self, generator: LlamaCppGenerator) -> None:
        self.generator = generator
        self.name = f"llm-judge:{generator.name}"
        self._yes_no: tuple[int, int] | None = None

    def warm_up(self) -> None:
        self.generator.warm_up()
        if self._yes_no is None:
            llama = self.generator.llama
            self._yes_no = yes_no_ids(lambda word: llama.tokenize(word.encode(), add_bos=False))

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        self.warm_up()
        order = sorted(range(len(items)), key=lambda i: (items[i][2], items[i][0]))
        scores = [0.0] * len(items)
        with self.generator.lock:
            for i in order:
                scores[i] = self._score(judge_messages(*items[i]))
        return scores

    def yes_probability(self, messages: Messages) -> float:
        self.warm_up()
        with self.generator.lock:
            return self._score(messages)

    def _score(self, messages: Messages) -> float:
        import numpy as np

        llama = self.generator.llama
        tokens = self.generator.prompt_tokens(messages)
        cached = common_prefix(llama.input_ids[: llama.n_tokens], tokens)
        llama.n_tokens = min(cached, len(tokens) - 1)  # always evaluate at least the last token
        llama.eval(tokens[llama.n_tokens:])
        logits = np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),))
        yes, no = self._yes_no
        return float(1.0 / (1.0 + math.exp(float(logits[no]) - float(logits[yes]))))


class _PassageStates:
    """The generator's :class:`~assistant.llm.kvblocks.BlockCache`, behind the ``PieceCache`` protocol."""

    def __init__(self, generator: LlamaCppGenerator) -> None:
        self.generator = generator
        self.budget_tokens = generator.block_tokens

    def add(self, texts: Sequence[str]) -> None:
        self.generator.warm_up()
        with self.generator.lock:
            self.generator.blocks.add(texts)

    def forget_saved_except(self, texts: Sequence[str]) -> None:
        self.generator.warm_up()
        with self.generator.lock:
            self.generator.blocks.forget_saved_except(texts)

    def stats(self) -> dict[str, float]:
        blocks = self.generator.blocks
        if blocks is None:
            return {"pieces": 0, "tokens": 0, "computed": 0, "megabytes": 0.0}
        return {"pieces": len(blocks.blocks), "tokens": blocks.cached_tokens, "computed": blocks.computed,
                "megabytes": round(sum(len(b.state) for b in blocks.blocks.values()) / 1e6, 1)}
