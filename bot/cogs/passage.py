"""/passage: one passage in full, with the document picked by autocomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import send_reply
from bot.index_service import IndexService
from bot.replies import escape_markdown, passage_reply
from index.errors import QuotebotError
from index.passage_index import DocumentInfo, PassageIndex

if TYPE_CHECKING:
    from bot.client import Quotebot

MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
CHOICE_LIMIT = 100  # characters in a choice's name and value
_HASH_PREFIX = "sha256:"


def document_value(document: DocumentInfo) -> str:
    """What an autocomplete choice sends back: the document id, or its hash when the id is too long."""
    if len(document.doc_id) <= CHOICE_LIMIT:
        return document.doc_id
    return _HASH_PREFIX + document.sha256[:40]


def document_choices(index: PassageIndex, typed: str) -> list[tuple[str, str]]:
    """Up to 25 (name, value) pairs of documents whose title or id contains `typed`, best matches first."""
    needle = typed.casefold().strip()
    ranked: list[tuple[int, str, DocumentInfo]] = []
    for document in index.documents.values():
        title, doc_id = document.title.casefold(), document.doc_id.casefold()
        if needle and needle not in title and needle not in doc_id:
            continue
        starts = title.startswith(needle) or doc_id.startswith(needle)
        ranked.append((0 if starts else 1, title, document))
    ranked.sort(key=lambda item: (item[0], item[1]))
    choices = []
    for _, _, document in ranked[:MAX_CHOICES]:
        name = f"{document.title} ({document.doc_id}) · {document.passage_count} passages"
        if len(name) > CHOICE_LIMIT:
            name = name[: CHOICE_LIMIT - 1] + "…"
        choices.append((name, document_value(document)))
    return choices


def find_document(index: PassageIndex, value: str) -> DocumentInfo | None:
    """The document an autocomplete value (or a typed id or exact title) names, if any."""
    value = value.strip()
    if value in index.documents:
        return index.documents[value]
    for document in index.documents.values():
        if value.startswith(_HASH_PREFIX) and document.sha256.startswith(value.removeprefix(_HASH_PREFIX)):
            return document
    folded = value.casefold()
    matches = [document for document in index.documents.values() if document.title.casefold() == folded]
    return matches[0] if len(matches) == 1 else None


class Passages(commands.Cog):
    """Reading a passage in full."""

    def __init__(self, service: IndexService) -> None:
        self.service = service

    @app_commands.command(name="passage")
    @app_commands.describe(
        document="The document (start typing its title)",
        number="Which passage of the document, from 1",
        private="Show the passage to you alone",
    )
    async def passage(
        self,
        interaction: discord.Interaction,
        document: str,
        number: app_commands.Range[int, 1, None],
        private: bool = False,
    ) -> None:
        """Show one passage of a document in full."""
        index = await self.service.index_for(interaction.guild_id)
        info = find_document(index, document)
        if info is None:
            raise QuotebotError(
                f"I have no document called “{escape_markdown(document[:100])}”. Pick one from the list as you type."
            )
        passage = index.passage(info.doc_id, number)
        if passage is None:
            raise QuotebotError(f"That document has passages 1 to {info.passage_count}, not {number}.")
        await send_reply(interaction, passage_reply(info, passage), ephemeral=private)

    @passage.autocomplete("document")
    async def document_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        index = await self.service.index_for(interaction.guild_id)  # never another server's documents
        return [app_commands.Choice(name=name, value=value) for name, value in document_choices(index, current)]


async def setup(bot: Quotebot) -> None:
    await bot.add_cog(Passages(bot.index_service))
