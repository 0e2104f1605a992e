"""Answer types: what kind of answer a question wants, which sentences hold one, and how it tips quotes and ranks."""

from __future__ import annotations

import pytest

from index.answer_types import answer_type, answer_types_in
from index.answers import SentenceTerms, best_quote, rerank


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("When did the bridge reopen?", "time"),
        ("what year was the plugin API added", "time"),
        ("How many cables were replaced?", "number"),
        ("how much did the repairs cost", "number"),
        ("Who did Blinken meet in Riyadh?", "person"),
        ("Where are indexes saved?", "place"),
        ("What does gh-deploy do?", None),
    ],
)
def test_question_words_say_what_kind_of_answer_is_wanted(question: str, wanted: str | None) -> None:
    """when -> a time, how many/much -> a number, who -> a person, where -> a place; other questions say nothing."""
    assert answer_type(question) == wanted


@pytest.mark.parametrize(
    ("sentence", "kind", "holds"),
    [
        ("Iran fired missiles at Israel on Oct. 1 in the evening.", "time", True),
        ("The bridge reopened on Tuesday.", "time", True),
        ("The bridge reopened after repairs.", "time", False),
        ("Engineers replaced forty-two cables.", "number", True),
        ("Engineers replaced the cables.", "number", False),
        ("The minister met Prince Faisal.", "person", True),
        ("the minister met the prince.", "person", False),
        ("The talks were held in Doha.", "place", True),
        ("The talks were held in secret.", "place", False),
    ],
)
def test_sentences_are_told_by_the_kinds_of_answer_they_hold(sentence: str, kind: str, holds: bool) -> None:
    """A date or weekday is a time, a digit or number word a number, an inner capital a name, 'in Doha' a place."""
    assert (kind in answer_types_in(sentence)) is holds


def test_the_wanted_kind_of_answer_tips_the_quote_between_equal_sentences() -> None:
    """Two sentences matching the same terms: a 'when' question quotes the one with a date."""
    sentences = [
        SentenceTerms.of(0, 30, ["iran", "attack"]),
        SentenceTerms.of(31, 60, ["iran", "attack"], answer_types=frozenset({"time"})),
    ]
    weights = {"iran": 2.0, "attack": 1.0}
    assert best_quote(weights, sentences) == (0, 30)
    assert best_quote(weights, sentences, "time") == (31, 60)


def test_the_wanted_kind_of_answer_tips_the_ranking_between_equal_passages() -> None:
    """Two passages with equal BM25 and equal sentences rank the one holding a date first for a 'when' question."""
    plain = [SentenceTerms.of(0, 30, ["iran", "attack"])]
    dated = [SentenceTerms.of(0, 30, ["iran", "attack"], answer_types=frozenset({"time"}))]
    sentences = {0: plain, 1: dated}
    weights = {"iran": 2.0, "attack": 1.0}
    candidates = [(0, 2.0), (1, 2.0)]
    assert [position for position, _ in rerank(candidates, ["iran", "attack"], weights, sentences.__getitem__)] == [
        0,
        1,
    ]
    ranked = rerank(candidates, ["iran", "attack"], weights, sentences.__getitem__, "time")
    assert [position for position, _ in ranked] == [1, 0]
