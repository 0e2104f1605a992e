"""Questions in messages: a mention, a direct message, or a reply to one of the bot's answers.

No privileged intent is needed: Discord sends the content of messages that
mention the bot and of direct messages. A reply that doesn't ping the bot
arrives without content, and there is nothing to answer then.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.answering import AskedIn, answer_question, check_cooldown, validate_question
from bot.checks import OnCooldown
from bot.cooldown import UserCooldown
from bot.embeds import NO_MENTIONS, to_embed
from bot.index_service import IndexService
from bot.interaction_errors import UNEXPECTED
from bot.replies import Reply, notice_reply
from index.errors import QuotebotError
from insights.answer_log import AnswerLog

if TYPE_CHECKING:
    from bot.client import Quotebot

log = logging.getLogger(__name__)

ASKING_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
EMPTY_MENTION = "Ask me something after the mention, for example: `@quotebot who won the race?` (or try /help)."


def question_from_message(
    content: str, bot_id: int, *, direct: bool, mentions_bot: bool, replies_to_bot: bool
) -> str | None:
    """The question a message asks the bot, without the bot's mentions and extra spaces; None if not for the bot.

    Returns "" for a message that is for the bot but asks nothing.
    """
    if not (direct or mentions_bot or replies_to_bot):
        return None
    return " ".join(re.sub(rf"<@!?{bot_id}>", " ", content).split())


def replies_to(message: discord.Message, user_id: int) -> bool:
    """Whether `message` is a reply to a message by `user_id`."""
    reference = message.reference
    if reference is None:
        return False
    replied = reference.resolved if isinstance(reference.resolved, discord.Message) else reference.cached_message
    return replied is not None and replied.author.id == user_id


class Mentions(commands.Cog):
    """Answers mentions, DMs and follow-up replies, as replies."""

    def __init__(
        self, bot: commands.Bot, service: IndexService, cooldown: UserCooldown, answer_log: AnswerLog | None = None
    ) -> None:
        self.bot = bot
        self.service = service
        self.cooldown = cooldown
        self.answer_log = answer_log

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return  # never answer ourselves or other bots: no loops
        if message.type not in ASKING_TYPES:
            return  # a pin, a join, a thread created...: Discord's notices, not questions
        mentions_bot = me.id in message.raw_mentions or any(user.id == me.id for user in message.mentions)
        replied = replies_to(message, me.id)
        direct = message.guild is None
        question = question_from_message(
            message.content, me.id, direct=direct, mentions_bot=mentions_bot, replies_to_bot=replied
        )
        if question is None:
            return
        if not question:
            if direct or me.id in message.raw_mentions:
                await self._reply(message, notice_reply("Ask me a question", EMPTY_MENTION, tone="info"))
            return  # a reply without a ping arrives without content: nothing to read
        try:
            question = validate_question(question)
            check_cooldown(self.cooldown, message.author.id)
        except OnCooldown as error:
            if self.cooldown.first_notice(message.author.id):  # the rest of a burst is ignored
                await self._reply(message, notice_reply("Sorry", str(error)))
            return
        except QuotebotError as error:
            await self._reply(message, notice_reply("Sorry", str(error)))
            return
        try:
            where = AskedIn.of(message.guild, message.channel.id, "mention")
            reply, view = await answer_question(self.service, question, message.author.id, where, self.answer_log)
        except QuotebotError as error:
            await self._reply(message, notice_reply("Sorry", str(error)))
            return
        except Exception:
            log.exception("error answering message %s from user %s", message.id, message.author.id)
            await self._reply(message, notice_reply("Sorry", UNEXPECTED))
            return
        await self._reply(message, reply, view)

    async def _reply(
        self, message: discord.Message, reply: Reply, view: discord.ui.View | None = None
    ) -> discord.Message | None:
        try:
            return await message.reply(
                embed=to_embed(reply), view=view, allowed_mentions=NO_MENTIONS, mention_author=False
            )
        except discord.HTTPException as error:
            log.warning("couldn't reply to message %s: %s %s", message.id, error.status, error.text)
            return None


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(Mentions(bot, bot.index_service, bot.cooldown, bot.answer_log))
