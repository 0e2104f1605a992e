"""/ask and the "Ask quotebot" context menu, on autospec'd interactions."""

from __future__ import annotations

from unittest.mock import create_autospec

import discord
import pytest
from cog_fakes import InteractionFactory, sent_embed
from discord.ext import commands

from bot.buttons import MorePassagesButton
from bot.checks import OnCooldown
from bot.cogs.ask import CONTEXT_MENU_NAME, Ask
from bot.cooldown import UserCooldown
from bot.embeds import NO_MENTIONS
from bot.index_service import IndexService
from bot.replies import NOT_FOUND
from index.errors import QuestionError


def make_cog(service: IndexService, cooldown_seconds: float = 0.0) -> Ask:
    bot = create_autospec(commands.Bot, instance=True)
    bot.tree = create_autospec(discord.app_commands.CommandTree, instance=True)
    return Ask(bot, service, UserCooldown(cooldown_seconds))


@pytest.mark.asyncio
async def test_ask_defers_then_quotes_the_best_passage(
    service: IndexService, make_interaction: InteractionFactory
) -> None:
    """/ask defers first, then sends the best passage with its bold quote, source and a paging button."""
    cog = make_cog(service)
    interaction = make_interaction()
    await cog.ask.callback(cog, interaction, "How many ships did the lighthouse keeper count in the harbour?")
    interaction.response.defer.assert_awaited_once_with(ephemeral=False, thinking=True)
    interaction.followup.send.assert_awaited_once()
    call = interaction.followup.send.await_args
    embed = sent_embed(call)
    assert embed.title == "Best answer"
    assert "**The lighthouse keeper counted seven ships entering the harbour at dawn.**" in (embed.description or "")
    assert embed.fields[0].name == "Source" and "harbour.md" in (embed.fields[0].value or "")
    assert call.kwargs["allowed_mentions"] is NO_MENTIONS and call.kwargs["ephemeral"] is False
    view = call.kwargs["view"]
    [more] = view.children
    assert isinstance(more, MorePassagesButton) and more.asker_id == interaction.user.id and more.page == 0


@pytest.mark.asyncio
async def test_private_ask_is_ephemeral(service: IndexService, make_interaction: InteractionFactory) -> None:
    """private=True defers and answers ephemerally."""
    cog = make_cog(service)
    interaction = make_interaction()
    await cog.ask.callback(cog, interaction, "What did the baker sell?", True)
    interaction.response.defer.assert_awaited_once_with(ephemeral=True, thinking=True)
    assert interaction.followup.send.await_args.kwargs["ephemeral"] is True


@pytest.mark.asyncio
async def test_ask_without_an_answer_says_so(service: IndexService, make_interaction: InteractionFactory) -> None:
    """A question the documents don't cover gets the honest "not found" and no paging button."""
    cog = make_cog(service)
    interaction = make_interaction()
    await cog.ask.callback(cog, interaction, "What is the capital of Mongolia?")
    call = interaction.followup.send.await_args
    assert (sent_embed(call).description or "").startswith(NOT_FOUND)
    assert "view" not in call.kwargs


@pytest.mark.asyncio
async def test_blank_question_is_refused_before_deferring(
    service: IndexService, make_interaction: InteractionFactory
) -> None:
    """A blank question raises QuestionError (for the error handler) without deferring."""
    cog = make_cog(service)
    interaction = make_interaction()
    with pytest.raises(QuestionError):
        await cog.ask.callback(cog, interaction, "   ")
    interaction.response.defer.assert_not_awaited()


@pytest.mark.asyncio
async def test_cooldown_refuses_a_second_question(service: IndexService, make_interaction: InteractionFactory) -> None:
    """With a cooldown, the same user's second question is refused; another user may still ask."""
    cog = make_cog(service, cooldown_seconds=60)
    await cog.ask.callback(cog, make_interaction(1), "What did the baker sell?")
    second = make_interaction(1)
    with pytest.raises(OnCooldown) as raised:
        await cog.ask.callback(cog, second, "What did the baker sell?")
    assert 59 < raised.value.retry_after <= 60
    second.response.defer.assert_not_awaited()
    other = make_interaction(2)
    await cog.ask.callback(cog, other, "What did the baker sell?")
    other.followup.send.assert_awaited_once()


@pytest.mark.asyncio
async def test_context_menu_asks_the_selected_message(
    service: IndexService, make_interaction: InteractionFactory
) -> None:
    """ "Ask quotebot" on a message uses its text as the question."""
    cog = make_cog(service)
    assert cog.context_menu.name == CONTEXT_MENU_NAME
    await cog.cog_load()
    cog.bot.tree.add_command.assert_called_once_with(cog.context_menu)
    message = create_autospec(discord.Message, instance=True)
    message.content = "what did the baker sell before noon?"
    interaction = make_interaction()
    await cog.context_menu.callback(interaction, message)
    embed = sent_embed(interaction.followup.send.await_args)
    assert "bakery.md" in (embed.fields[0].value or "")


@pytest.mark.asyncio
async def test_context_menu_on_a_message_without_text(
    service: IndexService, make_interaction: InteractionFactory
) -> None:
    """A message with no text (say, only an image) is refused with a clear reason."""
    cog = make_cog(service)
    message = create_autospec(discord.Message, instance=True)
    message.content = ""
    interaction = make_interaction()
    with pytest.raises(QuestionError, match="no text"):
        await cog.context_menu.callback(interaction, message)
    interaction.response.defer.assert_not_awaited()
