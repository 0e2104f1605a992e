"""/reindex: moderators only, checked at run time too; the reply reports what changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cog_fakes import InteractionFactory, sent_embed

from bot.checks import NotModerator
from bot.cogs.reindex import Reindex
from bot.index_service import IndexService, corpus_rebuild
from index.passage_index import Analyzer

MODERATOR_ROLE = 777


def test_reindex_is_hidden_from_members_without_manage_server(service: IndexService) -> None:
    """The command's default permissions require Manage Server, and it is guild-only."""
    command = Reindex(service, frozenset()).reindex
    assert command.default_permissions is not None and command.default_permissions.manage_guild
    assert command.guild_only


@pytest.mark.asyncio
async def test_member_is_refused(service: IndexService, make_interaction: InteractionFactory) -> None:
    """Without Manage Server or a moderator role: NotModerator, and nothing is rebuilt."""
    cog = Reindex(service, frozenset({MODERATOR_ROLE}))
    interaction = make_interaction(role_ids=[1, 2])
    index_before = service.index
    with pytest.raises(NotModerator):
        await cog.reindex.callback(cog, interaction)
    interaction.response.defer.assert_not_awaited()
    assert service.index is index_before


@pytest.mark.asyncio
async def test_moderator_role_may_reindex(
    service: IndexService, corpus: Path, make_interaction: InteractionFactory
) -> None:
    """A configured moderator role is enough; the reply lists added, removed and changed documents."""
    (corpus / "extra.md").write_text("# Extra\n\n" + "A brand new notice about the summer festival. " * 8)
    (corpus / "notices.md").unlink()
    (corpus / "bakery.md").write_text("# The bakery\n\n" + "The baker now sells rye bread and pretzels. " * 8)
    cog = Reindex(service, frozenset({MODERATOR_ROLE}))
    interaction = make_interaction(role_ids=[MODERATOR_ROLE])
    await cog.reindex.callback(cog, interaction)
    interaction.response.defer.assert_awaited_once_with(thinking=True)
    embed = sent_embed(interaction.followup.send.await_args)
    fields = {field.name: field.value for field in embed.fields}
    assert fields == {"Added (1)": "extra.md", "Removed (1)": "notices.md", "Changed (1)": "bakery.md"}
    assert f"{len(service.index.passages)} passages" in (embed.description or "")
    assert embed.title == "Index refreshed"


@pytest.mark.asyncio
async def test_failed_reindex_reply_keeps_old_index(
    service: IndexService, tmp_path: Path, builtin_analyzer: Analyzer, make_interaction: InteractionFactory
) -> None:
    """Manage Server may reindex; a missing corpus gets "Reindex failed" with the reason, old index kept."""
    old = service.index
    broken = IndexService(old, corpus_rebuild(tmp_path / "gone", tmp_path / "ix", analyzer=builtin_analyzer))
    cog = Reindex(broken, frozenset())
    interaction = make_interaction(manage_guild=True)
    await cog.reindex.callback(cog, interaction)
    embed = sent_embed(interaction.followup.send.await_args)
    assert embed.title == "Reindex failed"
    assert "old index is still answering" in (embed.description or "") and "gone" in (embed.description or "")
    assert broken.index is old
