"""/gaps: moderators see what members asked that nobody could answer, and which answers got a 👎."""

from __future__ import annotations

import logging
from collections.abc import Set
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import NotModerator
from bot.cogs.reindex import member_may_reindex
from bot.embeds import send_reply
from bot.replies import gaps_reply, notice_reply
from insights.answer_log import AnswerLog

if TYPE_CHECKING:
    from bot.client import Quotebot

log = logging.getLogger(__name__)

DEFAULT_DAYS = 7
MAX_DAYS = 365
LOG_OFF = (
    "The question log is off (`QUOTEBOT_LOG_QUESTIONS=false`), so I have no data about what was asked. "
    "Whoever runs the bot can turn it on; the README says what it keeps."
)
NO_DATABASE = "The database isn't available right now, so there is no question log to read."


class Gaps(commands.Cog):
    """The questions nobody could answer."""

    def __init__(self, answer_log: AnswerLog | None, moderator_role_ids: Set[int]) -> None:
        self.answer_log = answer_log
        self.moderator_role_ids = moderator_role_ids

    @app_commands.command(name="gaps")
    @app_commands.guild_only()
    # Hidden from members without Manage Server; checked again below, as /reindex is.
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(days=f"How many days back (default {DEFAULT_DAYS})")
    async def gaps(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, MAX_DAYS] = DEFAULT_DAYS
    ) -> None:
        """The questions nobody could answer, the answers marked 👎, and the share answered (moderators)."""
        if not member_may_reindex(interaction, self.moderator_role_ids):
            log.info("/gaps refused for %s (%s)", interaction.user, interaction.user.id)
            raise NotModerator()
        answer_log = self.answer_log
        if answer_log is None or interaction.guild_id is None:
            await send_reply(interaction, notice_reply("No data", NO_DATABASE, tone="info"), ephemeral=True)
            return
        if not answer_log.enabled:
            await send_reply(interaction, notice_reply("No data", LOG_OFF, tone="info"), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await answer_log.gaps(interaction.guild_id, days=days)
        await send_reply(interaction, gaps_reply(report), ephemeral=True)


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(Gaps(bot.answer_log, bot.settings.moderator_role_ids))
