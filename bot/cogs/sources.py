"""/sources: the indexed documents, their passage counts and the last refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import send_reply
from bot.guild_indexes import GuildIndexes
from bot.index_service import IndexService
from bot.replies import sources_reply

if TYPE_CHECKING:
    from bot.client import Quotebot


class Sources(commands.Cog):
    """What quotebot knows."""

    def __init__(self, service: IndexService, guild_indexes: GuildIndexes | None = None) -> None:
        self.service = service
        self.guild_indexes = guild_indexes

    @app_commands.command(name="sources")
    @app_commands.describe(private="Show the list to you alone")
    async def sources(self, interaction: discord.Interaction, private: bool = False) -> None:
        """List the documents I answer from here, with their passage counts and the last refresh."""
        index = await self.service.index_for(interaction.guild_id)
        own: set[str] | None = None
        if interaction.guild_id is not None and self.guild_indexes is not None:
            own = set(await self.guild_indexes.knowledge.names(interaction.guild_id)) or None
        await send_reply(interaction, sources_reply(index, own), ephemeral=private)


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(Sources(bot.index_service, bot.guild_indexes))
