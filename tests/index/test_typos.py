"""Typo tolerance: misspelt question words find the word meant; correct and stopword ones are never rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.passage_index import Analyzer, PassageIndex, build_index
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer
from index.typos import TypoCorrector, allowed_edits, another_form, english_words

NEWS = (
    "Blinken met the Saudi foreign minister in Riyadh on Wednesday to discuss the war.\n\n"
    "Hezbollah fired rockets across the border, and Netanyahu said the army would respond.\n\n"
    "The search plugin ignores searches shorter than three letters unless min_search_length is lowered.\n\n"
    "Farmers in the valley planted wheat early because the spring rains came in March.\n"
)


@pytest.fixture
def index(tmp_path: Path) -> PassageIndex:
    (tmp_path / "news.txt").write_text(NEWS, encoding="utf-8")
    return build_index(tmp_path, analyzer=Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin")))


@pytest.mark.parametrize(
    ("question", "typed", "searched", "answer"),
    [
        ("Who is Blinkin?", "blinkin", "Blinken", "Blinken met"),
        ("What did Hezbolla fire?", "hezbolla", "Hezbollah", "Hezbollah fired"),
        ("What did netanyahoo say?", "netanyahoo", "Netanyahu", "Netanyahu said"),
        ("searches shorter than three leters", "leters", "letters", "shorter than three letters"),
    ],
)
def test_misspelt_word_is_corrected(index: PassageIndex, question: str, typed: str, searched: str, answer: str) -> None:
    """A word one edit (two for long words) from a vocabulary word finds it, and the answer says so."""
    result = index.ask(question)
    assert result.found
    assert answer in result.passages[0].passage.text
    assert [(item.typed, item.searched) for item in result.corrections] == [(typed, searched)]
    assert result.searched_for == f"Searched for **{searched}**"
    assert result.to_json()["corrected"] == [{"typed": typed, "searched": searched}]


def test_correctly_spelt_rare_word_is_left_alone(index: PassageIndex) -> None:
    """A word that is in the vocabulary is never rewritten, however rare and close to another word."""
    result = index.ask("Who planted wheat in the valley?")
    assert result.corrections == ()
    assert result.searched_for == ""
    assert "Farmers" in result.passages[0].passage.text


def test_stopwords_and_short_words_are_never_corrected(index: PassageIndex) -> None:
    """A stopword, or a word under four letters, is not a typo of a vocabulary word."""
    result = index.ask("the war")
    assert result.corrections == ()
    assert index.ask("wra").corrections == ()


def test_corrected_word_weighs_less_than_the_exact_word(index: PassageIndex) -> None:
    """The same question scores lower, and is less sure, with a misspelling than spelt right."""
    exact = index.ask("Blinken Riyadh minister")
    misspelt = index.ask("Blinkin Riyadh minister")
    assert misspelt.passages[0].passage == exact.passages[0].passage
    assert misspelt.passages[0].score < exact.passages[0].score
    assert misspelt.confidence < exact.confidence


def test_unrelated_word_is_not_corrected(index: PassageIndex) -> None:
    """A word more edits away than allowed, or one that differs in its first letter, stays as typed."""
    assert index.ask("Who is Blonkinz?").corrections == ()  # two edits from "blinken", a 7-letter word
    assert index.ask("Who is Glinken?").corrections == ()


def test_allowed_edits_by_length() -> None:
    """No edit under 4 letters, one edit for 4 to 7, two from 8 on."""
    assert [allowed_edits("x" * letters) for letters in (3, 4, 7, 8, 12)] == [0, 1, 1, 2, 2]


def test_nearest_then_most_frequent_term_wins() -> None:
    """Of close terms the nearest wins; at equal distance, the term in the most passages."""
    frequency = {"bake": 2, "bide": 7, "bathe": 9, "sections": 1, "sectional": 9, "made": 50}
    # No word is known English here: "bade" is one, but this is about choosing between candidates.
    corrector = TypoCorrector(lambda: list(frequency), lambda term: frequency.get(term, 0), frozenset)
    assert corrector.correct("bade", "bade") == "bide"  # "bake" and "bide" one edit away: the more frequent
    assert corrector.correct("sectionns", "sectionns") == "sections"  # one edit beats two, however frequent
    assert corrector.correct("bade3", "bade3") is None  # not a word of letters


@pytest.fixture
def docs_index(tmp_path: Path) -> PassageIndex:
    (tmp_path / "docs.txt").write_text(
        "Register a hook for each build event.\n\n"
        "The term list names every option.\n\n"
        "Wine from Africa is exported in barrels.\n\n"
        "The study measured the behaviour of crowds.\n",
        encoding="utf-8",
    )
    return build_index(tmp_path, analyzer=Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin")))


@pytest.mark.parametrize("question", ["what happens under the hood?", "can my team see it?"])
def test_a_real_word_the_documents_lack_is_not_a_typo(docs_index: PassageIndex, question: str) -> None:
    """ "hood" is one edit from "hook" and "team" from "term", but both are English words: nothing is corrected."""
    answer = docs_index.ask(question)
    assert answer.corrections == ()
    assert not answer.found


@pytest.mark.parametrize(
    ("question", "typed", "searched", "answer"),
    [
        ("Where is African wine exported?", "african", "Africa", "Wine from Africa"),
        ("What did the study say about the behavior of crowds?", "behavior", "behaviour", "behaviour of crowds"),
    ],
)
def test_a_real_word_finds_another_form_of_itself(
    docs_index: PassageIndex, question: str, typed: str, searched: str, answer: str
) -> None:
    """A known word still finds a form of itself: "African" finds "Africa", "behavior" the British "behaviour"."""
    result = docs_index.ask(question)
    assert result.found
    assert answer in result.passages[0].passage.text
    assert [(item.typed, item.searched) for item in result.corrections] == [(typed, searched)]


def test_english_words_come_from_the_installed_dictionary() -> None:
    """symspellpy's dictionary is found: it knows real words and not their typos."""
    words = english_words()
    assert len(words) > 80_000
    assert {"hood", "team", "landing", "behavior"} <= words
    assert not {"sectoin", "leters", "swtich", "blinkin"} & words


def test_another_form_is_a_prefix_or_a_british_spelling() -> None:
    """Stems that begin one another, or differ only by British spelling, are forms of one word; others aren't."""
    assert another_form("african", "africa") and another_form("colon", "coloni")
    assert (
        another_form("behavior", "behaviour") and another_form("centr", "center") and another_form("defenc", "defens")
    )
    assert not another_form("hood", "hook") and not another_form("team", "term") and not another_form("land", "lang")
    assert not another_form("four", "for")  # "our" is British only after two letters or more
