"""A PDF's pages as one text: without page numbers or running headers and footers, and not cut at page breaks.

pypdf gives each page's text, with what the page prints around its body: a page number, and often the
document's or chapter's title on every page. Left in, they sit in the middle of passages and quotes, and a
sentence that runs on to the next page is cut in two by them. Typeset text also breaks words at line ends
("docu-" / "ment"), which no question would match.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from index.errors import QuotebotError
from index.typos import english_words

PDF_SUFFIX = ".pdf"

# The lines at the top and at the bottom of a page where page numbers and running titles are printed.
EDGE_LINES = 2
# A line printed at a page's edge on this many pages is a running header or footer, not the document's text.
RUNNING_LINE_PAGES = 3
# "12", "- 12 -", "Page 3", "3 of 10", "3/10", "iv".
_PAGE_NUMBER = re.compile(
    r"[\s\-–—]*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?[\s\-–—]*", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
# A line of a table of contents or an index: dot leaders, then a page number ("2.2 Naming . . . . . 3").
_LEADER_LINE = re.compile(r".*?(?:\s?\.){4,}\s*(?:\d{1,4}|[ivxlc]{1,6})", re.IGNORECASE)
# How a page's text ends when its last sentence is finished, and the next page starts a paragraph.
_FINISHED = re.compile(r"""[.!?:;)\]"'”’»]\s*$""")
# A word broken at a line's end: letters, a hyphen, the line break, and lower-case letters.
_BROKEN_WORD = re.compile(r"([^\W\d_]+)-\n([^\W\d_A-Z]+)( ?)")


class PdfError(QuotebotError):
    """A PDF that can't be read: damaged, or encrypted."""


def is_pdf(doc_id: str) -> bool:
    return doc_id.lower().endswith(PDF_SUFFIX)


class PdfText(NamedTuple):
    text: str
    """The pages' text, joined (see `joined_pages`)."""
    title: str | None
    """What the first page prints first, when it reads as a title (see `first_page_title`)."""


def pdf_text(data: bytes) -> PdfText:
    """A PDF's text and title. Raises `PdfError` when pypdf can't read it or it is encrypted.

    The title in a PDF's metadata is left alone: as often as not it is the tool's ("Microsoft Word - draft3.docx").
    """
    from pypdf import PdfReader  # imported late: most corpora have no PDF
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfError("the PDF is encrypted: use an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise PdfError(f"the PDF can't be read ({type(error).__name__})") from error
    return PdfText(joined_pages(pages), first_page_title(pages))


# A title is a short line that isn't a sentence: "Shared MIME-info Database", "Harbour Handbook".
MAX_TITLE_CHARS = 100
MAX_TITLE_WORDS = 12
_NOT_A_TITLE_END = re.compile(r"[.,;:]$")


def first_page_title(pages: Sequence[str]) -> str | None:
    """The first line the first page with text prints, when it reads as a title; else None.

    Reports, manuals and papers print their title first, often as the running title of every page (which
    `joined_pages` leaves out of the text). A page number, a sentence or a long line is no title.
    """
    for page in pages:
        lines = [" ".join(line.split()) for line in page.split("\n") if line.strip()]
        if not lines:
            continue
        first = lines[0]
        if (
            len(first) <= MAX_TITLE_CHARS
            and len(first.split()) <= MAX_TITLE_WORDS
            and any(char.isalpha() for char in first)
            and not _PAGE_NUMBER.fullmatch(first)
            and not _NOT_A_TITLE_END.search(first)
        ):
            return first
        return None
    return None


def joined_pages(pages: Sequence[str]) -> str:
    """The pages' texts as one text, without their page numbers, running headers and footers, and the lines of
    a table of contents or an index (dot leaders and a page number): they point to the text, they aren't it.

    A page whose text ends in the middle of a sentence runs on to the next page's first line; a page
    that ends a sentence is a paragraph break away from the next. A word hyphenated at a line's end is
    written whole when it is an English word ("docu-" / "ment" is "document"; "self-" / "contained" stays).
    """
    lines_of = [
        [line.rstrip() for line in page.split("\n") if line.strip() and not _LEADER_LINE.fullmatch(line.strip())]
        for page in pages
    ]
    running = _running_lines(lines_of)
    texts: list[str] = []
    for lines in lines_of:
        kept = [
            line
            for number, line in enumerate(lines)
            if not (_at_edge(number, len(lines)) and (_PAGE_NUMBER.fullmatch(line) or _shape(line) in running))
        ]
        if kept:
            texts.append("\n".join(kept).strip())
    joined = ""
    for text in texts:
        if not joined:
            joined = text
        else:
            joined += ("\n\n" if _FINISHED.search(joined) else "\n") + text
    return _BROKEN_WORD.sub(_mended_word, joined)


def _mended_word(match: re.Match[str]) -> str:
    """ "docu-" / "ment rest" as "document" / "rest" when "document" is an English word; else as it was."""
    first, rest, space = match.groups()
    if (first + rest).casefold() not in english_words():
        return match.group()  # a real compound ("self-contained") or a name: the hyphen is the text's
    return first + rest + ("\n" if space else "")


def _at_edge(number: int, count: int) -> bool:
    return number < EDGE_LINES or number >= count - EDGE_LINES


def _shape(line: str) -> str:
    """A line with its numbers and spacing folded: "Chapter 2: Setup 14" and "Chapter 2: Setup 15" are one."""
    return " ".join(_DIGITS.sub("#", line).casefold().split())


def _running_lines(lines_of: Sequence[Sequence[str]]) -> frozenset[str]:
    """The shapes of the lines printed at the edge of `RUNNING_LINE_PAGES` pages or more."""
    pages_with: Counter[str] = Counter()
    for lines in lines_of:
        pages_with.update({_shape(line) for number, line in enumerate(lines) if _at_edge(number, len(lines))})
    return frozenset(shape for shape, pages in pages_with.items() if pages >= RUNNING_LINE_PAGES)
