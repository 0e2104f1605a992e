"""Opening quotebot's database: SQLite in the data folder by default, PostgreSQL by URL, migrated on open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from index.errors import QuotebotError
from knowledge.locations import DATABASE_FILE, default_data_dir, default_database_url

__all__ = ["DATABASE_FILE", "Database", "DatabaseError", "default_data_dir", "default_database_url", "open_database"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(QuotebotError):
    """The database can't be opened or migrated; the message says why, without any password."""


def shown_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable URL)"


class Database:
    """An open, migrated database: an async engine and its session factory."""

    def __init__(self, engine: AsyncEngine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(engine, expire_on_commit=False)

    @property
    def shown_url(self) -> str:
        return shown_url(self.url)

    async def close(self) -> None:
        await self.engine.dispose()


async def open_database(url: str, *, migrate_to: str = "head") -> Database:
    """Open the database at `url` and bring its schema up to date (`migrate_to` is for the migration tests).

    Raises `DatabaseError` for an unusable URL, an unreachable server, or a database whose schema is newer
    than this quotebot knows.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"QUOTEBOT_DATABASE_URL is not a database URL: {shown_url(url)} "
            "(use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER:PASSWORD@HOST/DB)"
        ) from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseError(f"can't create the data folder {folder}: {error.strerror or error}") from None
    try:
        engine = create_async_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise DatabaseError(
            f"can't use the database {shown_url(url)}: {error} (quotebot supports sqlite+aiosqlite and "
            "postgresql+asyncpg)"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, migrate_to)
    except DatabaseError:
        await engine.dispose()
        raise
    except (OSError, SQLAlchemyError, DBAPIError) as error:
        await engine.dispose()
        reason = getattr(error, "orig", None) or error
        raise DatabaseError(f"can't open the database {shown_url(url)}: {_first_line(reason)}") from None
    except Exception as error:  # asyncpg raises its own errors for refused logins and missing databases
        await engine.dispose()
        raise DatabaseError(f"can't open the database {shown_url(url)}: {_first_line(error)}") from None
    return Database(engine, url)


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Readers (questions) don't wait for a writer (/docs add), and a crash can't corrupt the file.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def migrations_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def schema_revision(connection: Connection) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    return tuple(MigrationContext.configure(connection).get_current_heads())


def _migrate(connection: Connection, target: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    config = migrations_config(connection)
    known = {revision.revision for revision in ScriptDirectory.from_config(config).walk_revisions()}
    for current in schema_revision(connection):
        if current not in known:
            raise DatabaseError(
                f"the database's schema ({current}) is newer than this version of quotebot knows: upgrade quotebot "
                "(nothing was changed)"
            )
    command.upgrade(config, target)
