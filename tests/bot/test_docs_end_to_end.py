"""/docs against the fake Discord server: each server's own documents, kept in a real SQLite database.

Two fake servers (two guilds) share one database, as two bot processes would: what one server's moderators
add is quoted, listed and autocompleted there and nowhere else, and survives a restart.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from fake_discord import CallbackType, FakeDiscord, FakeUser
from test_end_to_end import ask, embed_of, environment, running_bot

from bot.settings import Settings, load_settings

EPHEMERAL = 1 << 6
SHARED = {
    "harbour.md": "# The harbour\n\nThe lighthouse keeper counted seven ships entering the harbour at dawn.\n",
    "bakery.md": "# The bakery\n\nThe baker sold sourdough loaves to every fisherman before sunrise.\n",
}
_TIMETABLE_MORE = (
    "The first crossing is at six in the morning and the last one leaves at midnight. On stormy days the harbour "
    "office may cancel crossings at short notice, and the notice board by the gangway says which ones. "
    "The crossing itself takes a little under a quarter of an hour in calm weather. "
)
_TICKETS_MORE = (
    "Children under five travel free, and a book of ten tickets costs the price of eight. Cards and cash are both "
    "accepted at the kiosk, which opens half an hour before the first crossing. "
    "Lost tickets can't be replaced, but a season pass can be blocked and reissued at the harbour office. "
)
FERRIES = (
    "# Ferries\n\n## Timetable\n\nThe island ferry leaves the north pier every twenty minutes. "
    + _TIMETABLE_MORE * 2
    + "\n\n## Tickets\n\nTickets for the island ferry are sold at the kiosk beside the pier. "
    + _TICKETS_MORE * 2
    + "\n"
)
FERRY_QUESTION = "How often does the island ferry leave the north pier?"


@pytest_asyncio.fixture
async def other_server() -> AsyncIterator[FakeDiscord]:
    """A second Discord server (another guild id) for the same bot's database."""
    async with FakeDiscord(guild_name="Another Guild") as fake:
        yield fake


@pytest.fixture
def shared_corpus(make_corpus) -> Path:
    return make_corpus(SHARED)


def settings_for(server: FakeDiscord, corpus: Path, tmp_path: Path, **extra: str) -> Settings:
    """The same data folder (so the same SQLite database) whichever fake server the bot connects to."""
    return load_settings(
        {**environment(server, corpus, tmp_path / "index", **extra), "QUOTEBOT_DATA_DIR": str(tmp_path / "data")}
    )


async def docs(server: FakeDiscord, action: str, user: FakeUser, **options: Any) -> dict[str, Any]:
    """Run /docs ACTION and return the (ephemeral) message the user sees."""
    interaction = await server.send_slash_command(f"docs {action}", options, user=user)
    message = await interaction.wait_message(timeout=20)
    assert message["flags"] & EPHEMERAL, message
    return message


def text_of(message: dict[str, Any]) -> str:
    """A message's content, or its embed's description (refusals come as an embed)."""
    if message.get("content"):
        return str(message["content"])
    return str(embed_of(message)["description"])


async def document_choices(server: FakeDiscord, command: str, options: dict[str, Any], user: FakeUser) -> list[str]:
    typing = await server.send_autocomplete(command, options, "document", user=user)
    return [choice["value"] for choice in await typing.wait_choices(timeout=10)]


@pytest.mark.asyncio
async def test_a_moderators_file_answers_in_that_server_only_and_survives_a_restart(
    server: FakeDiscord, other_server: FakeDiscord, shared_corpus: Path, tmp_path: Path
) -> None:
    settings = settings_for(server, shared_corpus, tmp_path)
    async with running_bot(settings, server):
        await server.wait_commands_synced()
        before = embed_of(await ask(server, FERRY_QUESTION))
        assert "island ferry" not in before["description"]

        upload = server.add_attachment("ferries.md", FERRIES.encode(), "text/markdown")
        interaction = await server.send_slash_command("docs add", {"file": upload}, user=server.moderator)
        assert (await interaction.wait_response(timeout=10)).type == CallbackType.DEFERRED_CHANNEL_MESSAGE
        added = await interaction.wait_message(timeout=20)
        assert added["flags"] & EPHEMERAL
        assert text_of(added).startswith("added ferries.md (Ferries): 2 passages, ")

        answer = embed_of(await ask(server, FERRY_QUESTION))
        assert "**The island ferry leaves the north pier every twenty minutes.**" in answer["description"]
        assert answer["fields"][0]["value"].startswith("Ferries › Timetable (ferries.md), passage 1 of 2")
        shared_answer = embed_of(await ask(server, "How many ships did the lighthouse keeper count?"))
        assert "harbour.md" in shared_answer["fields"][0]["value"]  # the shared corpus still answers beside it

        listing = text_of(await docs(server, "list", server.moderator))
        assert "**Ferries**: ferries.md" in listing and "2 passages" in listing and "added by Moderator" in listing
        sources = embed_of(await (await server.send_slash_command("sources")).wait_message(timeout=10))
        own, shared = sources["description"].split("**Shared corpus**")
        assert "ferries.md" in own and "harbour.md" not in own
        assert "harbour.md" in shared and "ferries.md" not in shared
        assert "ferries.md" in await document_choices(
            server, "passage", {"document": "ferr", "number": 1}, server.member
        )

    # Another server, the same database: none of it is quoted, listed or offered there.
    async with running_bot(settings_for(other_server, shared_corpus, tmp_path), other_server):
        await other_server.wait_commands_synced()
        elsewhere = embed_of(await ask(other_server, FERRY_QUESTION))
        assert "island ferry" not in elsewhere["description"] and "ferries.md" not in str(elsewhere.get("fields"))
        assert "no documents of its own" in text_of(await docs(other_server, "list", other_server.owner))
        assert (
            await document_choices(other_server, "passage", {"document": "ferr", "number": 1}, other_server.member)
            == []
        )
        assert await document_choices(other_server, "docs remove", {"document": ""}, other_server.owner) == []

    # A restart of the first server's bot answers from the stored documents.
    async with running_bot(settings, server):
        again = embed_of(await ask(server, FERRY_QUESTION))
        assert "island ferry" in again["description"]
        assert await document_choices(server, "docs remove", {"document": "fer"}, server.moderator) == ["ferries.md"]
        removed = text_of(await docs(server, "remove", server.moderator, document="ferries.md"))
        assert removed.startswith("removed ferries.md (Ferries): 2 passages, ")
        gone = embed_of(await ask(server, FERRY_QUESTION))
        assert "island ferry" not in gone["description"]
        assert "no document named" in text_of(await docs(server, "remove", server.moderator, document="ferries.md"))
    assert not server.rejected_requests and not other_server.rejected_requests


@pytest.mark.asyncio
async def test_members_cant_see_or_use_docs(server: FakeDiscord, shared_corpus: Path, tmp_path: Path) -> None:
    async with running_bot(settings_for(server, shared_corpus, tmp_path), server):
        synced = {command["name"]: command for command in await server.wait_commands_synced()}
        manage_guild = 1 << 5
        assert str(synced["docs"]["default_member_permissions"]) == str(manage_guild)
        assert synced["docs"].get("contexts") == [0] or synced["docs"].get("dm_permission") is False

        upload = server.add_attachment("ferries.md", FERRIES.encode(), "text/markdown")
        for action, options in (("add", {"file": upload}), ("list", {}), ("shared", {"include": False})):
            refusal = await docs(server, action, server.member, **options)
            assert "Only moderators" in text_of(refusal)
        assert await document_choices(server, "docs remove", {"document": ""}, server.member) == []
        assert "no documents of its own" in text_of(await docs(server, "list", server.moderator))


@pytest.mark.asyncio
async def test_refused_uploads_change_nothing(server: FakeDiscord, shared_corpus: Path, tmp_path: Path) -> None:
    settings = settings_for(server, shared_corpus, tmp_path, QUOTEBOT_MAX_UPLOAD_MB="0.01")
    async with running_bot(settings, server):
        await server.wait_commands_synced()
        moderator = server.moderator
        too_big = server.add_attachment("big.md", b"# Big\n\n" + b"The tide rose. " * 2_000, "text/markdown")
        assert "larger than the 0.01 MB" in text_of(await docs(server, "add", moderator, file=too_big))
        program = server.add_attachment("tool.exe", b"MZ\x90\x00binary", "application/octet-stream")
        assert "unsupported type" in text_of(await docs(server, "add", moderator, file=program))
        small = server.add_attachment("ferries.md", FERRIES.encode(), "text/markdown")
        both = text_of(await docs(server, "add", moderator, file=small, url="https://example.com/"))
        assert "one of the two" in both
        assert "Give a file or a url" in text_of(await docs(server, "add", moderator))
        private = text_of(await docs(server, "add", moderator, url="http://127.0.0.1:9/admin"))
        assert "refused" in private and "127.0.0.1" in private
        assert "ftp" in text_of(await docs(server, "add", moderator, url="ftp://example.com/file.txt"))

        assert "no documents of its own" in text_of(await docs(server, "list", moderator))
        assert "island ferry" not in embed_of(await ask(server, FERRY_QUESTION))["description"]
    assert not server.rejected_requests


FERRY_PAGE = """<!doctype html><html><head><title>Island ferry timetable</title>
<link rel="canonical" href="{canonical}"></head><body>
<nav>Home | News | Share | Print</nav>
<article><h1>Island ferry timetable</h1>
<p>The island ferry leaves the north pier every twenty minutes, from six in the morning until midnight.</p>
<h2 id="on-board">On board<a class="headerlink" href="#on-board" title="Permanent link">¶</a></h2>
<p>Bicycles travel free on every crossing, and dogs on a lead are welcome on the upper deck.</p>
</article><footer>Contact us</footer></body></html>"""


@pytest_asyncio.fixture
async def ferry_site() -> AsyncIterator[str]:
    """A web page on a loopback port (the bot is allowed private addresses for this test only)."""
    pages: dict[str, str] = {}

    async def page(_request: web.Request) -> web.Response:
        return web.Response(text=pages["/ferry"], content_type="text/html")

    app = web.Application()
    app.router.add_get("/ferry", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/ferry"
    pages["/ferry"] = FERRY_PAGE.format(canonical=url)
    try:
        yield url
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_a_web_page_is_added_answered_with_its_link_and_refetched(
    server: FakeDiscord, shared_corpus: Path, tmp_path: Path, ferry_site: str
) -> None:
    settings = settings_for(server, shared_corpus, tmp_path, QUOTEBOT_ALLOW_PRIVATE_URLS="true")
    async with running_bot(settings, server):
        await server.wait_commands_synced()
        added = text_of(await docs(server, "add", server.moderator, url=ferry_site))
        assert added.startswith("added ") and "Island ferry timetable" in added

        answer = embed_of(await ask(server, "Do bicycles travel free on the island ferry?"))
        assert "Bicycles travel free" in answer["description"]
        source = answer["fields"][0]["value"]
        # The page's headings are its sections, as a Markdown file's are; the permalink sign isn't in them.
        assert source.startswith("Island ferry timetable › On board (") and source.endswith("\n" + ferry_site)

        again = text_of(await docs(server, "add", server.moderator, url=ferry_site))
        assert again.startswith("unchanged:")
        listing = text_of(await docs(server, "list", server.moderator))
        assert ferry_site in listing


@pytest.mark.asyncio
async def test_the_bot_says_at_start_when_web_pages_stored_as_plain_text_want_reading_again(
    server: FakeDiscord, shared_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from knowledge.base import KnowledgeBase
    from knowledge.database import open_database

    settings = settings_for(server, shared_corpus, tmp_path)
    database = await open_database(settings.resolved_database_url)
    try:
        kb = KnowledgeBase(database)
        for name, markdown in (("old.example/page", False), ("new.example/page", True)):
            await kb.add(
                server.guild_id,
                name=name,
                title="Ferries",
                text="Ferries\n\nThe ferry leaves at noon.",
                original=b"<html></html>",
                content_type="text/html",
                added_by="Moderator",
                passage_count=1,
                markdown=markdown,
            )
    finally:
        await database.close()
    with caplog.at_level(logging.WARNING, logger="bot.client"):
        async with running_bot(settings, server):
            await server.wait_commands_synced()
    hints = [record.getMessage() for record in caplog.records if "docs reread" in record.getMessage()]
    assert hints == [
        "1 web page in the servers' documents was stored by an older quotebot as plain text, without headings: "
        "run `quotebot docs reread --every-server` to read them again"
    ]
