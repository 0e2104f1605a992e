"""Asking, the same way for /ask, the context menu, mentions, DMs, follow-ups and auto-answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord
from sqlalchemy.exc import SQLAlchemyError

from bot.buttons import answer_view
from bot.checks import OnCooldown
from bot.cooldown import UserCooldown
from bot.index_service import IndexService
from bot.questions import validate_question
from bot.replies import Reply, answer_reply
from index.answers import Answer
from insights.answer_log import AnswerLog, Source

__all__ = ["AskedIn", "answer_question", "check_cooldown", "log_answer", "validate_question"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AskedIn:
    """Where a question was asked, as the answer log keeps it."""

    guild_id: int | None
    channel_id: int
    source: Source

    @classmethod
    def of(cls, guild: discord.abc.Snowflake | None, channel_id: int | None, source: Source) -> AskedIn:
        # A DM channel is one user's: its id would say who asked, so a DM is logged without one.
        if guild is None:
            return cls(None, 0, source)
        return cls(guild.id, channel_id or 0, source)


def check_cooldown(cooldown: UserCooldown, user_id: int) -> None:
    """Raises `OnCooldown` when the user asked too recently."""
    retry_after = cooldown.retry_after(user_id)
    if retry_after > 0:
        raise OnCooldown(retry_after)


async def log_answer(answer_log: AnswerLog | None, answer: Answer, where: AskedIn) -> int | None:
    """The answer's id in the log, or None when it isn't logged (logging off, or the database failing)."""
    if answer_log is None:
        return None
    try:
        return await answer_log.record_answer(
            answer, guild_id=where.guild_id, channel_id=where.channel_id, source=where.source
        )
    except (SQLAlchemyError, OSError) as error:
        # The answer matters more than its log entry: send it without vote buttons.
        log.warning("couldn't log an answer (%s): %s", type(error).__name__, error)
        return None


async def answer_question(
    service: IndexService,
    question: str,
    asker_id: int,
    where: AskedIn,
    answer_log: AnswerLog | None = None,
) -> tuple[Reply, discord.ui.View | None]:
    """The first page of the answer (from the server's index), logged, with its buttons."""
    answer: Answer = await service.ask(question, where.guild_id)
    answer_id = await log_answer(answer_log, answer, where)
    return answer_reply(answer), answer_view(answer, asker_id, answer_id=answer_id)
