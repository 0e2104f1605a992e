"""The buttons under an answer (More passages, votes) and the one interaction error handler."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import create_autospec

import discord
import pytest
from discord import app_commands

sys.path.insert(0, str(Path(__file__).parent / "cogs"))
from cog_fakes import make_interaction, sent_embed

from bot.buttons import GONE, NOT_YOURS, MorePassagesButton, VoteButton, answer_view
from bot.checks import NotModerator, OnCooldown
from bot.embeds import NO_MENTIONS
from bot.interaction_errors import UNEXPECTED, QuotebotTree, handle_interaction_error
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


class FakeRecords:
    """An answer log in memory, for the buttons' unit tests (the real one is tested on real databases)."""

    def __init__(self) -> None:
        self.questions = {7: "hello?"}
        self.votes: dict[tuple[int, int], int] = {}

    async def answer(self, answer_id: int) -> SimpleNamespace | None:
        question = self.questions.get(answer_id)
        return SimpleNamespace(question=question) if question is not None else None

    async def vote(self, answer_id: int, user_id: int, value: int) -> SimpleNamespace:
        self.votes[answer_id, user_id] = value
        values = [v for (answer, _), v in self.votes.items() if answer == answer_id]
        return SimpleNamespace(up=values.count(1), down=values.count(-1))


class FakeHost:
    """What the buttons need from the bot: asking again, and the answer log."""

    def __init__(self, answer: Answer, records: FakeRecords | None) -> None:
        self.answer = answer
        self.asked: list[tuple[str, int | None]] = []
        self._records = records

    @property
    def answer_records(self) -> FakeRecords | None:
        return self._records

    async def answer_again(self, question: str, guild_id: int | None) -> Answer:
        self.asked.append((question, guild_id))
        return self.answer


def clicked(user_id: int, host: FakeHost, footer: str | None = None) -> discord.Interaction:
    interaction = make_interaction(user_id)
    interaction.client = host  # type: ignore[misc]
    interaction.guild_id = 42  # type: ignore[misc]
    message = create_autospec(discord.Message, instance=True)
    message.embeds = [discord.Embed().set_footer(text=footer)] if footer is not None else []
    interaction.message = message  # type: ignore[misc]
    return interaction


@pytest.mark.asyncio
async def test_the_asker_pages_to_the_last_passage_with_the_question_read_from_the_footer() -> None:
    """Each press asks again and shows the next page; the last page has no "More passages"."""
    host = FakeHost(three_passage_answer(), records=None)
    for page, more_after in ((1, True), (2, False)):
        button = MorePassagesButton(OWNER, page - 1)
        interaction = clicked(OWNER, host, footer="Question: hello? · confidence 90%")
        await button.callback(interaction)
        call = interaction.response.edit_message.await_args
        assert f"Passage number {page + 1}" in (sent_embed(call).description or "")
        view = call.kwargs["view"]
        assert (view is not None and any(isinstance(item, MorePassagesButton) for item in view.children)) is more_after
        assert call.kwargs["allowed_mentions"] is NO_MENTIONS
    assert host.asked == [("hello?", 42), ("hello?", 42)]  # asked in the server it was clicked in


@pytest.mark.asyncio
async def test_only_the_asker_can_page() -> None:
    """Someone else pressing the button is told so, privately, and nothing is asked."""
    host = FakeHost(three_passage_answer(), records=None)
    stranger = clicked(2002, host, footer="Question: hello?")
    await MorePassagesButton(OWNER, 0).callback(stranger)
    call = stranger.response.send_message.await_args
    assert call.args == (NOT_YOURS,) and call.kwargs["ephemeral"] is True
    assert call.kwargs["allowed_mentions"] is NO_MENTIONS
    assert host.asked == []


@pytest.mark.asyncio
async def test_a_logged_answer_is_asked_again_from_the_log_and_an_unknown_one_is_refused() -> None:
    host = FakeHost(three_passage_answer(), FakeRecords())
    interaction = clicked(OWNER, host, footer="Question: something else entirely")
    await MorePassagesButton(OWNER, 0, answer_id=7).callback(interaction)
    assert host.asked == [("hello?", 42)]  # the log wins over the footer, which may be clipped

    lost = clicked(OWNER, host, footer=None)
    await MorePassagesButton(OWNER, 0, answer_id=99).callback(lost)
    assert lost.response.send_message.await_args.args == (GONE,)


@pytest.mark.asyncio
async def test_votes_one_per_user_changeable_and_a_no_from_the_asker_offers_the_next_passage() -> None:
    records = FakeRecords()
    host = FakeHost(three_passage_answer(), records)
    up = clicked(2002, host)
    await VoteButton(7, OWNER, +1).callback(up)
    assert "helped. (👍 1 · 👎 0)" in up.response.send_message.await_args.args[0]
    changed = clicked(2002, host)
    await VoteButton(7, OWNER, -1).callback(changed)  # the same user changes their mind
    assert "(👍 0 · 👎 1)" in changed.response.send_message.await_args.args[0]
    assert "embed" not in changed.response.send_message.await_args.kwargs  # not the asker: no next passage

    asker = clicked(OWNER, host)
    await VoteButton(7, OWNER, -1).callback(asker)
    call = asker.response.send_message.await_args
    assert "(👍 0 · 👎 2)" in call.args[0] and call.kwargs["ephemeral"] is True
    assert "Passage number 2" in (sent_embed(call).description or "")


def test_buttons_only_where_they_mean_something() -> None:
    """More passages with more than one passage; votes once the answer is logged; nothing on a refusal."""
    answer = three_passage_answer()
    kinds = lambda view: [type(item) for item in view.children] if view is not None else []  # noqa: E731
    assert kinds(answer_view(answer, OWNER)) == [MorePassagesButton]
    assert kinds(answer_view(answer, OWNER, answer_id=7)) == [MorePassagesButton, VoteButton, VoteButton]
    single = Answer("q", True, "answered", 0.9, answer.passages[:1])
    assert answer_view(single, OWNER) is None
    assert answer_view(Answer("q", False, "not-covered", 0.1, ()), OWNER, answer_id=7) is None


def test_custom_ids_round_trip_through_their_templates() -> None:
    """What a click brings back is what the button was made with, within Discord's 100 characters."""
    big = 2**63 - 1
    for button in (MorePassagesButton(big, 9, big), VoteButton(big, big, -1)):
        custom_id = button.item.custom_id
        assert custom_id is not None and len(custom_id) <= 100
        assert type(button).__discord_ui_compiled_template__.fullmatch(custom_id)


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
