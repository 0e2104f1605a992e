"""Typo tolerance: a question term missing from the index matches a close term of its vocabulary.

A question word of 4 to 7 letters may be one edit away from the term it
meant, a longer one two edits (an edit: a letter inserted, deleted, replaced,
or two neighbours swapped, as in "sectoin"; rapidfuzz's optimal string
alignment distance). Terms are compared as the index stores them, stemmed,
and the letters counted are the stem's: "visitors" is the 7-letter "visitor",
one edit from a typo, not two from "visit". Only words of letters alone are
corrected, and the first letter is kept: a typo seldom hits it, while a word
that differs there is usually another word ("hood" and "good", "math" and
"path"). Of the terms at the smallest distance, the one in the most passages
wins. A word that is in the vocabulary, or a stopword, is never rewritten.

A real English word the documents happen to lack is no typo either: "under
the hood" isn't about a "hook", nor a "landing page" about "lang", nor a
"team" about a "term". Such a word only finds another form of itself, a term
it begins or that begins it: "African" finds "Africa", "colonize" (stem
"colon") finds "colony" ("coloni"), or a British or American spelling of it:
"behavior" finds "behaviour". The words known are those of
symspellpy's English frequency dictionary (82,765 words from Google Books
n-grams, checked against SCOWL), read once from the installed package.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Container, Iterable
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_WORD_LETTERS = 4
LONG_WORD_LETTERS = 8
"""From this many letters on, a word may be two edits away; shorter ones one edit."""
# Corrections remembered per index: a question repeated in a channel isn't searched again.
_CACHE_SIZE = 4096


_ENGLISH_DICTIONARY = "frequency_dictionary_en_82_765.txt"


@functools.cache
def english_words() -> frozenset[str]:
    """The lower-case words of symspellpy's English frequency dictionary, read once (about 0.1 s).

    Empty, so every unknown word may be a typo, if the package's file can't be found.
    """
    spec = importlib.util.find_spec("symspellpy")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / _ENGLISH_DICTIONARY
        if path.is_file():
            with path.open(encoding="utf-8") as lines:
                return frozenset(line.split(" ", 1)[0].casefold() for line in lines if line.strip())
    return frozenset()


# British spellings and their American forms, as stems show them: "behaviour", "organis(ation)", "centr(e)".
_BRITISH_SPELLINGS = (
    (re.compile(r"(?<=[a-z]{2})our"), "or"),  # not "four" or "tour"
    (re.compile(r"is(?=a|e|i|$)"), "iz"),
    (re.compile(r"ys(?=e|i|$)"), "yz"),
    (re.compile(r"tre?$"), "ter"),
    (re.compile(r"enc(?=e|$)"), "ens"),
)


def american(term: str) -> str:
    """A stem with British spellings made American: "behaviour" -> "behavior", "organis" -> "organiz"."""
    for pattern, replacement in _BRITISH_SPELLINGS:
        term = pattern.sub(replacement, term)
    return term


def another_form(term: str, other: str) -> bool:
    """Whether two stems are forms of one word: one begins the other, or they are spelt alike but for British forms."""
    return other.startswith(term) or term.startswith(other) or american(term) == american(other)


def allowed_edits(term: str) -> int:
    """How many edits a typed word's term may be from what it meant: 0 under 4 letters, 1 up to 7, 2 from 8."""
    letters = len(term)
    if letters < MIN_WORD_LETTERS:
        return 0
    return 1 if letters < LONG_WORD_LETTERS else 2


class TypoCorrector:
    """Finds the vocabulary term closest to an unknown term. Built lazily, safe to share between threads."""

    def __init__(
        self,
        vocabulary: Callable[[], Iterable[str]],
        frequency: Callable[[str], int],
        known_words: Callable[[], Container[str]] = english_words,
    ) -> None:
        """`vocabulary` and `frequency` give the index's terms and how many passages hold each; `known_words`
        the words that are spelt right even when the index lacks them (English by default)."""
        self._vocabulary = vocabulary
        self._frequency = frequency
        self._known_words = known_words
        self._by_length: dict[tuple[int, str], list[str]] | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, int, bool], str | None] = OrderedDict()

    def _buckets(self) -> dict[tuple[int, str], list[str]]:
        """Alphabetic vocabulary terms by length and first letter: a term is compared only with those in reach."""
        with self._lock:
            if self._by_length is None:
                by_length: dict[tuple[int, str], list[str]] = {}
                for term in self._vocabulary():
                    if term.isalpha():
                        by_length.setdefault((len(term), term[0]), []).append(term)
                self._by_length = by_length
            return self._by_length

    def correct(self, word: str, term: str) -> str | None:
        """The vocabulary term close to `term`, the term of the question word `word` the vocabulary lacks, or None."""
        edits = allowed_edits(term)
        if edits <= 0 or not word.isalpha() or not term.isalpha():
            return None
        known = word.casefold() in self._known_words()
        key = (term, edits, known)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        buckets = self._buckets()
        best: tuple[int, int, str] | None = None  # (distance, -passages, term): smallest is best
        for length in range(max(1, len(term) - edits), len(term) + edits + 1):
            candidates = buckets.get((length, term[0]))
            if not candidates:
                continue
            for choice, distance, _ in process.extract(
                term, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None
            ):
                if known and not another_form(term, choice):
                    continue  # a real word is no typo: only another form of it matches
                ranked = (int(distance), -self._frequency(choice), choice)
                if best is None or ranked < best:
                    best = ranked
        corrected = best[2] if best is not None else None
        with self._lock:
            self._cache[key] = corrected
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return corrected
