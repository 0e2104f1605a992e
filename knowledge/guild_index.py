"""A server's index: the shared corpus plus the server's own documents, saved so a restart needn't rebuild it."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from index.documents import Document
from index.errors import IndexFileError
from index.passage_index import Analyzer, PassageIndex, build_index_from_documents
from index.store import load_index, save_index

log = logging.getLogger(__name__)

GUILD_INDEX_FOLDER = "guilds"
SHARED_PREFIX = "shared/"
"""A shared-corpus document whose id a server's document also has is renamed with this prefix."""


def merged_documents(shared: Sequence[Document], guild_documents: Sequence[Document]) -> list[Document]:
    """The server's documents keep their names; a shared document of the same name gives way."""
    taken = {document.doc_id for document in guild_documents}
    renamed = [
        dataclasses.replace(document, doc_id=SHARED_PREFIX + document.doc_id) if document.doc_id in taken else document
        for document in shared
    ]
    return [*renamed, *guild_documents]


def guild_index_path(index_dir: Path, guild_id: int, documents: Sequence[Document], analyzer: Analyzer) -> Path:
    """Keyed by what the index is built from: the same documents reopen the same file."""
    content = json.dumps(
        [analyzer.fingerprint, *[(d.doc_id, d.sha256, d.title, d.source_url) for d in documents]],
        ensure_ascii=True,
    )
    digest = hashlib.sha256(content.encode()).hexdigest()[:24]
    return index_dir / GUILD_INDEX_FOLDER / f"guild-{guild_id}-{digest}.json"


def build_guild_index(
    shared: Sequence[Document],
    guild_documents: Sequence[Document],
    *,
    guild_id: int,
    index_dir: Path,
    analyzer: Analyzer | None = None,
) -> PassageIndex:
    """The server's index, reopened from its saved file when its documents are unchanged, else built and saved.

    Blocking: run it in a worker thread from the bot. Raises `CorpusError` when there is nothing to index.
    A file that can't be saved only costs a rebuild next time.
    """
    analyzer = analyzer or Analyzer()
    documents = merged_documents(shared, guild_documents)
    path = guild_index_path(index_dir, guild_id, documents, analyzer)
    if path.exists():
        try:
            return load_index(path, analyzer)
        except IndexFileError as error:
            log.warning("rebuilding server %d's index: %s", guild_id, error)
    index = build_index_from_documents(documents, label=f"server {guild_id}", analyzer=analyzer)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_index(index, path)
    except OSError as error:
        log.warning("couldn't save server %d's index in %s: %s", guild_id, path, error.strerror or error)
        return index
    for older in path.parent.glob(f"guild-{guild_id}-*.json"):
        if older != path:
            older.unlink(missing_ok=True)
    return index
