"""Dense embedders behind one small Protocol.

``SentenceTransformerEmbedder`` is the real one (cheap constructor, model loaded in ``warm_up()``); the
deterministic fake, ``HashingEmbedder``, lives in :mod:`assistant.testing`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.core.errors import ModelError
from assistant.core.offline import hf_offline
from assistant.search.bundled import resolve_embedder


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str

    def warm_up(self) -> None: ...

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
        hf_offline()
        from sentence_transformers import SentenceTransformer

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
