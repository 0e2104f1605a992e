"""Auto-answer: questions answered where people ask them, without a mention (moderators choose the channels).

* In a text channel set to `questions`, a message that looks like a question (see
  `insights.question_likeness`) is answered as a reply, or in a new thread on it.
* In a forum set to `questions`, every new post is answered in its thread, from its title and first message.

Unasked answers must be worth it: quotebot replies only when it is sure (QUOTEBOT_AUTO_MIN_CONFIDENCE) and
otherwise says nothing. Reading messages that don't mention the bot needs Discord's privileged Message Content
intent (QUOTEBOT_MESSAGE_CONTENT=true); without it, text channels can't be auto-answered and forum posts are
answered from their title alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Set
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import AskedIn, log_answer, validate_question
from bot.buttons import answer_view
from bot.checks import NotModerator
from bot.cogs.mentions import ASKING_TYPES, replies_to
from bot.cogs.reindex import member_may_reindex
from bot.cooldown import UserCooldown
from bot.embeds import NO_MENTIONS, to_embed
from bot.index_service import IndexService
from bot.replies import answer_reply
from index.answers import MAX_QUESTION_CHARS, Answer
from index.errors import QuotebotError
from insights.answer_log import AnswerLog, AutoanswerSetting
from insights.question_likeness import looks_like_question

if TYPE_CHECKING:
    from bot.client import Quotebot

log = logging.getLogger(__name__)

# Other bot processes may change a setting (PostgreSQL deployments): read them again after this long.
SETTINGS_TTL_SECONDS = 60.0
THREAD_NAME_LIMIT = 100
# A forum post's first message can reach the API a moment after the thread: try again after these pauses.
STARTER_RETRY_DELAYS = (0.0, 1.0, 2.0)

NEEDS_INTENT = (
    "Answering questions in a text channel means reading messages that don't mention me, and Discord only "
    "sends those with the **Message Content** intent, which this bot doesn't ask for. Whoever runs the bot "
    "can turn it on under Bot › Privileged Gateway Intents in the Discord Developer Portal and start the bot "
    "with `QUOTEBOT_MESSAGE_CONTENT=true`. Forum channels work without it: I answer each new post from its title."
)
NO_DATABASE = "The database isn't available right now, so auto-answer settings can't be kept."


def sure_enough(answer: Answer, min_confidence: float) -> bool:
    """Whether an unasked answer is worth posting: found, and at least `min_confidence` sure."""
    return answer.found and answer.confidence >= min_confidence


def forum_question(title: str, body: str) -> str:
    """What a forum post asks: its title, then its first message, within the question length limit."""
    title, body = " ".join(title.split()), body.strip()
    question = f"{title}\n{body}" if body else title
    return question[:MAX_QUESTION_CHARS]


def thread_name(question: str) -> str:
    """A thread's name for an answer: the question on one line, within Discord's 100 characters."""
    name = " ".join(question.split())
    return name if len(name) <= THREAD_NAME_LIMIT else name[: THREAD_NAME_LIMIT - 1].rstrip() + "…"


def describe_setting(setting: AutoanswerSetting, channel: discord.abc.GuildChannel | None, content: bool) -> str:
    """One line of `/autoanswer list`."""
    if channel is None:
        return f"• a deleted channel ({setting.channel_id}): nothing to answer"
    if isinstance(channel, discord.ForumChannel):
        how = "every new post, in its thread" + ("" if content else " (from its title: no Message Content intent)")
    else:
        how = "questions, in a new thread" if setting.open_thread else "questions, as replies"
        if not content:
            how += " (paused: no Message Content intent)"
    return f"• {channel.mention}: {how}"


@app_commands.guild_only()
# Hidden from members without Manage Server; checked again in interaction_check, as /reindex is.
@app_commands.default_permissions(manage_guild=True)
class Autoanswer(commands.GroupCog, group_name="autoanswer"):
    """Answering questions in chosen channels and forums without a mention."""

    def __init__(
        self,
        bot: commands.Bot,
        service: IndexService,
        answer_log: AnswerLog | None,
        cooldown: UserCooldown,
        moderator_role_ids: Set[int],
        *,
        min_confidence: float,
        message_content: bool,
    ) -> None:
        self.bot = bot
        self.service = service
        self.answer_log = answer_log
        self.cooldown = cooldown
        self.moderator_role_ids = moderator_role_ids
        self.min_confidence = min_confidence
        self.message_content = message_content
        self._settings: dict[int, tuple[float, dict[int, AutoanswerSetting]]] = {}
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if not member_may_reindex(interaction, self.moderator_role_ids):
            log.info("/autoanswer refused for %s (%s)", interaction.user, interaction.user.id)
            raise NotModerator()
        return True

    # ---- the moderators' commands ----------------------------------------------------------------------------

    @app_commands.command(name="set")
    @app_commands.describe(
        channel="A text channel or a forum",
        mode="questions: answer what people ask there; off: stop",
        thread="In a text channel, answer in a new thread on the question (default: reply in the channel)",
    )
    async def set_mode(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | discord.ForumChannel,
        mode: Literal["questions", "off"],
        thread: bool = False,
    ) -> None:
        """Answer questions in a channel without being mentioned, or stop (moderators)."""
        answer_log = self.answer_log
        guild = interaction.guild
        if answer_log is None or guild is None:
            raise QuotebotError(NO_DATABASE)
        if mode == "off":
            removed = await answer_log.remove_autoanswer(guild.id, channel.id)
            self._settings.pop(guild.id, None)
            text = (
                f"I no longer answer on my own in {channel.mention}."
                if removed
                else f"I wasn't answering on my own in {channel.mention}: nothing changed."
            )
            await self._tell(interaction, text)
            return
        forum = isinstance(channel, discord.ForumChannel)
        if not forum and not self.message_content:
            raise QuotebotError(NEEDS_INTENT)
        setting = await answer_log.set_autoanswer(guild.id, channel.id, open_thread=thread and not forum)
        self._settings.pop(guild.id, None)
        lines = [
            f"I'll answer {describe_setting(setting, channel, self.message_content).removeprefix('• ')}.",
            f"I only answer when I'm at least {self.min_confidence:.0%} sure, and otherwise say nothing.",
        ]
        if forum and thread:
            lines.append("Forum posts are always answered in their own thread.")
        missing = missing_permissions(channel, guild.me, in_thread=forum or thread)
        if missing:
            lines.append(f"⚠️ I'm missing {', '.join(missing)} there: grant it, or I can't answer.")
        await self._tell(interaction, "\n".join(lines))

    @app_commands.command(name="list")
    async def list_settings(self, interaction: discord.Interaction) -> None:
        """The channels where I answer without being mentioned (moderators)."""
        answer_log = self.answer_log
        guild = interaction.guild
        if answer_log is None or guild is None:
            raise QuotebotError(NO_DATABASE)
        settings = await answer_log.autoanswer_channels(guild.id)
        if not settings:
            await self._tell(
                interaction, "I only answer when asked here: no channel is set. Use `/autoanswer set` to choose one."
            )
            return
        lines = [
            describe_setting(setting, guild.get_channel(setting.channel_id), self.message_content)
            for setting in settings
        ]
        await self._tell(interaction, "I answer on my own in:\n" + "\n".join(lines))

    @staticmethod
    async def _tell(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # ---- answering -------------------------------------------------------------------------------------------

    async def _setting(self, guild_id: int, channel_id: int) -> AutoanswerSetting | None:
        answer_log = self.answer_log
        if answer_log is None:
            return None
        cached = self._settings.get(guild_id)
        now = time.monotonic()
        if cached is None or now - cached[0] > SETTINGS_TTL_SECONDS:
            settings = await answer_log.autoanswer_channels(guild_id)
            cached = (now, {setting.channel_id: setting for setting in settings})
            self._settings[guild_id] = cached
        return cached[1].get(channel_id)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        guild = message.guild
        if not self.message_content or me is None or guild is None:
            return  # without the intent, these messages arrive empty
        if (
            message.author.bot
            or message.type not in ASKING_TYPES
            or not isinstance(message.channel, discord.TextChannel)
        ):
            return
        if me.id in message.raw_mentions or replies_to(message, me.id):
            return  # asked directly: the mentions cog answers it
        if not looks_like_question(message.content):
            return  # chatter: checked first, since it needs no database
        try:
            setting = await self._setting(guild.id, message.channel.id)
            if setting is None:
                return
            question = validate_question(message.content)
        except QuotebotError:
            return  # unasked: a question too long to answer isn't worth a refusal
        if self.cooldown.waiting(message.author.id):
            return  # a burst of questions is answered once per cooldown, and silently skipped otherwise
        where = AskedIn.of(guild, message.channel.id, "auto")
        try:
            await self._answer_unasked(message, question, where, open_thread=setting.open_thread)
        except Exception:
            log.exception("couldn't auto-answer message %s", message.id)

    async def _answer_unasked(
        self, message: discord.Message, question: str, where: AskedIn, *, open_thread: bool
    ) -> None:
        answer = await self._confident_answer(question, where)
        if answer is None:
            return
        # Only an answer posted counts as a use: staying silent mustn't make the asker wait to ask with /ask.
        if self.cooldown.retry_after(message.author.id) > 0:
            return
        answer_id = await log_answer(self.answer_log, answer, where)
        embed = to_embed(answer_reply(answer))
        view = answer_view(answer, message.author.id, answer_id=answer_id)
        if open_thread:
            thread = await message.create_thread(name=thread_name(question))
            await thread.send(embed=embed, view=view or discord.utils.MISSING, allowed_mentions=NO_MENTIONS)
        else:
            await message.reply(embed=embed, view=view, allowed_mentions=NO_MENTIONS, mention_author=False)

    async def _confident_answer(self, question: str, where: AskedIn) -> Answer | None:
        """The answer when it is sure enough to post unasked; else None (a refusal is logged, as a gap)."""
        try:
            answer = await self.service.ask(question, where.guild_id)
        except QuotebotError as error:
            log.info("no auto-answer: %s", error)
            return None
        if sure_enough(answer, self.min_confidence):
            return answer
        if not answer.found:
            await log_answer(self.answer_log, answer, where)
        return None

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        me = self.bot.user
        forum = thread.parent
        if me is None or not isinstance(forum, discord.ForumChannel) or thread.owner_id == me.id:
            return
        if thread.owner is not None and thread.owner.bot:
            return
        try:
            setting = await self._setting(thread.guild.id, forum.id)
            if setting is None:
                return
            body = await self._first_message_text(thread)
            if body is None:
                return  # posted by a bot
            question = validate_question(forum_question(thread.name, body))
            where = AskedIn.of(thread.guild, thread.id, "forum")
            answer = await self._confident_answer(question, where)
            if answer is None:
                return
            answer_id = await log_answer(self.answer_log, answer, where)
            view = answer_view(answer, thread.owner_id, answer_id=answer_id)
            await thread.send(
                embed=to_embed(answer_reply(answer)), view=view or discord.utils.MISSING, allowed_mentions=NO_MENTIONS
            )
        except QuotebotError:
            return
        except Exception:
            log.exception("couldn't answer forum post %s", thread.id)

    async def _first_message_text(self, thread: discord.Thread) -> str | None:
        """The text of a forum post's first message ("" when it can't be read); None when a bot wrote it."""
        if not self.message_content:
            return ""  # Discord would send it empty: the title is the question
        message = thread.starter_message
        for delay in STARTER_RETRY_DELAYS:
            if message is not None:
                break
            await asyncio.sleep(delay)
            try:
                message = await thread.fetch_message(thread.id)
            except discord.NotFound:
                continue
            except discord.HTTPException as error:
                log.warning("couldn't read forum post %s: %s %s", thread.id, error.status, error.text)
                return ""
        if message is None:
            return ""
        return None if message.author.bot else message.content


def missing_permissions(
    channel: discord.TextChannel | discord.ForumChannel, me: discord.Member, *, in_thread: bool
) -> list[str]:
    """The permissions the bot lacks in `channel` to auto-answer there, by their names in Discord's settings."""
    permissions = channel.permissions_for(me)
    needed = [("View Channel", permissions.view_channel)]
    if in_thread:
        needed.append(("Send Messages in Threads", permissions.send_messages_in_threads))
        if isinstance(channel, discord.TextChannel):
            needed.append(("Create Public Threads", permissions.create_public_threads))
    else:
        needed.append(("Send Messages", permissions.send_messages))
    return [name for name, granted in needed if not granted]


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(
        Autoanswer(
            bot,
            bot.index_service,
            bot.answer_log,
            bot.cooldown,
            bot.settings.moderator_role_ids,
            min_confidence=bot.settings.auto_min_confidence,
            message_content=bot.settings.message_content,
        )
    )
