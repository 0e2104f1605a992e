"""The live index behind the bot: questions answered off the event loop, reindexing swapped in atomically.

Pure asyncio, no discord import. Questions take a reference to the current
index when they start, so a reindex running meanwhile never disturbs them:
they are answered from the old index, and the new one replaces it in one
assignment once it is complete. Reindex calls that arrive while one runs
wait for that one and share its result instead of building again. A failed
reindex leaves the old index in place and says why.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bot.guild_indexes import GuildIndexes
from index.answers import DEFAULT_MIN_CONFIDENCE, DEFAULT_TOP_K, Answer
from index.documents import DEFAULT_MAX_FILE_MB
from index.errors import QuotebotError
from index.passage_index import Analyzer, DocumentInfo, PassageIndex
from index.ranking import EngineChoice
from index.store import open_index

log = logging.getLogger(__name__)

QUESTION_THREADS = 1
"""Questions are scored one at a time, in a thread of their own. Scoring holds the
GIL most of the time, so more threads answer no faster; they only make the event
loop wait longer for the GIL. Measured with 50 questions at a time during a reindex
of 100k passages (worst loop stall): 69 ms with asyncio's default pool, 61 ms with
2 threads, 33 ms with 1, which also answered sooner (p50 472 ms against 650)."""

Rebuild = Callable[[], PassageIndex]
"""Builds a fresh index (blocking; run in a worker thread). Raises QuotebotError or OSError on failure."""


class ReindexError(QuotebotError):
    """The corpus couldn't be re-read; the old index is still serving."""


@dataclass(frozen=True, slots=True)
class DocumentChanges:
    """Which documents a reindex added, removed or changed (by content hash), as sorted ids."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True, slots=True)
class ReindexReport:
    """What a reindex did."""

    changes: DocumentChanges
    document_count: int
    passage_count: int
    previous_passage_count: int
    seconds: float
    """Wall time of the whole reindex: reading, splitting, indexing and saving."""
    warnings: tuple[str, ...] = ()
    shared: bool = False
    """True for a caller who arrived while the reindex was already running and got its result."""


def compare_documents(old: Mapping[str, DocumentInfo], new: Mapping[str, DocumentInfo]) -> DocumentChanges:
    """Documents added, removed, or whose sha256 differs between two indexes."""
    return DocumentChanges(
        added=tuple(sorted(new.keys() - old.keys())),
        removed=tuple(sorted(old.keys() - new.keys())),
        changed=tuple(sorted(doc_id for doc_id in old.keys() & new.keys() if old[doc_id].sha256 != new[doc_id].sha256)),
    )


def corpus_rebuild(
    corpus: Path,
    index_dir: Path,
    *,
    analyzer: Analyzer | None = None,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    engine: EngineChoice = "auto",
    forbidden_texts: Sequence[str] = (),
) -> Rebuild:
    """A rebuild that re-reads `corpus` and saves the new index over the persisted one.

    Documents holding any of `forbidden_texts` (the bot's token) are never indexed.
    """

    def rebuild() -> PassageIndex:
        opened = open_index(
            corpus,
            index_dir,
            analyzer=analyzer,
            max_file_mb=max_file_mb,
            force_rebuild=True,
            engine=engine,
            forbidden_texts=forbidden_texts,
        )
        for warning in opened.warnings:
            log.warning("reindex: %s", warning)
        return opened.index

    return rebuild


class IndexService:
    """Holds the live index; answers questions and reindexes without blocking the event loop."""

    def __init__(
        self,
        index: PassageIndex,
        rebuild: Rebuild,
        *,
        top_k: int = DEFAULT_TOP_K,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ) -> None:
        self._index = index
        self._rebuild = rebuild
        self.top_k = top_k
        self.min_confidence = min_confidence
        self._running: asyncio.Future[ReindexReport] | None = None
        self._questions = ThreadPoolExecutor(QUESTION_THREADS, thread_name_prefix="quotebot-question")
        self.guild_indexes: GuildIndexes | None = None
        """Set when the servers' knowledge bases are available: then a server is answered from its own index."""

    @property
    def index(self) -> PassageIndex:
        """The index serving questions right now."""
        return self._index

    @property
    def reindexing(self) -> bool:
        return self._running is not None

    async def ask(self, question: str, guild_id: int | None = None) -> Answer:
        """Answer from the index current at the time of asking, scored in the question thread.

        In a server with documents of its own, that is the server's index (shared corpus included).
        Raises `QuestionError` for an empty or too long question.
        """
        index = await self.index_for(guild_id)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._questions, functools.partial(index.ask, question, self.top_k, self.min_confidence)
        )

    async def index_for(self, guild_id: int | None) -> PassageIndex:
        """The index that answers in `guild_id` (the shared one in DMs or without knowledge bases)."""
        if guild_id is None or self.guild_indexes is None:
            return self._index
        return await self.guild_indexes.index_for(guild_id, self._index)

    def close(self) -> None:
        """Stop the question thread once the questions already asked are answered."""
        self._questions.shutdown(wait=False)

    async def reindex(self, requested_by: str) -> ReindexReport:
        """Re-read the corpus and swap the new index in; joins a reindex already running.

        Raises `ReindexError` (the old index is kept) when the corpus can't be indexed.
        """
        log.info("reindex requested by %s", requested_by)
        if self._running is not None:
            log.info("reindex by %s joins the one already running", requested_by)
            report = await asyncio.shield(self._running)
            return ReindexReport(
                report.changes,
                report.document_count,
                report.passage_count,
                report.previous_passage_count,
                report.seconds,
                report.warnings,
                shared=True,
            )
        running = asyncio.ensure_future(self._reindex(requested_by))
        self._running = running
        try:
            # Shielded: a caller that goes away (a cancelled interaction) doesn't abort the build for the others.
            return await asyncio.shield(running)
        finally:
            if running.done():
                self._running = None
            else:
                running.add_done_callback(lambda _: setattr(self, "_running", None))

    async def _reindex(self, requested_by: str) -> ReindexReport:
        old = self._index
        started = time.perf_counter()
        try:
            new = await asyncio.to_thread(self._rebuild)
        except QuotebotError as error:
            log.warning("reindex by %s failed, keeping the old index: %s", requested_by, error)
            raise ReindexError(str(error)) from None
        except OSError as error:
            message = f"the corpus can't be read: {error.strerror or error}"
            log.warning("reindex by %s failed, keeping the old index: %s", requested_by, message)
            raise ReindexError(message) from None
        self._index = new  # the swap: one assignment, seen whole by every later question
        report = ReindexReport(
            changes=compare_documents(old.documents, new.documents),
            document_count=len(new.documents),
            passage_count=len(new.passages),
            previous_passage_count=len(old.passages),
            seconds=time.perf_counter() - started,
            warnings=tuple(new.warnings),
        )
        log.info(
            "reindex by %s done in %.2f s: %d documents, %d passages (added %d, removed %d, changed %d)",
            requested_by,
            report.seconds,
            report.document_count,
            report.passage_count,
            len(report.changes.added),
            len(report.changes.removed),
            len(report.changes.changed),
        )
        return report
