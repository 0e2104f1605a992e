"""/sources and /help."""

from __future__ import annotations

import pytest
from cog_fakes import InteractionFactory, sent_embed

from bot.cogs.help import Help
from bot.cogs.sources import Sources
from bot.index_service import IndexService


@pytest.mark.asyncio
async def test_sources_lists_documents_with_counts(service: IndexService, make_interaction: InteractionFactory) -> None:
    """Each document with its passage count, and the time of the last refresh."""
    cog = Sources(service)
    interaction = make_interaction()
    await cog.sources.callback(cog, interaction)
    embed = sent_embed(interaction.response.send_message.await_args)
    description = embed.description or ""
    for document in service.index.documents.values():
        count = document.passage_count
        assert f"{count} passage{'s' if count != 1 else ''}" in description
        assert document.title in description
    assert embed.fields[0].name == "Last refresh"
    assert f"<t:{int(service.index.built_at)}:f>" in (embed.fields[0].value or "")


@pytest.mark.asyncio
async def test_help_is_ephemeral_and_mentions_every_way_to_ask(make_interaction: InteractionFactory) -> None:
    """/help answers privately and names /ask, mentions, DMs, the context menu, /passage, /sources and /reindex."""
    cog = Help(cooldown_seconds=5)
    interaction = make_interaction()
    await cog.help.callback(cog, interaction)
    call = interaction.response.send_message.await_args
    assert call.kwargs["ephemeral"] is True
    text = sent_embed(call).description or ""
    for needle in ("/ask", "@quotebot", "direct message", "Ask quotebot", "/passage", "/sources", "/reindex", "5 s"):
        assert needle in text, needle
