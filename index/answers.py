"""Answers: the best passages, their quotes, and whether to answer at all.

Ranking. BM25 ranks the passages; its best `RERANK_DEPTH` candidates are then
re-ranked by how well a single sentence answers the question, because an
answer usually sits in one sentence that holds most of the question's terms,
while BM25 over a whole passage rewards terms scattered across it:

    score = bm25 + SENTENCE_WEIGHT * best_sentence_evidence
                 + SENTENCE_BM25_WEIGHT * best_sentence_bm25 + PHRASE_WEIGHT * phrase_mass

`best_sentence_evidence` is the evidence mass (square root of IDF, as for
the confidence below) of the question terms found in the passage's best
sentence; `best_sentence_bm25` is the best BM25 score of a sentence taken as
a document of its own (same IDF, k1 and b, lengths against the mean sentence
length of the candidates), so a short sentence holding the question's terms
beats a long one that holds them by chance; `phrase_mass` is, for each pair
of consecutive question terms that also stand side by side in a sentence of
the passage, the smaller IDF of the two. The final score is a pure,
deterministic function of the BM25 scores, the engine's IDF and the
passages' sentences: any BM25 engine that agrees on those ranks the same way.

Refusing. A raw BM25 score isn't comparable across questions, so the decision
to answer rests on a normalized confidence in [0, 1]: the share of the
question's evidence mass that the best passage matches, where each term
weighs the square root of its IDF. A question about a topic the corpus
doesn't cover is made of terms that are rare or absent in it, so little of
its mass is matched; a question made only of stopwords, punctuation or emoji
has no terms and no mass at all. The square root tempers IDF, which on a
small corpus is coarse: with linear IDF one rare word decides alone, and
generic words that miss (a paraphrase's "called", "known") barely count.

The terms a passage matches are counted in its best window of consecutive
sentences about a short paragraph long (`EVIDENCE_WINDOW_CHARS`), with its
heading path: a long section holds many words, and would otherwise match
much of an on-topic question it doesn't answer.

Given the question's names and the best passage's BM25 score, the confidence
tells a paraphrase from another topic better. A name (a word capitalized
inside the question: "Kublai", "NSFNET") weighs `NAME_WEIGHT` times as much:
a passage that lacks a name the question asks about is likely about
something else, while a missing common word is often just a paraphrase. And
the confidence becomes the mean of that share and `bm25_share`, the BM25
score against the score of a passage that holds each question term once:
with linear IDF and term frequency, it credits a passage that is about the
question's rare terms rather than mentioning its common ones in passing.
For that share the passage's BM25 counts at most as if the passage were of
average length (`average_length_bm25`): brevity helps a passage rank, but a
heading and one line sharing a word with the question are no surer an answer.

Quoting. The quote is the passage's best sentence by the same sentence score,
extended by the next sentence when that one adds question terms the best
one lacks, since answers often straddle two sentences.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from index.errors import QuestionError
from index.passages import Passage
from index.ranking import DEFAULT_B, DEFAULT_K1

DEFAULT_TOP_K = 3
# On SQuAD 2.0 dev (benchmarks/quality.py) this answers 96% of the questions an
# article answers and refuses 87% of the other articles' questions.
DEFAULT_MIN_CONFIDENCE = 0.35
MAX_QUESTION_CHARS = 1000
# How many of BM25's best passages the sentence-level re-ranking looks at.
RERANK_DEPTH = 10
SENTENCE_WEIGHT = 1.0
SENTENCE_BM25_WEIGHT = 0.5
PHRASE_WEIGHT = 0.5
# What a corrected question word weighs, against its term's IDF: a guess counts less than what was typed.
CORRECTION_WEIGHT = 0.5
# How many times a name weighs what a common word of the same IDF weighs in the confidence.
NAME_WEIGHT = 2.0
# The part of the confidence that `bm25_share` makes up when the BM25 score is known.
BM25_SHARE_WEIGHT = 0.5
# The question terms a passage matches are counted in its best window of consecutive sentences
# this long (about a short paragraph), so that a long section doesn't match a question's words
# only because it holds many words: the confidence means the same in a paragraph and a section.
EVIDENCE_WINDOW_CHARS = 500

# What the question terms of the sentence before a quote (in its paragraph) weigh towards choosing it, against
# the quote's own: in documentation a sentence often sets the scene ("If you are using Windows, ... may not work")
# and the next one answers ("A quick solution may be to ...").
CONTEXT_WEIGHT = 0.5

# A sentence holding the kind of answer the question wants ("when" -> a date) counts this much more.
ANSWER_TYPE_BONUS = 0.2
# A quote that ends with a colon runs on through the list items after it, this many at most, and no longer than this.
LEAD_IN_ITEMS = 6
LEAD_IN_CHARS = 600

Verdict = Literal["answered", "no-terms", "not-covered"]


@dataclass(frozen=True, slots=True)
class SentenceTerms:
    """A sentence of a passage with its index terms."""

    start: int
    """Offset of the sentence in the passage's text."""
    end: int
    terms: tuple[str, ...]
    """The sentence's terms in order, repeats kept."""
    term_set: frozenset[str]
    quotable: bool = True
    """False for a heading: its words count when ranking, but a quote is never a lone heading."""
    group: int = 0
    """Sentences of one paragraph share a group: a quote runs on to the next sentence only within it."""
    answer_types: frozenset[str] = frozenset()
    """The kinds of answer the sentence holds (see `index.answer_types`)."""
    kind: str = "sentence"
    """What the unit is: a "sentence" of a paragraph, a list "item", a table "row", a "heading"..."""
    lead_in: bool = False
    """Whether the sentence ends with a colon ("This command does the following:"): the list after it is its point."""

    @classmethod
    def of(
        cls,
        start: int,
        end: int,
        terms: Sequence[str],
        *,
        quotable: bool = True,
        group: int = 0,
        answer_types: frozenset[str] = frozenset(),
        kind: str = "sentence",
        lead_in: bool = False,
    ) -> SentenceTerms:
        return cls(start, end, tuple(terms), frozenset(terms), quotable, group, answer_types, kind, lead_in)

    def evidence_factor(self, wanted: str | None) -> float:
        """How much more the sentence's evidence counts when it holds the kind of answer wanted."""
        return 1.0 + ANSWER_TYPE_BONUS if wanted is not None and wanted in self.answer_types else 1.0


@dataclass(frozen=True, slots=True)
class RankedPassage:
    """A passage picked for a question, with the sentences that answer it."""

    passage: Passage
    title: str
    """Title of the passage's document."""
    passage_total: int
    """How many passages the document has, for "passage n of m"."""
    score: float
    """The re-ranked score that orders the passages (BM25 plus the best sentence's evidence)."""
    quote_start: int
    """Offset of the quote in `passage.text`."""
    quote_end: int
    bm25: float | None = None
    """The passage's raw BM25 score for the question, before re-ranking."""
    source_url: str | None = None
    """The web page the passage's document was fetched from, if it was."""
    section: str = ""
    """The heading path of the passage's Markdown section ("Configuration › search"), "" if none."""
    markdown: bool = False
    """Whether the passage's document is Markdown, whose inline markup a reader shouldn't see."""
    opening: str = ""
    """The lines that open the table, code block or callout the passage starts inside, if it does (they are
    read before it, never shown: see `index.markdown.block_openings`)."""

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
            "bm25": None if self.bm25 is None else round(self.bm25, 6),
            "section": self.section,
            **({"source_url": self.source_url} if self.source_url else {}),
        }


@dataclass(frozen=True, slots=True)
class Correction:
    """A question word the index doesn't hold, and the close word searched for instead."""

    typed: str
    """The word as the question has it, case-folded ("blinkin")."""
    searched: str
    """The word searched for, as the top passage spells it when it holds it ("Blinken"), else the index term."""


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
    corrections: tuple[Correction, ...] = ()
    """Question words that were misspelt, by what was searched for instead."""

    @property
    def searched_for(self) -> str:
        """ "Searched for **Blinken**" (Discord Markdown) when a question word was corrected, else ""."""
        if not self.corrections:
            return ""
        return "Searched for " + ", ".join(f"**{correction.searched}**" for correction in self.corrections)

    def to_json(self) -> dict[str, Any]:
        """The public JSON form printed by `quotebot ask --json`."""
        return {
            "question": self.question,
            "found": self.found,
            "verdict": self.verdict,
            "confidence": round(self.confidence, 4),
            "passages": [ranked.to_json() for ranked in self.passages],
            "corrected": [{"typed": item.typed, "searched": item.searched} for item in self.corrections],
        }


def checked_question(question: str) -> str:
    """The question, stripped. Raises `QuestionError` when it is empty or absurdly long."""
    question = question.strip()
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is too long ({len(question)} characters; the limit is {MAX_QUESTION_CHARS})")
    return question


def evidence_weight(idf: float) -> float:
    """How much a question term counts towards the confidence: the square root of its IDF."""
    return math.sqrt(max(idf, 0.0))


def confidence(
    question_weights: dict[str, float],
    passage_terms: frozenset[str],
    *,
    name_terms: frozenset[str] = frozenset(),
    bm25: float | None = None,
    k1: float = DEFAULT_K1,
    credit: dict[str, float] | None = None,
) -> float:
    """How surely a passage answers a question, 0 to 1.

    `question_weights` maps each distinct question term to its IDF; each term
    weighs `evidence_weight(idf)`, times `NAME_WEIGHT` for the `name_terms`
    (see `Tokenizer.name_terms`). Without `bm25`, the confidence is the share
    of that mass found in `passage_terms`; with the passage's BM25 score
    (the engine's, with its `k1`), it is the weighted mean of that share and
    `bm25_share`.

    `credit` gives the share of its weight a term earns when matched (1 when
    absent): a misspelt word's correction is a guess, matched at
    `CORRECTION_WEIGHT`, so a question about something else that merely has a
    word close to one of the corpus's isn't answered on its strength.
    """
    evidence = {
        term: evidence_weight(idf) * (NAME_WEIGHT if term in name_terms else 1.0)
        for term, idf in question_weights.items()
    }
    total = sum(evidence.values())
    if total <= 0:
        return 0.0
    credited = {term: weight * (credit or {}).get(term, 1.0) for term, weight in evidence.items()}
    share = matched_mass(credited, passage_terms) / total
    if bm25 is None:
        return share
    return (1.0 - BM25_SHARE_WEIGHT) * share + BM25_SHARE_WEIGHT * bm25_share(bm25, question_weights, k1)


def evidence_windows(
    sentences: Sequence[SentenceTerms], context_terms: frozenset[str], max_chars: int = EVIDENCE_WINDOW_CHARS
) -> list[frozenset[str]]:
    """The terms of each window of consecutive sentences at most `max_chars` long, with `context_terms`.

    Every sentence starts a window, which takes the following sentences while they fit; a
    sentence longer than `max_chars` is a window alone. `context_terms` (the passage's
    heading path) belong to every window: a section's title speaks for all its text.
    """
    windows: list[frozenset[str]] = []
    for first, opening in enumerate(sentences):
        terms = set(context_terms) | opening.term_set
        for following in sentences[first + 1 :]:
            if following.end - opening.start > max_chars:
                break
            terms |= following.term_set
        windows.append(frozenset(terms))
    return windows or [context_terms]


def average_length_bm25(question_weights: dict[str, float], term_counts: Counter[str], k1: float = DEFAULT_K1) -> float:
    """A passage's BM25 score as if it were of average length: brevity ranks a passage, it doesn't prove an answer.

    A one-line passage that holds a question word scores several times what a
    paragraph holding it does, which would make a short heading-and-line
    section look like an answer to any question sharing a word with it.
    """
    return sum(
        max(idf, 0.0) * term_counts[term] / (term_counts[term] + k1)
        for term, idf in question_weights.items()
        if term_counts[term]
    )


def bm25_share(bm25: float, question_weights: dict[str, float], k1: float = DEFAULT_K1) -> float:
    """A passage's BM25 score against that of a passage holding each question term once, at most 1.

    In Lucene's BM25 without the (k1 + 1) factor, a term found once in a
    passage of average length scores idf / (1 + k1): such a passage scores
    the sum of those. A passage that repeats the rare terms, or is short,
    scores more, and is counted as 1.
    """
    attainable = sum(max(idf, 0.0) for idf in question_weights.values()) / (1.0 + k1)
    if attainable <= 0:
        return 0.0
    return min(max(bm25, 0.0) / attainable, 1.0)


def matched_mass(weights: dict[str, float], terms: frozenset[str]) -> float:
    """Sum of the weights of the question terms that are in `terms`."""
    return sum(weight for term, weight in weights.items() if term in terms)


def word_mass(weights: dict[str, float], words: Sequence[tuple[str, ...]], terms: frozenset[str]) -> float:
    """The weight of the question words that `terms` hold: a word of several terms counts once, by its heaviest found.

    `words` are the question's words as their terms: "setup.py" is ("setup.py", "setup", "py"), and a sentence
    naming `setup.py` matches one question word, not three. A term of `weights` in no word counts alone.
    """
    total = 0.0
    grouped: set[str] = set()
    for word in words:
        found = [weights.get(term, 0.0) for term in word if term in terms and term not in grouped]
        grouped.update(word)
        if found:
            total += max(found)
    return total + sum(weight for term, weight in weights.items() if term in terms and term not in grouped)


def phrase_mass(
    question_terms: Sequence[str],
    weights: dict[str, float],
    sentences: Sequence[SentenceTerms],
    words: Sequence[tuple[str, ...]] = (),
) -> float:
    """For each pair of consecutive question terms found side by side in a sentence, the smaller weight.

    Two terms of one of the question's `words` ("main.html" and "main") are no phrase: they are one word.
    """
    same_word = {frozenset(pair) for word in words for pair in itertools.combinations(word, 2)}
    pairs = {frozenset(pair) for pair in itertools.pairwise(question_terms) if pair[0] != pair[1]} - same_word
    found: set[frozenset[str]] = set()
    for sentence in sentences:
        for pair in itertools.pairwise(sentence.terms):
            key = frozenset(pair)
            if key in pairs:
                found.add(key)
    return sum(min(weights.get(term, 0.0) for term in pair) for pair in found)


def sentence_bm25(weights: dict[str, float], sentence: SentenceTerms, average_terms: float) -> float:
    """Lucene BM25 (without the (k1 + 1) factor) of one sentence taken as a document.

    `weights` maps each distinct question term to its IDF; `average_terms` is
    the mean sentence length, in terms, the sentence's length is compared with.
    """
    counts = Counter(term for term in sentence.terms if term in weights)
    if not counts:
        return 0.0
    length_norm = DEFAULT_K1 * (1.0 - DEFAULT_B + DEFAULT_B * len(sentence.terms) / average_terms)
    return sum(weights[term] * count / (count + length_norm) for term, count in counts.items())


def passage_score(
    bm25: float,
    question_terms: Sequence[str],
    weights: dict[str, float],
    sentences: Sequence[SentenceTerms],
    average_sentence_terms: float,
    wanted: str | None = None,
    words: Sequence[tuple[str, ...]] = (),
) -> float:
    """The re-ranking score of a passage: BM25 plus its best sentence's evidence and BM25, and its phrases' mass.

    A sentence's evidence counts `ANSWER_TYPE_BONUS` more when it holds the `wanted` kind of answer; each of the
    question's `words` counts once in it (see `word_mass`).
    """
    evidence = {term: evidence_weight(idf) for term, idf in weights.items()}
    best_evidence = max(
        (word_mass(evidence, words, sentence.term_set) * sentence.evidence_factor(wanted) for sentence in sentences),
        default=0.0,
    )
    best_bm25 = max((sentence_bm25(weights, sentence, average_sentence_terms) for sentence in sentences), default=0.0)
    return (
        bm25
        + SENTENCE_WEIGHT * best_evidence
        + SENTENCE_BM25_WEIGHT * best_bm25
        + PHRASE_WEIGHT * phrase_mass(question_terms, weights, sentences, words)
    )


def rerank(
    candidates: Sequence[tuple[int, float]],
    question_terms: Sequence[str],
    weights: dict[str, float],
    sentences_of: Callable[[int], Sequence[SentenceTerms]],
    wanted: str | None = None,
    words: Sequence[tuple[str, ...]] = (),
) -> list[tuple[int, float]]:
    """`(position, BM25 score)` candidates as `(position, final score)`, best first; ties by position.

    A passage with nothing to quote (a heading over a code block, a synopsis) comes after every passage with
    a sentence, list item or table row: it shows how to type a command, not what it does, and an answer is a quote.
    """
    sentences = {position: sentences_of(position) for position, _ in candidates}
    lengths = [len(sentence.terms) for passage in sentences.values() for sentence in passage]
    # The candidates' own mean sentence length: a function of the BM25 ranking alone, so every engine agrees.
    average = max(sum(lengths) / len(lengths), 1.0) if lengths else 1.0
    scored = [
        (position, passage_score(bm25, question_terms, weights, sentences[position], average, wanted, words))
        for position, bm25 in candidates
    ]
    quotable = {position for position, passage in sentences.items() if any(unit.quotable for unit in passage)}
    return sorted(scored, key=lambda item: (item[0] not in quotable, -item[1], item[0]))


def best_quote(
    question_weights: dict[str, float],
    sentences: Sequence[SentenceTerms],
    wanted: str | None = None,
    words: Sequence[tuple[str, ...]] = (),
) -> tuple[int, int]:
    """The span of the sentence that best answers the question: it matches most of its IDF mass.

    Each of the question's `words` counts once (see `word_mass`).

    `sentences` are in passage order; only quotable ones (not headings) are
    chosen. A sentence's score is the mass of the question terms it holds,
    plus `CONTEXT_WEIGHT` times the mass of those that only the sentence before
    it in its paragraph holds: that one often states the case, and the next
    one answers it. A tie goes to the earlier sentence.

    Answers often straddle two sentences, so a neighbour of the same paragraph
    joins the quote when it holds question terms the best sentence lacks worth
    more than half the best one's mass: the sentence before it first, else the
    one after.
    """
    quotable = [number for number, sentence in enumerate(sentences) if sentence.quotable]
    if not quotable:
        return 0, 0
    masses = {number: word_mass(question_weights, words, sentences[number].term_set) for number in quotable}

    def neighbour(number: int, step: int) -> SentenceTerms | None:
        """The sentence before (step -1) or after (+1) sentence `number` in its paragraph, if it is quotable."""
        other = number + step
        if not 0 <= other < len(sentences):
            return None
        candidate = sentences[other]
        return candidate if candidate.quotable and candidate.group == sentences[number].group else None

    def added_mass(number: int, step: int) -> float:
        """The mass of the question terms that sentence `number`'s neighbour holds and it lacks."""
        other = neighbour(number, step)
        return 0.0 if other is None else word_mass(question_weights, words, other.term_set - sentences[number].term_set)

    def score(number: int) -> tuple[float, int]:
        # The kind of answer wanted tips the choice; the run-on test below uses the plain masses.
        own = masses[number] + CONTEXT_WEIGHT * added_mass(number, -1)
        return own * sentences[number].evidence_factor(wanted), -number

    best = max(quotable, key=score)
    start, last = sentences[best].start, best
    previous, following = neighbour(best, -1), neighbour(best, 1)
    if previous is not None and added_mass(best, -1) > 0.5 * masses[best]:
        start = previous.start
    elif following is not None and added_mass(best, 1) > 0.5 * masses[best]:
        last = best + 1
    return start, with_its_list(sentences, last, start)


def with_its_list(sentences: Sequence[SentenceTerms], number: int, start: int) -> int:
    """Where a quote from `start` to the end of sentence `number` ends: a lead-in's list runs on with it.

    "This command does the following:" says nothing without the items after it, so the quote takes them, up to
    `LEAD_IN_ITEMS` items and `LEAD_IN_CHARS` characters from `start`.
    """
    end = sentences[number].end
    if not sentences[number].lead_in:
        return end
    for item in sentences[number + 1 : number + 1 + LEAD_IN_ITEMS]:
        if item.kind != "item" or item.end - start > LEAD_IN_CHARS:
            break
        end = item.end
    return end
