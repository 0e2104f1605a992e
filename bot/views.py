"""The "More passages" button under an answer: pages through the next best passages, for the asker only."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.embeds import NO_MENTIONS, to_embed
from bot.interaction_errors import handle_interaction_error
from bot.replies import MORE_PASSAGES, answer_reply
from index.answers import Answer

log = logging.getLogger(__name__)

# Interaction tokens live 15 minutes; the button is removed before the reply can no longer be edited.
PAGING_TIMEOUT_SECONDS = 600.0
NOT_YOURS = "Only the person who asked can page through this answer. Ask your own with /ask!"


class MorePassagesView(discord.ui.View):
    """Shows the answer's next passage on each press; the button goes away on the last one."""

    def __init__(self, answer: Answer, owner_id: int, *, timeout: float | None = PAGING_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.answer = answer
        self.owner_id = owner_id
        self.page = 0
        self.message: discord.Message | None = None
        """The message the view is attached to, once known, so the button can be removed on timeout."""

    @property
    def has_more(self) -> bool:
        return self.page + 1 < len(self.answer.passages)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False

    @discord.ui.button(label=MORE_PASSAGES, style=discord.ButtonStyle.secondary)
    async def more_passages(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        """Next page; the last page has no button."""
        self.page = min(self.page + 1, len(self.answer.passages) - 1)
        if not self.has_more:
            self.stop()
        await interaction.response.edit_message(
            embed=to_embed(answer_reply(self.answer, self.page)),
            view=self if self.has_more else None,
            allowed_mentions=NO_MENTIONS,
        )

    async def on_timeout(self) -> None:
        if self.message is None:
            return
        try:
            await self.message.edit(view=None, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.debug("couldn't remove the paging button from message %s", self.message.id)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /) -> None:
        await handle_interaction_error(interaction, error)


def paging_view(answer: Answer, owner_id: int) -> MorePassagesView | None:
    """A paging view when the answer has more than one passage, else None."""
    return MorePassagesView(answer, owner_id) if answer.found and len(answer.passages) > 1 else None
