"""/ask and the "Ask quotebot" message context menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import AskedIn, answer_question, check_cooldown, validate_question
from bot.cooldown import UserCooldown
from bot.embeds import send_reply
from bot.index_service import IndexService
from index.answers import MAX_QUESTION_CHARS
from index.errors import QuestionError
from insights.answer_log import AnswerLog

if TYPE_CHECKING:
    from bot.client import Quotebot

CONTEXT_MENU_NAME = "Ask quotebot"


async def reply_with_answer(
    interaction: discord.Interaction,
    service: IndexService,
    question: str,
    *,
    ephemeral: bool,
    answer_log: AnswerLog | None = None,
) -> None:
    """Defer (scoring may take a moment), answer off the event loop, then send the first page."""
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    where = AskedIn.of(interaction.guild, interaction.channel_id, "slash")
    reply, view = await answer_question(service, question, interaction.user.id, where, answer_log)
    await send_reply(interaction, reply, ephemeral=ephemeral, view=view)


class Ask(commands.Cog):
    """Asking with a slash command or from a message's context menu."""

    def __init__(
        self, bot: commands.Bot, service: IndexService, cooldown: UserCooldown, answer_log: AnswerLog | None = None
    ) -> None:
        self.bot = bot
        self.service = service
        self.cooldown = cooldown
        self.answer_log = answer_log
        self.context_menu = app_commands.ContextMenu(name=CONTEXT_MENU_NAME, callback=self.ask_about_message)

    async def cog_load(self) -> None:
        # Context menus can't be declared inside a cog class; they are added to the tree by hand.
        self.bot.tree.add_command(self.context_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.context_menu.name, type=self.context_menu.type)

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="What you want to know about the documents",
        private="Show the answer to you alone (default: everyone in the channel sees it)",
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
        private: bool = False,
    ) -> None:
        """Ask a question: I quote the passage of the documents that answers it."""
        question = validate_question(question)
        check_cooldown(self.cooldown, interaction.user.id)
        await reply_with_answer(interaction, self.service, question, ephemeral=private, answer_log=self.answer_log)

    async def ask_about_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Use the selected message as the question."""
        if not message.content.strip():
            raise QuestionError("That message has no text I can ask about.")
        question = validate_question(message.content)
        check_cooldown(self.cooldown, interaction.user.id)
        await reply_with_answer(interaction, self.service, question, ephemeral=False, answer_log=self.answer_log)


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(Ask(bot, bot.index_service, bot.cooldown, bot.answer_log))
