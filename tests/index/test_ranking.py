"""BM25 ranking: Lucene's IDF on tiny corpora, checked against hand-computed scores, and exact top-k."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.ranking import DEFAULT_B, DEFAULT_K1, LuceneBM25Okapi, RankBM25Engine, lucene_idf, top_k

# Four passages of equal length, so every length normalization is 1; "gaza" is in two of them.
FOUR = [["gaza", "war"], ["gaza", "talk"], ["rain", "cloud"], ["sun", "wind"]]
# Two passages: every term is in half or all of them.
TWO = [["gaza", "war"], ["gaza", "talk"]]


def hand_bm25(tf: int, dl: int, avgdl: float, passage_count: int, df: int, k1: float, b: float) -> float:
    """Lucene's BM25 term score, written out from the formula."""
    idf = math.log(1 + (passage_count - df + 0.5) / (df + 0.5))
    return idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))


def test_lucene_idf_matches_formula_and_is_positive() -> None:
    """log(1 + (N - n + 0.5)/(n + 0.5)) for every n, always > 0 and falling as n grows."""
    for passage_count in (1, 2, 4, 100):
        values = [lucene_idf(passage_count, n) for n in range(passage_count + 1)]
        for n, value in enumerate(values):
            assert value == pytest.approx(math.log(1 + (passage_count - n + 0.5) / (n + 0.5)))
        assert all(value > 0 for value in values)
        assert values == sorted(values, reverse=True)


def test_four_passages_term_in_two_scores_hand_computed_value() -> None:
    """N=4, n=2: IDF is ln 2 and the score is ln 2 / (1 + k1), not 0."""
    engine = RankBM25Engine(FOUR)
    assert engine.idf("gaza") == pytest.approx(math.log(2))
    scores = engine.scores(["gaza"])
    expected = math.log(2) / (1 + DEFAULT_K1)
    assert scores.tolist() == pytest.approx([expected, expected, 0.0, 0.0])
    assert scores[0] > 0


def test_four_passages_plain_okapi_scores_zero() -> None:
    """The problem being solved: rank-bm25's BM25Okapi gives the same term a score of exactly 0."""
    okapi = BM25Okapi(FOUR)
    assert okapi.idf["gaza"] == pytest.approx(0.0)
    assert okapi.get_scores(["gaza"]).tolist() == pytest.approx([0.0, 0.0, 0.0, 0.0])


def test_two_passages_every_score_positive_and_hand_computed() -> None:
    """N=2: Lucene scores are > 0 and equal the formula; BM25Okapi's are all ≤ 0 for the same questions."""
    engine = RankBM25Engine(TWO)
    okapi = BM25Okapi(TWO)
    for question, expected_idf in ((["gaza"], math.log(1.2)), (["war"], math.log(2)), (["talk"], math.log(2))):
        ours = engine.scores(question)
        theirs = okapi.get_scores(question)
        matched = [question[0] in terms for terms in TWO]
        for position, has_term in enumerate(matched):
            if has_term:
                assert ours[position] > 0
                assert ours[position] == pytest.approx(expected_idf / (1 + DEFAULT_K1))
            else:
                assert ours[position] == 0
        assert all(score <= 0 for score in theirs)
    assert okapi.get_scores(["gaza"])[0] < 0


def test_scores_follow_lucene_formula_with_length_normalization() -> None:
    """Unequal lengths and repeated terms: each score equals the hand-written BM25 sum."""
    passages = [["gaza", "gaza", "war"], ["gaza", "talk", "hostag", "releas", "deal"], ["rain"], ["war", "sun"]]
    engine = RankBM25Engine(passages)
    avgdl = sum(len(terms) for terms in passages) / len(passages)
    question = ["gaza", "war", "unknown"]
    document_frequency = Counter(term for terms in passages for term in set(terms))
    expected = [
        sum(
            hand_bm25(
                terms.count(term), len(terms), avgdl, len(passages), document_frequency[term], engine.k1, engine.b
            )
            for term in question
            if term in terms
        )
        for terms in passages
    ]
    assert engine.scores(question).tolist() == pytest.approx(expected)
    assert (engine.k1, engine.b) == (DEFAULT_K1, DEFAULT_B)


def test_k1_and_b_are_used() -> None:
    """Other k1 and b change scores exactly as the formula says."""
    passages = [["gaza", "gaza", "war"], ["gaza"], ["rain", "sun", "wind", "cloud"]]
    k1, b = DEFAULT_K1 * 2, DEFAULT_B / 3
    engine = RankBM25Engine(passages, k1=k1, b=b)
    avgdl = sum(len(terms) for terms in passages) / len(passages)
    expected = [
        hand_bm25(terms.count("gaza"), len(terms), avgdl, 3, 2, k1, b) if "gaza" in terms else 0.0 for terms in passages
    ]
    assert engine.scores(["gaza"]).tolist() == pytest.approx(expected)


def test_subclass_uses_rank_bm25_extension_point() -> None:
    """LuceneBM25Okapi is a BM25Okapi whose `_calc_idf` stores Lucene's IDF."""
    bm25 = LuceneBM25Okapi(FOUR)
    assert isinstance(bm25, BM25Okapi)
    assert "_calc_idf" in vars(LuceneBM25Okapi)
    assert bm25.idf == pytest.approx(
        {
            term: lucene_idf(4, n)
            for term, n in [("gaza", 2), ("war", 1), ("talk", 1), ("rain", 1), ("cloud", 1), ("sun", 1), ("wind", 1)]
        }
    )


def test_engine_bookkeeping() -> None:
    """Passage count, vocabulary size, term counts and the IDF of an unknown term."""
    engine = RankBM25Engine([["gaza", "gaza", "war"], ["talk"]])
    assert engine.passage_count == 2
    assert engine.vocabulary_size == 3
    assert engine.term_counts(0) == {"gaza": 2, "war": 1}
    assert engine.idf("never-seen") == pytest.approx(lucene_idf(2, 0))
    assert engine.idf("never-seen") > engine.idf("talk")


def test_repeated_and_unknown_question_terms() -> None:
    """A repeated question term counts once; unknown terms score nothing."""
    engine = RankBM25Engine(FOUR)
    assert engine.scores(["gaza", "gaza"]).tolist() == pytest.approx(engine.scores(["gaza"]).tolist())
    assert engine.scores(["unknown"]).tolist() == [0.0] * 4
    assert engine.scores([]).tolist() == [0.0] * 4


def test_empty_engine_scores_nothing() -> None:
    """No passages: no scores, no crash."""
    engine = RankBM25Engine([])
    assert engine.passage_count == 0
    assert len(engine.scores(["gaza"])) == 0
    assert top_k(engine.scores(["gaza"]), 3) == []


def test_top_k_keeps_positive_scores_best_first() -> None:
    """Only positive scores, best first, at most k."""
    scores = np.array([0.0, 2.0, -1.0, 3.0, 1.0])
    assert top_k(scores, 2) == [(3, 3.0), (1, 2.0)]
    assert top_k(scores, 10) == [(3, 3.0), (1, 2.0), (4, 1.0)]
    assert top_k(scores, 0) == []
    assert top_k(np.zeros(4), 3) == []


def test_top_k_ties_go_by_position() -> None:
    """Equal scores keep passage order, also across the k-th place."""
    scores = np.array([1.0, 5.0, 1.0, 5.0, 1.0, 5.0])
    assert top_k(scores, 2) == [(1, 5.0), (3, 5.0)]
    assert top_k(scores, 4) == [(1, 5.0), (3, 5.0), (5, 5.0), (0, 1.0)]


def test_top_k_is_exact_against_a_full_sort() -> None:
    """On random scores with many ties, top_k equals a full stable sort."""
    generator = np.random.default_rng(7)
    for _ in range(200):
        scores = generator.integers(-2, 6, size=int(generator.integers(1, 40))).astype(float) / 2
        k = int(generator.integers(1, 12))
        expected = sorted((i for i in range(len(scores)) if scores[i] > 0), key=lambda i: (-scores[i], i))[:k]
        assert [index for index, _ in top_k(scores, k)] == expected


def test_top_k_is_exact_over_scores_of_every_magnitude() -> None:
    """Scores spread over many orders of magnitude, as on a large corpus: still exactly a full stable sort."""
    generator = np.random.default_rng(11)
    for _ in range(100):
        size = int(generator.integers(1, 3000))
        scores = np.where(generator.random(size) < 0.8, 10.0 ** generator.uniform(-12, 2, size), 0.0)
        scores[generator.random(size) < 0.05] = -1.0
        if size > 3:
            scores[generator.integers(0, size, 3)] = scores.max()  # ties at the top
        k = int(generator.integers(1, 25))
        expected = sorted((i for i in range(size) if scores[i] > 0), key=lambda i: (-scores[i], i))[:k]
        assert [index for index, _ in top_k(scores, k)] == expected
