"""Splitting a document into passages a person would quote.

Paragraphs are kept whole when they fit. A long paragraph becomes windows of
whole sentences, and a tiny fragment (a heading, a one-line paragraph) joins
a neighbour. Page furniture ("Also Read: …", "Subscribe…", share buttons)
never becomes part of a passage, and no passage spans across it.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from index.markdown import Block, markdown_blocks, trimmed
from index.sections import is_mdx
from index.sentences import ABBREVIATIONS, SENTENCE_STARTERS, TITLES, SentenceSplitter, cap_length

# A Discord embed description holds 4096 characters: passages stay well
# below that so the source line and the "cut" marks always fit. A paragraph
# up to this size (about 250 words) stays whole: cutting it parts a sentence
# from what its "he" or "this edict" refers to, and on SQuAD questions whose
# paragraph was cut at 1200 were ranked right 71% of the time, against 82%.
MAX_PASSAGE_CHARS = 1600
# A paragraph shorter than this is a fragment that joins a neighbour.
MIN_PASSAGE_CHARS = 200


@dataclass(frozen=True, slots=True)
class Passage:
    """A quotable span of one document: `text == document.text[start:end]`."""

    doc_id: str
    ordinal: int
    """1-based position of the passage in its document."""
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Block:
    start: int
    end: int
    after_break: bool
    """Furniture or a document boundary stands right before this block."""


_LIST_MARKER = re.compile(r"^\s*(?:[-*+•>]+|\d+[.)])\s+")
_FURNITURE_PREFIX = re.compile(
    r"^(?:also read|read also|read more|more from|related(?: articles?| stories| posts| news| content)?"
    r"|recommended(?: for you| reading)?|you may also like|you might also like|must read|trending(?: now)?"
    r"|see also|don't miss|editor's picks?)\s*[:|\-–—]",
    re.IGNORECASE,
)
_SHARE_WORD = (
    r"(?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|share|tweet|copy link|print)"
)
_FURNITURE_LINE = re.compile(
    r"^(?:read more|continue reading|click here\b.*|subscribe\b.*|sign up\b.*|follow us\b.*"
    r"|share (?:this|this article|this story|on \w+)|advertisement"
    r"|sponsored(?: content)?|skip to (?:main )?content|back to top|all rights reserved.*"
    rf"|\(?{_SHARE_WORD}(?:[\s,|/•·]+{_SHARE_WORD})+\)?)[.!…]*$",
    re.IGNORECASE,
)
# One share-button word alone ("Email", "Telegram", "Print") is furniture only among other furniture:
# alone it may be an item of a documentation list.
_LONE_SHARE_WORD = re.compile(rf"^\(?{_SHARE_WORD}\)?[.!…]*$", re.IGNORECASE)
# Furniture lines are short; a long line starting with "Subscribe" is prose.
_MAX_FURNITURE_CHARS = 160
_HEADING = re.compile(r"^ {0,3}#{1,6}\s")
_ENDS_SENTENCE = re.compile(r"""[.!?:;"'”’)\]]\s*$""")


def is_furniture(line: str) -> bool:
    """Whether a line is page furniture rather than content."""
    stripped = _LIST_MARKER.sub("", line.strip()).strip()
    if not stripped or len(stripped) > _MAX_FURNITURE_CHARS:
        return False
    return bool(_FURNITURE_PREFIX.match(stripped) or _FURNITURE_LINE.match(stripped))


def _is_lone_share_word(line: str) -> bool:
    return bool(_LONE_SHARE_WORD.match(_LIST_MARKER.sub("", line.strip()).strip()))


def furniture_lines(lines: list[str]) -> list[bool]:
    """Which of a document's lines are page furniture, each judged with its neighbours.

    A line `is_furniture` says so about is furniture wherever it is. A line that is one
    share-button word is furniture only in a run of two or more furniture lines (blank lines
    between them allowed), such as "Share / Email / Print" around an article, and not when
    the run is part of a list whose other items are content, so "- Telegram" in a
    documentation list stays.
    """
    flags = [is_furniture(line) for line in lines]
    lone = [not flag and _is_lone_share_word(line) for line, flag in zip(lines, flags, strict=True)]
    filled = [number for number, line in enumerate(lines) if line.strip()]
    run: list[int] = []
    for position, number in enumerate([*filled, -1]):
        if number >= 0 and (flags[number] or lone[number]):
            run.append(position)
            continue
        if len(run) >= 2 and not _run_is_in_a_content_list(lines, filled, run, flags, lone):
            for member in run:
                flags[filled[member]] = True
        run = []
    return flags


def _run_is_in_a_content_list(
    lines: list[str], filled: list[int], run: list[int], flags: list[bool], lone: list[bool]
) -> bool:
    """Whether a run of share words is list items next to list items that are content."""
    if not any(lone[filled[member]] and _LIST_MARKER.match(lines[filled[member]]) for member in run):
        return False
    neighbours = [filled[run[0] - 1]] if run[0] > 0 else []
    if run[-1] + 1 < len(filled):
        neighbours.append(filled[run[-1] + 1])
    return any(_LIST_MARKER.match(lines[number]) and not (flags[number] or lone[number]) for number in neighbours)


def split_passages(
    doc_id: str,
    text: str,
    splitter: SentenceSplitter,
    max_chars: int = MAX_PASSAGE_CHARS,
    min_chars: int = MIN_PASSAGE_CHARS,
) -> list[Passage]:
    """The passages of one document, in order, with 1-based ordinals."""
    units = list(_units(text, splitter, max_chars))
    groups = _merge_fragments(units, max_chars, min_chars)
    return [
        Passage(doc_id=doc_id, ordinal=number, start=start, end=end, text=text[start:end])
        for number, (start, end) in enumerate(groups, start=1)
    ]


def _blocks(text: str) -> Iterator[_Block]:
    """Paragraph spans, skipping blank lines and furniture.

    A paragraph ends at a blank line, before a heading or list item, and at a
    line break after sentence-ending punctuation: news copy puts one paragraph
    on each line, while hard-wrapped prose breaks lines mid-sentence.
    """
    start: int | None = None
    end = 0
    after_break = True
    # A byte-order mark is invisible: it must not open the first passage.
    position = 1 if text.startswith("\ufeff") else 0
    previous = ""
    lines = text[position:].split("\n")
    furniture = furniture_lines(lines)
    for line, is_page_furniture in zip(lines, furniture, strict=True):
        line_start, line_end = position, position + len(line)
        position = line_end + 1
        stripped = line.strip()
        if not stripped or is_page_furniture:
            if start is not None:
                yield _Block(start, end, after_break)
                after_break = False
                start = None
            if stripped:
                after_break = True
            continue
        new_paragraph = (
            start is None
            or _HEADING.match(line)
            or _LIST_MARKER.match(line)
            or _HEADING.match(previous)
            or (_ENDS_SENTENCE.search(previous) and not _continues_sentence(previous, line))
        )
        if new_paragraph and start is not None:
            yield _Block(start, end, after_break)
            after_break = False
            start = None
        if start is None:
            start = line_start + (len(line) - len(line.lstrip()))
        end = line_start + len(line.rstrip())
        previous = line
    if start is not None:
        yield _Block(start, end, after_break)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """The paragraphs of a plain-text passage, hard-wrapped lines joined: where its sentences are found."""
    return [(block.start, block.end) for block in _blocks(text)]


def _continues_sentence(previous: str, line: str) -> bool:
    """Whether `line` goes on with the sentence `previous` seems to end.

    Hard-wrapped prose can break a line right after an abbreviation: "the
    U.S.\ngovernment", "Oct.\n1", "Mr.\nSmith". A sentence doesn't start with
    a lower-case letter or a digit, a title is always followed by a name, and
    after another abbreviation only a word that starts sentences ("The") starts
    a new paragraph, as the sentence splitter decides.
    """
    first = line.lstrip()[:1]
    if first.islower() or first.isdigit():
        return True
    last_word = previous.rstrip().rsplit(maxsplit=1)[-1]
    abbreviation = last_word[:-1].lower()
    if not last_word.endswith(".") or abbreviation not in ABBREVIATIONS:
        return False
    next_word = line.split(maxsplit=1)[0].strip("\"'“‘(").lower()
    return abbreviation in TITLES or next_word not in SENTENCE_STARTERS


def _units(text: str, splitter: SentenceSplitter, max_chars: int) -> Iterator[tuple[int, int, bool]]:
    """`(start, end, after_break)` of paragraphs, long ones cut into sentence windows."""
    for block in _blocks(text):
        if block.end - block.start <= max_chars:
            yield block.start, block.end, block.after_break
            continue
        sentences = splitter.spans(text[block.start : block.end], offset=block.start)
        after_break = block.after_break
        for window_start, window_end in _sentence_windows(sentences, max_chars):
            yield window_start, window_end, after_break
            after_break = False


def _sentence_windows(sentences: list[tuple[int, int]], max_chars: int) -> Iterator[tuple[int, int]]:
    """Group consecutive sentences into windows of about equal size, each ≤ max_chars.

    A single sentence longer than max_chars is a window of its own: sentences
    are never cut.
    """
    total = sentences[-1][1] - sentences[0][0]
    target = total / math.ceil(total / max_chars)
    window_start, window_end = sentences[0]
    for start, end in sentences[1:]:
        if end - window_start > max_chars or window_end - window_start >= target:
            yield window_start, window_end
            window_start = start
        window_end = end
    yield window_start, window_end


def _merge_fragments(units: list[tuple[int, int, bool]], max_chars: int, min_chars: int) -> list[tuple[int, int]]:
    """Join fragments shorter than min_chars to a neighbour, never across furniture."""
    groups: list[list[int]] = []  # [start, end] of each passage
    last_small = False
    for start, end, after_break in units:
        if groups and not after_break:
            group = groups[-1]
            if (last_small or end - start < min_chars) and end - group[0] <= max_chars:
                group[1] = end
                last_small = end - group[0] < min_chars
                continue
        groups.append([start, end])
        last_small = end - start < min_chars
    return [(start, end) for start, end in groups]


def split_markdown_passages(
    doc_id: str,
    text: str,
    splitter: SentenceSplitter,
    max_chars: int = MAX_PASSAGE_CHARS,
    blocks: list[Block] | None = None,
) -> list[Passage]:
    """The passages of a Markdown document, in order: each lies in one section, and its heading opens it.

    A section that fits in `max_chars` is one passage. A longer one is cut
    between blocks into passages of about equal size; a block longer than
    `max_chars` on its own is cut between its pieces: a paragraph between
    sentences, a list between items, a table between rows, code between
    lines. A heading with no text under it before a deeper heading opens
    that subsection's passage. Front matter, lone HTML comments,
    paragraphs made only of page furniture and, in MDX, `import` and
    `export` statements are in no passage. `blocks` are `markdown_blocks(text)`, when the caller has them.
    """
    if blocks is None:
        blocks = markdown_blocks(text, mdx=is_mdx(doc_id))
    spans: list[tuple[int, int]] = []
    for section in _markdown_sections(text, blocks):
        pieces: list[tuple[int, int]] = []
        for block in section:
            if block.end - block.start <= max_chars:
                pieces.append((block.start, block.end))
            elif block.kind == "paragraph":
                pieces.extend(splitter.spans(text[block.start : block.end], offset=block.start))
            else:
                pieces.extend(_capped_pieces(text, block.pieces, splitter, max_chars))
        if pieces:
            spans.extend(_sentence_windows(pieces, max_chars))
    return [
        Passage(doc_id=doc_id, ordinal=number, start=start, end=end, text=text[start:end])
        for number, (start, end) in enumerate(spans, start=1)
    ]


def document_passages(doc_id: str, text: str, splitter: SentenceSplitter, *, markdown: bool) -> list[Passage]:
    """A document's passages: by its Markdown sections when its text is Markdown, else by its paragraphs."""
    if markdown:
        return split_markdown_passages(doc_id, text, splitter)
    return split_passages(doc_id, text, splitter)


def _markdown_sections(text: str, blocks: list[Block]) -> list[list[Block]]:
    """Blocks grouped by the heading that opens their section; furniture paragraphs left out."""
    sections: list[list[Block]] = []
    lines = text.split("\n")
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
    furniture = furniture_lines(lines)
    for block in blocks:
        if block.kind == "paragraph":
            first = bisect_right(line_starts, block.start) - 1
            last = bisect_right(line_starts, max(block.start, block.end - 1)) - 1
            if all(furniture[number] for number in range(first, last + 1) if lines[number].strip()):
                continue
        opens = block.kind == "heading"
        # A heading alone, right above a deeper one, opens that subsection's passage instead of being one.
        alone_above = (
            sections
            and len(sections[-1]) == 1
            and sections[-1][0].kind == "heading"
            and opens
            and block.level > sections[-1][0].level
        )
        if alone_above:
            sections[-1].append(block)
        elif opens or not sections:
            sections.append([block])
        else:
            sections[-1].append(block)
    return sections


def _capped_pieces(
    text: str, pieces: tuple[tuple[int, int], ...], splitter: SentenceSplitter, max_chars: int
) -> list[tuple[int, int]]:
    """A long block's pieces; a piece itself too long is cut between its lines, then its sentences."""
    capped: list[tuple[int, int]] = []
    for start, end in pieces:
        if end - start <= max_chars:
            capped.append((start, end))
            continue
        position = start
        for line in text[start:end].split("\n"):
            line_start, line_end = trimmed(text, position, position + len(line))
            position += len(line) + 1
            if line_start >= line_end:
                continue
            if line_end - line_start <= max_chars:
                capped.append((line_start, line_end))
            else:
                capped.extend(cap_length(text, line_start, line_end))
    return capped
