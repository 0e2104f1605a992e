"""The buttons under an answer: "More passages", 👍 and 👎. They keep working after a restart.

Each is a discord.py `DynamicItem`: what a click needs is in its `custom_id` (who asked, which page, which
logged answer), and the rest is read again when it is clicked: the question from the answer log, or from the
answer's own footer when nothing was logged. So any bot process that receives the click can handle it.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol, Self

import discord

from bot.embeds import NO_MENTIONS, to_embed
from bot.interaction_errors import handle_interaction_error
from bot.replies import MORE_PASSAGES, QUESTION_FOOTER, answer_reply
from index.answers import Answer

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who asked can page through this answer. Ask your own with /ask!"
GONE = "I can't find the question of this answer any more. Ask it again with /ask!"
HELPFUL = "👍"
UNHELPFUL = "👎"
_SNOWFLAKE = r"[0-9]{1,20}"
_FOOTER_QUESTION = re.compile(re.escape(QUESTION_FOOTER) + r"(?P<question>.+?)(?: · confidence \d+%)?", re.DOTALL)


class LoggedAnswer(Protocol):
    @property
    def question(self) -> str: ...


class Tally(Protocol):
    @property
    def up(self) -> int: ...

    @property
    def down(self) -> int: ...


class AnswerRecords(Protocol):
    """What the buttons need from the answer log (`insights.answer_log.AnswerLog`)."""

    async def answer(self, answer_id: int) -> LoggedAnswer | None: ...

    async def vote(self, answer_id: int, user_id: int, value: int) -> Tally:
        """Record the user's vote (+1 or -1), replacing an earlier one; returns the counts."""
        ...


class AnswerHost(Protocol):
    """The bot, as the buttons see it (`interaction.client`)."""

    async def answer_again(self, question: str, guild_id: int | None) -> Answer: ...

    @property
    def answer_records(self) -> AnswerRecords | None: ...


def answer_view(
    answer: Answer, asker_id: int, *, page: int = 0, answer_id: int | None = None
) -> discord.ui.View | None:
    """The buttons for page `page` of an answer: "More passages" while there is more, and votes once it is logged."""
    view = discord.ui.View(timeout=None)
    if answer.found and page + 1 < len(answer.passages):
        view.add_item(MorePassagesButton(asker_id, page, answer_id or 0))
    if answer.found and answer_id:
        view.add_item(VoteButton(answer_id, asker_id, +1))
        view.add_item(VoteButton(answer_id, asker_id, -1))
    return view if view.children else None


def question_in_footer(message: discord.Message | None) -> str | None:
    """The question an answer message states in its footer ("Question: … · confidence 80%")."""
    if message is None or not message.embeds:
        return None
    footer = message.embeds[0].footer.text or ""
    match = _FOOTER_QUESTION.fullmatch(footer)
    return match["question"].strip() if match else None


async def recovered_answer(interaction: discord.Interaction, answer_id: int) -> Answer | None:
    """The answer a clicked message shows, asked again (from the current index) as the log or the footer says."""
    host: AnswerHost = interaction.client  # type: ignore[assignment]
    question: str | None = None
    records = host.answer_records
    if answer_id and records is not None:
        logged = await records.answer(answer_id)
        question = logged.question if logged is not None else None
    if question is None:
        question = question_in_footer(interaction.message)
    if question is None:
        return None
    return await host.answer_again(question, interaction.guild_id)


class MorePassagesButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"qb:more:(?P<asker>{_SNOWFLAKE}):(?P<page>[0-9]{{1,2}}):(?P<answer>{_SNOWFLAKE})",
):
    """Shows the next passage of the answer, for the person who asked."""

    def __init__(self, asker_id: int, page: int, answer_id: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=MORE_PASSAGES,
                style=discord.ButtonStyle.secondary,
                custom_id=f"qb:more:{asker_id}:{page}:{answer_id}",
            )
        )
        self.asker_id = asker_id
        self.page = page
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["asker"]), int(match["page"]), int(match["answer"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._show_next(interaction)
        except Exception as error:
            await handle_interaction_error(interaction, error)

    async def _show_next(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.asker_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        answer = await recovered_answer(interaction, self.answer_id)
        if answer is None or not answer.found:
            await interaction.response.send_message(GONE, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        page = min(self.page + 1, len(answer.passages) - 1)
        view = answer_view(answer, self.asker_id, page=page, answer_id=self.answer_id or None)
        await interaction.response.edit_message(
            embed=to_embed(answer_reply(answer, page)), view=view, allowed_mentions=NO_MENTIONS
        )


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"qb:vote:(?P<answer>{_SNOWFLAKE}):(?P<asker>{_SNOWFLAKE}):(?P<value>up|down)",
):
    """👍 or 👎 on an answer: one vote per user, which they may change."""

    def __init__(self, answer_id: int, asker_id: int, value: int) -> None:
        helpful = value > 0
        super().__init__(
            discord.ui.Button(
                emoji=HELPFUL if helpful else UNHELPFUL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"qb:vote:{answer_id}:{asker_id}:{'up' if helpful else 'down'}",
            )
        )
        self.answer_id = answer_id
        self.asker_id = asker_id
        self.value = 1 if helpful else -1

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["answer"]), int(match["asker"]), 1 if match["value"] == "up" else -1)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._vote(interaction)
        except Exception as error:
            await handle_interaction_error(interaction, error)

    async def _vote(self, interaction: discord.Interaction) -> None:
        host: AnswerHost = interaction.client  # type: ignore[assignment]
        records = host.answer_records
        if records is None:
            await interaction.response.send_message(
                "Votes aren't being recorded right now.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        counts = await records.vote(self.answer_id, interaction.user.id, self.value)
        tally = f"{HELPFUL} {counts.up} · {UNHELPFUL} {counts.down}"
        if self.value > 0:
            await interaction.response.send_message(
                f"Thanks, noted: this answer helped. ({tally})", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        thanks = f"Thanks, noted: this answer didn't help. ({tally})"
        answer = await recovered_answer(interaction, self.answer_id) if interaction.user.id == self.asker_id else None
        if answer is None or not answer.found or len(answer.passages) < 2:
            await interaction.response.send_message(thanks, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        # The asker said no: offer the next passage right away, privately.
        await interaction.response.send_message(
            thanks + " Here is the next passage I have:",
            embed=to_embed(answer_reply(answer, 1)),
            view=answer_view(answer, self.asker_id, page=1) or discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


ANSWER_BUTTONS = (MorePassagesButton, VoteButton)
"""Registered with the bot at start-up (`add_dynamic_items`), so old answers' buttons still work."""
