"""Hybrid retrieval: dense (FAISS inner product) + BM25, fused by reciprocal rank.

RRF: each retriever contributes ``weight / (rrf_k + rank)`` for every chunk it ranks (rank from 1).
The fused score is divided by its maximum (every retriever ranked the chunk first), so it lies in
[0, 1]. Ties go to the key seen first (the dense ranking comes first).

>>> [(key, round(s, 3)) for key, s in rrf([["a", "b", "c"], ["b", "a"]], rrf_k=1)]
[('a', 0.833), ('b', 0.833), ('c', 0.25)]

(a: 1/2 + 1/3, b: 1/3 + 1/2, c: 1/4; a and b tie, and a was seen first.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.core.settings import RetrievalSettings
from assistant.core.text import tokenize
from assistant.core.types import Passage
from assistant.search.embedders import Embedder
from assistant.search.index import LoadedIndex

_VECTORS_PER_CHUNK = 8  # search depth multiplier: a chunk may own several (sentence) vectors


def rrf(rankings: Sequence[Sequence[str]], rrf_k: int,
        weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion of rankings (best first); returns (key, raw score), best first."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (rrf_k + rank)
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
        weights: list[float] = []
        dense_scores: dict[int, float] = {}
        lexical_scores: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            dense_scores = self._dense(question)
            rankings.append(list(dense_scores))
            weights.append(self.settings.dense_weight)
        if mode in ("hybrid", "bm25"):
            lexical_scores = self._lexical(question)
            rankings.append(list(lexical_scores))
            weights.append(1.0)
        fused = rrf([[str(i) for i in r] for r in rankings], self.settings.rrf_k, weights)
        best_possible = sum(weights) / (self.settings.rrf_k + 1)
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
        """Chunk row -> best cosine similarity among its vectors, best first."""
        vector = np.ascontiguousarray(self.embedder.embed([question]), dtype=np.float32)
        n = min(self.settings.candidates * _VECTORS_PER_CHUNK, self.index.vectors.ntotal)
        scores, rows = self.index.vectors.search(vector, n)
        best: dict[int, float] = {}
        for row, score in zip(rows[0], scores[0], strict=True):
            if row >= 0:
                owner = int(self.index.owners[row])
                best[owner] = max(best.get(owner, -1.0), float(score))
        ranked = sorted(best.items(), key=lambda item: -item[1])[: self.settings.candidates]
        return dict(ranked)

    def _lexical(self, question: str) -> dict[int, float]:
        scores = self.index.bm25.scores(tokenize(question))
        n = min(self.settings.candidates, len(scores))
        top = np.argsort(-scores, kind="stable")[:n]
        return {int(r): float(scores[r]) for r in top if scores[r] > 0}
