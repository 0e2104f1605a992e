"""Each server's index over a real SQLite knowledge base: built when asked, swapped whole, old one kept on failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

import bot.guild_indexes
from bot.guild_indexes import GuildIndexes
from index.passage_index import Analyzer, PassageIndex, build_index
from knowledge.base import KnowledgeBase
from knowledge.database import Database, open_database

SHARED = {"bakery.md": "# The bakery\n\nThe baker sold sourdough loaves to every fisherman before sunrise.\n"}
FERRIES = "# Ferries\n\nThe island ferry leaves the north pier every twenty minutes.\n"
FERRY_QUESTION = "How often does the island ferry leave the pier?"
TOKEN = "MTIz.fake-bot-token.abc"


@pytest_asyncio.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'quotebot.db'}")
    yield opened
    await opened.close()


@pytest.fixture
def corpus(make_corpus) -> Path:
    return make_corpus(SHARED)


@pytest.fixture
def shared(corpus: Path, builtin_analyzer: Analyzer) -> PassageIndex:
    return build_index(corpus, analyzer=builtin_analyzer)


def guild_indexes(database: Database, corpus: Path, tmp_path: Path, analyzer: Analyzer) -> GuildIndexes:
    """What the bot makes at start-up; a second one on the same database is a restarted bot."""
    return GuildIndexes(
        KnowledgeBase(database),
        corpus=corpus,
        index_dir=tmp_path / "index",
        max_file_mb=5,
        analyzer=analyzer,
        forbidden_texts=(TOKEN,),
    )


async def add(knowledge: KnowledgeBase, guild_id: int, name: str, text: str) -> None:
    await knowledge.add(
        guild_id,
        name=name,
        title=name,
        text=text,
        original=text.encode(),
        content_type="text/markdown",
        added_by="Moderator",
        passage_count=1,
    )


def ferry_found(index: PassageIndex) -> bool:
    answer = index.ask(FERRY_QUESTION)
    return answer.found and answer.passages[0].passage.doc_id == "ferries.md"


@pytest.mark.asyncio
async def test_a_failed_rebuild_keeps_the_old_index_and_the_next_question_retries(
    database: Database,
    corpus: Path,
    shared: PassageIndex,
    tmp_path: Path,
    builtin_analyzer: Analyzer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    indexes = guild_indexes(database, corpus, tmp_path, builtin_analyzer)
    assert await indexes.index_for(1, shared) is shared  # no documents of its own: the shared index itself

    await add(indexes.knowledge, 1, "ferries.md", FERRIES)  # written ...
    real_build = bot.guild_indexes.build_guild_index

    def disk_full(*_args: object, **_kwargs: object) -> PassageIndex:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bot.guild_indexes, "build_guild_index", disk_full)
    kept = await indexes.rebuild(1, shared)  # ... and the swap fails
    assert kept is shared and not ferry_found(kept)

    monkeypatch.setattr(bot.guild_indexes, "build_guild_index", real_build)
    retried = await indexes.index_for(1, shared)
    assert ferry_found(retried)
    assert await indexes.index_for(1, shared) is retried  # built once, then served from memory
    assert await indexes.index_for(2, shared) is shared  # another server never sees it


@pytest.mark.asyncio
async def test_a_restart_between_the_write_and_the_swap_answers_from_the_stored_document(
    database: Database, corpus: Path, shared: PassageIndex, tmp_path: Path, builtin_analyzer: Analyzer
) -> None:
    before_crash = guild_indexes(database, corpus, tmp_path, builtin_analyzer)
    assert await before_crash.index_for(1, shared) is shared
    await add(before_crash.knowledge, 1, "ferries.md", FERRIES)  # the bot dies here, before any rebuild

    restarted = guild_indexes(database, corpus, tmp_path, builtin_analyzer)
    assert ferry_found(await restarted.index_for(1, shared))


@pytest.mark.asyncio
async def test_a_shared_index_replaced_by_reindex_rebuilds_the_servers_index(
    database: Database, corpus: Path, shared: PassageIndex, tmp_path: Path, builtin_analyzer: Analyzer
) -> None:
    indexes = guild_indexes(database, corpus, tmp_path, builtin_analyzer)
    await add(indexes.knowledge, 1, "ferries.md", FERRIES)
    first = await indexes.index_for(1, shared)
    (corpus / "comet.md").write_text("# Comet\n\nA comet was seen over the bay for three nights.\n")
    reindexed = build_index(corpus, analyzer=builtin_analyzer)
    second = await indexes.index_for(1, reindexed)
    assert second is not first
    assert ferry_found(second) and "comet.md" in second.documents


@pytest.mark.asyncio
async def test_a_server_document_holding_the_bots_token_is_never_indexed(
    database: Database, corpus: Path, shared: PassageIndex, tmp_path: Path, builtin_analyzer: Analyzer
) -> None:
    indexes = guild_indexes(database, corpus, tmp_path, builtin_analyzer)
    await add(indexes.knowledge, 3, "env.txt", f"DISCORD_TOKEN={TOKEN}\n")
    await add(indexes.knowledge, 3, "ferries.md", FERRIES)
    index = await indexes.index_for(3, shared)
    assert "env.txt" not in index.documents and ferry_found(index)
    assert all(TOKEN not in passage.text for passage in index.passages)
