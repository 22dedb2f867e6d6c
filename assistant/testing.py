"""Deterministic fakes of every model protocol, in one home (simonw/llm's ``MockModel``, haystack's ``testing``).

They satisfy :mod:`assistant.llm.protocols` and ``Embedder``, so tests and the evaluation's ``--fast``
mode pass them to the pipeline instead of patching anything.

>>> fake = FakeGenerator(["Hello there [1]."])
>>> "".join(fake.stream([{"role": "user", "content": "hi"}]))
'Hello there [1].'
>>> fake.prompts[0][-1]["content"]
'hi'
>>> OverlapJudge().support([("q", "The immune system attacks nerves.", "The immune system attacks nerves.")])
[1.0]
>>> OverlapJudge().support([("q", "Tumor cells spread.", "The immune system attacks nerves.")])
[0.0]
>>> FakeJudge(yes=0.7).yes_probability([])
0.7
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence

import numpy as np

from assistant.core.text import tokenize
from assistant.llm.protocols import Judge, Messages, PieceCache


class FakeGenerator:
    """Replies with queued responses, in order, word by word; remembers every prompt it got.

    ``piece_cache``: give it a :class:`FakePieceCache` to exercise the pipeline's passage-state path.
    """

    name = "fake"

    def __init__(self, responses: Sequence[str] = (), default: str = "My sources don't cover this.",
                 piece_cache: PieceCache | None = None) -> None:
        self.responses = list(responses)
        self.default = default
        self.prompts: list[Messages] = []
        self.piece_cache = piece_cache

    def enqueue(self, *responses: str) -> None:
        self.responses.extend(responses)

    def warm_up(self) -> None:
        """Nothing to load."""

    def stream(self, messages: Messages, max_new_tokens: int = 200) -> Iterator[str]:
        self.prompts.append(messages)
        text = self.responses.pop(0) if self.responses else self.default
        yield from re.findall(r"\S+\s*", text)

    def count_tokens(self, text: str) -> int:
        """Words and punctuation marks (a hand-checkable stand-in for a tokenizer)."""
        return len(re.findall(r"\w+|[^\w\s]", text))

    def judge(self) -> Judge:
        return OverlapJudge()

    def weight_bytes(self) -> int | None:
        return None


class QuotingGenerator(FakeGenerator):
    """The evaluation's ``--fast`` stand-in: answers with the first sentence of passage [1], cited."""

    name = "quoting-fake"

    def stream(self, messages: Messages, max_new_tokens: int = 200) -> Iterator[str]:
        self.prompts.append(messages)
        match = re.search(r"\[1\] \([^)]*\) (.+?[.!?])(?:\s|$)", messages[-1]["content"], re.S)
        yield (match.group(1) + " [1]") if match else "My sources don't cover this."


class FakePieceCache:
    """Records the pieces it was asked to hold and the ones it was told to keep."""

    def __init__(self, budget_tokens: int) -> None:
        self.budget_tokens = budget_tokens
        self.cached: list[list[str]] = []
        self.kept: list[str] | None = None

    def add(self, texts: Sequence[str]) -> None:
        self.cached.append(list(texts))

    def forget_saved_except(self, texts: Sequence[str]) -> None:
        self.kept = list(texts)

    def stats(self) -> dict[str, float]:
        return {"pieces": len({t for batch in self.cached for t in batch}), "tokens": 0, "computed": 0,
                "megabytes": 0.0}


class OverlapJudge:
    """Share of the statement's content words (stemmed) that the passage contains; also the word-overlap
    baseline the faithfulness scorer is compared with."""

    name = "word-overlap"
    answers_yes_no = False

    def warm_up(self) -> None:
        """Nothing to load."""

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        scores = []
        for _question, statement, passage in items:
            words = set(tokenize(statement))
            scores.append(len(words & set(tokenize(passage))) / len(words) if words else 0.0)
        return scores

    def yes_probability(self, messages: Messages) -> float:
        raise NotImplementedError("OverlapJudge does not answer yes/no prompts (answers_yes_no is False).")


class FakeJudge:
    """Supports a statement when the passage contains it word for word, or when ``allow`` says so.

    ``allow`` maps a statement to a phrase the supporting passage contains. With ``yes``, it also answers
    every yes/no prompt (coverage, evidence) with that P(Yes); without, it declares it cannot.
    """

    name = "fake-judge"

    def __init__(self, allow: dict[str, str] | None = None, yes: float | None = None) -> None:
        self.allow = allow or {}
        self.yes = yes
        self.answers_yes_no = yes is not None
        self.calls: list[tuple[str, str, str]] = []

    def warm_up(self) -> None:
        """Nothing to load."""

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        self.calls.extend(items)
        scores = []
        for _question, statement, passage in items:
            phrase = self.allow.get(statement)
            contained = statement.rstrip(".").lower() in passage.lower()
            scores.append(1.0 if contained or (phrase and phrase in passage) else 0.0)
        return scores

    def yes_probability(self, messages: Messages) -> float:
        if self.yes is None:
            raise NotImplementedError("This FakeJudge was made without a P(Yes) (answers_yes_no is False).")
        return self.yes


class HashingEmbedder:
    """Deterministic fake embedder: each stemmed token adds +-1 to a hashed bucket; the result is normalised.

    Texts that share words get a positive similarity, so rankings are hand-checkable.

    >>> vectors = HashingEmbedder(dimension=8).embed(["immune system", "immune system", "tumor"])
    >>> float(round(vectors[0] @ vectors[1], 3))
    1.0
    """

    def __init__(self, dimension: int = 64, name: str = "hashing-fake") -> None:
        self.name = name
        self._dimension = dimension

    @property
    def dimension(self) -> int:
        return self._dimension

    def warm_up(self) -> None:
        """Nothing to load."""

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                digest = hashlib.md5(token.encode()).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dimension
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
