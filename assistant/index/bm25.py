"""Okapi BM25 over an inverted index (a scipy.sparse matrix), built once per index load.

Why not rank_bm25's ``BM25Okapi``: its ``get_scores`` walks every document in Python for each query term,
which at 10,000 releases (~160,000 chunks) costs tens of milliseconds per term. Here the per-document term
weights are computed once; a query sums a few sparse columns.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.sparse import csc_matrix


class SparseBM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        lengths = np.zeros(len(docs), dtype=np.float64)
        for i, doc in enumerate(docs):
            lengths[i] = len(doc)
            for term, count in Counter(doc).items():
                rows.append(i)
                cols.append(self.vocab.setdefault(term, len(self.vocab)))
                tfs.append(count)
        n = max(1, len(docs))
        r, c, tf = np.asarray(rows), np.asarray(cols, dtype=np.int64), np.asarray(tfs, dtype=np.float64)
        df = np.bincount(c, minlength=len(self.vocab)).astype(np.float64)
        idf = np.log((n - df + 0.5) / (df + 0.5) + 1.0)  # the "+1" keeps very common terms non-negative
        avgdl = lengths.mean() if len(docs) else 1.0
        weight = idf[c] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[r] / max(avgdl, 1e-9)))
        self.matrix = csc_matrix((weight, (r, c)), shape=(len(docs), len(self.vocab)))

    @classmethod
    def from_arrays(cls, vocab: list[str], data, indices, indptr, shape: tuple[int, int]) -> SparseBM25:
        """The index as saved with a generation (tables.py): nothing is recomputed."""
        self = cls.__new__(cls)
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.matrix = csc_matrix((data, indices, indptr), shape=shape)
        return self

    def get_scores(self, query: list[str]) -> np.ndarray:
        cols = [self.vocab[t] for t in dict.fromkeys(query) if t in self.vocab]
        if not cols:
            return np.zeros(self.matrix.shape[0])
        return np.asarray(self.matrix[:, cols].sum(axis=1)).ravel()
