"""BM25 ranking with Lucene's IDF, exact top-k.

rank-bm25's BM25Okapi uses log((N - n + 0.5) / (n + 0.5)), which is zero or
negative for a term in half or more of the passages: on one article, the
terms that matter most would score nothing (rank-bm25 issues #39 and #43).
Lucene's IDF, log(1 + (N - n + 0.5) / (n + 0.5)), is always positive.

Scores are Lucene's BM25: idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)).
rank-bm25 multiplies each term by (k1 + 1); that constant is divided out so
every engine reports the same score for the same passage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

import numpy as np
from rank_bm25 import BM25Okapi

DEFAULT_K1 = 1.2
DEFAULT_B = 0.75

EngineChoice = Literal["auto", "rank-bm25", "bm25s"]
ENGINE_CHOICES: tuple[EngineChoice, ...] = ("auto", "rank-bm25", "bm25s")
AUTO_BM25S_MIN_PASSAGES = 5_000
"""From this many passages on, "auto" picks bm25s. rank-bm25 walks every passage
in Python for each query term (about 5 ms a question at 5,000 passages, 20 ms
at 10,000), bm25s only the passages holding it (about 0.1 ms). Below this,
rank-bm25 is fast enough, and it keeps the one-article command line from
importing bm25s and scipy (about 0.3 s) and its index a single JSON file
(benchmarks/speed.py measures both engines)."""


def lucene_idf(passage_count: int, document_frequency: int) -> float:
    """Lucene's BM25 IDF: positive whatever the corpus size."""
    return math.log(1.0 + (passage_count - document_frequency + 0.5) / (document_frequency + 0.5))


def choose_engine(choice: EngineChoice, passage_count: int) -> Literal["rank-bm25", "bm25s"]:
    """The engine to build for `passage_count` passages when the setting says `choice`."""
    if choice == "auto":
        return "bm25s" if passage_count >= AUTO_BM25S_MIN_PASSAGES else "rank-bm25"
    if choice not in ENGINE_CHOICES:
        raise ValueError(f"unknown engine {choice!r}")
    return choice


class Engine(Protocol):
    """What the answer logic needs from a BM25 implementation."""

    name: str
    k1: float
    b: float

    @property
    def passage_count(self) -> int: ...

    @property
    def vocabulary_size(self) -> int: ...

    def idf(self, term: str) -> float:
        """Lucene IDF of `term`; a term in no passage gets the highest IDF."""
        ...

    def document_frequency(self, term: str) -> int:
        """In how many passages `term` occurs (0 for a term outside the vocabulary)."""
        ...

    def terms(self) -> Iterable[str]:
        """Every term of the vocabulary."""
        ...

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """The BM25 score of every passage for the distinct `terms`."""
        ...


class LuceneBM25Okapi(BM25Okapi):
    """rank-bm25's BM25Okapi with Lucene's IDF, through its `_calc_idf` hook."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        self.document_frequencies = nd
        self.idf = {term: lucene_idf(self.corpus_size, count) for term, count in nd.items()}
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


class RankBM25Engine:
    """rank-bm25: the fastest choice for small corpora, and simple to persist."""

    name = "rank-bm25"

    def __init__(self, passage_terms: Sequence[Sequence[str]], k1: float = DEFAULT_K1, b: float = DEFAULT_B) -> None:
        self.k1 = k1
        self.b = b
        # An empty passage list would divide by zero in rank-bm25.
        self._bm25 = LuceneBM25Okapi([list(terms) for terms in passage_terms] or [[]], k1=k1, b=b)
        self._count = len(passage_terms)
        self._unknown_idf = lucene_idf(self._count, 0)

    @property
    def passage_count(self) -> int:
        return self._count

    @property
    def vocabulary_size(self) -> int:
        return len(self._bm25.idf)

    def idf(self, term: str) -> float:
        return self._bm25.idf.get(term, self._unknown_idf)

    def document_frequency(self, term: str) -> int:
        return self._bm25.document_frequencies.get(term, 0)

    def terms(self) -> Iterable[str]:
        return self._bm25.idf.keys()

    def term_counts(self, position: int) -> dict[str, int]:
        """How often each term occurs in passage `position`, for persistence."""
        return self._bm25.doc_freqs[position]

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        known = [term for term in dict.fromkeys(terms) if term in self._bm25.idf]
        if not known or self._count == 0:
            return np.zeros(self._count)
        return self._bm25.get_scores(known)[: self._count] / (self.k1 + 1.0)


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best `(index, score)` pairs with a positive score, best first.

    Exact, and stable: equal scores keep passage order.
    """
    best = float(scores.max(initial=0.0))
    if k <= 0 or best <= 0:
        return []
    candidates = _within_reach_of_best(scores, best, k)
    if len(candidates) > k:
        kth_best = -np.partition(-scores[candidates], k - 1)[k - 1]
        # Keep every passage tied with the k-th best, so ties go by position.
        candidates = candidates[scores[candidates] >= kth_best]
    order = sorted(candidates.tolist(), key=lambda index: (-scores[index], index))[:k]
    return [(index, float(scores[index])) for index in order]


# How far below the best score the search for the k best starts, and widens at each step.
_REACH_FACTOR = 0.25
_REACH_STEPS = 8


def _within_reach_of_best(scores: np.ndarray, best: float, k: int) -> np.ndarray:
    """Positions of positive scores that include the k best, usually far fewer than all positive ones.

    On a large corpus most passages match some common word of the question
    and score far below the best: selecting among every positive score cost
    14 ms at a million passages. If at least k scores reach a threshold, the
    k best all do, so the search starts near the best and widens until k
    are found, and falls back to every positive score.
    """
    threshold = best
    for _ in range(_REACH_STEPS):
        threshold *= _REACH_FACTOR
        candidates = np.flatnonzero(scores >= threshold)
        if len(candidates) >= k:
            return candidates
    return np.flatnonzero(scores > 0)
