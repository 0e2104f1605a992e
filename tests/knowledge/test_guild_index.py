"""A server's index: shared corpus plus its documents, reopened from disk while they are unchanged."""

from __future__ import annotations

from pathlib import Path

from index.documents import Document
from knowledge.guild_index import GUILD_INDEX_FOLDER, build_guild_index, merged_documents


def _document(doc_id: str, text: str) -> Document:
    return Document(doc_id=doc_id, title=doc_id, text=text, sha256=str(hash(text)), size=len(text), mtime_ns=0)


SHARED = [_document("faq.md", "The library opens at nine in the morning on weekdays.\n")]


def test_a_servers_document_keeps_its_name_and_the_shared_one_gives_way() -> None:
    mine = _document("faq.md", "The ferry leaves the pier every twenty minutes.\n")
    assert [document.doc_id for document in merged_documents(SHARED, [mine])] == ["shared/faq.md", "faq.md"]


def test_unchanged_documents_reopen_the_saved_index_and_a_change_replaces_it(tmp_path: Path, builtin_analyzer) -> None:
    guild = [_document("ferries.md", "The ferry leaves the pier every twenty minutes.\n")]
    first = build_guild_index(SHARED, guild, guild_id=5, index_dir=tmp_path, analyzer=builtin_analyzer)
    [saved] = (tmp_path / GUILD_INDEX_FOLDER).glob("guild-5-*.json")
    again = build_guild_index(SHARED, guild, guild_id=5, index_dir=tmp_path, analyzer=builtin_analyzer)
    assert again.built_at == first.built_at  # read back, not rebuilt
    assert again.ask("When does the ferry leave?").passages[0].passage.doc_id == "ferries.md"

    changed = [_document("ferries.md", "The ferry now leaves every hour.\n")]
    build_guild_index(SHARED, changed, guild_id=5, index_dir=tmp_path, analyzer=builtin_analyzer)
    [replaced] = (tmp_path / GUILD_INDEX_FOLDER).glob("guild-5-*.json")
    assert replaced != saved


def test_a_corrupt_saved_index_is_rebuilt(tmp_path: Path, builtin_analyzer) -> None:
    build_guild_index(SHARED, [], guild_id=5, index_dir=tmp_path, analyzer=builtin_analyzer)
    [saved] = (tmp_path / GUILD_INDEX_FOLDER).glob("guild-5-*.json")
    saved.write_text("{not json")
    rebuilt = build_guild_index(SHARED, [], guild_id=5, index_dir=tmp_path, analyzer=builtin_analyzer)
    assert rebuilt.ask("When does the library open?").found
