"""Answer types: what kind of answer a question wants, which sentences hold one, and how it tips quotes and ranks."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer_types import answer_type, answer_types_in
from index.answers import SentenceTerms, best_quote, rerank
from index.passage_index import Analyzer, build_index
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer


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
        ("Can a nav section have its own page?", "decision"),
        ("yaml Title key isn't picked up. does case matter?", "decision"),
        ("i registered it, but will the plugin run?", "decision"),
        ("Is there a ceasefire deal yet?", "decision"),
        ("how do I make a theme", None),
        ("Who can edit the page?", "person"),
    ],
)
def test_question_words_say_what_kind_of_answer_is_wanted(question: str, wanted: str | None) -> None:
    """when -> a time, how many/much -> a number, who -> a person, where -> a place, yes/no -> what decides it.

    A yes/no question is a clause opening with an auxiliary verb; other questions say nothing.
    """
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
        ("Note that a section cannot have a page assigned to it.", "decision", True),
        ("Registering a plugin doesn't activate it.", "decision", True),
        ("Keys must be lowercase.", "decision", True),
        ("Only the plain language is listed first.", "decision", True),
        ("Sections hold pages and other sections.", "decision", False),
    ],
)
def test_sentences_are_told_by_the_kinds_of_answer_they_hold(sentence: str, kind: str, holds: bool) -> None:
    """A date or weekday is a time, a digit or number word a number, an inner capital a name, 'in Doha' a place.

    A negation, "only" or "must" decides a yes/no question.
    """
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


def test_a_yes_no_question_quotes_the_sentence_that_decides_it(tmp_path: Path) -> None:
    """Two sentences hold "section" and "page"; "can a section have a page?" quotes the one that says it can't."""
    (tmp_path / "nav.md").write_text(
        "# Navigation\n\n"
        "The guide section lists a page for each topic.\n"
        "Note that a section cannot have a page assigned to it.\n",
        encoding="utf-8",
    )
    index = build_index(tmp_path, analyzer=Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin")))
    assert index.ask("what is listed in a section page").passages[0].quote == (
        "The guide section lists a page for each topic."
    )
    answer = index.ask("can a section have a page?")
    assert answer.passages[0].quote == "Note that a section cannot have a page assigned to it."
