"""Hybrid retrieval: dense (FAISS inner product) + BM25, fused by reciprocal rank.

RRF: each retriever contributes ``1 / (rrf_k + rank)`` for every chunk it ranks (rank from 1).
The fused score is divided by its maximum (every retriever ranked the chunk first), so it lies in
[0, 1]. Ties go to the key seen first (the dense ranking comes first).

>>> [(key, round(s, 3)) for key, s in rrf([["a", "b", "c"], ["b", "a"]], rrf_k=1)]
[('a', 0.833), ('b', 0.833), ('c', 0.25)]

(a: 1/2 + 1/3, b: 1/3 + 1/2, c: 1/4; a and b tie, and a was seen first.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .embedders import Embedder
from .index import LoadedIndex
from .settings import RetrievalSettings
from .text import tokenize
from .types import Passage


def rrf(rankings: Sequence[Sequence[str]], rrf_k: int) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion of several rankings (best first); returns (key, raw score), best first."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (rrf_k + rank)
    first_seen: dict[str, int] = {}
    for key in (k for ranking in rankings for k in ranking):
        first_seen.setdefault(key, len(first_seen))
    return sorted(scores.items(), key=lambda item: (-item[1], first_seen[item[0]]))


class Retriever:
    """Ranks the chunks of a loaded index for a question."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: RetrievalSettings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings

    def retrieve(self, question: str, k: int | None = None, mode: str | None = None) -> list[Passage]:
        k = k or self.settings.k
        mode = mode or self.settings.mode
        rankings: list[list[int]] = []
        dense_scores: dict[int, float] = {}
        lexical_scores: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            dense_scores = self._dense(question)
            rankings.append(list(dense_scores))
        if mode in ("hybrid", "bm25"):
            lexical_scores = self._lexical(question)
            rankings.append(list(lexical_scores))
        fused = rrf([[str(i) for i in r] for r in rankings], self.settings.rrf_k)
        best_possible = len(rankings) / (self.settings.rrf_k + 1)
        passages = []
        for rank, (key, raw) in enumerate(fused[:k], start=1):
            row = int(key)
            passages.append(Passage(
                chunk=self.index.chunks[row],
                score=raw / best_possible,
                rank=rank,
                dense_score=dense_scores.get(row),
                lexical_score=lexical_scores.get(row),
            ))
        return passages

    def _dense(self, question: str) -> dict[int, float]:
        vector = self.embedder.embed([question])
        n = min(self.settings.candidates, self.index.vectors.ntotal)
        scores, rows = self.index.vectors.search(np.ascontiguousarray(vector, dtype=np.float32), n)
        return {int(r): float(s) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0}

    def _lexical(self, question: str) -> dict[int, float]:
        scores = self.index.bm25.scores(tokenize(question))
        n = min(self.settings.candidates, len(scores))
        top = np.argsort(-scores, kind="stable")[:n]
        return {int(r): float(scores[r]) for r in top if scores[r] > 0}
