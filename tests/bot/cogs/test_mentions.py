"""Mentions, DMs and follow-up replies: answered as replies, other bots and ourselves ignored."""

from __future__ import annotations

from unittest.mock import create_autospec

import discord
import pytest
from cog_fakes import sent_embed
from discord.ext import commands

from bot.buttons import MorePassagesButton
from bot.cogs.mentions import EMPTY_MENTION, Mentions, question_from_message
from bot.cooldown import UserCooldown
from bot.embeds import NO_MENTIONS
from bot.index_service import IndexService

BOT_ID = 4242
USER_ID = 1001


def make_cog(service: IndexService, cooldown_seconds: float = 0.0) -> Mentions:
    bot = create_autospec(commands.Bot, instance=True)
    me = create_autospec(discord.ClientUser, instance=True)
    me.id = BOT_ID
    bot.user = me
    return Mentions(bot, service, UserCooldown(cooldown_seconds))


def make_message(
    content: str,
    *,
    author_id: int = USER_ID,
    author_is_bot: bool = False,
    in_guild: bool = True,
    mentions_bot: bool = False,
    reply_to_author: int | None = None,
    kind: discord.MessageType | None = None,
) -> discord.Message:
    message = create_autospec(discord.Message, instance=True)
    message.id = 555
    if kind is None:
        kind = discord.MessageType.default if reply_to_author is None else discord.MessageType.reply
    message.type = kind
    message.content = content
    author = create_autospec(discord.Member, instance=True)
    author.id, author.bot = author_id, author_is_bot
    message.author = author
    message.guild = create_autospec(discord.Guild, instance=True) if in_guild else None
    message.raw_mentions = [BOT_ID] if mentions_bot else []
    message.mentions = []
    if reply_to_author is None:
        message.reference = None
    else:
        replied = create_autospec(discord.Message, instance=True)
        replied.author = create_autospec(discord.Member, instance=True)
        replied.author.id = reply_to_author
        reference = create_autospec(discord.MessageReference, instance=True)
        reference.resolved = replied
        message.reference = reference
    return message


def test_question_from_message() -> None:
    """The bot's mentions are stripped; messages not for the bot give None; empty asks give ""."""
    assert (
        question_from_message(f"<@{BOT_ID}> who won?", BOT_ID, direct=False, mentions_bot=True, replies_to_bot=False)
        == "who won?"
    )
    assert (
        question_from_message(f"hey <@!{BOT_ID}>  why ", BOT_ID, direct=False, mentions_bot=True, replies_to_bot=False)
        == "hey why"
    )
    assert question_from_message("who won?", BOT_ID, direct=False, mentions_bot=False, replies_to_bot=False) is None
    assert (
        question_from_message("who won?", BOT_ID, direct=True, mentions_bot=False, replies_to_bot=False) == "who won?"
    )
    assert question_from_message(f"<@{BOT_ID}>", BOT_ID, direct=False, mentions_bot=True, replies_to_bot=False) == ""
    assert (
        question_from_message("<@99> hi", BOT_ID, direct=False, mentions_bot=False, replies_to_bot=True) == "<@99> hi"
    )


@pytest.mark.asyncio
async def test_mention_is_answered_as_a_reply(service: IndexService) -> None:
    """ "@quotebot question" gets the answer as a reply, with no pings and a paging view for the asker."""
    cog = make_cog(service)
    message = make_message(f"<@{BOT_ID}> how many ships entered the harbour?", mentions_bot=True)
    await cog.on_message(message)
    message.reply.assert_awaited_once()
    call = message.reply.await_args
    assert "harbour.md" in (sent_embed(call).fields[0].value or "")
    assert call.kwargs["allowed_mentions"] is NO_MENTIONS and call.kwargs["mention_author"] is False
    [more] = call.kwargs["view"].children
    assert isinstance(more, MorePassagesButton) and more.asker_id == USER_ID


@pytest.mark.asyncio
async def test_dm_and_follow_up_are_answered(service: IndexService) -> None:
    """A DM, and a reply to one of the bot's messages, are questions too."""
    cog = make_cog(service)
    dm = make_message("what did the baker sell?", in_guild=False)
    await cog.on_message(dm)
    assert "bakery.md" in (sent_embed(dm.reply.await_args).fields[0].value or "")
    follow_up = make_message("and what about the ferry?", reply_to_author=BOT_ID)
    await cog.on_message(follow_up)
    assert "notices.md" in (sent_embed(follow_up.reply.await_args).fields[0].value or "")


@pytest.mark.asyncio
async def test_messages_not_for_the_bot_are_ignored(service: IndexService) -> None:
    """Plain channel messages, replies to others, the bot's own and other bots' messages, notices get no reply."""
    cog = make_cog(service)
    ignored = [
        make_message("how many ships entered the harbour?"),
        make_message("how many ships?", reply_to_author=999),
        make_message(f"<@{BOT_ID}> how many ships?", author_id=BOT_ID, author_is_bot=True, mentions_bot=True),
        make_message(f"<@{BOT_ID}> how many ships?", author_id=31337, author_is_bot=True, mentions_bot=True),
        make_message("", reply_to_author=BOT_ID),  # a reply without a ping arrives without content
        make_message("", in_guild=False, kind=discord.MessageType.pins_add),  # a notice in a DM, not a question
    ]
    for message in ignored:
        await cog.on_message(message)
        message.reply.assert_not_awaited()


@pytest.mark.asyncio
async def test_bare_mention_gets_a_hint(service: IndexService) -> None:
    """A mention with no question says how to ask."""
    cog = make_cog(service)
    message = make_message(f"<@{BOT_ID}>", mentions_bot=True)
    await cog.on_message(message)
    assert sent_embed(message.reply.await_args).description == EMPTY_MENTION


@pytest.mark.asyncio
async def test_cooldown_applies_to_mentions(service: IndexService) -> None:
    """A second mention within the cooldown gets a short "ask again in" reply instead of an answer."""
    cog = make_cog(service, cooldown_seconds=30)
    await cog.on_message(make_message("what did the baker sell?", in_guild=False))
    second = make_message("what did the baker sell?", in_guild=False)
    await cog.on_message(second)
    assert "ask again in 30 s" in (sent_embed(second.reply.await_args).description or "")


@pytest.mark.asyncio
async def test_a_burst_of_mentions_gets_one_cooldown_notice(service: IndexService) -> None:
    """50 mentions sent too fast: the first is answered, one "ask again" notice follows, the rest are ignored."""
    cog = make_cog(service, cooldown_seconds=30)
    messages = [make_message("what did the baker sell?", in_guild=False) for _ in range(50)]
    for message in messages:
        await cog.on_message(message)
    replies = [sent_embed(message.reply.await_args) for message in messages if message.reply.await_args is not None]
    assert len(replies) == 2
    assert "ask again in" in (replies[1].description or "")
