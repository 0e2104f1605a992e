"""insights.gaps: grouping unanswered questions by their content stems, on plain strings."""

from __future__ import annotations

import pytest

from index.tokens import Tokenizer
from insights.gaps import answered_share, content_stems, group_questions, jaccard


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer("builtin")


def test_wordings_of_one_question_share_their_stems(tokenizer: Tokenizer) -> None:
    """Case, punctuation, stopwords and word forms don't change a question's key."""
    assert content_stems("How do I deploy to GitHub Pages?", tokenizer) == content_stems(
        "deploying on github pages??", tokenizer
    )
    assert content_stems("How do I deploy to GitHub Pages?", tokenizer) == {"deploy", "github", "page"}


def test_same_stems_group_and_the_most_asked_wording_is_the_example(tokenizer: Tokenizer) -> None:
    """Three wordings of one question make one group of three, shown by its most frequent wording."""
    groups = group_questions(
        ["deploying on github pages??", "How do I deploy to GitHub Pages?", "How do I deploy to GitHub Pages?"],
        tokenizer,
    )
    assert [(group.count, group.example) for group in groups] == [(3, "How do I deploy to GitHub Pages?")]


def test_a_half_overlap_merges_and_less_does_not(tokenizer: Tokenizer) -> None:
    """3 of 5 stems shared joins the bigger group; 1 of 5 stays apart."""
    groups = group_questions(
        [
            "deploy to github pages",
            "deploy to github pages",
            "deploy github pages with a custom domain",  # 3 of 5: joins
            "github login error",  # 1 of 5: its own group
        ],
        tokenizer,
    )
    assert [(group.count, group.example) for group in groups] == [
        (3, "deploy to github pages"),
        (1, "github login error"),
    ]


def test_groups_do_not_drift_through_a_chain_of_overlaps(tokenizer: Tokenizer) -> None:
    """A joins B, and C overlaps what joined but not B's own key: C stays apart."""
    groups = group_questions(
        ["ferry timetable", "ferry timetable", "ferry timetable winter", "timetable winter storm"], tokenizer
    )
    assert sorted(group.count for group in groups) == [1, 3]


def test_questions_without_content_words_group_only_with_exact_repeats(tokenizer: Tokenizer) -> None:
    """'how?' and 'HOW?' group; 'why?' stays apart, and neither joins a real question."""
    groups = group_questions(["how?", "HOW?", "why?", "ferry times"], tokenizer)
    assert sorted((group.count, group.example.casefold()) for group in groups) == [
        (1, "ferry times"),
        (1, "why?"),
        (2, "how?"),
    ]


def test_blank_questions_are_ignored_and_order_is_by_count_then_example(tokenizer: Tokenizer) -> None:
    """Whitespace-only entries don't count; ties sort by example, case-insensitively."""
    groups = group_questions(["  ", "zebra crossing", "Apple pie", "apple pies"], tokenizer)
    assert [(group.count, group.example) for group in groups] == [(2, "Apple pie"), (1, "zebra crossing")]


def test_jaccard_and_answered_share() -> None:
    """The overlap measure and the share have their edge cases pinned."""
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 1.0
    assert answered_share(0, 0) is None
    assert answered_share(3, 4) == 0.75
