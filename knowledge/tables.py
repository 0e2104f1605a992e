"""The database schema, declared once; migrations in `knowledge/migrations` create and change it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Every table of quotebot's database."""


class GuildSettings(Base):
    """What a server chose for its knowledge base; a server without a row has the defaults."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    uses_shared_corpus: Mapped[bool] = mapped_column(Boolean, default=True)


class StoredDocument(Base):
    """One document of a server: its original bytes, the text extracted from them, and where it came from."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("guild_id", "name", name="uq_documents_guild_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(200))
    """The document's id in answers and in `/docs remove`: a file name, or a name made from the URL."""
    title: Mapped[str] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    content_type: Mapped[str] = mapped_column(String(100))
    original: Mapped[bytes] = mapped_column(LargeBinary)
    """The bytes as uploaded or fetched, so a better extractor can read them again later."""
    text: Mapped[str] = mapped_column(Text)
    markdown: Mapped[bool] = mapped_column(Boolean, default=False)
    """Whether `text` is Markdown: an uploaded Markdown file, or a web page's main text."""
    sha256: Mapped[str] = mapped_column(String(64))
    """Of the extracted text."""
    size: Mapped[int] = mapped_column(Integer)
    text_bytes: Mapped[int] = mapped_column(Integer)
    passage_count: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(100))
    """A display name, never a user id or a mention."""
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published: Mapped[str | None] = mapped_column(String(40), nullable=True)


class LoggedAnswer(Base):
    """One question quotebot was asked and what it said: never who asked (see README, Privacy)."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    """None for a direct message."""
    channel_id: Mapped[int] = mapped_column(BigInteger)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    question: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    """The index's verdict: "answered", "no-terms" or "not-covered"."""
    confidence: Mapped[float] = mapped_column(Float)
    doc_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    passage_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quote: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    """How the question came: "slash", "mention", "auto", "forum"."""


class Vote(Base):
    """A 👍 or 👎 on an answer; `voter` is a salted hash of the user id, so one vote per user without their id."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("answer_id", "voter", name="uq_votes_answer_voter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    voter: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(SmallInteger)
    """+1 or -1."""
    voted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DatabaseSecret(Base):
    """Secrets made once per database, such as the salt of the voters' hashes."""

    __tablename__ = "database_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class AutoanswerChannel(Base):
    """A channel where quotebot answers questions nobody asked it, as a moderator set it."""

    __tablename__ = "autoanswer_channels"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    channel_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    mode: Mapped[str] = mapped_column(String(20))
    open_thread: Mapped[bool] = mapped_column(Boolean)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
