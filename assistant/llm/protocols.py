"""Judges: how strongly does a passage support a statement? One Protocol, a model and a fake.

``support(items)`` takes ``(question, statement, passage)`` triples and returns P(supported) in
[0, 1] for each. The question is there so that short statements ("lung cancer") are judged in
context. Model judges also offer ``yes_probability(messages)`` for any yes/no prompt (the
pipeline's coverage check); a judge without it simply skips that check.

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

from assistant.core.text import tokenize

JUDGE_TEMPLATE = (
    "Passage:\n{passage}\n\nStatement: {statement}\n\n"
    "Is the statement directly supported by the passage — same meaning, nothing added or reversed? "
    "Answer Yes or No."
)
SHORT_STATEMENT_WORDS = 8
JUDGE_PASSAGE_LEAD = JUDGE_TEMPLATE.split("{passage}")[0]  # what comes before the passage in a judge prompt


def judge_messages(question: str, statement: str, passage: str) -> list[dict[str, str]]:
    """The yes/no prompt. It shares the generator's system prompt, so a model backend with prefix
    caching (llama.cpp) reuses those tokens between answering and judging.

    A short statement ("lung cancer") is judged as the answer to its question; a full sentence is
    judged alone, because measured here an unrelated question in the prompt made the 1.5B judge
    accept a reversed statement (0.70 vs 0.37 without it).

    >>> judge_messages("Which cancer?", "Lung cancer.", "P")[1]["content"].splitlines()[3]
    'Statement: Asked "Which cancer?", the answer is: Lung cancer.'
    """
    from assistant.llm.prompts import SYSTEM_PROMPT

    if len(statement.split()) < SHORT_STATEMENT_WORDS and question:
        statement = f'Asked "{question}", the answer is: {statement}'
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": JUDGE_TEMPLATE.format(passage=passage, statement=statement)}]


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

    def yes_probability(self, messages: list[dict[str, str]]) -> float:
        self.warm_up()
        return self._batch_prompts([messages])[0]

    def _batch(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        return self._batch_prompts([judge_messages(q, s, p) for q, s, p in items])

    def _batch_prompts(self, prompts: Sequence[list[dict[str, str]]]) -> list[float]:
        import torch

        tok = self.generator.tokenizer
        texts = [tok.apply_chat_template(m, tokenize=False, add_generation_prompt=True) for m in prompts]
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
