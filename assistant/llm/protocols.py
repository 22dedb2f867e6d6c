"""What the pipeline asks of a model backend: a ``Generator``, its ``Judge`` and (optionally) a ``PieceCache``.

Every capability is declared, never probed: a judge says whether it can answer yes/no prompts
(``answers_yes_no``), a generator says whether it keeps passage states (``piece_cache`` is ``None`` when
not) and names the judge that shares its model (``judge()``). A backend is one module implementing these
(``llamacpp``, ``hf``, ``openai_http``; the fakes live in :mod:`assistant.testing`).

>>> yes_no_ids(lambda word: {"Yes": [9454], "No": [2753, 1]}[word])
(9454, 2753)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, runtime_checkable

Messages = list[dict[str, str]]  # chat turns: [{"role": "system" | "user" | "assistant", "content": str}]


@runtime_checkable
class Judge(Protocol):
    """How strongly does a passage support a statement, and (when declared) P(Yes) of any yes/no prompt."""

    name: str
    answers_yes_no: bool  # True: ``yes_probability`` works (the pipeline's coverage and evidence checks use it)

    def warm_up(self) -> None: ...

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        """P(supported) in [0, 1] for each ``(question, statement, passage)``."""
        ...

    def yes_probability(self, messages: Messages) -> float:
        """P(Yes) / (P(Yes) + P(No)) for the reply's first token; only when ``answers_yes_no``."""
        ...


@runtime_checkable
class PieceCache(Protocol):
    """Prompt pieces (passages with their headers) whose model state is computed once and reused."""

    budget_tokens: int  # how many tokens of pieces it may hold

    def add(self, texts: Sequence[str]) -> None:
        """Compute (or load from disk) the state of each piece not held yet."""
        ...

    def forget_saved_except(self, texts: Sequence[str]) -> None:
        """Delete saved states of any other text (an old corpus, model or prompt)."""
        ...

    def stats(self) -> dict[str, float]:
        """What it holds: pieces, tokens, pieces computed (not loaded), megabytes."""
        ...


@runtime_checkable
class Generator(Protocol):
    """Streams a chat completion as text pieces; cheap to construct, heavy state loads in ``warm_up()``."""

    name: str

    def warm_up(self) -> None: ...

    def stream(self, messages: Messages, max_new_tokens: int = 200) -> Iterator[str]: ...

    def count_tokens(self, text: str) -> int: ...

    def judge(self) -> Judge:
        """The judge that shares this generator's model (no second copy in memory)."""
        ...

    @property
    def piece_cache(self) -> PieceCache | None:
        """The passage-state cache, or None when this backend (or its settings) has none."""
        ...

    def weight_bytes(self) -> int | None:
        """Bytes of weights one decode step reads (for the bench's bandwidth bound); None when unknown."""
        ...


def yes_no_ids(encode: Callable[[str], list[int]]) -> tuple[int, int]:
    """The token ids of "Yes" and "No" (the first token of each) under a tokenizer's ``encode``."""
    return encode("Yes")[0], encode("No")[0]
