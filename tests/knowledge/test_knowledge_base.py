"""Knowledge bases on real databases (SQLite and PostgreSQL): round trips, isolation, limits, crashes, migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from index.passage_index import build_index_from_documents
from knowledge.base import KnowledgeBase, KnowledgeError, KnowledgeLimits, text_sha256
from knowledge.database import Database, DatabaseError, default_data_dir, default_database_url, open_database
from knowledge.ingestion import add_file, document_name, reread, url_name

GUILD_A = 2**63 - 1  # the largest snowflake a guild id can be
GUILD_B = 1
GUIDE = b"# Ferries\n\nThe harbour ferry leaves the north pier every twenty minutes.\n"


async def _add(kb: KnowledgeBase, guild_id: int, name: str, body: str) -> object:
    return await kb.add(
        guild_id,
        name=name,
        title=name.title(),
        text=body,
        original=body.encode(),
        content_type="text/plain",
        added_by="Mod",
        passage_count=1,
    )


@pytest.mark.asyncio
async def test_documents_round_trip_in_their_own_guild_only(database_url: str) -> None:
    database = await open_database(database_url)
    try:
        kb = KnowledgeBase(database)
        outcome = await add_file(kb, GUILD_A, filename="guide.md", data=GUIDE, added_by="Mod", max_bytes=1 << 20)
        assert outcome.created and outcome.changed
        assert outcome.document.title == "Ferries" and outcome.document.passage_count == 1
        assert await kb.names(GUILD_A) == ["guide.md"]
        assert await kb.names(GUILD_B) == [] and await kb.documents(GUILD_B) == []
        [document] = await kb.documents(GUILD_A)
        assert document.doc_id == "guide.md" and "twenty minutes" in document.text
        [info] = await kb.list(GUILD_A)
        assert info.size == len(GUIDE) and info.added_by == "Mod" and info.added_at.tzinfo is not None
        assert await kb.original(GUILD_A, "guide.md") == GUIDE
    finally:
        await database.close()


@pytest.mark.asyncio
async def test_uploaded_mdx_page_is_markdown_without_its_imports(database_url: str) -> None:
    """A Docusaurus `.mdx` upload is read as Markdown: its admonition answers, its `import` lines are no text."""
    page = (
        b"import Tabs from '@theme/Tabs';\n\n# Ferries\n\n:::tip[Night service]\n\n"
        b"The last ferry leaves the north pier at midnight.\n\n:::\n"
    )
    database = await open_database(database_url)
    try:
        kb = KnowledgeBase(database)
        outcome = await add_file(kb, GUILD_A, filename="ferries.mdx", data=page, added_by="Mod", max_bytes=1 << 20)
        assert outcome.document.title == "Ferries"
        index = build_index_from_documents(await kb.documents(GUILD_A), label="guild")
        answer = index.ask("when does the last ferry leave at night?")
        assert answer.found
        assert answer.passages[0].quote == "The last ferry leaves the north pier at midnight."
        assert answer.passages[0].section == "Ferries"
        assert not index.ask("import Tabs theme").found
    finally:
        await database.close()


@pytest.mark.asyncio
async def test_uploaded_web_page_keeps_its_sections_and_counts_its_passages_as_the_index_does(
    database_url: str,
) -> None:
    """An `.html` upload is stored as Markdown: its headings are sections, and `/docs list` counts the passages."""
    page = (
        b"<html><head><title>Ferries</title></head><body><nav><a href='/'>Home</a></nav><article>"
        b"<h1>Ferries</h1><p>The harbour has two ferry lines, both leaving from the north pier.</p>"
        b"<h2>Night service</h2><p>The last ferry leaves the north pier at midnight, every day of the year.</p>"
        b"<h2>Bicycles</h2><p>Bicycles travel free on every crossing, on the lower deck only.</p>"
        b"</article></body></html>"
    )
    database = await open_database(database_url)
    try:
        kb = KnowledgeBase(database)
        outcome = await add_file(kb, GUILD_A, filename="ferries.html", data=page, added_by="Mod", max_bytes=1 << 20)
        [document] = await kb.documents(GUILD_A)
        assert document.markdown and document.text.startswith("# Ferries\n")
        index = build_index_from_documents([document], label="guild")
        assert outcome.document.passage_count == len(index.passages) == 3
        answer = index.ask("when does the last ferry leave at night?")
        assert answer.found and answer.passages[0].section == "Ferries › Night service"
    finally:
        await database.close()


@pytest.mark.asyncio
async def test_reading_a_document_again_changes_only_its_text_and_never_a_newer_one(database_url: str) -> None:
    database = await open_database(database_url)
    try:
        kb = KnowledgeBase(database, KnowledgeLimits(max_text_bytes=200))
        limit = 1 << 20
        await add_file(kb, GUILD_A, filename="guide.md", data=GUIDE, added_by="Mod", title="Ferries!", max_bytes=limit)
        [stored] = await kb.list(GUILD_A)
        again = await reread(kb, GUILD_A, stored)
        assert not again.changed and again.document.title == "Ferries!" and again.document.added_by == "Mod"
        # Replaced by someone else since it was listed: the stale reading is never written over it.
        newer = GUIDE + b"\nNew line.\n"
        await add_file(kb, GUILD_A, filename="guide.md", data=newer, added_by="Other", max_bytes=limit)
        with pytest.raises(KnowledgeError, match="replaced or removed meanwhile"):
            await reread(kb, GUILD_A, stored)
        [current] = await kb.list(GUILD_A)
        with pytest.raises(KnowledgeError, match="more than"):
            await kb.replace_text(
                GUILD_A, "guide.md", text="x" * 300, markdown=True, passage_count=1, expected_sha256=current.sha256
            )
        [document] = await kb.documents(GUILD_A)
        assert document.text.endswith("New line.") and document.markdown
    finally:
        await database.close()


@pytest.mark.asyncio
async def test_same_name_replaces_and_says_whether_it_changed(database_url: str) -> None:
    database = await open_database(database_url)
    try:
        kb = KnowledgeBase(database)
        await _add(kb, GUILD_A, "faq.txt", "one")
        same = await _add(kb, GUILD_A, "faq.txt", "one")
        assert not same.created and not same.changed
        other = await _add(kb, GUILD_A, "faq.txt", "two")
        assert not other.created and other.changed
        assert [document.text for document in await kb.documents(GUILD_A)] == ["two"]
        removed = await kb.remove(GUILD_A, "faq.txt")
        assert removed is not None and removed.name == "faq.txt"
        assert await kb.remove(GUILD_A, "faq.txt") is None
        assert await kb.names(GUILD_A) == []
    finally:
        await database.close()


@pytest.mark.asyncio
async def test_limits_refuse_and_change_nothing(database_url: str) -> None:
    database = await open_database(database_url)
    try:
        kb = KnowledgeBase(database, KnowledgeLimits(max_documents=2, max_text_bytes=10))
        await _add(kb, GUILD_A, "a", "1234")
        await _add(kb, GUILD_A, "b", "5678")
        with pytest.raises(KnowledgeError, match="2 documents"):
            await _add(kb, GUILD_A, "c", "9")
        with pytest.raises(KnowledgeError, match="MB of text"):
            await _add(kb, GUILD_A, "b", "56789012")
        assert [document.text for document in await kb.documents(GUILD_A)] == ["1234", "5678"]
        await _add(kb, GUILD_B, "c", "9")  # the limits are per server
    finally:
        await database.close()


@pytest.mark.asyncio
async def test_a_crash_inside_an_add_leaves_nothing_half_written(database_url: str, monkeypatch) -> None:
    database = await open_database(database_url)
    try:
        kb = KnowledgeBase(database)
        await _add(kb, GUILD_A, "faq.txt", "the old text")
        import knowledge.base

        def crash(row: object) -> object:
            raise RuntimeError("power cut")

        # The row is written and flushed; the crash comes before the commit.
        monkeypatch.setattr(knowledge.base, "_info", crash)
        with pytest.raises(RuntimeError, match="power cut"):
            await _add(kb, GUILD_A, "faq.txt", "the new text")
        with pytest.raises(RuntimeError, match="power cut"):
            await _add(kb, GUILD_A, "new.txt", "a new document")
        monkeypatch.undo()
        assert [(d.doc_id, d.text) for d in await kb.documents(GUILD_A)] == [("faq.txt", "the old text")]
    finally:
        await database.close()


@pytest.mark.asyncio
async def test_documents_and_settings_survive_reopening(database_url: str) -> None:
    database = await open_database(database_url)
    kb = KnowledgeBase(database)
    await _add(kb, GUILD_A, "faq.txt", "kept")
    assert await kb.uses_shared_corpus(GUILD_A)
    await kb.set_shared_corpus(GUILD_A, False)
    await database.close()
    reopened = await open_database(database_url)
    try:
        kb = KnowledgeBase(reopened)
        assert [document.text for document in await kb.documents(GUILD_A)] == ["kept"]
        assert not await kb.uses_shared_corpus(GUILD_A) and await kb.uses_shared_corpus(GUILD_B)
    finally:
        await reopened.close()


async def _insert_first_schema_document(database: Database, name: str, content_type: str, body: str) -> None:
    """A document as the first schema stores it: through SQL, since today's tables have more columns."""
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO documents (guild_id, name, title, content_type, original, text, sha256, size,"
                " text_bytes, passage_count, added_by, added_at)"
                " VALUES (:guild, :name, :name, :type, :original, :body, :sha, :size, :size, 1, 'Mod', :at)"
            ),
            {
                "guild": GUILD_A,
                "name": name,
                "type": content_type,
                "original": body.encode(),
                "body": body,
                "sha": text_sha256(body),
                "size": len(body),
                "at": datetime(2026, 1, 1, tzinfo=UTC),
            },
        )


@pytest.mark.asyncio
async def test_migrating_from_the_first_schema_keeps_the_data(database_url: str) -> None:
    first = await open_database(database_url, migrate_to="0001_knowledge_bases")
    await _insert_first_schema_document(first, "faq.txt", "text/plain", "from the first schema")
    await _insert_first_schema_document(first, "guide.md", "text/markdown", "# Ferries\n\nThe ferry leaves at noon.\n")
    await first.close()
    upgraded = await open_database(database_url)
    try:
        async with upgraded.engine.connect() as connection:
            [revision] = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        from alembic.script import ScriptDirectory

        from knowledge.database import migrations_config

        assert revision == ScriptDirectory.from_config(migrations_config()).get_current_head()
        assert revision == "0003_markdown_text"
        documents = {d.doc_id: d for d in await KnowledgeBase(upgraded).documents(GUILD_A)}
        assert documents["faq.txt"].text == "from the first schema"
        # What was stored as Markdown is read as Markdown; plain text (and a web page's old plain text) stays so.
        assert documents["guide.md"].markdown and not documents["faq.txt"].markdown
        async with upgraded.engine.connect() as connection:
            # The answer log's tables are there and usable, and empty: upgrading logs nothing by itself.
            for table in ("answers", "votes", "autoanswer_channels", "database_secrets"):
                assert (await connection.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar_one() == 0
    finally:
        await upgraded.close()


@pytest.mark.asyncio
async def test_a_database_from_a_newer_quotebot_is_refused_untouched(database_url: str) -> None:
    database = await open_database(database_url)
    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    await database.close()
    with pytest.raises(DatabaseError, match="newer than this version of quotebot"):
        await open_database(database_url)


@pytest.mark.asyncio
async def test_unusable_urls_get_a_short_reason_without_the_password(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        await open_database("not a url")
    with pytest.raises(DatabaseError, match="sqlite\\+aiosqlite and postgresql\\+asyncpg"):
        await open_database("nosuchdb://x/y")
    with pytest.raises(DatabaseError) as refused:
        await open_database("postgresql+asyncpg://quotebot:hunter2@127.0.0.1:1/none")
    assert "hunter2" not in str(refused.value) and "can't open the database" in str(refused.value)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="can't create the data folder"):
        await open_database(f"sqlite+aiosqlite:///{blocker / 'sub' / 'quotebot.db'}")


@pytest.mark.asyncio
async def test_files_quotebot_cant_read_are_refused_before_anything_is_stored(database_url: str) -> None:
    from index.errors import QuotebotError

    database = await open_database(database_url)
    try:
        kb = KnowledgeBase(database)
        with pytest.raises(QuotebotError, match="unsupported type"):
            await add_file(kb, GUILD_A, filename="tool.exe", data=b"MZ\x90", added_by="Mod", max_bytes=1 << 20)
        with pytest.raises(QuotebotError, match="larger than"):
            await add_file(kb, GUILD_A, filename="big.txt", data=b"x" * 2048, added_by="Mod", max_bytes=1024)
        with pytest.raises(QuotebotError, match="nothing extractable"):
            await add_file(kb, GUILD_A, filename="blank.md", data=b"  \n\n", added_by="Mod", max_bytes=1024)
        assert await kb.names(GUILD_A) == []
    finally:
        await database.close()


def test_document_names_are_safe_and_readable() -> None:
    assert document_name("../../etc/passwd.txt") == "passwd.txt"
    assert document_name("C:\\Users\\me\\notes.md") == "notes.md"
    assert document_name("bad\x00\nname.md") == "bad-name.md"
    assert len(document_name("a" * 500 + ".md")) == 200 and document_name("a" * 500 + ".md").endswith(".md")
    with pytest.raises(KnowledgeError):
        document_name("...")
    assert url_name("https://Docs.Example.org/Guide/Install%20It/?x=1#top") == "docs.example.org/guide/install-20it"
    assert url_name("https://user:pw@example.org/") == "example.org"


def test_the_data_folder_is_never_the_cache() -> None:
    assert default_data_dir({"QUOTEBOT_DATA_DIR": "/srv/qb"}) == Path("/srv/qb")
    assert default_data_dir({"XDG_DATA_HOME": "/x"}) == Path("/x/quotebot")
    assert ".cache" not in default_data_dir({}).parts
    assert default_database_url(Path("/srv/qb")) == "sqlite+aiosqlite:////srv/qb/quotebot.db"
