"""/reindex: moderators re-read the corpus without restarting the bot."""

from __future__ import annotations

import logging
from collections.abc import Set
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import NotModerator, is_moderator
from bot.embeds import send_reply
from bot.index_service import IndexService, ReindexError
from bot.replies import reindex_failed_reply, reindex_reply

if TYPE_CHECKING:
    from bot.client import Quotebot

log = logging.getLogger(__name__)


def member_may_reindex(interaction: discord.Interaction, moderator_role_ids: Set[int]) -> bool:
    """Manage Server in this channel, or one of the moderator roles."""
    user = interaction.user
    role_ids = [role.id for role in user.roles] if isinstance(user, discord.Member) else []
    return is_moderator(interaction.permissions.manage_guild, role_ids, moderator_role_ids)


class Reindex(commands.Cog):
    """Refreshing the index."""

    def __init__(self, service: IndexService, moderator_role_ids: Set[int]) -> None:
        self.service = service
        self.moderator_role_ids = moderator_role_ids

    @app_commands.command(name="reindex")
    @app_commands.guild_only()
    # Hidden from members without Manage Server; checked again below, since server admins can change who sees it.
    @app_commands.default_permissions(manage_guild=True)
    async def reindex(self, interaction: discord.Interaction) -> None:
        """Re-read the documents and replace the index (moderators)."""
        user = interaction.user
        if not member_may_reindex(interaction, self.moderator_role_ids):
            log.info("reindex refused for %s (%s)", user, user.id)
            raise NotModerator()
        await interaction.response.defer(thinking=True)
        try:
            report = await self.service.reindex(f"{user} ({user.id})")
        except ReindexError as error:
            await send_reply(interaction, reindex_failed_reply(str(error)))
            return
        await send_reply(interaction, reindex_reply(report))


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(Reindex(bot.index_service, bot.settings.moderator_role_ids))
