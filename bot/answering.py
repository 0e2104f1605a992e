"""Asking, the same way for /ask, the context menu, mentions, DMs and follow-ups."""

from __future__ import annotations

import discord

from bot.buttons import answer_view
from bot.checks import OnCooldown
from bot.cooldown import UserCooldown
from bot.index_service import IndexService
from bot.questions import validate_question
from bot.replies import Reply, answer_reply
from index.answers import Answer

__all__ = ["answer_question", "check_cooldown", "validate_question"]


def check_cooldown(cooldown: UserCooldown, user_id: int) -> None:
    """Raises `OnCooldown` when the user asked too recently."""
    retry_after = cooldown.retry_after(user_id)
    if retry_after > 0:
        raise OnCooldown(retry_after)


async def answer_question(
    service: IndexService, question: str, asker_id: int, guild_id: int | None = None
) -> tuple[Reply, discord.ui.View | None]:
    """The first page of the answer (from the server's index), and its buttons."""
    answer: Answer = await service.ask(question, guild_id)
    return answer_reply(answer), answer_view(answer, asker_id)
