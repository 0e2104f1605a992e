"""Answers: the best passages, their quotes, and whether to answer at all.

A raw BM25 score isn't comparable across questions, so the decision to
answer rests on a normalized confidence: the share of the question's IDF
mass that the best passage matches. A question about a topic the corpus
doesn't cover is made of terms that are rare or absent in it, so little of
its mass is matched; a question made only of stopwords has no mass at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from index.passages import Passage

DEFAULT_TOP_K = 3
DEFAULT_MIN_CONFIDENCE = 0.35
MAX_QUESTION_CHARS = 1000

Verdict = Literal["answered", "no-terms", "not-covered"]


@dataclass(frozen=True, slots=True)
class RankedPassage:
    """A passage picked for a question, with the sentences that answer it."""

    passage: Passage
    title: str
    """Title of the passage's document."""
    passage_total: int
    """How many passages the document has, for "passage n of m"."""
    score: float
    quote_start: int
    """Offset of the quote in `passage.text`."""
    quote_end: int

    @property
    def quote(self) -> str:
        return self.passage.text[self.quote_start : self.quote_end]

    def to_json(self) -> dict[str, Any]:
        passage = self.passage
        return {
            "doc": passage.doc_id,
            "title": self.title,
            "passage": passage.ordinal,
            "start": passage.start,
            "end": passage.end,
            "text": passage.text,
            "quote": self.quote,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """What quotebot says to a question."""

    question: str
    found: bool
    verdict: Verdict
    confidence: float
    """Share of the question's IDF mass matched by the best passage, 0 to 1."""
    passages: tuple[RankedPassage, ...]
    """The answering passages, best first; empty when nothing answers."""
    hint: RankedPassage | None = None
    """When nothing answers: the closest passage, if any matched at all."""

    def to_json(self) -> dict[str, Any]:
        """The public JSON form printed by `quotebot ask --json`."""
        return {
            "question": self.question,
            "found": self.found,
            "confidence": round(self.confidence, 4),
            "passages": [ranked.to_json() for ranked in self.passages],
        }


def confidence(question_weights: dict[str, float], passage_terms: frozenset[str]) -> float:
    """Share of the question's IDF mass (term -> IDF) found in a passage."""
    total = sum(question_weights.values())
    if total <= 0:
        return 0.0
    matched = sum(weight for term, weight in question_weights.items() if term in passage_terms)
    return matched / total


def best_quote(
    question_weights: dict[str, float],
    sentences: list[tuple[int, int, frozenset[str]]],
) -> tuple[int, int]:
    """The span of the sentence that matches most of the question's IDF mass.

    `sentences` are `(start, end, terms)` in passage order. A tie goes to the
    earlier sentence. The next sentence is added when it matches question
    terms the best one lacks, since answers often straddle two sentences.
    """
    if not sentences:
        return 0, 0

    def mass(terms: frozenset[str]) -> float:
        return sum(weight for term, weight in question_weights.items() if term in terms)

    masses = [mass(terms) for _, _, terms in sentences]
    best = max(range(len(sentences)), key=lambda number: (masses[number], -number))
    start, end, terms = sentences[best]
    if best + 1 < len(sentences):
        next_start, next_end, next_terms = sentences[best + 1]
        if mass(next_terms - terms) > 0.5 * masses[best]:
            end = next_end
    return start, end
