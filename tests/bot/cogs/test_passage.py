"""/passage: one passage in full, documents picked by autocomplete."""

from __future__ import annotations

import discord
import pytest
from cog_fakes import InteractionFactory, sent_embed

from bot.cogs.passage import MAX_CHOICES, Passages, document_choices, find_document
from bot.index_service import IndexService
from index.errors import QuotebotError
from index.passage_index import Analyzer, build_index


@pytest.mark.asyncio
async def test_passage_shows_the_whole_passage(service: IndexService, make_interaction: InteractionFactory) -> None:
    """The passage's full text, escaped, with "passage n of m" in the source."""
    cog = Passages(service)
    interaction = make_interaction()
    await cog.passage.callback(cog, interaction, "harbour.md", 2)
    interaction.response.send_message.assert_awaited_once()
    embed = sent_embed(interaction.response.send_message.await_args)
    expected = service.index.passage("harbour.md", 2)
    assert expected is not None
    assert expected.text.split()[0] in (embed.description or "")
    assert embed.title == "The harbour"
    assert embed.fields[0].value == f"harbour.md, passage 2 of {service.index.documents['harbour.md'].passage_count}"


@pytest.mark.asyncio
async def test_passage_out_of_range_or_unknown(service: IndexService, make_interaction: InteractionFactory) -> None:
    """A number past the end, or an unknown document, is refused with the valid range or a hint."""
    cog = Passages(service)
    count = service.index.documents["bakery.md"].passage_count
    with pytest.raises(QuotebotError, match=f"passages 1 to {count}, not {count + 1}"):
        await cog.passage.callback(cog, make_interaction(), "bakery.md", count + 1)
    with pytest.raises(QuotebotError, match="no document called") as raised:
        await cog.passage.callback(cog, make_interaction(), "**nope** @everyone", 1)
    # What was typed is shown literally, never as Markdown or a mention.
    assert "**nope**" not in str(raised.value) and "@everyone" not in str(raised.value)


@pytest.mark.asyncio
async def test_autocomplete_filters_and_returns_choices(
    service: IndexService, make_interaction: InteractionFactory
) -> None:
    """Typing part of a title offers the matching documents as Choices whose value is the id."""
    cog = Passages(service)
    choices = await cog.document_autocomplete(make_interaction(), "bak")
    assert [choice.value for choice in choices] == ["bakery.md"]
    assert isinstance(choices[0], discord.app_commands.Choice) and "The bakery" in choices[0].name
    everything = await cog.document_autocomplete(make_interaction(), "")
    assert sorted(choice.value for choice in everything) == sorted(service.index.documents)


def test_autocomplete_offers_at_most_25(make_corpus, builtin_analyzer: Analyzer) -> None:
    """Even with 40 matching documents, at most 25 choices, each within Discord's 100 characters."""
    text = "Ships sail in the harbour at dawn and dusk every single day of the year without fail. " * 4
    root = make_corpus({f"{'long-name-' * 12}{number:02}.txt": text for number in range(40)})
    index = build_index(root, analyzer=builtin_analyzer)
    choices = document_choices(index, "long")
    assert len(choices) == MAX_CHOICES
    assert all(len(name) <= 100 and len(value) <= 100 for name, value in choices)
    # A long id is offered by hash, and the hash finds the document again.
    assert all(find_document(index, value) is not None for _, value in choices)
