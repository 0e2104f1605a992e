"""/help: what quotebot does and how to ask."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import send_reply
from bot.replies import help_reply

if TYPE_CHECKING:
    from bot.client import Quotebot


class Help(commands.Cog):
    """How to use quotebot."""

    def __init__(self, cooldown_seconds: float) -> None:
        self.cooldown_seconds = cooldown_seconds

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """What I do and how to ask me."""
        await send_reply(interaction, help_reply(self.cooldown_seconds), ephemeral=True)


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(Help(bot.settings.cooldown_seconds))
