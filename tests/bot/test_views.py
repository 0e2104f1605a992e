"""The "More passages" button and the one interaction error handler."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from unittest.mock import create_autospec

import discord
import pytest
from discord import app_commands

sys.path.insert(0, str(Path(__file__).parent / "cogs"))
from cog_fakes import make_interaction, sent_embed

from bot.checks import NotModerator, OnCooldown
from bot.embeds import NO_MENTIONS
from bot.interaction_errors import UNEXPECTED, QuotebotTree, handle_interaction_error
from bot.views import NOT_YOURS, MorePassagesView, paging_view
from index.answers import Answer, RankedPassage
from index.errors import QuestionError
from index.passages import Passage

OWNER = 1001


async def _ask(interaction: discord.Interaction) -> None:
    """A stand-in command body."""


COMMAND = app_commands.Command(name="ask", description="Ask.", callback=_ask)


def three_passage_answer() -> Answer:
    passages = tuple(
        RankedPassage(Passage("doc.md", n, 0, 30, f"Passage number {n} says hello."), "Doc", 3, 3.0 - n, 0, 30)
        for n in (1, 2, 3)
    )
    return Answer("hello?", True, "answered", 0.9, passages)


@pytest.mark.asyncio
async def test_owner_pages_to_the_last_passage() -> None:
    """Each press shows the next passage; on the last one the button goes away."""
    view = MorePassagesView(three_passage_answer(), OWNER, timeout=None)
    for page, expect_view in ((2, True), (3, False)):
        interaction = make_interaction(OWNER)
        assert await view.interaction_check(interaction)
        await view.more_passages.callback(interaction)
        call = interaction.response.edit_message.await_args
        assert f"Passage number {page}" in (sent_embed(call).description or "")
        assert (call.kwargs["view"] is view) is expect_view
        assert call.kwargs["allowed_mentions"] is NO_MENTIONS
    assert view.is_finished()


@pytest.mark.asyncio
async def test_timeout_removes_the_button() -> None:
    """When the view times out, the button is taken off the message, still pinging nobody."""
    view = MorePassagesView(three_passage_answer(), OWNER, timeout=None)
    message = create_autospec(discord.Message, instance=True)
    view.message = message
    await view.on_timeout()
    message.edit.assert_awaited_once_with(view=None, allowed_mentions=NO_MENTIONS)


@pytest.mark.asyncio
async def test_only_the_asker_can_page() -> None:
    """Someone else pressing the button is told so, privately, and the page doesn't move."""
    view = MorePassagesView(three_passage_answer(), OWNER, timeout=None)
    stranger = make_interaction(2002)
    assert not await view.interaction_check(stranger)
    stranger.response.send_message.assert_awaited_once()
    assert stranger.response.send_message.await_args.args == (NOT_YOURS,)
    assert stranger.response.send_message.await_args.kwargs["ephemeral"] is True
    assert stranger.response.send_message.await_args.kwargs["allowed_mentions"] is NO_MENTIONS
    assert view.page == 0


def test_paging_view_only_with_more_than_one_passage() -> None:
    """One passage, or no answer: no button."""
    answer = three_passage_answer()
    assert paging_view(answer, OWNER) is not None
    single = Answer("q", True, "answered", 0.9, answer.passages[:1])
    assert paging_view(single, OWNER) is None
    assert paging_view(Answer("q", False, "not-covered", 0.1, ()), OWNER) is None


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (QuestionError("the question is empty"), "the question is empty"),
        (OnCooldown(4.2), "ask again in 5 s"),
        (NotModerator(), "Only moderators"),
        (app_commands.NoPrivateMessage(), "only works in a server"),
    ],
)
async def test_expected_errors_get_their_message(
    error: Exception, expected: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Known errors show their own short message, ephemerally, and log no traceback."""
    interaction = make_interaction()
    wrapped = app_commands.CommandInvokeError(COMMAND, error) if isinstance(error, QuestionError) else error
    with caplog.at_level(logging.INFO, logger="bot.errors"):
        await handle_interaction_error(interaction, wrapped)
    call = interaction.response.send_message.await_args
    assert call.kwargs["ephemeral"] is True and call.kwargs["allowed_mentions"] is NO_MENTIONS
    assert expected in (sent_embed(call).description or "")
    assert all(record.exc_info is None for record in caplog.records)


@pytest.mark.asyncio
async def test_unexpected_errors_are_logged_with_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """A bug: the user sees a short apology (as a follow-up once deferred), the log gets the traceback."""
    interaction = make_interaction()
    await interaction.response.defer()
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as bug:
        error = bug
    tree = QuotebotTree(discord.Client(intents=discord.Intents.none()))
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        await tree.on_error(interaction, app_commands.CommandInvokeError(COMMAND, error))
    call = interaction.followup.send.await_args
    assert call.kwargs["ephemeral"] is True and sent_embed(call).description == UNEXPECTED
    assert any(record.exc_info and record.exc_info[0] is ZeroDivisionError for record in caplog.records)
    assert "boom" not in (sent_embed(call).description or "")
