"""A server's knowledge base: its documents, added, replaced, listed and removed in single transactions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from index.documents import Document
from index.errors import QuotebotError
from knowledge.database import Database
from knowledge.tables import GuildSettings, StoredDocument

MAX_NAME_CHARS = 200
MAX_TITLE_CHARS = 300
MAX_ADDED_BY_CHARS = 100


class KnowledgeError(QuotebotError):
    """A knowledge-base change that can't be made (a limit, an unknown document); nothing was changed."""


@dataclass(frozen=True, slots=True)
class KnowledgeLimits:
    """Per server: how many documents, and how much extracted text in all."""

    max_documents: int = 500
    max_text_bytes: int = 100 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredDocumentInfo:
    """What `/docs list` shows of a document (everything but its bytes and text)."""

    name: str
    title: str
    source_url: str | None
    content_type: str
    size: int
    """Of the original bytes."""
    text_bytes: int
    passage_count: int
    sha256: str
    """Of the extracted text."""
    added_by: str
    added_at: datetime
    published: str | None


@dataclass(frozen=True, slots=True)
class AddOutcome:
    document: StoredDocumentInfo
    created: bool
    """False when a document of that name was replaced."""
    changed: bool
    """False when the replaced document had the same text."""


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _info(row: StoredDocument) -> StoredDocumentInfo:
    added_at = row.added_at if row.added_at.tzinfo else row.added_at.replace(tzinfo=UTC)  # SQLite drops the zone
    return StoredDocumentInfo(
        name=row.name,
        title=row.title,
        source_url=row.source_url,
        content_type=row.content_type,
        size=row.size,
        text_bytes=row.text_bytes,
        passage_count=row.passage_count,
        sha256=row.sha256,
        added_by=row.added_by,
        added_at=added_at,
        published=row.published,
    )


class KnowledgeBase:
    """The documents of every server, in one database; each method touches one server only."""

    def __init__(self, database: Database, limits: KnowledgeLimits | None = None) -> None:
        self.database = database
        self.limits = limits or KnowledgeLimits()

    async def add(
        self,
        guild_id: int,
        *,
        name: str,
        title: str,
        text: str,
        original: bytes,
        content_type: str,
        added_by: str,
        passage_count: int,
        source_url: str | None = None,
        published: str | None = None,
        markdown: bool = False,
    ) -> AddOutcome:
        """Add a document, or replace the one of the same name, in one transaction.

        `markdown` says whether `text` is Markdown, to be read for its headings, lists and code.
        """
        if not name.strip() or len(name) > MAX_NAME_CHARS:
            raise KnowledgeError(f"a document name must have 1 to {MAX_NAME_CHARS} characters")
        sha256 = text_sha256(text)
        text_bytes = len(text.encode("utf-8", "surrogatepass"))
        async with self.database.sessions.begin() as session:
            existing = await session.scalar(
                select(StoredDocument).where(StoredDocument.guild_id == guild_id, StoredDocument.name == name)
            )
            count, total = (
                await session.execute(
                    select(func.count(StoredDocument.id), func.coalesce(func.sum(StoredDocument.text_bytes), 0)).where(
                        StoredDocument.guild_id == guild_id, StoredDocument.name != name
                    )
                )
            ).one()
            if existing is None and count >= self.limits.max_documents:
                raise KnowledgeError(
                    f"this server already has {count} documents, the most it may keep: remove one with /docs remove"
                )
            self._check_text_limit(int(total) + text_bytes)
            changed = existing is None or existing.sha256 != sha256
            row = existing or StoredDocument(guild_id=guild_id, name=name)
            row.title = title[:MAX_TITLE_CHARS] or name
            row.source_url = source_url
            row.content_type = content_type[:100]
            row.original = original
            row.text = text
            row.markdown = markdown
            row.sha256 = sha256
            row.size = len(original)
            row.text_bytes = text_bytes
            row.passage_count = passage_count
            row.added_by = added_by[:MAX_ADDED_BY_CHARS]
            row.added_at = datetime.now(UTC)
            row.published = published[:40] if published else None
            session.add(row)
            try:
                await session.flush()
            except IntegrityError:
                # Another process added the same name between our read and our write.
                raise KnowledgeError(f"{name} was added by someone else at the same moment: try again") from None
            return AddOutcome(_info(row), created=existing is None, changed=changed)

    async def replace_text(
        self, guild_id: int, name: str, *, text: str, markdown: bool, passage_count: int, expected_sha256: str
    ) -> AddOutcome:
        """Replace a document's extracted text, read again from its original bytes; its name, title, origin and
        who added it stay. `expected_sha256` is the text it was read from: if the document changed since (someone
        replaced it), nothing is written.
        """
        sha256 = text_sha256(text)
        text_bytes = len(text.encode("utf-8", "surrogatepass"))
        async with self.database.sessions.begin() as session:
            row = await session.scalar(
                select(StoredDocument).where(StoredDocument.guild_id == guild_id, StoredDocument.name == name)
            )
            if row is None or row.sha256 != expected_sha256:
                raise KnowledgeError(f"{name} was replaced or removed meanwhile: it was left as it is")
            others = await session.scalar(
                select(func.coalesce(func.sum(StoredDocument.text_bytes), 0)).where(
                    StoredDocument.guild_id == guild_id, StoredDocument.name != name
                )
            )
            self._check_text_limit(int(others or 0) + text_bytes)
            changed = row.sha256 != sha256 or row.markdown != markdown or row.passage_count != passage_count
            row.text, row.markdown, row.sha256 = text, markdown, sha256
            row.text_bytes, row.passage_count = text_bytes, passage_count
            return AddOutcome(_info(row), created=False, changed=changed)

    def _check_text_limit(self, text_bytes: int) -> None:
        """Refuse a change that would leave a server's documents holding `text_bytes`, over its limit."""
        if text_bytes > self.limits.max_text_bytes:
            limit_mb = self.limits.max_text_bytes / (1024 * 1024)
            raise KnowledgeError(f"this server's documents would hold more than {limit_mb:g} MB of text")

    async def plain_web_pages(self) -> int:
        """How many web pages, in every server, an older quotebot stored as plain text (see `quotebot docs reread`)."""
        async with self.database.sessions() as session:
            count = await session.scalar(
                select(func.count(StoredDocument.id)).where(
                    StoredDocument.content_type == "text/html", StoredDocument.markdown.is_(False)
                )
            )
            return int(count or 0)

    async def guild_ids(self) -> list[int]:
        """The servers that have documents of their own."""
        async with self.database.sessions() as session:
            rows = await session.scalars(select(StoredDocument.guild_id).distinct().order_by(StoredDocument.guild_id))
            return list(rows)

    async def remove(self, guild_id: int, name: str) -> StoredDocumentInfo | None:
        """Remove a document; None when the server has none of that name."""
        async with self.database.sessions.begin() as session:
            row = await session.scalar(
                select(StoredDocument).where(StoredDocument.guild_id == guild_id, StoredDocument.name == name)
            )
            if row is None:
                return None
            info = _info(row)
            await session.execute(delete(StoredDocument).where(StoredDocument.id == row.id))
            return info

    async def list(self, guild_id: int) -> list[StoredDocumentInfo]:
        async with self.database.sessions() as session:
            rows = await session.scalars(
                select(StoredDocument).where(StoredDocument.guild_id == guild_id).order_by(StoredDocument.name)
            )
            return [_info(row) for row in rows]

    async def names(self, guild_id: int) -> list[str]:
        async with self.database.sessions() as session:
            rows = await session.scalars(
                select(StoredDocument.name).where(StoredDocument.guild_id == guild_id).order_by(StoredDocument.name)
            )
            return list(rows)

    async def original(self, guild_id: int, name: str) -> bytes | None:
        """The document's bytes as they were added, for extracting them again."""
        async with self.database.sessions() as session:
            return await session.scalar(
                select(StoredDocument.original).where(StoredDocument.guild_id == guild_id, StoredDocument.name == name)
            )

    async def documents(self, guild_id: int) -> list[Document]:
        """The server's documents, ready to be indexed."""
        async with self.database.sessions() as session:
            rows = (
                await session.execute(
                    select(
                        StoredDocument.name,
                        StoredDocument.title,
                        StoredDocument.text,
                        StoredDocument.sha256,
                        StoredDocument.size,
                        StoredDocument.added_at,
                        StoredDocument.source_url,
                        StoredDocument.markdown,
                    )
                    .where(StoredDocument.guild_id == guild_id)
                    .order_by(StoredDocument.name)
                )
            ).all()
        return [
            Document(
                doc_id=name,
                title=title,
                text=text,
                sha256=sha256,
                size=size,
                mtime_ns=int(added_at.timestamp() * 1e9),
                source_url=source_url,
                markdown=markdown,
            )
            for name, title, text, sha256, size, added_at, source_url, markdown in rows
        ]

    async def uses_shared_corpus(self, guild_id: int) -> bool:
        async with self.database.sessions() as session:
            value = await session.scalar(
                select(GuildSettings.uses_shared_corpus).where(GuildSettings.guild_id == guild_id)
            )
            return True if value is None else bool(value)

    async def set_shared_corpus(self, guild_id: int, include: bool) -> None:
        async with self.database.sessions.begin() as session:
            row = await session.get(GuildSettings, guild_id)
            if row is None:
                session.add(GuildSettings(guild_id=guild_id, uses_shared_corpus=include))
            else:
                row.uses_shared_corpus = include
