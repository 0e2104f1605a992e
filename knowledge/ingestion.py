"""Adding a file or a web page to a server's knowledge base: read, extract, count passages, store.

Every step that can fail (an unsupported or unreadable file, a refused or failing fetch, nothing to
extract, a limit) raises a QuotebotError with the reason before anything is written.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from index.documents import document_title
from index.passages import document_passages
from index.sentences import SentenceSplitter
from ingest.extract import ExtractedDocument, extract_document
from knowledge.base import MAX_NAME_CHARS, AddOutcome, KnowledgeBase, KnowledgeError, StoredDocumentInfo

_CONTENT_TYPES = {
    "text": "text/plain",
    "markdown": "text/markdown",
    "html": "text/html",
    "pdf": "application/pdf",
}
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w.\-+ ()]+")
_SLUG_CHARACTERS = re.compile(r"[^a-z0-9]+")


def document_name(filename: str) -> str:
    """A safe, displayable document name from an uploaded file's name: no folders, no control characters."""
    base = PureWindowsPath(PurePosixPath(filename).name).name
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE_NAME_CHARACTERS.sub("-", base).strip(" .-")
    if not base:
        raise KnowledgeError("the file has no usable name: rename it and add it again")
    if len(base) > MAX_NAME_CHARS:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: MAX_NAME_CHARS - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else base
        base = base[:MAX_NAME_CHARS]
    return base


def url_name(url: str) -> str:
    """A readable name for a web page, from its URL: `docs.example.org/guide/install`."""
    without_scheme = url.split("://", 1)[-1].split("#", 1)[0].split("?", 1)[0].rstrip("/")
    host, _, path = without_scheme.partition("/")
    host = host.rsplit("@", 1)[-1].lower()
    parts = [_SLUG_CHARACTERS.sub("-", part.lower()).strip("-") for part in path.split("/")]
    name = "/".join([host, *[part for part in parts if part]])
    return name[:MAX_NAME_CHARS] or "page"


def passage_count(name: str, text: str, *, markdown: bool) -> int:
    """How many passages the document will have in the server's index, for `/docs list`."""
    return len(document_passages(name, text, SentenceSplitter(), markdown=markdown))


async def _store(
    kb: KnowledgeBase,
    guild_id: int,
    *,
    name: str,
    extracted: ExtractedDocument,
    original: bytes,
    added_by: str,
    source_url: str | None,
) -> AddOutcome:
    title = extracted.title or document_title(extracted.text, name, markdown=extracted.markdown)
    count = await asyncio.to_thread(passage_count, name, extracted.text, markdown=extracted.markdown)
    if count == 0:
        raise KnowledgeError(f"{name} has no text to quote")
    return await kb.add(
        guild_id,
        name=name,
        title=title,
        text=extracted.text,
        original=original,
        content_type=_CONTENT_TYPES[extracted.kind],
        added_by=added_by,
        passage_count=count,
        source_url=source_url,
        published=extracted.published,
        markdown=extracted.markdown,
    )


async def add_file(
    kb: KnowledgeBase,
    guild_id: int,
    *,
    filename: str,
    data: bytes,
    added_by: str,
    title: str | None = None,
    max_bytes: int,
    content_type: str | None = None,
) -> AddOutcome:
    """Add an uploaded `.txt`, `.md`, `.markdown`, `.mdx`, `.html` or `.pdf` file (replacing one of the same name)."""
    name = document_name(filename)
    if len(data) > max_bytes:
        raise KnowledgeError(f"{name} is larger than the {max_bytes / (1024 * 1024):g} MB a file may have")
    # The name decides the kind: Discord's declared types for attachments are guesses from the name anyway.
    extracted = await asyncio.to_thread(extract_document, data, filename=name, title=title or None, max_bytes=max_bytes)
    return await _store(kb, guild_id, name=name, extracted=extracted, original=data, added_by=added_by, source_url=None)


async def add_url(
    kb: KnowledgeBase,
    guild_id: int,
    *,
    url: str,
    added_by: str,
    title: str | None = None,
    allow_private: bool = False,
    max_bytes: int = 20 * 1024 * 1024,
    timeout: float = 10.0,
) -> AddOutcome:
    """Fetch a web page (or a PDF) and add its main text; adding the same URL again fetches it again."""
    from ingest.fetch import fetch_document

    fetched = await fetch_document(
        url, allow_private=allow_private, title=title or None, max_bytes=max_bytes, timeout=timeout
    )
    # Named after the URL asked for, so adding it again finds the same document whatever it redirects to.
    return await _store(
        kb,
        guild_id,
        name=url_name(url),
        extracted=fetched.document,
        original=fetched.page.body,
        added_by=added_by,
        source_url=fetched.source_url,
    )


async def reread(kb: KnowledgeBase, guild_id: int, document: StoredDocumentInfo) -> AddOutcome:
    """Extract a stored document again from its original bytes, with today's extractors.

    A web page stored before quotebot kept web pages' structure then gets its headings. The document keeps its name,
    title, origin and who added it; only its text, and what follows from it, can change. Raises `KnowledgeError`
    (or another `QuotebotError`) when it can't be read again, changing nothing.
    """
    original = await kb.original(guild_id, document.name)
    if original is None:
        raise KnowledgeError(f"{document.name} was removed meanwhile")
    # It was accepted once: its size is no reason to refuse it now.
    extracted = await asyncio.to_thread(
        extract_document,
        original,
        content_type=document.content_type,
        url=document.source_url,
        max_bytes=max(len(original), 1),
    )
    count = await asyncio.to_thread(passage_count, document.name, extracted.text, markdown=extracted.markdown)
    if count == 0:
        raise KnowledgeError(f"{document.name} has no text to quote when read again")
    return await kb.replace_text(
        guild_id,
        document.name,
        text=extracted.text,
        markdown=extracted.markdown,
        passage_count=count,
        expected_sha256=document.sha256,
    )
