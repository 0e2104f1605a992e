"""The one error handler for interactions: a short ephemeral message for the user, the traceback for the log.

The command tree's `on_error` and the views' `on_error` both come here.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.checks import UserFacingCheckFailure
from bot.embeds import send_reply
from bot.replies import notice_reply
from index.errors import QuotebotError

log = logging.getLogger("bot.errors")

UNEXPECTED = "Sorry, something went wrong on my side. It has been logged."


def user_message(error: BaseException) -> str | None:
    """What to tell the user about an expected error, or None when it is a bug to log."""
    if isinstance(error, app_commands.CommandInvokeError):
        return user_message(error.original)
    if isinstance(error, UserFacingCheckFailure | QuotebotError):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That only works in a server, not in direct messages."
    if isinstance(error, app_commands.MissingPermissions | app_commands.BotMissingPermissions):
        return str(error)
    if isinstance(error, app_commands.TransformerError):
        return "That value isn't valid here."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    return None


async def handle_interaction_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user briefly (ephemeral), and log the traceback when it is a bug."""
    message = user_message(error)
    command = interaction.command.qualified_name if interaction.command is not None else "component"
    if message is None:
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        log.error("error in %s for user %s", command, interaction.user.id, exc_info=original)
        message = UNEXPECTED
    else:
        log.info("refused %s for user %s: %s", command, interaction.user.id, message)
    try:
        await send_reply(interaction, notice_reply("Sorry", message), ephemeral=True)
    except discord.HTTPException:
        log.warning("couldn't tell user %s about an error in %s", interaction.user.id, command, exc_info=True)


class QuotebotTree(app_commands.CommandTree):
    """The command tree, with quotebot's error handler."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        await handle_interaction_error(interaction, error)
