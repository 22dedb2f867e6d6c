"""Dense embedders behind one small Protocol.

``SentenceTransformerEmbedder`` is the real one (cheap constructor, model loaded in ``warm_up()``);
``HashingEmbedder`` is a deterministic fake for tests: a bag of hashed word tokens.

>>> fake = HashingEmbedder(dimension=8)
>>> vectors = fake.embed(["tumor spreading", "tumor spreading"])
>>> vectors.shape, round(float(vectors[0] @ vectors[1]), 3)
((2, 8), 1.0)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.core.errors import ModelError
from assistant.core.text import tokenize
from assistant.search.bundled import resolve_embedder


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray: ...

    @property
    def dimension(self) -> int: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model: a bundled name, a local path or a locally cached HF id."""

    def __init__(self, model: str, cache_dir: Path, batch_size: int = 32) -> None:
        self.name = model
        self._cache_dir = cache_dir
        self._batch_size = batch_size
        self._model = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        location = resolve_embedder(self.name, self._cache_dir)
        try:
            self._model = SentenceTransformer(location, device="cpu")
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"Could not load the embedding model {self.name!r} from {location!r}: {exc}. "
                "Use a bundled name (all-MiniLM-L6-v2), a local folder, or a Hugging Face id that is "
                "already in your local cache (this assistant never downloads models)."
            ) from exc

    @property
    def dimension(self) -> int:
        self.warm_up()
        return int(self._model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


class HashingEmbedder:
    """Deterministic fake: each stemmed token adds +-1 to a hashed bucket; the result is normalised.

    Texts that share words get a positive similarity, so rankings are hand-checkable.
    """

    def __init__(self, dimension: int = 64, name: str = "hashing-fake") -> None:
        self.name = name
        self._dimension = dimension

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                digest = hashlib.md5(token.encode()).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dimension
                out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
