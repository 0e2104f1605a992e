"""/sources: the indexed documents, their passage counts and the last refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import send_reply
from bot.index_service import IndexService
from bot.replies import sources_reply

if TYPE_CHECKING:
    from bot.client import Quotebot


class Sources(commands.Cog):
    """What quotebot knows."""

    def __init__(self, service: IndexService) -> None:
        self.service = service

    @app_commands.command(name="sources")
    @app_commands.describe(private="Show the list to you alone")
    async def sources(self, interaction: discord.Interaction, private: bool = False) -> None:
        """List the documents I answer from, with their passage counts and the last refresh."""
        await send_reply(interaction, sources_reply(self.service.index), ephemeral=private)


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(Sources(bot.index_service))
