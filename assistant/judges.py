"""Judges: how strongly does a passage support a statement? One Protocol, a model and a fake.

``support(items)`` takes ``(question, statement, passage)`` triples and returns P(supported) in
[0, 1] for each. The question is there so that short statements ("lung cancer") are judged in
context.

* ``LLMJudge`` — the generator's own model: P(Yes) vs P(No) from the next-token logits of a yes/no
  prompt, for a whole batch in one forward pass.
* ``OverlapJudge`` — deterministic fake for tests and the word-overlap baseline: the share of the
  statement's content words found in the passage.

>>> OverlapJudge().support([("q", "The immune system attacks nerves.", "The immune system attacks nerves.")])
[1.0]
>>> OverlapJudge().support([("q", "Tumor cells spread.", "The immune system attacks nerves.")])
[0.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from .text import tokenize

JUDGE_SYSTEM = "You are a careful fact checker. Answer with a single word: Yes or No."
JUDGE_TEMPLATE = (
    "Passage:\n{passage}\n\nA patient asked: {question}\nAnswer statement: {statement}\n\n"
    "Is every part of the answer statement directly supported by the passage (no added facts, numbers, "
    "or reversed meaning)? Answer Yes or No."
)


@runtime_checkable
class Judge(Protocol):
    name: str

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]: ...


class OverlapJudge:
    """Share of the statement's content words (stemmed) that the passage contains."""

    name = "word-overlap"

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        scores = []
        for _question, statement, passage in items:
            words = set(tokenize(statement))
            scores.append(len(words & set(tokenize(passage))) / len(words) if words else 0.0)
        return scores


class LLMJudge:
    """P(Yes) from a causal LM (shares the generator's loaded model; no second copy in memory)."""

    def __init__(self, generator, batch_size: int = 8) -> None:
        self.generator = generator  # a TransformersGenerator
        self.batch_size = batch_size
        self.name = f"llm-judge:{generator.name}"
        self._yes_no: tuple[int, int] | None = None

    def warm_up(self) -> None:
        self.generator.warm_up()
        if self._yes_no is None:
            tok = self.generator.tokenizer
            self._yes_no = (tok.encode("Yes", add_special_tokens=False)[0],
                            tok.encode("No", add_special_tokens=False)[0])

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        self.warm_up()
        scores: list[float] = []
        for start in range(0, len(items), self.batch_size):
            scores.extend(self._batch(items[start:start + self.batch_size]))
        return scores

    def _batch(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        import torch

        tok = self.generator.tokenizer
        texts = [
            tok.apply_chat_template(
                [{"role": "system", "content": JUDGE_SYSTEM},
                 {"role": "user", "content": JUDGE_TEMPLATE.format(passage=p, question=q, statement=s)}],
                tokenize=False, add_generation_prompt=True,
            )
            for q, s, p in items
        ]
        tok.padding_side = "left"
        batch = tok(texts, return_tensors="pt", padding=True)
        mask = batch.attention_mask
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        with self.generator._lock, torch.inference_mode():
            logits = self.generator.model(input_ids=batch.input_ids, attention_mask=mask,
                                          position_ids=positions).logits[:, -1, :]
        yes, no = self._yes_no
        pair = torch.stack([logits[:, yes], logits[:, no]], dim=-1).float()
        return torch.softmax(pair, dim=-1)[:, 0].tolist()
