"""Okapi BM25 over pre-tokenised documents (tokens from :func:`assistant.text.tokenize`).

score(q, d) = sum over query terms t of
    idf(t) * tf(t, d) * (k1 + 1) / (tf(t, d) + k1 * (1 - b + b * |d| / avgdl)),
    idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

>>> bm25 = BM25([["tumor", "spread"], ["immun", "system"], ["tumor"]])
>>> [round(float(s), 3) for s in bm25.scores(["tumor"])]  # idf = ln 1.6; see tests
[0.434, 0.0, 0.562]
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


class BM25:
    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.term_freqs = [Counter(doc) for doc in documents]
        self.lengths = np.array([len(doc) for doc in documents], dtype=np.float64)
        self.avgdl = float(self.lengths.mean()) if documents else 0.0
        doc_freq: Counter[str] = Counter()
        for tf in self.term_freqs:
            doc_freq.update(tf.keys())
        n = len(documents)
        self.idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in doc_freq.items()}

    def scores(self, query: list[str]) -> np.ndarray:
        """One score per document, in document order."""
        out = np.zeros(len(self.term_freqs), dtype=np.float64)
        if not self.term_freqs or self.avgdl == 0:
            return out
        norm = self.k1 * (1 - self.b + self.b * self.lengths / self.avgdl)
        for term in set(query):
            idf = self.idf.get(term)
            if idf is None:
                continue
            tf = np.array([freqs.get(term, 0) for freqs in self.term_freqs], dtype=np.float64)
            out += idf * tf * (self.k1 + 1) / (tf + norm)
        return out
