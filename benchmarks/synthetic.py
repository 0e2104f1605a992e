"""A deterministic synthetic corpus for the speed benchmark.

Words are made-up syllable strings drawn from a Zipfian distribution over a
fixed vocabulary, so term frequencies look like natural text: a few words in
almost every passage, a long tail in very few. Each passage is one paragraph
of about 60 words in short sentences; documents hold `passages_per_document`
paragraphs separated by blank lines. The same seed always gives the same
corpus, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_VOCABULARY = 50_000
DEFAULT_SEED = 20240601
ZIPF_EXPONENT = 1.07
_ONSETS = (
    "b",
    "br",
    "c",
    "ch",
    "d",
    "dr",
    "f",
    "g",
    "gl",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "qu",
    "r",
    "s",
    "sh",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "z",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou")
_CODAS = ("", "", "n", "r", "s", "l", "m", "nd", "rt", "x")


@dataclass(frozen=True, slots=True)
class SyntheticSpec:
    """What corpus to generate."""

    passages: int
    passages_per_document: int = 1000
    vocabulary: int = DEFAULT_VOCABULARY
    seed: int = DEFAULT_SEED
    mean_words: int = 60


def vocabulary(size: int, seed: int) -> list[str]:
    """`size` distinct made-up words, most frequent first."""
    rng = np.random.default_rng(seed)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        syllables = int(rng.integers(1, 4)) + (len(words) > 2000)
        word = "".join(
            _ONSETS[rng.integers(len(_ONSETS))]
            + _VOWELS[rng.integers(len(_VOWELS))]
            + _CODAS[rng.integers(len(_CODAS))]
            for _ in range(syllables)
        )
        if word not in seen and len(word) > 2:
            seen.add(word)
            words.append(word)
    return words


def zipf_probabilities(size: int, exponent: float = ZIPF_EXPONENT) -> np.ndarray:
    """P(rank r) proportional to 1 / r**exponent."""
    weights = 1.0 / np.arange(1, size + 1, dtype=np.float64) ** exponent
    return weights / weights.sum()


def passage_texts(spec: SyntheticSpec) -> Iterator[str]:
    """The passages' texts, in order."""
    words = np.array(vocabulary(spec.vocabulary, spec.seed), dtype=object)
    probabilities = zipf_probabilities(spec.vocabulary)
    rng = np.random.default_rng(spec.seed + 1)
    batch = 10_000
    for first in range(0, spec.passages, batch):
        count = min(batch, spec.passages - first)
        lengths = rng.integers(spec.mean_words * 3 // 4, spec.mean_words * 5 // 4 + 1, size=count)
        drawn = words[rng.choice(spec.vocabulary, size=int(lengths.sum()), p=probabilities)]
        sentence_lengths = rng.integers(6, 16, size=int(lengths.sum()))
        position = 0
        for length in lengths.tolist():
            passage_words = drawn[position : position + length]
            position += length
            sentences = []
            cursor = 0
            while cursor < length:
                size = int(sentence_lengths[position + cursor - length])
                chunk = passage_words[cursor : cursor + size]
                cursor += size
                sentences.append(" ".join(chunk).capitalize() + ".")
            yield " ".join(sentences)


def write_corpus(spec: SyntheticSpec, folder: Path) -> Path:
    """Write the corpus as `.txt` files under `folder` (once: an existing complete corpus is reused)."""
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    texts = passage_texts(spec)
    documents = (spec.passages + spec.passages_per_document - 1) // spec.passages_per_document
    for number in range(documents):
        count = min(spec.passages_per_document, spec.passages - number * spec.passages_per_document)
        paragraphs = [next(texts) for _ in range(count)]
        name = folder / f"part{number // 100:03d}" / f"doc{number:05d}.txt"
        name.parent.mkdir(parents=True, exist_ok=True)
        name.write_text(f"# Synthetic document {number}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    done.write_text("ok\n")
    return folder


def questions(spec: SyntheticSpec, count: int, seed: int = 7) -> list[str]:
    """`count` questions of 3 to 8 words from the same vocabulary and distribution."""
    words = vocabulary(spec.vocabulary, spec.seed)
    probabilities = zipf_probabilities(spec.vocabulary)
    rng = np.random.default_rng(seed)
    result = []
    for _ in range(count):
        length = int(rng.integers(3, 9))
        drawn = rng.choice(spec.vocabulary, size=length, p=probabilities)
        result.append("What about " + " ".join(words[i] for i in drawn) + "?")
    return result
