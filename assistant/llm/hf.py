"""The transformers backend: any causal LM (the bundled Qwen2.5-Coder-1.5B-Instruct converted once to
bf16, a local folder, or a Hugging Face id already in the local cache) on the CPU, greedy decoding;
and its judge, which shares the loaded model.

Cheap to construct; the model loads in ``warm_up()`` (nothing is downloaded).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from assistant.core.errors import ModelError
from assistant.core.log import log_to_stderr
from assistant.core.offline import hf_offline
from assistant.llm.prompts import judge_messages
from assistant.llm.protocols import Judge, Messages, PieceCache, yes_no_ids
from assistant.search.bundled import BUNDLED_GENERATOR


class TransformersGenerator:
    """A causal LM from transformers on the CPU; ``dtype`` "int8" quantises its linear layers."""

    piece_cache: PieceCache | None = None  # transformers keeps no passage states here

    def __init__(self, model: str, cache_dir: Path, threads: int | None = None,
                 log: Callable[[str], None] = log_to_stderr, dtype: str = "float32", min_new_tokens: int = 12) -> None:
        self.min_new_tokens = min_new_tokens
        self.name = model
        self._cache_dir = cache_dir
        self._threads = threads
        self._dtype = dtype
        self._log = log
        self.model = None
        self.tokenizer = None
        self.lock = threading.Lock()  # one forward pass at a time per loaded model (generation or judging)

    def warm_up(self) -> None:
        if self.model is not None:
            return
        hf_offline()
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

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

    def judge(self) -> Judge:
        return TransformersJudge(self)

    def count_tokens(self, text: str) -> int:
        self.warm_up()
        return len(self.tokenizer(text, add_special_tokens=False).input_ids)

    def weight_bytes(self) -> int | None:
        return torch_weight_bytes(self.model) if self.model is not None else None

    def prompt_ids(self, messages: Messages):
        """Token ids of the chat prompt, ending where the assistant's reply starts."""
        self.warm_up()
        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return self.tokenizer(text, return_tensors="pt").input_ids

    def stream(self, messages: Messages, max_new_tokens: int = 200) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        input_ids = self.prompt_ids(messages)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                with self.lock, torch.inference_mode():
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


class TransformersJudge:
    """P(Yes) vs P(No) from the next-token logits of yes/no prompts, a batch in one forward pass."""

    answers_yes_no = True

    def __init__(self, generator: TransformersGenerator, batch_size: int = 8) -> None:
        self.generator = generator
        self.batch_size = batch_size
        self.name = f"llm-judge:{generator.name}"
        self._yes_no: tuple[int, int] | None = None

    def warm_up(self) -> None:
        self.generator.warm_up()
        if self._yes_no is None:
            self._yes_no = yes_no_ids(lambda word: self.generator.tokenizer.encode(word, add_special_tokens=False))

    def support(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        self.warm_up()
        scores: list[float] = []
        for start in range(0, len(items), self.batch_size):
            scores.extend(self._batch_prompts([judge_messages(*item) for item in items[start:start + self.batch_size]]))
        return scores

    def yes_probability(self, messages: Messages) -> float:
        self.warm_up()
        return self._batch_prompts([messages])[0]

    def _batch_prompts(self, prompts: Sequence[Messages]) -> list[float]:
        import torch

        tok = self.generator.tokenizer
        texts = [tok.apply_chat_template(m, tokenize=False, add_generation_prompt=True) for m in prompts]
        tok.padding_side = "left"
        batch = tok(texts, return_tensors="pt", padding=True)
        mask = batch.attention_mask
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        with self.generator.lock, torch.inference_mode():
            logits = self.generator.model(input_ids=batch.input_ids, attention_mask=mask,
                                          position_ids=positions).logits[:, -1, :]
        yes, no = self._yes_no
        pair = torch.stack([logits[:, yes], logits[:, no]], dim=-1).float()
        return torch.softmax(pair, dim=-1)[:, 0].tolist()


def torch_weight_bytes(model) -> int:
    """Bytes a decode step reads: every layer's weights (int8-packed ones included) once, without the
    input embedding table (one row per token) unless it doubles as the output layer (tied weights)."""
    import torch

    total, seen = 0, set()
    for module in model.modules():
        if isinstance(module, torch.nn.Embedding):
            continue
        if isinstance(module, torch.ao.nn.quantized.dynamic.Linear):
            packed = [module.weight(), module.bias()]
            total += sum(t.numel() * t.element_size() for t in packed if t is not None)
            continue
        for parameter in module.parameters(recurse=False):
            if id(parameter) not in seen:
                seen.add(id(parameter))
                total += parameter.numel() * parameter.element_size()
    return total
