"""The Discord bot: the Bot class, start-up, command sync and clean shutdown.

`quotebot run` and `quotebot sync` call `run_bot`. The token is only ever
handed to discord.py; it is never printed or logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import aiohttp
import discord
import yarl
from discord.ext import commands
from sqlalchemy.exc import SQLAlchemyError

from bot.buttons import ANSWER_BUTTONS, AnswerRecords
from bot.command_sync import commands_fingerprint, needs_sync, record_sync, state_path, sync_target
from bot.cooldown import UserCooldown
from bot.embeds import NO_MENTIONS
from bot.guild_indexes import GuildIndexes
from bot.index_service import IndexService, corpus_rebuild
from bot.interaction_errors import QuotebotTree
from bot.log_redaction import redact_discord_logs
from bot.settings import Secret, Settings
from bot.wording import counted
from index.answers import Answer
from index.errors import QuotebotError
from index.passage_index import Analyzer
from index.store import open_index
from insights.answer_log import AnswerLog
from knowledge.base import KnowledgeBase, KnowledgeLimits
from knowledge.database import Database, DatabaseError, open_database

log = logging.getLogger("bot.client")

EXTENSIONS = (
    "bot.cogs.ask",
    "bot.cogs.passage",
    "bot.cogs.sources",
    "bot.cogs.help",
    "bot.cogs.reindex",
    "bot.cogs.mentions",
    "bot.cogs.docs",
    "bot.cogs.autoanswer",
    "bot.cogs.gaps",
)
PURGE_EVERY_SECONDS = 6 * 60 * 60

SETUP_HINT = (
    "set DISCORD_TOKEN in the environment or in .env (see .env.example; the token is on the Bot tab of "
    "https://discord.com/developers/applications). `quotebot ask` and `quotebot chat` work without one."
)
MISSING_TOKEN = f"quotebot: error: no Discord token: {SETUP_HINT}"
REJECTED_TOKEN = f"quotebot: error: Discord rejected the token: {SETUP_HINT}"
MALFORMED_TOKEN = (
    f"quotebot: error: DISCORD_TOKEN has a space, a line break or another character no Discord token has: {SETUP_HINT}"
)
GATEWAY_AUTHENTICATION_FAILED = 4004


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What the start-up did about the slash commands."""

    target: str
    """"guild <id>" or "global"."""
    command_count: int
    synced: bool
    """False when the commands were unchanged since the last sync."""


class Quotebot(commands.Bot):
    """quotebot's client: loads the cogs, syncs commands on purpose, sends no pings."""

    def __init__(
        self,
        settings: Settings,
        *,
        index_service: IndexService | None = None,
        analyzer: Analyzer | None = None,
        force_sync: bool = False,
        application_id: int | None = None,
    ) -> None:
        redact_discord_logs()
        # quotebot never joins voice: don't warn at every start that the voice libraries are missing.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            application_id=application_id,
            # Text commands aren't used; mentions are questions, handled by the mentions cog.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(settings),
            allowed_mentions=NO_MENTIONS,
            tree_cls=QuotebotTree,
        )
        self.settings = settings
        self.analyzer = analyzer
        self.force_sync = force_sync
        self.cooldown = UserCooldown(settings.cooldown_seconds)
        self._index_service = index_service
        self._owns_index_service = index_service is None
        self.sync_result: SyncResult | None = None
        self.guild_indexes: GuildIndexes | None = None
        """None when the knowledge-base database couldn't be opened: the shared corpus still answers."""
        self._database: Database | None = None
        self.answer_log: AnswerLog | None = None
        """The question log (None when the database couldn't be opened); it stores nothing when logging is off."""
        self._purge_task: asyncio.Task[None] | None = None
        self.failed_extensions: list[str] = []

    @property
    def index_service(self) -> IndexService:
        if self._index_service is None:
            raise RuntimeError("the index is opened in setup_hook, before the cogs load")
        return self._index_service

    async def setup_hook(self) -> None:
        # Answers' buttons are matched by their custom_id, so those sent before a restart still work.
        self.add_dynamic_items(*ANSWER_BUTTONS)
        if self._index_service is None:
            self._index_service = await asyncio.to_thread(open_service, self.settings, self.analyzer)
        await self._open_knowledge_bases()
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except Exception:
                # One broken cog shouldn't take the others down; the log says which and why.
                self.failed_extensions.append(extension)
                log.exception("couldn't load %s", extension)
        try:
            self.sync_result = await self.sync_commands(force=self.force_sync)
        except discord.HTTPException as error:
            if self.force_sync:
                raise  # `quotebot sync` exists to sync: say it failed
            # The commands synced earlier still work; serving beats refusing to start.
            log.error("couldn't sync the commands (%s %s): %s", error.status, error.code, error.text)

    @property
    def answer_records(self) -> AnswerRecords | None:
        """The answer log the buttons read and vote in; None when questions aren't logged."""
        answer_log = self.answer_log
        return answer_log if answer_log is not None and answer_log.enabled else None

    async def answer_again(self, question: str, guild_id: int | None) -> Answer:
        """A question asked again for a button pressed under its answer (maybe after a restart)."""
        return await self.index_service.ask(question, guild_id)

    async def _open_knowledge_bases(self) -> None:
        settings = self.settings
        try:
            self._database = await open_database(settings.resolved_database_url)
        except DatabaseError as error:
            log.error("the servers' knowledge bases are off: %s", error)
            return
        limits = KnowledgeLimits(
            max_documents=settings.max_documents, max_text_bytes=int(settings.max_text_mb * 1024 * 1024)
        )
        knowledge = KnowledgeBase(self._database, limits)
        try:
            plain_pages = await knowledge.plain_web_pages()
        except SQLAlchemyError as error:
            log.warning("couldn't count the web pages stored as plain text: %s", type(error).__name__)
            plain_pages = 0
        if plain_pages:
            log.warning(
                "%s in the servers' documents %s stored by an older quotebot as plain text, without headings: "
                "run `quotebot docs reread --every-server` to read them again",
                counted(plain_pages, "web page"),
                "was" if plain_pages == 1 else "were",
            )
        self.guild_indexes = GuildIndexes(
            knowledge,
            corpus=settings.corpus,
            index_dir=settings.index_dir,
            max_file_mb=settings.max_file_mb,
            analyzer=self.analyzer,
            forbidden_texts=forbidden_texts(settings),
        )
        self.index_service.guild_indexes = self.guild_indexes
        self.answer_log = AnswerLog(self._database, enabled=settings.log_questions)
        self._purge_task = asyncio.create_task(self._purge_old_answers(self.answer_log), name="quotebot-log-purge")

    async def _purge_old_answers(self, answer_log: AnswerLog) -> None:
        """Delete log entries older than QUOTEBOT_LOG_RETENTION_DAYS now, then every few hours while running.

        It runs even with logging off: entries from before it was turned off still expire.
        """
        days = self.settings.log_retention_days
        while True:
            try:
                deleted = await answer_log.purge(days)
            except Exception:
                log.exception("couldn't delete the question log's old entries")
            else:
                if deleted:
                    log.info("deleted %d question log entries older than %d days", deleted, days)
            await asyncio.sleep(PURGE_EVERY_SECONDS)

    async def close(self) -> None:
        await super().close()
        purge, self._purge_task = self._purge_task, None
        if purge is not None:
            purge.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purge
        database, self._database = self._database, None
        if database is not None:
            await database.close()
        if self._owns_index_service and self._index_service is not None:
            self._index_service.close()

    async def sync_commands(self, *, force: bool = False) -> SyncResult:
        """Push the commands to the dev guild (or globally) when they changed since the last sync, or when forced."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id is not None else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        tree_commands = self.tree.get_commands(guild=guild)
        fingerprint = commands_fingerprint([command.to_dict(self.tree) for command in tree_commands])
        application_id = self.application_id or 0
        target = sync_target(application_id, guild.id if guild is not None else None)
        where = f"guild {guild.id}" if guild is not None else "global"
        path = state_path(self.settings.index_dir)
        # The state file is read in a thread: whatever sits at its path, the event loop never waits on it.
        if not await asyncio.to_thread(needs_sync, path, target, fingerprint, force=force):
            log.info("%d commands unchanged since the last sync (%s): not syncing", len(tree_commands), where)
            return SyncResult(where, len(tree_commands), synced=False)
        synced = await self.tree.sync(guild=guild)
        log.info("synced %d commands (%s)", len(synced), where)
        try:
            await asyncio.to_thread(record_sync, path, target, fingerprint)
        except OSError as error:
            log.warning("couldn't remember the command sync in %s: %s", path, error.strerror or error)
        return SyncResult(where, len(synced), synced=True)

    async def on_message(self, message: discord.Message, /) -> None:
        """No text commands: the default would try to run "@quotebot question" as a command."""

    async def on_ready(self) -> None:
        user = self.user
        log.info("connected as %s (%s), in %d servers", user, user.id if user else "?", len(self.guilds))
        for role_id in unknown_moderator_roles(self.settings.moderator_role_ids, self.guilds):
            log.warning(
                "QUOTEBOT_MODERATOR_ROLE_IDS: %d is not a role of any server the bot is in, so it gives no one "
                "moderator commands (copy the id from Server Settings > Roles)",
                role_id,
            )


def bot_intents(settings: Settings) -> discord.Intents:
    """Discord's default intents, plus Message Content only when QUOTEBOT_MESSAGE_CONTENT=true.

    It is privileged: Discord must approve it for a bot in 100 or more servers, and without it messages that
    don't mention the bot arrive empty. Only auto-answering in text channels and forum posts' bodies need it.
    """
    intents = discord.Intents.default()
    intents.message_content = settings.message_content
    return intents


def unknown_moderator_roles(role_ids: Iterable[int], guilds: Iterable[discord.Guild]) -> list[int]:
    """The configured moderator role ids that are a role of none of `guilds`, sorted."""
    known = {role.id for guild in guilds for role in guild.roles}
    return sorted(set(role_ids) - known)


def forbidden_texts(settings: Settings) -> tuple[str, ...]:
    """What no indexed document may hold: the bot's own token."""
    return (settings.discord_token.reveal(),) if settings.discord_token is not None else ()


def open_service(settings: Settings, analyzer: Analyzer | None = None) -> IndexService:
    """Open (or build) the persisted index of the configured corpus. Raises QuotebotError if it can't.

    No document that holds the bot's own token is ever indexed, whatever put it in the corpus.
    """
    forbidden = forbidden_texts(settings)
    opened = open_index(
        settings.corpus,
        settings.index_dir,
        analyzer=analyzer,
        max_file_mb=settings.max_file_mb,
        engine=settings.engine,
        forbidden_texts=forbidden,
    )
    for warning in opened.warnings:
        log.warning("%s", warning)
    index = opened.index
    log.info("index ready: %d documents, %d passages", len(index.documents), len(index.passages))
    rebuild = corpus_rebuild(
        settings.corpus,
        settings.index_dir,
        analyzer=analyzer,
        max_file_mb=settings.max_file_mb,
        engine=settings.engine,
        forbidden_texts=forbidden,
    )
    return IndexService(index, rebuild, top_k=settings.top_k, min_confidence=settings.min_confidence)


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at another Discord-compatible server, only when one is configured."""
    if settings.api_base is not None:
        discord.http.Route.BASE = settings.api_base
    if settings.gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


@contextlib.asynccontextmanager
async def _stop_on_signals(bot: Quotebot) -> AsyncIterator[None]:
    """SIGINT and SIGTERM close the bot: the gateway and HTTP session shut down, then `connect` returns.

    On the way out it waits for that close to finish, so the database isn't left half closed when the loop ends.
    """
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    closing: set[asyncio.Task[None]] = set()

    def stop(received: signal.Signals) -> None:
        log.info("%s received: shutting down", received.name)
        task = loop.create_task(bot.close())
        closing.add(task)  # keep a reference until it is done
        task.add_done_callback(closing.discard)

    for received in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(received, stop, received)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or a platform without signal handlers
        installed.append(received)
    try:
        yield
    finally:
        for received in installed:
            loop.remove_signal_handler(received)
        if closing:
            await asyncio.gather(*closing, return_exceptions=True)


def token_error(token: Secret | None) -> str | None:
    """The line to print when the token is missing or can't be a Discord token, else None. Never shows the token."""
    if token is None:
        return MISSING_TOKEN
    value = token.reveal()
    # Tokens are base64url parts joined by dots: anything else is a paste gone wrong, and some of it
    # (a line break, a control character) would make aiohttp refuse the header with a traceback.
    if not (value.isascii() and value.isprintable()) or any(character.isspace() for character in value):
        return MALFORMED_TOKEN
    return None


def startup_failure(error: BaseException) -> str | None:
    """The one line to print for an error that stops the bot, or None for a bug (which keeps its traceback)."""
    if isinstance(error, discord.LoginFailure):
        return REJECTED_TOKEN
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return (
            "quotebot: error: QUOTEBOT_MESSAGE_CONTENT=true asks for the Message Content intent, which isn't enabled "
            "for this bot: turn it on under Bot > Privileged Gateway Intents in the Developer Portal, or set "
            "QUOTEBOT_MESSAGE_CONTENT=false"
        )
    if isinstance(error, discord.ConnectionClosed):
        if error.code == GATEWAY_AUTHENTICATION_FAILED:
            return REJECTED_TOKEN  # the gateway refused it, e.g. after the token was reset
        return f"quotebot: error: Discord closed the gateway connection (code {error.code}) and it can't be resumed"
    if isinstance(error, discord.HTTPException):
        return f"quotebot: error: Discord refused the start-up ({error.status}): {error.text}"
    if isinstance(error, QuotebotError):
        return f"quotebot: error: {error}"
    if isinstance(error, aiohttp.ClientError):
        return f"quotebot: error: can't reach Discord ({error}): check the network connection"
    if isinstance(error, asyncio.TimeoutError):
        return "quotebot: error: Discord didn't answer in time: check the network connection"
    if isinstance(error, OSError):
        return f"quotebot: error: {error}"
    return None


async def serve(
    settings: Settings,
    *,
    force_sync: bool = False,
    exit_after_sync: bool = False,
    index_service: IndexService | None = None,
    analyzer: Analyzer | None = None,
    handle_signals: bool = True,
) -> int:
    """Log in, sync the commands if needed, then serve until closed (unless `exit_after_sync`).

    Returns the exit status. A failure that isn't a bug (a bad token, no network, a missing corpus)
    is one line on stderr, never a traceback.
    """
    problem = token_error(settings.discord_token)
    if problem is not None or settings.discord_token is None:
        print(problem or MISSING_TOKEN, file=sys.stderr)
        return 2
    configure_endpoints(settings)
    bot = Quotebot(settings, index_service=index_service, analyzer=analyzer, force_sync=force_sync)
    async with bot:
        try:
            await bot.login(settings.discord_token.reveal())
            if exit_after_sync:
                result = bot.sync_result
                if result is not None:
                    print(f"quotebot: synced {result.command_count} commands ({result.target})")
                return 0
            async with _stop_on_signals(bot) if handle_signals else contextlib.nullcontext():
                await bot.connect()
        except Exception as error:
            message = startup_failure(error)
            if message is None:
                raise
            print(message, file=sys.stderr)
            return 1
    return 0


def run_bot(settings: Settings, force_sync: bool = False, exit_after_sync: bool = False) -> int:
    """Run the bot until SIGINT/SIGTERM (or, for `quotebot sync`, just sync). Returns the exit status."""
    problem = token_error(settings.discord_token)
    if problem is not None:
        # Before any logging set-up or index work: one clear line and out.
        print(problem, file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=logging.INFO)
    # Alembic narrates every start ("setup plugin ...", "Context impl SQLiteImpl"); only its problems matter here.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return asyncio.run(serve(settings, force_sync=force_sync, exit_after_sync=exit_after_sync))
    except KeyboardInterrupt:
        return 130
