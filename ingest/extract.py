"""Document text from uploaded or fetched bytes: plain text, Markdown, HTML and PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from index.encodings import decode_text as index_decode_text
from index.errors import QuotebotError
from index.html import extract_html
from index.passages import furniture_lines
from index.pdf import PdfError, pdf_text

DocumentKind = Literal["text", "markdown", "html", "pdf"]

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024

_KIND_BY_SUFFIX: dict[str, DocumentKind] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}
_KIND_BY_CONTENT_TYPE: dict[str, DocumentKind] = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
}
# Characters that end a line (str.splitlines agrees): form feed, vertical tab, the file/group/record
# separators, NEL and the Unicode line and paragraph separators. They become newlines, so the words
# on either side don't run together.
_LINE_BREAKS = re.compile(r"[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Every other C0/C1 control character except tab and newline; \r is normalised first.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# Bidirectional embeddings, overrides and isolates: one left open in a quote reverses the rest of the
# Discord message around it. The plain marks (U+200E, U+200F) that right-to-left text needs stay.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


class ExtractionError(QuotebotError):
    """The bytes can't become a document: unsupported, undecodable, empty or too big."""


@dataclass(frozen=True)
class ExtractedDocument:
    """The text of one document and what its source said about it."""

    title: str | None
    text: str
    kind: DocumentKind
    published: str | None
    canonical_url: str | None
    encoding: str | None

    @property
    def markdown(self) -> bool:
        """Whether `text` is Markdown: a Markdown file's, or a web page's main text as trafilatura writes it."""
        return self.kind in ("markdown", "html")


def document_kind(
    *, filename: str | None = None, content_type: str | None = None, url: str | None = None
) -> DocumentKind:
    """The kind of a document, from its declared content type, else its file or URL name."""
    if content_type:
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type in _KIND_BY_CONTENT_TYPE:
            return _KIND_BY_CONTENT_TYPE[media_type]
    for name in (filename, url):
        if name:
            suffix = PurePosixPath(name.split("?", 1)[0].split("#", 1)[0]).suffix.lower()
            if suffix in _KIND_BY_SUFFIX:
                return _KIND_BY_SUFFIX[suffix]
    if url and not filename:
        return "html"  # a page URL without a telling suffix or type is a web page
    described = content_type or filename or "this document"
    raise ExtractionError(f"unsupported type {described}: use .txt, .md, .markdown, .mdx, .html or .pdf")


def clean_text(text: str) -> str:
    """Text without control characters or furniture lines, with paragraph breaks kept."""
    text = _LINE_BREAKS.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BIDI_CONTROLS.sub("", _CONTROL_CHARS.sub("", text))
    lines = text.split("\n")
    lines = [line.rstrip() for line, furniture in zip(lines, furniture_lines(lines), strict=True) if not furniture]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of some bytes and the encoding it was read with: UTF-8, else detected."""
    read = index_decode_text(data)
    if read is None:
        raise ExtractionError("undecodable: the text is in no encoding I recognise")
    text, encoding = read
    return text.removeprefix("\ufeff"), encoding


def _extract_html(data: bytes, url: str | None) -> tuple[str, str | None, str | None, str | None, str]:
    html, encoding = decode_text(data)
    page = extract_html(html, url)
    return page.text, page.title, page.published, page.canonical_url, encoding


def _extract_pdf(data: bytes) -> tuple[str, str | None]:
    try:
        return pdf_text(data)
    except PdfError as error:
        raise ExtractionError(str(error)) from error


def extract_document(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
    title: str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> ExtractedDocument:
    """The text of a document; a given title wins over the one the document names."""
    if len(data) > max_bytes:
        raise ExtractionError(f"too big: larger than {max_bytes // (1024 * 1024)} MB")
    kind = document_kind(filename=filename, content_type=content_type, url=url)
    found_title = published = canonical_url = encoding = None
    if kind == "pdf":
        raw_text, found_title = _extract_pdf(data)
    elif kind == "html":
        raw_text, found_title, published, canonical_url, encoding = _extract_html(data, url)
    else:
        raw_text, encoding = decode_text(data)
    text = clean_text(raw_text)
    if not text:
        raise ExtractionError("nothing extractable: the document has no text")
    return ExtractedDocument(
        title=title or (clean_text(found_title) if found_title else None),
        text=text,
        kind=kind,
        published=published,
        canonical_url=canonical_url,
        encoding=encoding,
    )
