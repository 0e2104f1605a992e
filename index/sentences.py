"""Sentence splitting that doesn't break at "Oct. 1", "U.S.", "Mr." or "Gen."

NLTK's Punkt algorithm runs data-free with the project's own abbreviation
list. When the pre-trained English punkt_tab data is installed, its
parameters are used instead, with the same abbreviations added.
"""

from __future__ import annotations

import re
from typing import Literal

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from index.nltk_data import has_resource

# Lower case, without the final period, as Punkt stores them.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st mt ft rev hon gen lt col maj capt cmdr adm sgt cpl pvt
    gov sen rep pres supt insp det atty
    u.s u.k u.n e.u u.s.a u.s.s.r d.c n.y l.a a.m p.m e.g i.e vs etc cf al approx
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    inc ltd co corp dept univ assn bros est govt intl natl
    no nos vol vols fig figs p pp ch sec art ed eds op
    ave blvd rd hwy
    """.split()
)

# Words that, capitalized after an abbreviation, start a new sentence: "in the
# U.S. The talks ..." breaks after "U.S.", while "U.S. officials" doesn't.
# Punkt learns such words from data; without data it needs them spelt out.
SENTENCE_STARTERS = frozenset(
    """
    the a an this that these those there it its he she they we i his her their our
    but and yet so however meanwhile still then thus instead although though while when
    after before since if in on at for as by with from during despite
    """.split()
)

# A title is always followed by a name, even one spelt like a starter ("Mr. He").
TITLES = frozenset(
    "mr mrs ms mx dr prof rev hon gen lt col maj capt cmdr adm sgt cpl pvt gov sen rep pres supt insp det atty".split()
)

SentenceModel = Literal["auto", "builtin", "nltk-data"]

_PUNKT_TAB = "tokenizers/punkt_tab/english/"
# A run of non-space characters longer than this is cut anyway, so that a
# text with no punctuation at all still yields passages a reply can show.
MAX_SENTENCE_CHARS = 2000
_SPACE = re.compile(r"\s+")
# Punkt scans a text with a regular expression that NLTK stops after 5 seconds
# (about 10 MB of prose): longer texts are split in chunks of about this size,
# each ending where a sentence surely ends (punctuation, not after an
# abbreviation, then a capital letter), where there is one.
PUNKT_CHUNK_CHARS = 100_000
# Sentence-ending punctuation then space. The word before it is found by looking back a
# bounded distance: a pattern starting with `\S*` backtracks over a whole run without
# spaces at every position, which made base64 or a data URI quadratic (9.6 s on 200 kB).
_CHUNK_END = re.compile(r"[.!?][\"')\]]*\s+")
_LONGEST_WORD_BEFORE_END = 100


class SentenceSplitter:
    """Splits text into sentence spans; stateless once built."""

    def __init__(self, model: SentenceModel = "auto") -> None:
        use_data = model == "nltk-data" or (model == "auto" and has_resource(_PUNKT_TAB))
        if use_data:
            from nltk.tokenize import PunktTokenizer

            punkt: PunktSentenceTokenizer = PunktTokenizer("english")
            params = punkt._params
            self.fingerprint = "punkt_tab-english-2"
        else:
            params = PunktParameters()
            params.sent_starters.update(SENTENCE_STARTERS)
            punkt = PunktSentenceTokenizer(params)
            self.fingerprint = "punkt-builtin-2"
        params.abbrev_types.update(ABBREVIATIONS)
        params.collocations.update(
            (title, starter) for title in TITLES for starter in SENTENCE_STARTERS | params.sent_starters
        )
        self._punkt = punkt

    def spans(self, text: str, offset: int = 0) -> list[tuple[int, int]]:
        """Spans of the sentences of `text`, shifted by `offset`, without outer spaces."""
        spans: list[tuple[int, int]] = []
        for chunk_start, chunk_end in _chunks(text):
            for start, end in self._punkt.span_tokenize(text[chunk_start:chunk_end]):
                start, end = start + chunk_start, end + chunk_start
                # Punkt's first span starts at 0 even when the text starts with spaces;
                # a quote set in bold must not start with one ("** text**" isn't bold).
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1].isspace():
                    end -= 1
                if start == end:
                    continue
                for piece_start, piece_end in cap_length(text, start, end):
                    spans.append((piece_start + offset, piece_end + offset))
        return spans


def _chunks(text: str) -> list[tuple[int, int]]:
    """`text` cut into spans of at most about PUNKT_CHUNK_CHARS, at a sentence end when there is one."""
    chunks: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > PUNKT_CHUNK_CHARS:
        limit = start + PUNKT_CHUNK_CHARS
        # The last sentence end in the chunk's second half, else its last space, else a hard cut.
        half = start + PUNKT_CHUNK_CHARS // 2
        cuts = [
            match.end()
            for match in _CHUNK_END.finditer(text, half, limit)
            if match.end() < len(text)
            and text[match.end()].isupper()
            and len(word := _word_before(text, match.start()).lower()) > 1
            and "." not in word
            and word not in ABBREVIATIONS
        ]
        cuts = cuts or [match.end() for match in _SPACE.finditer(text, half, limit)]
        cut = cuts[-1] if cuts else limit
        chunks.append((start, cut))
        start = cut
    chunks.append((start, len(text)))
    return chunks


def _word_before(text: str, end: int) -> str:
    """The run of non-space characters ending at `end`, at most _LONGEST_WORD_BEFORE_END long."""
    start = end
    floor = max(0, end - _LONGEST_WORD_BEFORE_END)
    while start > floor and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def cap_length(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a pathological "sentence" longer than MAX_SENTENCE_CHARS at spaces."""
    if end - start <= MAX_SENTENCE_CHARS:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = max(
            (match.start() for match in _SPACE.finditer(text, start + 1, limit)),
            default=limit,
        )
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces
