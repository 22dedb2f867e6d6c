"""Passage KV blocks for llama.cpp: a passage's keys and values are computed once, then reused in any prompt.

On 2 CPU cores llama.cpp reads a prompt at ~45-90 tokens/s, so the ~250 passage tokens of a prompt cost
seconds before the first answer token. Here each piece of a prompt — a passage with its "[2] (Symptoms)"
header, and a passage as a judge prompt quotes it — is evaluated once, right after the shared system
prompt, and its KV state is kept (in memory and on disk). A prompt made of registered pieces is then
assembled by copying their states into place — shifted to their positions, which llama.cpp re-rotates —
and only the rest (the question, ~40 tokens) is evaluated.

This is *block attention*: a passage attends to the system prompt, its header and itself, not to the
passages before it; the question and the answer attend to everything. The first piece of a prompt, and
so every judge prompt's passage, is exact. Passages cached without their headers made the 1.5B model
answer worse; with them, on all 91 gold questions, quality matched full attention and the first token
came at 0.7 s instead of 3.1 s (p50); README, Performance, has the figures. Recomputing the last tokens
of each placed passage in context (as CacheBlend does) was tried on 6 of the worst questions and not
kept: it mended some, not all, for ~1 s more per prompt.

``split_prompt`` is the pure part, and shows how a prompt is cut:

>>> split_prompt("SYS|[1] alpha beta|Q", "SYS|", {"alpha beta", "[1] "})
[('[1] ', True), ('alpha beta', True), ('|Q', False)]
>>> split_prompt("other prompt", "SYS|", {"prompt"})
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import ModelError
from assistant.llm.llama_params import patched_defaults

STASH_SEQ = 1  # where a block's state lands before it is shifted and handed to sequence 0


def split_prompt(prompt: str, prefix: str, blocks: Collection[str]) -> list[tuple[str, bool]] | None:
    """The prompt after ``prefix`` as ``(text, is_block)`` segments, or None if it doesn't start with it.

    Every occurrence of a registered text becomes a block; where two overlap, the earlier (then the
    longer) wins. The last segment is always live text (possibly empty), because it must be evaluated
    to get the next token's logits.
    """
    if not prompt.startswith(prefix):
        return None
    rest = prompt[len(prefix):]
    found = []
    for text in blocks:
        start = rest.find(text) if text else -1
        while start >= 0:
            found.append((start, -len(text), text))
            start = rest.find(text, start + 1)
    segments: list[tuple[str, bool]] = []
    position = 0
    for start, _, text in sorted(found):
        if start < position:
            continue
        if start > position:
            segments.append((rest[position:start], False))
        segments.append((text, True))
        position = start + len(text)
    segments.append((rest[position:], False))
    return segments


def two_sequence_contexts() -> contextlib.AbstractContextManager[None]:
    """llama-cpp-python's ``Llama`` has no ``n_seq_max`` argument; a block needs a second sequence to
    land in. While this is open, new contexts get 2 sequences in one unified KV buffer."""
    return patched_defaults("llama_context_default_params", n_seq_max=2, kv_unified=True)


@dataclass(frozen=True)
class Block:
    tokens: tuple[int, ...]
    state: bytes  # llama_state_seq_get_data of the block's cells alone


class BlockCache:
    """Blocks for one loaded ``llama_cpp.Llama``, keyed by text; the caller holds the model's lock.

    ``prefix`` is the text every block follows (the system turn and the start of the user turn); it
    must already be the first tokens of the model's cache when blocks are made. ``disk_dir`` keeps
    states between runs (keyed by model file, prefix and text); ``max_tokens`` bounds memory (~28 KB
    per token for the bundled 1.5B model).

    A prompt's tokens never depend on what the cache holds: every text ever added, and each of
    ``pieces`` (texts prompts are known to contain, such as the triage question), is tokenized on its
    own, whether its state is in memory, evicted, or not made yet. Tokenized with its neighbours,
    'Message: "' gives other tokens than 'Message: ' and '"', and the second look's P(Yes) moved by
    0.03 depending on whether its question had been cached before the first triage.
    """

    def __init__(self, llama, prefix: str, model_path: Path, disk_dir: Path | None, max_tokens: int,
                 pieces: Iterable[str] = ()) -> None:
        self.llama = llama
        self.prefix = prefix
        self.prefix_tokens = llama.tokenize(prefix.encode(), add_bos=False, special=True)
        stat = model_path.stat()
        self._model_key = f"{model_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{prefix}"
        self.disk_dir = disk_dir
        self.max_tokens = max_tokens
        self.blocks: OrderedDict[str, Block] = OrderedDict()
        self.known: set[str] = {text for text in pieces if text}  # tokenized on their own, cached or not
        self.cached_tokens = 0
        self.computed = 0  # blocks evaluated by the model (not loaded from disk), for the bench

    def add(self, texts: Iterable[str]) -> None:
        """Make sure each text has a block (from memory, disk, or one evaluation)."""
        for text in texts:
            if not text:
                continue
            if text in self.blocks:
                self.blocks.move_to_end(text)
                continue
            self.known.add(text)
            block = self._load(text) or self._compute(text)
            self.blocks[text] = block
            self.cached_tokens += len(block.tokens)
            while self.cached_tokens > self.max_tokens and len(self.blocks) > 1:
                _, evicted = self.blocks.popitem(last=False)
                self.cached_tokens -= len(evicted.tokens)

    def tokens(self, prompt: str) -> tuple[list[int], list[tuple[int, Block | None]]]:
        """The prompt's tokens (each known text tokenized on its own), and where each segment starts with
        the block to place there (None: evaluate it)."""
        segments = split_prompt(prompt, self.prefix, self.known)
        if segments is None:  # another system prompt: one live segment
            return self._tokenize(prompt), [(0, None)]
        tokens = list(self.prefix_tokens)
        layout: list[tuple[int, Block | None]] = [(0, None)]
        for text, is_block in segments:
            block = self.blocks.get(text) if is_block else None
            layout.append((len(tokens), block))
            tokens.extend(block.tokens if block else self._tokenize(text))  # equal, whether cached or not
        return tokens, layout

    def assemble(self, prompt: str) -> list[int]:
        """Fill the model's cache with every segment of the prompt but the last; return all its tokens.

        What already matches the cache is kept; a block is placed, live text is evaluated. After this,
        ``llama.n_tokens`` counts the valid cached tokens and the caller evaluates the rest.
        """
        tokens, layout = self.tokens(prompt)
        llama = self.llama
        valid = common_prefix(llama.input_ids[: llama.n_tokens], tokens)
        ends = [start for start, _ in layout[1:]] + [len(tokens)]
        for (start, block), end in list(zip(layout, ends, strict=True))[:-1]:
            if end <= valid:
                continue
            if block is None:
                llama.n_tokens = valid
                llama.eval(tokens[valid:end])
            else:
                self._place(block, start)
            valid = end
        llama.n_tokens = valid
        return tokens

    def _place(self, block: Block, start: int) -> None:
        from llama_cpp import llama_cpp as capi

        llama = self.llama
        memory = capi.llama_get_memory(llama._ctx.ctx)
        capi.llama_memory_seq_rm(memory, -1, start, -1)
        state = (ctypes.c_uint8 * len(block.state)).from_buffer_copy(block.state)
        if capi.llama_state_seq_set_data(llama._ctx.ctx, state, len(block.state), STASH_SEQ) == 0:
            raise ModelError("llama.cpp refused a cached passage state; delete the kv-blocks cache folder")
        capi.llama_memory_seq_add(memory, STASH_SEQ, -1, -1, start - len(self.prefix_tokens))
        capi.llama_memory_seq_cp(memory, STASH_SEQ, 0, -1, -1)
        capi.llama_memory_seq_rm(memory, STASH_SEQ, -1, -1)
        llama.input_ids[start : start + len(block.tokens)] = block.tokens
        llama.n_tokens = start + len(block.tokens)

    def _compute(self, text: str) -> Block:
        from llama_cpp import llama_cpp as capi

        llama = self.llama
        tokens = tuple(self._tokenize(text))
        n_prefix = len(self.prefix_tokens)
        llama.n_tokens = common_prefix(llama.input_ids[: llama.n_tokens], self.prefix_tokens)
        if llama.n_tokens < n_prefix:
            llama.eval(self.prefix_tokens[llama.n_tokens:])
        llama.n_tokens = n_prefix
        llama.eval(list(tokens))
        memory = capi.llama_get_memory(llama._ctx.ctx)
        capi.llama_memory_seq_cp(memory, 0, STASH_SEQ, n_prefix, -1)
        size = capi.llama_state_seq_get_size(llama._ctx.ctx, STASH_SEQ)
        buffer = (ctypes.c_uint8 * size)()
        written = capi.llama_state_seq_get_data(llama._ctx.ctx, buffer, size, STASH_SEQ)
        capi.llama_memory_seq_rm(memory, STASH_SEQ, -1, -1)
        block = Block(tokens, ctypes.string_at(buffer, written))
        self.computed += 1
        self._save(text, block)
        return block

    def _tokenize(self, text: str) -> list[int]:
        return self.llama.tokenize(text.encode(), add_bos=False, special=True) if text else []

    def _file(self, text: str) -> Path | None:
        if self.disk_dir is None:
            return None
        key = hashlib.sha256(f"{self._model_key}\0{text}".encode()).hexdigest()[:40]
        return self.disk_dir / f"{key}.kv"

    def _load(self, text: str) -> Block | None:
        """A block saved by an earlier run; None if absent or unreadable (it is then recomputed)."""
        path = self._file(text)
        if path is None or not path.is_file():
            return None
        data = path.read_bytes()
        count = int.from_bytes(data[:4], "little")
        tokens = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "little") for i in range(count))
        if len(data) <= 4 + 4 * count or list(tokens) != self._tokenize(text):
            return None
        block = Block(tokens, data[4 + 4 * count:])
        return block if self._loads_cleanly(block) else None

    def _loads_cleanly(self, block: Block) -> bool:
        """Try the state in the spare sequence: a file from another llama.cpp build may not fit."""
        from llama_cpp import llama_cpp as capi

        ctx = self.llama._ctx.ctx
        state = (ctypes.c_uint8 * len(block.state)).from_buffer_copy(block.state)
        accepted = capi.llama_state_seq_set_data(ctx, state, len(block.state), STASH_SEQ) != 0
        capi.llama_memory_seq_rm(capi.llama_get_memory(ctx), STASH_SEQ, -1, -1)
        return accepted

    def forget_saved_except(self, texts: Iterable[str]) -> int:
        """Delete the saved states of texts not among these; how many were deleted."""
        if self.disk_dir is None or not self.disk_dir.is_dir():
            return 0
        keep = {self._file(text) for text in texts}
        stale = [path for path in self.disk_dir.glob("*.kv") if path not in keep]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def _save(self, text: str, block: Block) -> None:
        path = self._file(text)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        header = len(block.tokens).to_bytes(4, "little") + b"".join(t.to_bytes(4, "little") for t in block.tokens)
        partial.write_bytes(header + block.state)
        partial.replace(path)


def common_prefix(cached: Iterable[int], tokens: list[int]) -> int:
    """How many leading tokens agree.

    >>> common_prefix([1, 2, 3], [1, 2, 4, 5])
    2
    """
    count = 0
    for old, new in zip(cached, tokens, strict=False):
        if old != new:
            break
        count += 1
    return count
