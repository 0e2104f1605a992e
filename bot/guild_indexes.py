"""Each server's index: its knowledge-base documents plus the shared corpus, built off the event loop.

No discord import. A server without documents of its own is answered from the shared index itself, even
when it chose to leave the shared corpus out: that choice only applies beside documents of its own. A
server's index is built the first time it is asked, and again after its documents change; until the new
one is complete, questions get the old one. A build that fails keeps the old one too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.documents import Document, holds_any, load_corpus
from index.errors import QuotebotError
from index.passage_index import Analyzer, PassageIndex
from knowledge.base import KnowledgeBase
from knowledge.guild_index import build_guild_index

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Cached:
    shared: object
    """The shared index this server's index was made with: a /reindex makes it stale."""
    index: PassageIndex


class GuildIndexes:
    """The knowledge base and the per-server indexes built from it."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        *,
        corpus: Path,
        index_dir: Path,
        max_file_mb: float,
        analyzer: Analyzer | None = None,
        forbidden_texts: Sequence[str] = (),
    ) -> None:
        self.knowledge = knowledge
        self.corpus = corpus
        self.index_dir = index_dir
        self.max_file_mb = max_file_mb
        self.analyzer = analyzer
        self.forbidden_texts = tuple(text for text in forbidden_texts if text)
        self._cached: dict[int, _Cached] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def index_for(self, guild_id: int, shared: PassageIndex) -> PassageIndex:
        """The index that answers in `guild_id`, given the shared index serving right now."""
        cached = self._cached.get(guild_id)
        if cached is not None and cached.shared is shared:
            return cached.index
        lock = self._locks.setdefault(guild_id, asyncio.Lock())
        async with lock:
            cached = self._cached.get(guild_id)
            if cached is not None and cached.shared is shared:
                return cached.index
            try:
                index = await self._build(guild_id, shared)
            except (QuotebotError, OSError) as error:
                log.error("couldn't build server %d's index, still answering from the old one: %s", guild_id, error)
                return cached.index if cached is not None else shared
            self._cached[guild_id] = _Cached(shared, index)
            return index

    def forget(self, guild_id: int) -> None:
        """The server's documents changed: its next question builds a fresh index (the old one serves till then)."""
        cached = self._cached.get(guild_id)
        if cached is not None:
            # Keep serving it while the new one builds, but never mistake it for current.
            self._cached[guild_id] = _Cached(_STALE, cached.index)

    async def rebuild(self, guild_id: int, shared: PassageIndex) -> PassageIndex:
        """Build the server's index now (after a change), and swap it in whole."""
        self.forget(guild_id)
        return await self.index_for(guild_id, shared)

    async def _build(self, guild_id: int, shared: PassageIndex) -> PassageIndex:
        documents = await self.knowledge.documents(guild_id)
        if not documents:
            return shared  # leaving the shared corpus out only means something beside documents of one's own
        uses_shared = await self.knowledge.uses_shared_corpus(guild_id)
        return await asyncio.to_thread(self._build_blocking, guild_id, documents, uses_shared)

    def _build_blocking(self, guild_id: int, documents: list[Document], uses_shared: bool) -> PassageIndex:
        shared_documents = (
            load_corpus(self.corpus, self.max_file_mb, forbidden_texts=self.forbidden_texts).documents
            if uses_shared
            else []
        )
        kept = [document for document in documents if not holds_any(document.text, self.forbidden_texts)]
        if len(kept) < len(documents):
            # The last guard, as for the shared corpus: nothing that holds the bot's token is ever quoted.
            log.warning("server %d: a document holds a secret (the bot's token), so it is never indexed", guild_id)
        documents = kept
        return build_guild_index(
            shared_documents, documents, guild_id=guild_id, index_dir=self.index_dir, analyzer=self.analyzer
        )


_STALE = object()
