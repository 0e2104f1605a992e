"""End to end: the real quotebot client (unmodified discord.py) against the fake Discord server on loopback.

The bot is configured the way a user would configure it, through DISCORD_API_BASE and DISCORD_GATEWAY_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any
from unittest import mock

import discord
import pytest
from fake_discord import CallbackType, FakeDiscord, FakeUser

from bot.client import REJECTED_TOKEN, Quotebot, open_service, serve
from bot.index_service import IndexService, corpus_rebuild
from bot.replies import MORE_PASSAGES, NOT_FOUND
from bot.settings import Settings, load_settings
from index.passage_index import PassageIndex

EPHEMERAL = 1 << 6
FILLER = " The town council met in the old hall that evening to discuss the budget, the roads and the lamps."
DOCUMENTS = {
    "harbour.md": "# The harbour\n\nThe lighthouse keeper counted seven ships entering the harbour at dawn."
    + FILLER * 3
    + "\n\n## Fishing\n\nBy noon the fishermen had landed a record catch of mackerel and herring in the harbour."
    + FILLER * 3
    + "\n\n## Evening\n\nIn the evening the harbour master closed the harbour gates because a storm was coming."
    + FILLER * 3,
    "bakery.md": "# The bakery\n\nThe baker sold sourdough loaves to every fisherman before noon." + FILLER * 3,
    "notices.md": "# Notices\n\n@everyone the ferry to the island leaves at nine from the pier, <@&123> too."
    + FILLER * 3,
}


@pytest.fixture(autouse=True)
def restore_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot points discord.py at the fake server; put the real endpoints back afterwards."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    )


def environment(server: FakeDiscord, corpus: Path, index_dir: Path, **extra: str) -> dict[str, str]:
    """The settings a user would put in .env to run quotebot against `server`."""
    return {
        "DISCORD_TOKEN": server.token,
        "DISCORD_API_BASE": server.api_base,
        "DISCORD_GATEWAY_URL": server.gateway_url,
        "QUOTEBOT_CORPUS": str(corpus),
        "QUOTEBOT_INDEX_DIR": str(index_dir),
        "QUOTEBOT_DATA_DIR": str(index_dir.parent / "data"),
        "QUOTEBOT_COOLDOWN_SECONDS": "0",
        "QUOTEBOT_MIN_CONFIDENCE": "0.3",
        **extra,
    }


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, server: FakeDiscord, index_service: IndexService | None = None
) -> AsyncIterator[Quotebot]:
    """`serve` (what `quotebot run` does) as a task, until it is READY; cancelled on exit. Yields the bot."""
    created: list[Quotebot] = []

    class RecordedQuotebot(Quotebot):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            created.append(self)

    with mock.patch("bot.client.Quotebot", RecordedQuotebot):
        task = asyncio.create_task(serve(settings, handle_signals=False, index_service=index_service))
        ready = asyncio.ensure_future(server.wait_ready(timeout=30))
        done, _ = await asyncio.wait({task, ready}, timeout=31, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        ready.cancel()
        raise AssertionError(f"the bot stopped with status {task.result()} before READY\n{server.summary()}")
    ready.result()
    try:
        yield created[0]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


@pytest.fixture
def corpus(make_corpus) -> Path:
    """Three documents, one with @everyone and a role mention in it."""
    return make_corpus(DOCUMENTS)


def embed_of(message: Mapping[str, Any]) -> dict[str, Any]:
    embeds = message.get("embeds") or []
    assert len(embeds) == 1, message
    return embeds[0]


def button_ids(message: Mapping[str, Any]) -> dict[str, str]:
    """Label (or emoji, for the votes) -> custom_id of the message's buttons."""
    return {
        component.get("label") or component["emoji"]["name"]: component["custom_id"]
        for row in message.get("components") or []
        for component in row.get("components", [])
        if component.get("type") == 2
    }


async def ask(server: FakeDiscord, question: str, *, user: FakeUser | None = None, **options: Any) -> dict[str, Any]:
    """Send /ask and return the message the user sees."""
    interaction = await server.send_slash_command("ask", {"question": question, **options}, user=user)
    callback = await interaction.wait_response(timeout=10)
    assert callback.type == CallbackType.DEFERRED_CHANNEL_MESSAGE
    return await interaction.wait_message(timeout=10)


@pytest.mark.asyncio
async def test_ask_with_an_answer_and_with_none(server: FakeDiscord, corpus: Path, tmp_path: Path) -> None:
    """/ask quotes the best passage in bold with its source; an unanswerable question says so."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    async with running_bot(settings, server):
        synced = await server.wait_commands_synced()
        assert {command["name"] for command in synced} == {
            "ask",
            "passage",
            "sources",
            "help",
            "reindex",
            "docs",
            "autoanswer",
            "gaps",
            "Ask quotebot",
        }
        message = await ask(server, "How many ships did the lighthouse keeper count in the harbour?")
        embed = embed_of(message)
        assert embed["title"] == "Best answer"
        assert "**The lighthouse keeper counted seven ships entering the harbour at dawn.**" in embed["description"]
        assert embed["fields"][0]["value"].startswith("The harbour (harbour.md), passage 1 of ")
        assert MORE_PASSAGES in button_ids(message)

        nothing = embed_of(await ask(server, "What is the capital of Mongolia?"))
        assert nothing["description"].startswith(NOT_FOUND)

        private = await ask(server, "What did the baker sell?", private=True)
        assert private["flags"] & EPHEMERAL
    assert not server.rejected_requests and not server.unknown_requests


@pytest.mark.asyncio
async def test_more_passages_pages_for_the_asker_only(server: FakeDiscord, corpus: Path, tmp_path: Path) -> None:
    """The asker pages to the next passage; someone else pressing the button gets a private refusal."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    async with running_bot(settings, server):
        message = await ask(server, "What happened in the harbour at dawn?", user=server.member)
        more = button_ids(message)[MORE_PASSAGES]

        stranger = await server.click_button(message, more, user=server.moderator)
        refusal = await stranger.wait_response(timeout=10)
        assert refusal.type == CallbackType.CHANNEL_MESSAGE
        assert refusal.message is not None and refusal.message["flags"] & EPHEMERAL
        assert "Only the person who asked" in refusal.message["content"]

        press = await server.click_button(message, more, user=server.member)
        update = await press.wait_response(timeout=10)
        assert update.type == CallbackType.UPDATE_MESSAGE
        assert update.message is not None
        paged = embed_of(update.message)
        assert paged["title"].startswith("Also relevant (2 of ")
        assert paged["description"] != embed_of(message)["description"]


@pytest.mark.asyncio
async def test_more_passages_still_pages_after_a_restart(server: FakeDiscord, corpus: Path, tmp_path: Path) -> None:
    """The button's custom_id holds what it needs: a bot started after the answer was sent handles the click."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    async with running_bot(settings, server):
        message = await ask(server, "What happened in the harbour at dawn?", user=server.member)
        first = embed_of(message)
    async with running_bot(settings, server):
        press = await server.click_button(message, button_ids(message)[MORE_PASSAGES], user=server.member)
        update = await press.wait_response(timeout=10)
        assert update.type == CallbackType.UPDATE_MESSAGE and update.message is not None
        paged = embed_of(update.message)
        assert paged["title"].startswith("Also relevant (2 of ")
        assert paged["description"] != first["description"]
        assert paged["footer"]["text"] == first["footer"]["text"]  # the same question, read back from the answer
        stranger = await server.click_button(
            update.message, button_ids(update.message)[MORE_PASSAGES], user=server.moderator
        )
        refusal = await stranger.wait_response(timeout=10)
        assert refusal.message is not None and "Only the person who asked" in refusal.message["content"]
    assert not server.rejected_requests


@pytest.mark.asyncio
async def test_mention_dm_and_follow_up(server: FakeDiscord, corpus: Path, tmp_path: Path) -> None:
    """A mention, a DM and a reply to the bot's answer are each answered as a reply, pinging nobody."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    async with running_bot(settings, server):
        mention = await server.send_mention("what did the baker sell?")
        answer = await mention.wait_reply(timeout=10)
        assert "bakery.md" in embed_of(answer)["fields"][0]["value"]
        assert answer["message_reference"]["message_id"] == str(mention.id)

        follow_up = await server.send_reply("and when does the ferry leave?", answer)
        follow_answer = await follow_up.wait_reply(timeout=10)
        assert "notices.md" in embed_of(follow_answer)["fields"][0]["value"]

        dm = await server.send_dm("how many ships entered the harbour?")
        dm_answer = await dm.wait_reply(timeout=10)
        assert "harbour.md" in embed_of(dm_answer)["fields"][0]["value"]

        # A plain message that doesn't mention the bot gets nothing (and has no content for it anyway).
        mark = server.mark()
        await server.send_message("what did the baker sell?")
        await asyncio.sleep(0.3)
        assert server.bot_messages(after=mark) == []

    for request in server.requests_for("create_message"):
        assert request.json["allowed_mentions"]["parse"] == []
        assert request.json["allowed_mentions"].get("replied_user") is False


@pytest.mark.asyncio
async def test_context_menu_asks_the_message(server: FakeDiscord, corpus: Path, tmp_path: Path) -> None:
    """ "Ask quotebot" on a message answers its text."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    async with running_bot(settings, server):
        await server.wait_commands_synced()
        target = await server.send_message("who counted the ships entering the harbour?", author=server.owner)
        interaction = await server.send_message_command("Ask quotebot", target)
        message = await interaction.wait_message(timeout=10)
        assert "harbour.md" in embed_of(message)["fields"][0]["value"]


@pytest.mark.asyncio
async def test_passage_with_autocomplete(server: FakeDiscord, corpus: Path, tmp_path: Path) -> None:
    """Autocomplete offers the matching documents; /passage then shows the chosen passage in full."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    async with running_bot(settings, server):
        await server.wait_commands_synced()
        typing = await server.send_autocomplete("passage", {"document": "harb", "number": 1}, "document")
        choices = await typing.wait_choices(timeout=10)
        assert [choice["value"] for choice in choices] == ["harbour.md"]
        interaction = await server.send_slash_command("passage", {"document": choices[0]["value"], "number": 3})
        message = await interaction.wait_message(timeout=10)
        embed = embed_of(message)
        assert "harbour master closed the harbour gates" in embed["description"]
        assert embed["fields"][0]["value"] == "harbour.md, passage 3 of 3"

        bad = await server.send_slash_command("passage", {"document": "harbour.md", "number": 9})
        refusal = await bad.wait_message(timeout=10)
        assert refusal["flags"] & EPHEMERAL and "passages 1 to 3, not 9" in embed_of(refusal)["description"]


@pytest.mark.asyncio
async def test_reindex_by_moderator_while_answering_and_refused_for_member(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    """A moderator's /reindex builds in the background while questions get the old index; a member is refused.

    The build is held until the questions are answered, so they really overlap it; a second /reindex meanwhile
    shares the one build.
    """
    helpers = await server.add_role("Helpers")  # no Manage Server: a moderator only through the setting
    helper = server.add_member("helper", role_ids=[helpers.id])
    settings = load_settings(
        environment(server, corpus, tmp_path / "index", QUOTEBOT_MODERATOR_ROLE_IDS=str(helpers.id))
    )
    building, release = threading.Event(), threading.Event()
    builds = 0
    rebuild = corpus_rebuild(settings.corpus, settings.index_dir)

    def held_rebuild() -> PassageIndex:
        nonlocal builds
        builds += 1
        building.set()
        release.wait(30)
        return rebuild()

    opened = await asyncio.to_thread(open_service, settings)
    service = IndexService(opened.index, held_rebuild, top_k=settings.top_k, min_confidence=settings.min_confidence)
    async with running_bot(settings, server, service):
        refused = await server.send_slash_command("reindex", user=server.member)
        refusal = await refused.wait_message(timeout=10)
        assert refusal["flags"] & EPHEMERAL and "Only moderators" in embed_of(refusal)["description"]

        (corpus / "bakery.md").write_text("# The bakery\n\nThe baker now sells rye bread and pretzels." + FILLER * 3)
        (corpus / "comet.md").write_text("# Comet\n\nA comet was seen over the bay for three nights." + FILLER * 3)
        reindex = await server.send_slash_command("reindex", user=server.moderator)
        assert (await reindex.wait_response(timeout=10)).type == CallbackType.DEFERRED_CHANNEL_MESSAGE
        assert await asyncio.to_thread(building.wait, 10)
        joined = await server.send_slash_command("reindex", user=helper)
        for _ in range(3):
            during = embed_of(await ask(server, "What did the baker sell to every fisherman?"))
            assert "sourdough" in during["description"]  # the old index, while the new one is being built
        assert reindex.followups == [] and joined.followups == []  # still building
        release.set()

        report = embed_of(await reindex.wait_message(timeout=20))
        fields = {field["name"]: field["value"] for field in report["fields"]}
        assert report["title"] == "Index refreshed"
        assert fields["Added (1)"] == "comet.md" and fields["Changed (1)"] == "bakery.md"
        assert fields["Removed (0)"] == "none"
        assert re.fullmatch(r"4 documents, \d+ passages \(before: \d+\), in \d+\.\d\d s\.", report["description"])
        shared = embed_of(await joined.wait_message(timeout=20))
        assert shared["description"].startswith("A reindex was already running; this is its result.")
        assert builds == 1

        after = embed_of(await ask(server, "What does the baker sell now?"))
        assert "rye bread" in after["description"]
        comet = embed_of(await ask(server, "When was the comet seen over the bay?"))
        assert "comet.md" in comet["fields"][0]["value"]


@pytest.mark.asyncio
async def test_everyone_in_a_document_pings_nobody(server: FakeDiscord, corpus: Path, tmp_path: Path) -> None:
    """A document with @everyone: the captured request has no allowed mentions and no raw @everyone."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    async with running_bot(settings, server):
        mark = len(server.requests)
        message = await ask(server, "When does the ferry to the island leave?")
        assert "notices.md" in embed_of(message)["fields"][0]["value"]
        mention = await server.send_mention("when does the ferry to the island leave?")
        await mention.wait_reply(timeout=10)
    bodies = [request for request in server.requests[mark:] if request.message_body]
    assert bodies, server.summary()
    for request in bodies:
        body = request.message_body or {}
        assert body["allowed_mentions"]["parse"] == [], request
        text = json.dumps(body, ensure_ascii=False)
        assert "@everyone" not in text and "<@&123>" not in text
    assert any("island" in json.dumps(request.message_body) for request in bodies)


@pytest.mark.asyncio
async def test_every_message_is_sent_without_allowed_mentions(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    """Answers, pages, refusals, errors, help, sources, passages, replies and DMs: none of them can ping."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    async with running_bot(settings, server):
        await server.wait_commands_synced()
        answer = await ask(server, "What happened in the harbour at dawn?", user=server.member)
        more = button_ids(answer)[MORE_PASSAGES]
        await (await server.click_button(answer, more, user=server.moderator)).wait_response(timeout=10)
        await (await server.click_button(answer, more, user=server.member)).wait_response(timeout=10)
        await ask(server, "When does the ferry leave?", private=True)
        for name, options in (
            ("reindex", {}),  # refused: an error message
            ("passage", {"document": "notices.md", "number": 1}),
            ("passage", {"document": "notices.md", "number": 9}),  # an error message
            ("sources", {}),
            ("help", {}),
        ):
            await (await server.send_slash_command(name, options, user=server.member)).wait_message(timeout=10)
        target = await server.send_message("when does the ferry leave?", author=server.owner)
        await (await server.send_message_command("Ask quotebot", target)).wait_message(timeout=10)
        mention = await server.send_mention("when does the ferry leave?")
        reply = await mention.wait_reply(timeout=10)
        await (await server.send_reply("and who counted the ships?", reply)).wait_reply(timeout=10)
        await (await server.send_mention("")).wait_reply(timeout=10)  # a bare mention: how to ask
        await (await server.send_dm("what did the baker sell?")).wait_reply(timeout=10)

    requests = server.message_requests()
    kinds = {(request.route, (request.json or {}).get("type")) for request in requests}
    assert {
        ("interaction_callback", CallbackType.CHANNEL_MESSAGE),
        ("interaction_callback", CallbackType.UPDATE_MESSAGE),
        ("create_followup", None),
        ("create_message", None),
    } <= kinds, kinds
    for request in requests:
        body = request.message_body or {}
        assert body.get("allowed_mentions", {}).get("parse") == [], request
        if request.route == "create_message":
            assert body["allowed_mentions"].get("replied_user") is False, request
    assert not server.rejected_requests and not server.unknown_requests


@pytest.mark.asyncio
async def test_gateway_drop_then_resume_and_keep_answering(
    server: FakeDiscord, corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The gateway drops the connection; the bot resumes the session and still answers.

    IDENTIFY and RESUME both carry the token: even discord.py's debug log never shows it.
    """
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    caplog.set_level(logging.DEBUG)
    async with running_bot(settings, server):
        await ask(server, "What did the baker sell?")
        identifies = server.identify_count
        connection = await server.drop_connection(timeout=20)
        assert connection is not None and connection.resumed
        assert server.identify_count == identifies  # a resume, not a new session
        message = await ask(server, "What did the baker sell?")
        assert "bakery.md" in embed_of(message)["fields"][0]["value"]
        mention = await server.send_mention("how many ships entered the harbour?")
        assert "harbour.md" in embed_of(await mention.wait_reply(timeout=10))["fields"][0]["value"]
    assert server.resume_count == 1 and any(record.name.startswith("discord.gateway") for record in caplog.records)
    assert server.token not in caplog.text
    # Interaction tokens travel in the gateway events and the callback and webhook URLs discord.py logs.
    assert any("/interactions/" in record.getMessage() for record in caplog.records)
    assert "fake-interaction-" not in caplog.text


@pytest.mark.asyncio
async def test_gateway_refusing_the_token_is_one_clear_line(
    server: FakeDiscord, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The token is reset after login, so the gateway closes with 4004: one line, exit 1, no traceback."""
    settings = load_settings(environment(server, corpus, tmp_path / "index"))
    task = asyncio.create_task(serve(settings, handle_signals=False))
    await server.wait_commands_synced()  # logged in over REST; the gateway comes next
    server.token = "reset-in-the-developer-portal"
    status = await asyncio.wait_for(task, 30)
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err == REJECTED_TOKEN + "\n" and captured.out == ""
    (connection,) = server.gateway_connections
    assert connection.identify is not None and server.identify_count == 0  # identified, and refused


@pytest.mark.asyncio
async def test_commands_sync_once_then_only_on_change(server: FakeDiscord, corpus: Path, tmp_path: Path) -> None:
    """The first start syncs to the dev guild; a restart with the same commands doesn't sync again."""
    env = environment(server, corpus, tmp_path / "index", QUOTEBOT_DEV_GUILD_ID=str(server.guild_id))
    settings = load_settings(env)
    async with running_bot(settings, server):
        await server.wait_commands_synced(server.guild_id)
    assert len(server.requests_for("put_guild_commands")) == 1
    assert server.requests_for("put_global_commands") == []
    async with running_bot(settings, server):
        await ask(server, "What did the baker sell?")
    assert len(server.requests_for("put_guild_commands")) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_quotebot_sync_and_a_stop_signal_in_a_real_process(
    stop: signal.Signals, server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    """`quotebot sync` forces a sync and exits 0; `quotebot run` answers, then shuts down cleanly on the signal."""
    env = {**os.environ, **environment(server, corpus, tmp_path / "index")}
    env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-m", "bot"]
    sync = await asyncio.create_subprocess_exec(
        *command, "sync", env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(sync.communicate(), 60)
    assert sync.returncode == 0, err.decode()
    assert b"synced 9 commands (global)" in out
    assert len(server.requests_for("put_global_commands")) == 1
    assert server.gateway_connections == []  # sync only: no gateway session
    assert server.token.encode() not in out + err

    run = await asyncio.create_subprocess_exec(
        *command, "run", env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        await server.wait_ready(timeout=60)
        message = await ask(server, "What did the baker sell?")
        assert "bakery.md" in embed_of(message)["fields"][0]["value"]
        assert len(server.requests_for("put_global_commands")) == 1  # unchanged since `quotebot sync`
        run.send_signal(stop)
        out, err = await asyncio.wait_for(run.communicate(), 30)
    finally:
        if run.returncode is None:
            run.kill()
            await run.wait()
    assert run.returncode == 0, err.decode()
    assert f"{stop.name} received: shutting down".encode() in err
    # The bot sent a close frame rather than dying: 1000 from close(), or 4000 when its reader saw the close first.
    assert server.gateway_connections[-1].close_code in (1000, 4000)
    assert b"Traceback" not in err and server.token.encode() not in out + err


@pytest.mark.asyncio
async def test_a_moderator_role_id_of_no_server_is_a_warning_at_start(
    server: FakeDiscord, corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A configured moderator role that isn't a role of the server is logged once READY; a real one isn't."""
    real = server.moderator_role.id
    settings = load_settings(
        environment(server, corpus, tmp_path / "index", QUOTEBOT_MODERATOR_ROLE_IDS=f"{real},123456789")
    )
    caplog.set_level(logging.WARNING, logger="bot.client")
    async with running_bot(settings, server):
        await server.until(lambda: "123456789 is not a role" in caplog.text, timeout=10, description="the role warning")
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert [message for message in warnings if "QUOTEBOT_MODERATOR_ROLE_IDS" in message] == [
        message for message in warnings if "123456789" in message
    ]
    assert not any(str(real) in message for message in warnings)
