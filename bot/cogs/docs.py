"""/docs add, remove and list: moderators keep their server's own documents (its knowledge base)."""

from __future__ import annotations

import logging
import time
from collections.abc import Set
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import NotModerator
from bot.cogs.reindex import member_may_reindex
from bot.embeds import NO_MENTIONS
from bot.guild_indexes import GuildIndexes
from bot.index_service import IndexService
from bot.knowledge_cli import MEGABYTE, describe_outcome, shared_corpus_state
from bot.wording import counted
from index.errors import QuotebotError
from knowledge.base import AddOutcome
from knowledge.ingestion import add_file, add_url

if TYPE_CHECKING:
    from bot.client import Quotebot

log = logging.getLogger(__name__)
MAX_LISTED = 25


def _plain(text: str) -> str:
    """Document names and titles come from uploads: shown as text, never as Markdown or mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


@app_commands.guild_only()
# Hidden from members without Manage Server; checked again in interaction_check, as /reindex is.
@app_commands.default_permissions(manage_guild=True)
class Docs(commands.GroupCog, group_name="docs"):
    """This server's own documents."""

    def __init__(
        self,
        service: IndexService,
        guild_indexes: GuildIndexes,
        moderator_role_ids: Set[int],
        *,
        max_upload_mb: float,
        allow_private_urls: bool,
    ) -> None:
        self.service = service
        self.guild_indexes = guild_indexes
        self.moderator_role_ids = moderator_role_ids
        self.max_upload_mb = max_upload_mb
        self.allow_private_urls = allow_private_urls
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is discord.InteractionType.autocomplete:
            return member_may_reindex(interaction, self.moderator_role_ids)
        if not member_may_reindex(interaction, self.moderator_role_ids):
            log.info("/docs refused for %s (%s)", interaction.user, interaction.user.id)
            raise NotModerator()
        return True

    @app_commands.command(name="add")
    @app_commands.describe(
        file="A .txt, .md, .markdown, .mdx, .html or .pdf file",
        url="Or a web page (http or https) to fetch",
        title="The document's title (default: the one it names)",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        url: str | None = None,
        title: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        """Add a document to this server's knowledge base, or replace the one of the same name (moderators)."""
        if (file is None) == (url is None):
            raise QuotebotError("Give a file or a url, one of the two.")
        assert interaction.guild_id is not None
        max_bytes = int(self.max_upload_mb * MEGABYTE)
        if file is not None and file.size > max_bytes:
            raise QuotebotError(f"{file.filename} is larger than the {self.max_upload_mb:g} MB a file may have.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        started = time.perf_counter()
        added_by = interaction.user.display_name
        outcome: AddOutcome
        if file is not None:
            data = await file.read()
            outcome = await add_file(
                self.guild_indexes.knowledge,
                interaction.guild_id,
                filename=file.filename,
                data=data,
                added_by=added_by,
                title=title,
                max_bytes=max_bytes,
            )
        else:
            assert url is not None
            outcome = await add_url(
                self.guild_indexes.knowledge,
                interaction.guild_id,
                url=url.strip(),
                added_by=added_by,
                title=title,
                allow_private=self.allow_private_urls,
            )
        await self.guild_indexes.rebuild(interaction.guild_id, self.service.index)
        await self._say(interaction, _plain(describe_outcome(outcome, time.perf_counter() - started)))

    @app_commands.command(name="remove")
    @app_commands.describe(document="The document to remove")
    async def remove(self, interaction: discord.Interaction, document: str) -> None:
        """Remove a document from this server's knowledge base (moderators)."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        started = time.perf_counter()
        removed = await self.guild_indexes.knowledge.remove(interaction.guild_id, document)
        if removed is None:
            await self._say(interaction, f"This server has no document named {_plain(document)}: see /docs list.")
            return
        await self.guild_indexes.rebuild(interaction.guild_id, self.service.index)
        seconds = time.perf_counter() - started
        await self._say(
            interaction,
            f"removed {_plain(removed.name)} ({_plain(removed.title)}): "
            f"{counted(removed.passage_count, 'passage')}, {seconds:.1f} s",
        )

    @remove.autocomplete("document")
    async def remove_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        names = await self.guild_indexes.knowledge.names(interaction.guild_id)
        wanted = current.casefold()
        return [app_commands.Choice(name=name[:100], value=name) for name in names if wanted in name.casefold()][:25]

    @app_commands.command(name="shared")
    @app_commands.describe(include="Answer from the shared corpus too (leave it empty to see the current choice)")
    async def shared(self, interaction: discord.Interaction, include: bool | None = None) -> None:
        """Whether this server is also answered from the shared corpus (moderators)."""
        assert interaction.guild_id is not None
        knowledge = self.guild_indexes.knowledge
        if include is None:
            state = await knowledge.uses_shared_corpus(interaction.guild_id)
            own = len(await knowledge.names(interaction.guild_id))
            await interaction.response.send_message(
                shared_corpus_state(state, own).capitalize() + ".", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        started = time.perf_counter()
        await knowledge.set_shared_corpus(interaction.guild_id, include)
        index = await self.guild_indexes.rebuild(interaction.guild_id, self.service.index)
        own = len(await knowledge.names(interaction.guild_id))
        seconds = time.perf_counter() - started
        await self._say(
            interaction,
            f"{shared_corpus_state(include, own).capitalize()}: "
            f"{counted(len(index.passages), 'passage')} to answer from, {seconds:.1f} s",
        )

    @app_commands.command(name="list")
    async def list_documents(self, interaction: discord.Interaction) -> None:
        """This server's own documents (moderators)."""
        assert interaction.guild_id is not None
        documents = await self.guild_indexes.knowledge.list(interaction.guild_id)
        if not documents:
            await interaction.response.send_message(
                "This server has no documents of its own yet: add one with /docs add.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        lines = [
            f"**{_plain(document.title)}**: {_plain(document.source_url or document.name)}, "
            f"{document.size:,} bytes, {counted(document.passage_count, 'passage')}, "
            f"added by {_plain(document.added_by)} {discord.utils.format_dt(document.added_at, 'R')}"
            for document in documents[:MAX_LISTED]
        ]
        if len(documents) > MAX_LISTED:
            lines.append(f"… and {len(documents) - MAX_LISTED} more (`quotebot docs list --server ID` lists all).")
        text = "\n".join(lines)
        await interaction.response.send_message(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _say(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.followup.send(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: Quotebot) -> None:
    if bot.guild_indexes is None:
        log.warning("/docs is off: the knowledge-base database couldn't be opened")
        return
    settings = bot.settings
    await bot.add_cog(
        Docs(
            bot.index_service,
            bot.guild_indexes,
            settings.moderator_role_ids,
            max_upload_mb=settings.max_upload_mb,
            allow_private_urls=settings.allow_private_urls,
        )
    )
