"""The client: the token messages, custom endpoints, and syncing commands only when they changed."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import AsyncMock, create_autospec

import aiohttp
import discord
import pytest
import yarl
from aiohttp import web

from bot.cli import main
from bot.client import (
    MALFORMED_TOKEN,
    MISSING_TOKEN,
    REJECTED_TOKEN,
    Quotebot,
    configure_endpoints,
    open_service,
    serve,
    startup_failure,
)
from bot.command_sync import MAX_STATE_BYTES, commands_fingerprint, needs_sync, read_state, record_sync, state_path
from bot.index_service import IndexService
from bot.settings import Secret, Settings
from index.passage_index import Analyzer, build_index

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.not-a-real-token"
APPLICATION_ID = 987654321


@pytest.fixture(autouse=True)
def restore_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test points discord.py at is undone afterwards."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    )


@pytest.fixture
def service(make_corpus, builtin_analyzer: Analyzer) -> IndexService:
    root = make_corpus({"doc.md": "# Doc\n\n" + "Ships sail into the harbour every morning at dawn. " * 6})
    return IndexService(
        build_index(root, analyzer=builtin_analyzer), lambda: build_index(root, analyzer=builtin_analyzer)
    )


def test_missing_token_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quotebot run` without a token: one line saying how to set it up and that ask/chat work, exit non-zero."""
    monkeypatch.chdir(tmp_path)  # no .env here
    for command in (["run"], ["sync"]):
        assert main(command) != 0
        captured = capsys.readouterr()
        assert captured.err == MISSING_TOKEN + "\n" and captured.out == ""
    assert "DISCORD_TOKEN" in MISSING_TOKEN and ".env" in MISSING_TOKEN
    assert "`quotebot ask`" in MISSING_TOKEN and "`quotebot chat`" in MISSING_TOKEN


@pytest.mark.asyncio
async def test_rejected_token_is_one_clear_line_and_never_shown(
    tmp_path: Path, service: IndexService, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Discord answering 401 gives one line on stderr and exit 1; the token appears in no output or log."""
    seen_tokens: list[str] = []

    async def users_me(request: web.Request) -> web.Response:
        seen_tokens.append(request.headers.get("Authorization", ""))
        return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)

    app = web.Application()
    app.router.add_get("/api/v10/users/@me", users_me)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    settings = Settings(
        discord_token=Secret(TOKEN), index_dir=tmp_path / "index", api_base=f"http://127.0.0.1:{port}/api/v10"
    )
    try:
        with caplog.at_level(logging.DEBUG):
            status = await serve(settings, index_service=service, handle_signals=False)
    finally:
        await runner.cleanup()
    captured = capsys.readouterr()
    assert status == 1
    assert seen_tokens == [f"Bot {TOKEN}"]  # the request really carried the token...
    assert captured.err == REJECTED_TOKEN + "\n"  # ...and nothing shows it
    assert TOKEN not in captured.out + captured.err + caplog.text
    assert "`quotebot ask`" in REJECTED_TOKEN and "`quotebot chat`" in REJECTED_TOKEN


@pytest.mark.parametrize("token", ["Bot MTIz.abc", "MTIz.abc\ndef", "MTIz.abc’def", "MTIz.\x01abc"])
def test_malformed_token_is_one_clear_line(
    token: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A token with a space, a line break or a character no token has: one line before any network, exit 2."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", token)
    # Anything past the check would try to reach Discord: make that fail loudly instead.
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/unreachable")
    for command in (["run"], ["sync"]):
        assert main(command) == 2
        captured = capsys.readouterr()
        assert captured.err == MALFORMED_TOKEN + "\n" and captured.out == ""
    assert "abc" not in MALFORMED_TOKEN


@pytest.mark.asyncio
async def test_unreachable_discord_is_one_clear_line(
    tmp_path: Path, service: IndexService, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listening where Discord should be: one line saying so, exit 1, no traceback and no token."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again on leaving: connections are refused
    settings = Settings(
        discord_token=Secret(TOKEN), index_dir=tmp_path / "index", api_base=f"http://127.0.0.1:{port}/api/v10"
    )
    status = await serve(settings, index_service=service, handle_signals=False)
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err.startswith("quotebot: error: can't reach Discord (") and captured.err.count("\n") == 1
    assert f"127.0.0.1:{port}" in captured.err
    assert TOKEN not in captured.out + captured.err


def test_a_bug_at_start_up_keeps_its_traceback() -> None:
    """Only known start-up failures become one line; anything else is a bug and is re-raised."""
    assert startup_failure(discord.LoginFailure("Improper token has been passed.")) == REJECTED_TOKEN
    assert startup_failure(TimeoutError()) is not None
    assert startup_failure(ZeroDivisionError("boom")) is None
    assert startup_failure(KeyError("token")) is None


def test_no_voice_warnings_at_start(
    tmp_path: Path, service: IndexService, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """quotebot never joins voice, so the missing voice libraries aren't worth a warning at every start."""
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    with caplog.at_level(logging.WARNING, logger="discord"):
        Quotebot(Settings(index_dir=tmp_path), index_service=service)
    assert [record.getMessage() for record in caplog.records] == []


def test_endpoints_untouched_unless_configured() -> None:
    """Without DISCORD_API_BASE/DISCORD_GATEWAY_URL discord.py keeps its defaults; with them, it uses them."""
    default_base = discord.http.Route.BASE
    default_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    configure_endpoints(Settings())
    assert default_base == discord.http.Route.BASE
    assert default_gateway == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    configure_endpoints(Settings(api_base="http://127.0.0.1:9/api/v10", gateway_url="ws://127.0.0.1:9"))
    assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
    assert yarl.URL("ws://127.0.0.1:9") == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def test_sync_state_roundtrip(tmp_path: Path) -> None:
    """Never synced → needed; recorded → not needed; other commands or force → needed; order doesn't matter."""
    path = state_path(tmp_path)
    first = commands_fingerprint([{"name": "ask"}, {"name": "help"}])
    assert first == commands_fingerprint([{"name": "help"}, {"name": "ask"}])
    assert needs_sync(path, "1/global", first)
    record_sync(path, "1/global", first)
    assert not needs_sync(path, "1/global", first)
    assert needs_sync(path, "1/global", first, force=True)
    assert needs_sync(path, "1/guild/5", first)
    assert needs_sync(path, "1/global", commands_fingerprint([{"name": "ask"}]))
    path.write_text("not json")
    assert needs_sync(path, "1/global", first)


@contextlib.contextmanager
def fifo_watchdog(fifo: Path, patience: float = 30.0) -> Iterator[threading.Event]:
    """If the code under test is still stuck on `fifo` after `patience` s, open it for writing so the read ends.

    The event tells whether that had to happen: the test fails instead of hanging for good.
    """
    rescued = threading.Event()
    done = threading.Event()

    def rescue() -> None:
        if done.wait(patience):
            return
        rescued.set()
        with contextlib.suppress(OSError):  # no reader left: nothing to unblock
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    watchdog = threading.Thread(target=rescue, daemon=True)
    watchdog.start()
    try:
        yield rescued
    finally:
        done.set()
        watchdog.join()


def test_sync_state_only_from_a_small_regular_file(tmp_path: Path) -> None:
    """A FIFO, a device or an oversized file at command-sync.json reads as "never synced", without blocking."""
    path = state_path(tmp_path)
    os.mkfifo(path)
    with fifo_watchdog(path) as rescued:
        assert read_state(path) == {}
    assert not rescued.is_set(), "read_state waited for a writer on the FIFO"
    path.unlink()
    path.symlink_to("/dev/zero")
    assert read_state(path) == {}
    path.unlink()
    path.write_text('{"1/global": "' + "f" * MAX_STATE_BYTES + '"}')
    assert read_state(path) == {}
    path.write_text('{"1/global": "abc"}')
    assert read_state(path) == {"1/global": "abc"}


async def start_bot(settings: Settings, service: IndexService, *, force: bool = False) -> tuple[Quotebot, AsyncMock]:
    """A bot whose setup_hook ran with tree.sync replaced by a mock (no network)."""
    bot = Quotebot(settings, index_service=service, force_sync=force, application_id=APPLICATION_ID)
    sync = AsyncMock(side_effect=lambda guild=None: bot.tree.get_commands(guild=guild))
    bot.tree.sync = sync  # type: ignore[method-assign]
    await bot.setup_hook()
    return bot, sync


@pytest.mark.asyncio
async def test_sync_only_when_the_commands_changed(tmp_path: Path, service: IndexService) -> None:
    """First start syncs globally; a restart with the same commands doesn't; a change or `force` does."""
    settings = Settings(index_dir=tmp_path / "index")
    bot, sync = await start_bot(settings, service)
    assert bot.failed_extensions == []
    sync.assert_awaited_once_with(guild=None)
    assert bot.sync_result is not None and bot.sync_result.synced and bot.sync_result.command_count == 9
    await bot.close()

    bot, sync = await start_bot(settings, service)
    sync.assert_not_awaited()
    assert bot.sync_result is not None and not bot.sync_result.synced
    # The command set changes: one cog fewer.
    await bot.remove_cog("Sources")
    result = await bot.sync_commands()
    sync.assert_awaited_once_with(guild=None)
    assert result.synced and result.command_count == 8
    await bot.close()

    bot, sync = await start_bot(settings, service, force=True)
    sync.assert_awaited_once()
    await bot.close()


@pytest.mark.asyncio
async def test_a_fifo_as_sync_state_does_not_block_the_start(tmp_path: Path, service: IndexService) -> None:
    """A FIFO at command-sync.json: the bot still starts, syncs, and replaces it with a regular state file."""
    settings = Settings(index_dir=tmp_path / "index")
    path = state_path(settings.index_dir)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    with fifo_watchdog(path) as rescued:
        bot, sync = await start_bot(settings, service)
    assert not rescued.is_set(), "the start-up waited for a writer on the FIFO"
    sync.assert_awaited_once_with(guild=None)
    assert path.is_file() and list(read_state(path)) == [f"{APPLICATION_ID}/global"]
    await bot.close()


def server_error() -> discord.HTTPException:
    response = create_autospec(aiohttp.ClientResponse, instance=True)
    response.status, response.reason = 503, "Service Unavailable"
    return discord.HTTPException(response, {"message": "try later", "code": 0})


@pytest.mark.asyncio
async def test_a_failed_sync_only_stops_quotebot_sync(
    tmp_path: Path, service: IndexService, caplog: pytest.LogCaptureFixture
) -> None:
    """`quotebot run` logs a failed sync and serves the commands synced before; `quotebot sync` fails with it."""
    settings = Settings(index_dir=tmp_path / "index")
    bot = Quotebot(settings, index_service=service, application_id=APPLICATION_ID)
    bot.tree.sync = AsyncMock(side_effect=server_error())  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="bot.client"):
        await bot.setup_hook()
    assert bot.sync_result is None and "couldn't sync the commands (503" in caplog.text
    await bot.close()
    # Not remembered as synced: the next start tries again.
    bot, sync = await start_bot(settings, service)
    sync.assert_awaited_once()
    await bot.close()

    forced = Quotebot(settings, index_service=service, force_sync=True, application_id=APPLICATION_ID)
    forced.tree.sync = AsyncMock(side_effect=server_error())  # type: ignore[method-assign]
    with pytest.raises(discord.HTTPException):
        await forced.setup_hook()
    assert startup_failure(server_error()) == "quotebot: error: Discord refused the start-up (503): try later"
    await forced.close()


@pytest.mark.asyncio
async def test_dev_guild_gets_the_commands(tmp_path: Path, service: IndexService) -> None:
    """With a development guild, the commands are copied there and synced to it, not globally."""
    settings = Settings(index_dir=tmp_path / "index", dev_guild_id=4444)
    bot, sync = await start_bot(settings, service)
    (call,) = sync.await_args_list
    assert call.kwargs["guild"].id == 4444
    assert {command.name for command in bot.tree.get_commands(guild=discord.Object(4444))} >= {"ask", "reindex"}
    assert bot.sync_result is not None and bot.sync_result.target == "guild 4444"
    await bot.close()


def test_bot_never_pings_and_needs_no_privileged_intent(tmp_path: Path, service: IndexService) -> None:
    """The Bot's default allowed mentions are none, and it doesn't ask for message content."""
    bot = Quotebot(Settings(index_dir=tmp_path), index_service=service)
    mentions = bot.allowed_mentions
    assert mentions is not None and mentions.to_dict() == {"parse": []} and not mentions.replied_user
    assert not bot.intents.message_content and not bot.intents.members and not bot.intents.presences
    assert bot.intents.dm_messages and bot.intents.guild_messages


@pytest.mark.asyncio
async def test_close_stops_only_the_question_thread_the_bot_opened(
    tmp_path: Path, service: IndexService, make_corpus, builtin_analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service handed to the bot keeps answering after the bot closes; the one the bot opened is closed with it."""
    lent = Quotebot(Settings(index_dir=tmp_path), index_service=service)
    await lent.close()
    assert (await service.ask("When do ships sail into the harbour?")).found

    root = make_corpus({"own.md": "# Own\n\n" + "Ferries leave the pier every evening at nine. " * 6})
    own_index = build_index(root, analyzer=builtin_analyzer)
    own = IndexService(own_index, lambda: own_index)
    monkeypatch.setattr("bot.client.open_service", lambda settings, analyzer: own)
    monkeypatch.setattr(Quotebot, "sync_commands", AsyncMock(return_value=None))
    bot = Quotebot(Settings(index_dir=tmp_path))
    await bot.setup_hook()
    assert (await own.ask("When do ferries leave the pier?")).found
    await bot.close()
    with pytest.raises(RuntimeError):
        await own.ask("When do ferries leave the pier?")


@pytest.mark.asyncio
async def test_the_bot_never_indexes_a_file_holding_its_token(make_corpus, tmp_path: Path) -> None:
    """A corpus file with the bot's own token in it is left out of the bot's index, at start and at reindex."""
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-part"
    corpus = make_corpus({"a.txt": "Alpha is the first letter.", "config.txt": f"token = {token}"})
    settings = Settings(discord_token=Secret(token), corpus=corpus, index_dir=tmp_path / "index")
    service = open_service(settings)
    try:
        assert list(service.index.documents) == ["a.txt"]
        (corpus / "more.txt").write_text(f"Beta, and the token again: {token}", encoding="utf-8")
        report = await service.reindex("a moderator")
        assert list(service.index.documents) == ["a.txt"]
        assert all(token not in warning for warning in report.warnings)
    finally:
        service.close()
