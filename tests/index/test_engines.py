"""The two BM25 engines rank and score alike; engine choice; bulk tokenizing; the passage store."""

from __future__ import annotations

import json
import random
import textwrap
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import pytest

from index import bulk, ranking
from index.bm25s_engine import Bm25sEngine
from index.bulk import count_terms, tokenize_passages
from index.passage_index import Analyzer, PassageIndex, build_index
from index.passage_store import PassageStore
from index.passages import Passage
from index.ranking import RankBM25Engine, choose_engine, lucene_idf, top_k
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTICLE = REPO_ROOT / "corpus" / "article.txt"
SQUAD = REPO_ROOT.parent / "shared" / "eval" / "squad-dev-v2.0-public.json"

ARTICLE_QUESTIONS = (
    "Who did Blinken meet in Saudi Arabia?",
    "What did Blinken say about a cease-fire in Gaza?",
    "Where did the Secretary of State travel?",
    "hostages released",
    "Iran's role",
    "What is the capital of Australia?",
    "the of and",
    "Israel Hamas war humanitarian aid",
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    """The data-free analyzer, the same whatever NLTK data this machine has."""
    return Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin"))


def _both(corpus: Path, analyzer: Analyzer) -> tuple[PassageIndex, PassageIndex]:
    small = build_index(corpus, analyzer=analyzer, engine="rank-bm25")
    large = build_index(corpus, analyzer=analyzer, engine="bm25s")
    assert small.engine.name == "rank-bm25"
    assert large.engine.name == "bm25s"
    return small, large


def _assert_same_results(small: PassageIndex, large: PassageIndex, questions: Sequence[str]) -> int:
    """Same scores, IDFs, top passages and answers for every question; returns how many questions matched text."""
    assert small.engine.passage_count == large.engine.passage_count
    assert small.engine.vocabulary_size == large.engine.vocabulary_size
    assert list(small.passages) == list(large.passages)
    matched = 0
    tokenize = small.analyzer.tokenizer.tokenize
    for question in questions:
        terms = tokenize(question)
        for term in terms:
            assert large.engine.idf(term) == pytest.approx(small.engine.idf(term), rel=1e-12), (question, term)
        small_scores = small.engine.scores(terms)
        large_scores = large.engine.scores(terms)
        np.testing.assert_allclose(large_scores, small_scores, rtol=1e-9, atol=1e-12, err_msg=question)
        small_best = top_k(small_scores, 10)
        assert [position for position, _ in top_k(large_scores, 10)] == [position for position, _ in small_best]
        matched += bool(small_best)
        small_answer = small.ask(question)
        large_answer = large.ask(question)
        assert (large_answer.found, large_answer.verdict) == (small_answer.found, small_answer.verdict)
        assert large_answer.confidence == pytest.approx(small_answer.confidence, rel=1e-9)
        assert [ranked.passage for ranked in large_answer.passages] == [
            ranked.passage for ranked in small_answer.passages
        ]
        assert [ranked.quote for ranked in large_answer.passages] == [ranked.quote for ranked in small_answer.passages]
        assert [ranked.score for ranked in large_answer.passages] == pytest.approx(
            [ranked.score for ranked in small_answer.passages], rel=1e-9
        )
    return matched


def test_engines_agree_on_the_bundled_article(analyzer: Analyzer) -> None:
    """rank-bm25 and bm25s give the same scores, ranking and answers on the bundled article."""
    small, large = _both(ARTICLE, analyzer)
    matched = _assert_same_results(small, large, ARTICLE_QUESTIONS)
    assert matched >= len(ARTICLE_QUESTIONS) - 2  # the comparison ran on real rankings, not only empty ones


def test_engines_agree_on_a_squad_article(tmp_path: Path, analyzer: Analyzer) -> None:
    """rank-bm25 and bm25s give the same scores, ranking and answers on a SQuAD article and its questions."""
    # The comparison must run: a missing evaluation file fails the test rather than skipping it.
    assert SQUAD.is_file(), f"SQuAD file absent: {SQUAD} (it belongs in ../shared beside the clone)"
    article = json.loads(SQUAD.read_text(encoding="utf-8"))["data"][0]
    corpus = tmp_path / "article.txt"
    corpus.write_text("\n\n".join(paragraph["context"] for paragraph in article["paragraphs"]), encoding="utf-8")
    questions = [qa["question"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]]
    small, large = _both(corpus, analyzer)
    assert len(small.passages) > 20
    matched = _assert_same_results(small, large, questions)
    assert matched > len(questions) * 0.9


def _synthetic_corpus(folder: Path, documents: int, passages_per_document: int, seed: int) -> tuple[Path, list[str]]:
    """A seeded corpus of made-up words with a skewed (Zipf-like) frequency, and its vocabulary."""
    rng = random.Random(seed)
    syllables = ["ba", "ko", "ri", "tu", "mel", "san", "dor", "vi", "que", "lo", "pra", "zen"]
    vocabulary = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(3000)})
    rng.shuffle(vocabulary)
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    folder.mkdir(parents=True)
    for number in range(documents):
        paragraphs = []
        for _ in range(passages_per_document):
            words = rng.choices(vocabulary, weights=weights, k=rng.randint(40, 80))
            paragraphs.append(" ".join(words[:30]).capitalize() + ". " + " ".join(words[30:]).capitalize() + ".")
        (folder / f"doc{number:02d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return folder, vocabulary


def test_engines_agree_on_a_synthetic_corpus(tmp_path: Path, analyzer: Analyzer) -> None:
    """rank-bm25 and bm25s give the same scores, ranking and answers on a seeded synthetic corpus."""
    corpus, vocabulary = _synthetic_corpus(tmp_path / "synthetic", documents=6, passages_per_document=250, seed=11)
    rng = random.Random(5)
    questions = [" ".join(rng.choices(vocabulary[:400], k=rng.randint(3, 8))) + "?" for _ in range(60)]
    small, large = _both(corpus, analyzer)
    assert len(small.passages) == 1500
    matched = _assert_same_results(small, large, questions)
    assert matched == len(questions)


def test_score_matrix_matches_bm25s_own_index(analyzer: Analyzer) -> None:
    """The numpy-built matrix scores like bm25s's own `index()` with its Lucene method."""
    text = ARTICLE.read_text(encoding="utf-8")
    passage_terms = [analyzer.tokenizer.tokenize(line) for line in text.splitlines() if line.strip()]
    ours = Bm25sEngine.from_passage_terms(passage_terms, k1=1.2, b=0.75)
    theirs = bm25s.BM25(k1=1.2, b=0.75, method="lucene", dtype="float64")
    theirs.index(passage_terms, show_progress=False)
    for question in ARTICLE_QUESTIONS[:5]:
        terms = list(dict.fromkeys(analyzer.tokenizer.tokenize(question)))
        known = [term for term in terms if term in theirs.vocab_dict]
        assert known, question
        np.testing.assert_allclose(ours.scores(terms), theirs.get_scores(known), rtol=1e-9, atol=1e-12)


def test_bm25s_engine_hand_computed_tiny_corpus() -> None:
    """Two passages: Lucene IDF stays positive and scores match the formula by hand."""
    engine = Bm25sEngine.from_passage_terms([["gaza", "truce"], ["gaza", "gaza", "aid", "talk"]], k1=1.2, b=0.75)
    assert engine.idf("gaza") == pytest.approx(lucene_idf(2, 2)) == pytest.approx(np.log(1 + 0.5 / 2.5))
    assert engine.idf("unknown") == pytest.approx(lucene_idf(2, 0))
    average = 3.0
    expected_first = lucene_idf(2, 1) * 1 / (1 + 1.2 * (1 - 0.75 + 0.75 * 2 / average))
    expected_second = lucene_idf(2, 2) * 2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 4 / average))
    scores = engine.scores(["truce", "truce", "missing"])
    assert scores.tolist() == pytest.approx([expected_first, 0.0])
    assert engine.scores(["gaza"])[1] == pytest.approx(expected_second)
    assert engine.scores([]).tolist() == [0.0, 0.0]


def test_choose_engine_by_size_and_setting() -> None:
    """ "auto" picks rank-bm25 below the threshold and bm25s from it on; a forced engine always wins."""
    threshold = ranking.AUTO_BM25S_MIN_PASSAGES
    assert choose_engine("auto", 1) == "rank-bm25"
    assert choose_engine("auto", threshold - 1) == "rank-bm25"
    assert choose_engine("auto", threshold) == "bm25s"
    assert choose_engine("rank-bm25", threshold * 100) == "rank-bm25"
    assert choose_engine("bm25s", 1) == "bm25s"
    with pytest.raises(ValueError):
        choose_engine("lucene", 10)  # type: ignore[arg-type]


def test_build_index_auto_follows_the_threshold(
    tmp_path: Path, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build_index with engine="auto" builds rank-bm25 for a small corpus and bm25s past the threshold."""
    corpus, _ = _synthetic_corpus(tmp_path / "synthetic", documents=2, passages_per_document=20, seed=3)
    assert build_index(corpus, analyzer=analyzer).engine.name == "rank-bm25"
    monkeypatch.setattr(ranking, "AUTO_BM25S_MIN_PASSAGES", 40)
    large = build_index(corpus, analyzer=analyzer)
    assert large.engine.name == "bm25s"
    assert isinstance(large.passages, PassageStore)
    monkeypatch.setattr(ranking, "AUTO_BM25S_MIN_PASSAGES", 41)
    assert build_index(corpus, analyzer=analyzer).engine.name == "rank-bm25"


def test_worker_processes_count_terms_like_one_process(
    tmp_path: Path, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tokenizing in worker processes gives exactly the counts, and the score matrix, of one process."""
    corpus, _ = _synthetic_corpus(tmp_path / "synthetic", documents=1, passages_per_document=300, seed=8)
    texts = [part for part in corpus.joinpath("doc00.txt").read_text(encoding="utf-8").split("\n\n") if part.strip()]
    monkeypatch.setattr(bulk, "PARALLEL_MIN_PASSAGES", 10)
    monkeypatch.setattr(bulk, "CHUNK_PASSAGES", 70)
    parallel = tokenize_passages(texts, analyzer.tokenizer, workers=2)
    in_process = tokenize_passages(texts, analyzer.tokenizer, workers=1)
    assert parallel.vocabulary == in_process.vocabulary
    for name in ("lengths", "pair_passages", "pair_terms", "pair_counts"):
        np.testing.assert_array_equal(getattr(parallel, name), getattr(in_process, name), err_msg=name)
    assert int(parallel.lengths.sum()) == int(parallel.pair_counts.sum()) > 0
    # One chunk numbers terms in another order; the matrix, by term, is the same.
    whole = count_terms([analyzer.tokenizer.tokenize(text) for text in texts])
    assert whole.vocabulary == parallel.vocabulary
    parallel_matrix = Bm25sEngine.from_counts(parallel).matrix
    whole_matrix = Bm25sEngine.from_counts(whole).matrix
    np.testing.assert_array_equal(parallel_matrix.indptr, whole_matrix.indptr)
    np.testing.assert_array_equal(parallel_matrix.indices, whole_matrix.indices)
    np.testing.assert_allclose(parallel_matrix.data, whole_matrix.data, rtol=1e-15)


def test_rank_bm25_engine_and_bm25s_agree_with_empty_passages() -> None:
    """A passage with no terms scores zero in both engines and doesn't break either."""
    passage_terms = [["alpha", "beta"], [], ["beta", "beta", "gamma"]]
    small = RankBM25Engine(passage_terms)
    large = Bm25sEngine.from_passage_terms(passage_terms)
    for query in (["beta"], ["alpha", "gamma"], ["delta"]):
        np.testing.assert_allclose(large.scores(query), small.scores(query), rtol=1e-12, atol=1e-15)
    assert large.scores(["beta"])[1] == 0.0


def test_passage_store_round_trip() -> None:
    """A packed store gives back the same passages, by position, negative position and slice."""
    passages = [
        Passage("a.txt", 1, 0, 11, "First one ✓"),
        Passage("a.txt", 2, 13, 26, "Second: “quoted”"[:13]),
        Passage("b.md", 1, 0, 5, "Héllo"),
    ]
    store = PassageStore.from_passages(passages, ["a.txt", "empty.txt", "b.md"], [0, 2, 2])
    assert len(store) == 3
    assert list(store) == passages
    assert store[-1] == passages[-1]
    assert store[1:] == passages[1:]
    with pytest.raises(IndexError):
        store[3]


def test_tokenizing_workers_run_at_a_lower_priority(run_python) -> None:
    """A worker lowers its own CPU priority, so a reindex leaves the cores to the bot answering meanwhile."""
    code = textwrap.dedent(
        """
        import os
        from index import bulk
        before = os.nice(0)
        bulk._set_worker_tokenizer(None)
        print(os.nice(0) - before)
        """
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == bulk.WORKER_NICENESS > 0
