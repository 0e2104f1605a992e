"""Turning text into index terms with NLTK's data-free parts.

The pipeline: Unicode normalization (curly quotes and apostrophes become
straight ones, dashes between words become spaces), case folding, accent
folding ("Möngke" is "mongke"), NLTK word tokenization, irregular forms
mapped to their base ("took" is "take", "children" is "child"), stopword
removal and Snowball stemming. A hyphenated compound yields its parts and its
closed form, so "cease-fire" matches both "ceasefire" and "cease fire".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize.destructive import NLTKWordTokenizer

from index.nltk_data import has_resource
from index.sentences import ABBREVIATIONS
from index.stopwords import ENGLISH_STOPWORDS

StopwordSource = Literal["auto", "builtin", "nltk-data"]

_NORMALIZE = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u02bc": "'",  # ʼ
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2013": " ",  # – separates, it doesn't join
        "\u2014": " ",  # —
        "\u2212": "-",  # −
        "\u2010": "-",  # ‐ (hyphen)
        "\u2011": "-",  # ‑ (non-breaking hyphen)
    }
)
# Combining accents on Latin, Greek and Cyrillic letters: dropped after NFKD, so a
# question typed without them ("Mongke") still matches the text ("Möngke").
# Marks of other scripts (Devanagari vowel signs, ...) are letters' parts, kept.
_ACCENTS = re.compile("[\u0300-\u036f]+")
_HAS_WORD_CHAR = re.compile(r"\w")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_EDGE_PUNCTUATION = "'\".,;:!?()[]{}<>*_`~"
_STOPWORDS_RESOURCE = "corpora/stopwords/english"
# After these a capitalized word starts a sentence rather than being a name.
_SENTENCE_END_MARKS = frozenset(".?!:;…")
# Joins texts for one word-tokenizer pass: a private-use character, which no
# text of ours is expected to hold (one that does is tokenized on its own).
_TEXT_SEPARATOR = "\ue000"
BATCH_CHARS = 8_000
"""`tokenize_all` joins texts up to this many characters: calls on short texts cost twice their words."""
# NLTK's word tokenizer splits a final period off only at the end of its input
# ("Israel's." -> "Israel", "'s", "."): done to each text before they are
# joined, every text gets the tokens it gets on its own.
_FINAL_PERIOD = re.compile(r"""([^.])(\.)([\]\)}>"']*)\s*$""")

# Irregular English verb and noun forms that Snowball leaves apart from their
# base ("took" and "taken" stem to themselves, not to "take"): each line is the
# base followed by its forms, which are mapped to the base before stemming.
# Forms that are also common words of their own ("left", "found", "felt",
# "ground", "bound", "wound", "lay", "spoke") are left out, and so are forms of
# stopwords ("done", "been"). The last lines are bases that end in a double
# consonant: Snowball cuts the double in their -ed and -ing forms ("added" ->
# "ad") but not in the base ("add" -> "add").
_IRREGULAR = """
    arise arose arisen
    awake awoke awoken
    bear bore borne
    beat beaten
    become became
    begin began begun
    bend bent
    bite bit bitten
    blow blew blown
    break broke broken
    breed bred
    bring brought
    build built
    burn burnt
    buy bought
    catch caught
    choose chose chosen
    cling clung
    come came
    creep crept
    deal dealt
    dig dug
    draw drew drawn
    dream dreamt
    drink drank drunk
    drive drove driven
    dwell dwelt
    eat ate eaten
    fall fell fallen
    feed fed
    fight fought
    flee fled
    fly flew flown
    forbid forbade forbidden
    forget forgot forgotten
    forgive forgave forgiven
    freeze froze frozen
    get got gotten
    give gave given
    go went gone
    grow grew grown
    hang hung
    hear heard
    hide hid hidden
    hold held
    keep kept
    know knew known
    lead led
    lend lent
    lie lain
    lose lost
    make made
    mean meant
    meet met
    overcome overcame
    override overrode overridden
    overtake overtook overtaken
    overthrow overthrew overthrown
    pay paid
    ride rode ridden
    ring rang rung
    rise rose risen
    run ran
    say said
    see saw seen
    seek sought
    sell sold
    send sent
    shake shook shaken
    shine shone
    shoot shot
    show shown
    shrink shrank shrunk
    sing sang sung
    sink sank sunk
    sit sat
    slay slew slain
    sleep slept
    speak spoken
    spend spent
    spin spun
    stand stood
    steal stole stolen
    stick stuck
    strike struck stricken
    strive strove striven
    swear swore sworn
    sweep swept
    swim swam swum
    swing swung
    take took taken
    teach taught
    tear tore torn
    tell told
    think thought
    throw threw thrown
    undergo underwent undergone
    understand understood
    undertake undertook undertaken
    wake woke woken
    wear wore worn
    weave wove woven
    weep wept
    win won
    withdraw withdrew withdrawn
    withhold withheld
    withstand withstood
    write wrote written
    child children
    crisis crises
    foot feet
    goose geese
    man men
    mouse mice
    ox oxen
    tooth teeth
    woman women
    add added adding
    err erred erring
    egg egged egging
    ebb ebbed ebbing
    staff staffed staffing
    stuff stuffed stuffing
    sniff sniffed sniffing
    bluff bluffed bluffing
    puff puffed puffing
    scoff scoffed scoffing
    butt butted butting
    purr purred purring
"""
IRREGULAR_FORMS: dict[str, str] = {
    form: line.split()[0] for line in _IRREGULAR.strip().splitlines() for form in line.split()[1:]
}
"""Irregular form -> its base word, e.g. "took" -> "take", "children" -> "child"."""


def normalize(text: str) -> str:
    """NFKC plus straight quotes, so “Iran’s” and "Iran's" are the same text."""
    return unicodedata.normalize("NFKC", text).translate(_NORMALIZE)


def fold_accents(text: str) -> str:
    """Text without accents on Latin, Greek and Cyrillic letters: "Möngke" is "Mongke"."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFKD", text)))


def _prepared(text: str) -> str:
    """Normalized, case-folded and accent-folded text, ready for word tokenization."""
    return fold_accents(normalize(text).casefold())


_PATH_SEPARATORS = re.compile(r"[./]+")


def _with_path_parts(piece: str) -> list[str]:
    """A file name or path ("favicon.ico", "docs/img/") and its words, so "favicon" finds "favicon.ico".

    Only when every part is two characters or more and holds a letter: "3.5", "1.x" and "e.g" stay whole.
    """
    if "." not in piece and "/" not in piece:
        return [piece]
    parts = [part for part in _PATH_SEPARATORS.split(piece) if part]
    if len(parts) < 2 or not all(len(part) > 1 and _HAS_LETTER.search(part) for part in parts):
        return [piece]
    return [piece, *parts]


class Tokenizer:
    """Text to index terms. One instance caches stems, so reuse it."""

    def __init__(self, stopwords: StopwordSource = "auto") -> None:
        use_data = stopwords == "nltk-data" or (stopwords == "auto" and has_resource(_STOPWORDS_RESOURCE))
        if use_data:
            from nltk.corpus import stopwords as nltk_stopwords

            self.stopwords = frozenset(nltk_stopwords.words("english")) | ENGLISH_STOPWORDS
            self.fingerprint = "nltk-stopwords+chat+snowball-english+fold-accents+irregular-2+path-parts"
        else:
            self.stopwords = ENGLISH_STOPWORDS
            self.fingerprint = "builtin-stopwords+chat+snowball-english+fold-accents+irregular-2+path-parts"
        self._words = NLTKWordTokenizer()
        self._stemmer = SnowballStemmer("english")
        # word -> its terms; () for stopwords and punctuation
        self._cache: dict[str, tuple[str, ...]] = {}

    def tokenize(self, text: str) -> list[str]:
        """The index terms of `text`, in order, repeats kept."""
        terms: list[str] = []
        for word in self._words.tokenize(_prepared(text)):
            terms.extend(self._word_terms(word))
        return terms

    def word_terms(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each word of `text` (case- and accent-folded) with its index terms, in order: `tokenize`, word by word."""
        return [(word, self._word_terms(word)) for word in self._words.tokenize(_prepared(text))]

    def name_terms(self, text: str) -> frozenset[str]:
        """The terms of the words capitalized where no sentence starts: names such as "Kublai" or "NSFNET".

        A question's names are its most specific words (`index.answers.confidence`
        weighs them more). Where every word is capitalized, every term is a
        name and none stands out; a lower-case question has none.
        """
        names: set[str] = set()
        at_sentence_start = True
        for word in self._words.tokenize(fold_accents(normalize(text))):
            if not _HAS_WORD_CHAR.search(word):
                at_sentence_start = at_sentence_start or word in _SENTENCE_END_MARKS
                continue
            if not at_sentence_start and word[:1].isupper():
                names.update(self._word_terms(word.casefold()))
            # Inside a text the word tokenizer leaves a period on its word: "in 1271. Kublai".
            at_sentence_start = word.endswith(".") and word[:-1].casefold() not in ABBREVIATIONS
        return frozenset(names)

    def tokenize_many(self, texts: Sequence[str]) -> list[list[str]]:
        """The terms of each of `texts`, as `tokenize` gives them, in one word-tokenizer pass.

        NLTK's word tokenizer runs some twenty regular expressions a call:
        for the short sentences of a passage, one call for all of them is two
        to three times faster than one call each.
        """
        if not texts or any(_TEXT_SEPARATOR in text for text in texts):
            return [self.tokenize(text) for text in texts]
        joined = f" {_TEXT_SEPARATOR} ".join(_FINAL_PERIOD.sub(r"\1 \2 \3 ", _prepared(text)) for text in texts)
        terms: list[list[str]] = [[]]
        for word in self._words.tokenize(joined):
            if word == _TEXT_SEPARATOR:
                terms.append([])
            else:
                terms[-1].extend(self._word_terms(word))
        return terms

    def tokenize_all(self, texts: Iterable[str]) -> Iterator[list[str]]:
        """The terms of each of `texts`, as `tokenize` gives them: short texts go through `tokenize_many` together.

        A group is capped at `BATCH_CHARS`, because each of the word tokenizer's
        regular expressions holds the GIL for its whole text: one call over a
        chunk of long passages would stall the bot's event loop.
        """
        group: list[str] = []
        size = 0
        for text in texts:
            if group and size + len(text) > BATCH_CHARS:
                yield from self.tokenize_many(group)
                group, size = [], 0
            group.append(text)
            size += len(text)
        if group:
            yield from self.tokenize_many(group)

    def _word_terms(self, word: str) -> tuple[str, ...]:
        word_terms = self._cache.get(word)
        if word_terms is None:
            word_terms = self._cache[word] = self._terms_of(word)
        return word_terms

    def _terms_of(self, word: str) -> tuple[str, ...]:
        if word.startswith("'") or word == "n't":
            return ()  # clitics: 's, 're, 'll, n't carry no meaning of their own
        word = word.strip(_EDGE_PUNCTUATION)
        if "-" in word:
            parts = [part for part in word.split("-") if part]
            joined = "".join(parts)
            pieces = [*parts, joined] if len(parts) > 1 else parts
        else:
            pieces = [word]
        pieces = [part for piece in pieces for part in _with_path_parts(piece)]
        terms: list[str] = []
        for piece in pieces:
            piece = piece.strip(_EDGE_PUNCTUATION)
            # An irregular form is a content word even when a stopword list holds it ("won").
            piece = IRREGULAR_FORMS.get(piece, piece)
            if not piece or piece in self.stopwords or not _HAS_WORD_CHAR.search(piece):
                continue
            # Only plain words are stemmed: "u.s" or "3.5" must stay as they are.
            terms.append(self._stemmer.stem(piece) if piece.isalpha() else piece)
        return tuple(terms)
