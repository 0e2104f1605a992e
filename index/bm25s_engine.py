"""The engine for large corpora: bm25s's precomputed sparse BM25 matrix.

bm25s precomputes the score of every (term, passage) pair at build time and
keeps them column by column (CSC: one column per term), so a query only adds
up the columns of its terms instead of walking every passage in Python as
rank-bm25 does. Scores are Lucene's BM25 without the (k1 + 1) factor, with
Lucene's IDF: bm25s's "lucene" method, which is exactly what
`index.ranking.RankBM25Engine` reports, so both engines rank and score alike.

The matrix is built here with numpy rather than by bm25s's `index()` (a
Python loop over every token), from term ids that `index.bulk` produces, in
worker processes for large corpora. Its layout is bm25s's own, so bm25s's
scorer (`BM25.get_scores_from_ids`) serves the queries, and the arrays can be
memory-mapped straight from disk.

bm25s (and the scipy it imports) is loaded only when this engine is used:
answering about one article never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from index.ranking import DEFAULT_B, DEFAULT_K1, lucene_idf

if TYPE_CHECKING:
    from index.bulk import TermCounts

SCORE_DTYPE = np.dtype(np.float64)
"""float64, as rank-bm25 computes: the two engines then agree to ~1e-12, ties included."""
PASSAGE_ID_DTYPE = np.dtype(np.int32)
OFFSET_DTYPE = np.dtype(np.int64)


@dataclass(frozen=True, slots=True)
class ScoreMatrix:
    """BM25 scores by term, in bm25s's CSC layout.

    The passages holding term `t` are `indices[indptr[t]:indptr[t + 1]]`, in
    increasing order, and their scores for `t` are the same slice of `data`.
    """

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    passage_count: int


def score_matrix(counts: TermCounts, k1: float, b: float) -> ScoreMatrix:
    """The Lucene BM25 score of each (term, passage) pair of `counts`."""
    passage_count = len(counts.lengths)
    lengths = counts.lengths.astype(np.float64)
    average_length = float(lengths.sum()) / passage_count if passage_count else 0.0
    document_frequency = np.bincount(counts.pair_terms, minlength=len(counts.vocabulary))
    idf = np.log(1.0 + (passage_count - document_frequency + 0.5) / (document_frequency + 0.5))
    # Pairs come in passage order; a stable sort by term keeps passages increasing within a column.
    order = np.argsort(counts.pair_terms, kind="stable")
    passages = counts.pair_passages[order]
    frequencies = counts.pair_counts[order].astype(np.float64)
    del order
    # With every passage empty of terms there is no pair to score, and no length to divide by.
    norms = k1 * (1.0 - b + b * lengths / average_length) if average_length > 0 else np.full(passage_count, k1)
    terms = np.repeat(np.arange(len(document_frequency)), document_frequency)
    data = idf[terms] * frequencies / (frequencies + norms[passages])
    indptr = np.zeros(len(document_frequency) + 1, dtype=OFFSET_DTYPE)
    np.cumsum(document_frequency, out=indptr[1:])
    return ScoreMatrix(
        data=data.astype(SCORE_DTYPE, copy=False),
        indices=passages.astype(PASSAGE_ID_DTYPE, copy=False),
        indptr=indptr,
        passage_count=passage_count,
    )


class Bm25sEngine:
    """bm25s over a precomputed score matrix: fast on large corpora, and memory-mappable."""

    name = "bm25s"

    def __init__(self, vocabulary: Sequence[str], matrix: ScoreMatrix, k1: float, b: float) -> None:
        import bm25s  # here, not at the top: see the module docstring

        self.k1 = k1
        self.b = b
        self.vocabulary = vocabulary
        self.matrix = matrix
        self._term_ids = {term: number for number, term in enumerate(vocabulary)}
        if len(self._term_ids) != len(vocabulary):
            raise ValueError("the vocabulary repeats a term")
        self._count = matrix.passage_count
        self._unknown_idf = lucene_idf(self._count, 0)
        self._bm25: Any = bm25s.BM25(
            k1=k1, b=b, method="lucene", dtype=SCORE_DTYPE.name, int_dtype="int64", backend="numpy"
        )
        self._bm25.scores = {
            "data": matrix.data,
            "indices": matrix.indices,
            "indptr": matrix.indptr,
            "num_docs": matrix.passage_count,
        }
        self._bm25.vocab_dict = self._term_ids
        self._bm25.nonoccurrence_array = None

    @classmethod
    def from_counts(cls, counts: TermCounts, k1: float = DEFAULT_K1, b: float = DEFAULT_B) -> Bm25sEngine:
        return cls(counts.vocabulary, score_matrix(counts, k1, b), k1, b)

    @classmethod
    def from_passage_terms(
        cls, passage_terms: Sequence[Sequence[str]], k1: float = DEFAULT_K1, b: float = DEFAULT_B
    ) -> Bm25sEngine:
        """The engine of already tokenized passages (the same input `RankBM25Engine` takes)."""
        from index.bulk import count_terms

        return cls.from_counts(count_terms(passage_terms), k1, b)

    @property
    def passage_count(self) -> int:
        return self._count

    @property
    def vocabulary_size(self) -> int:
        return len(self.vocabulary)

    def document_frequency(self, term: str) -> int:
        """In how many passages `term` occurs."""
        number = self._term_ids.get(term)
        if number is None:
            return 0
        return int(self.matrix.indptr[number + 1] - self.matrix.indptr[number])

    def terms(self) -> Iterable[str]:
        return self.vocabulary

    def idf(self, term: str) -> float:
        frequency = self.document_frequency(term)
        return lucene_idf(self._count, frequency) if frequency else self._unknown_idf

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        ids = [self._term_ids[term] for term in dict.fromkeys(terms) if term in self._term_ids]
        if not ids:
            return np.zeros(self._count)
        return self._bm25.get_scores_from_ids(ids)
