"""Tokenizing many passages into term counts, in worker processes when it pays.

The NLTK tokenizer runs at roughly 200k tokens a second on one core, so a
million passages of 60 words take minutes. Large corpora are split into
chunks that worker processes tokenize; each worker sends back compact
arrays (its own term ids and counts), not millions of strings, and the
parent maps them onto one vocabulary in passage order. The result is the
same whatever the number of workers: chunks are cut and merged in order.

Workers are started with "spawn": the bot rebuilds from a thread, and
forking a process that runs threads can deadlock. Spawned workers import the
main module again, so a script that builds a large index must keep its work
under `if __name__ == "__main__":` (the `quotebot` command does); if the
workers can't start or die, the chunks are tokenized in this process instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from index.progress import TOKENIZING, BuildProgress, no_progress
from index.tokens import Tokenizer

PARALLEL_MIN_PASSAGES = 20_000
"""Below this, starting workers (each imports NLTK) costs more than it saves."""
CHUNK_PASSAGES = 4_000
MAX_WORKERS = 8
WORKER_NICENESS = 10
"""Workers run at a lower CPU priority: a reindex must leave the cores to the bot
answering meanwhile. On an otherwise idle machine it changes nothing."""

# (local vocabulary, pair passages, pair local term ids, pair counts, passage lengths)
_ChunkCounts = tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True, slots=True)
class TermCounts:
    """How often each term occurs in each passage, as parallel arrays in passage order."""

    vocabulary: list[str]
    """Term of each term id."""
    lengths: np.ndarray
    """Number of terms (repeats included) of each passage."""
    pair_passages: np.ndarray
    """Passage position of each (passage, term) pair, increasing."""
    pair_terms: np.ndarray
    """Term id of each pair."""
    pair_counts: np.ndarray
    """How often the term occurs in the passage (at least 1)."""


def default_workers() -> int:
    """The CPUs this process may use, capped."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_WORKERS))


def tokenize_passages(
    texts: Sequence[str], tokenizer: Tokenizer, workers: int | None = None, progress: BuildProgress = no_progress
) -> TermCounts:
    """The term counts of `texts`, tokenized by `tokenizer`, telling `progress` after each chunk.

    `workers` defaults to the available CPUs; small inputs are tokenized in
    this process whatever it says.
    """
    workers = default_workers() if workers is None else max(1, workers)
    starts = range(0, len(texts), CHUNK_PASSAGES)

    def reported(chunks: Iterable[_ChunkCounts]) -> Iterator[_ChunkCounts]:
        progress(TOKENIZING, 0, len(texts))
        for number, chunk in enumerate(chunks, start=1):
            yield chunk
            progress(TOKENIZING, min(number * CHUNK_PASSAGES, len(texts)), len(texts))

    def here() -> TermCounts:
        return _merge(
            reported(_count_terms(tokenizer.tokenize_all(texts[start : start + CHUNK_PASSAGES])) for start in starts)
        )

    if workers == 1 or len(texts) < PARALLEL_MIN_PASSAGES:
        return here()
    pool = worker_pool(min(workers, len(starts)), tokenizer)
    try:
        counts = _merge(reported(_in_order(pool, texts, starts, in_flight=2 * workers)))
    except BrokenProcessPool:
        pool.shutdown(wait=False)
        return here()
    except BaseException:
        # Ctrl-C (or any error): stop now, not after the chunks in flight (that took 8.6 s).
        _stop_at_once(pool)
        raise
    pool.shutdown(wait=True)
    return counts


_MANAGER_EXIT_SECONDS = 2.0


def _stop_at_once(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers without waiting for their chunks."""
    processes = list(getattr(pool, "_processes", {}).values())  # the executor has no public handle on them
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.terminate()
    if manager is not None:
        # The pool's manager thread closes its wake-up pipe once it sees the workers gone; if the interpreter
        # exits first, CPython's exit hook writes to that closing pipe and prints a traceback. It takes
        # milliseconds once the workers are terminated.
        manager.join(timeout=_MANAGER_EXIT_SECONDS)


def worker_pool(workers: int, tokenizer: Tokenizer) -> ProcessPoolExecutor:
    """Tokenizing processes that run at a lower priority and die with this process."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_set_worker_tokenizer,
        initargs=(tokenizer, os.getpid()),
    )


def _in_order(pool: ProcessPoolExecutor, texts: Sequence[str], starts: range, in_flight: int) -> Iterator[_ChunkCounts]:
    """Chunk results in order, with a few chunks in flight at a time.

    Unlike `pool.map`, this doesn't slice every chunk up front: fewer texts
    are held twice, and the garbage collector has fewer young lists to walk.
    """
    pending: deque[Future[_ChunkCounts]] = deque()
    for start in starts:
        pending.append(pool.submit(_count_chunk, texts[start : start + CHUNK_PASSAGES]))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def count_terms(passage_terms: Sequence[Sequence[str]]) -> TermCounts:
    """The term counts of already tokenized passages."""
    return _merge([_count_terms(passage_terms)])


# The tokenizer of a worker process, set once by the pool's initializer.
_worker_tokenizer: Tokenizer | None = None


def _set_worker_tokenizer(tokenizer: Tokenizer | None, parent_pid: int | None = None) -> None:
    global _worker_tokenizer
    _worker_tokenizer = tokenizer
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    with contextlib.suppress(AttributeError, OSError):  # not on Unix, or not allowed: full priority works too
        os.nice(WORKER_NICENESS)


# prctl(2): deliver this signal to the calling process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Exit when the building process dies, even by `kill -9`: orphaned workers held 80 MB each."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)


def _count_chunk(texts: Sequence[str]) -> _ChunkCounts:
    tokenizer = _worker_tokenizer
    if tokenizer is None:
        raise RuntimeError("no tokenizer in this worker")
    return _count_terms(tokenizer.tokenize_all(texts))


def _count_terms(passage_terms: Iterable[Sequence[str]]) -> _ChunkCounts:
    """One chunk's counts with chunk-local term ids and passage positions."""
    term_ids: dict[str, int] = {}
    ids: list[int] = []
    lengths: list[int] = []
    for terms in passage_terms:
        lengths.append(len(terms))
        ids.extend(term_ids.setdefault(term, len(term_ids)) for term in terms)
    length_array = np.asarray(lengths, dtype=np.int64)
    if not ids:
        empty = np.zeros(0, dtype=np.int32)
        return list(term_ids), empty, empty, empty, length_array
    passages = np.repeat(np.arange(len(lengths), dtype=np.int64), length_array)
    keys = passages * len(term_ids) + np.asarray(ids, dtype=np.int64)
    unique_keys, counts = np.unique(keys, return_counts=True)  # sorted: by passage, then term
    return (
        list(term_ids),
        (unique_keys // len(term_ids)).astype(np.int32),
        (unique_keys % len(term_ids)).astype(np.int32),
        counts.astype(np.int32),
        length_array,
    )


def _merge(chunks: Iterable[_ChunkCounts]) -> TermCounts:
    """Chunk results, in order, onto one vocabulary and one passage numbering."""
    vocabulary: dict[str, int] = {}
    passages: list[np.ndarray] = []
    terms: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    first_passage = 0
    for local_vocabulary, pair_passages, pair_terms, pair_counts, passage_lengths in chunks:
        to_global = np.fromiter(
            (vocabulary.setdefault(term, len(vocabulary)) for term in local_vocabulary),
            dtype=np.int32,
            count=len(local_vocabulary),
        )
        passages.append(pair_passages + np.int32(first_passage))
        terms.append(to_global[pair_terms])
        counts.append(pair_counts)
        lengths.append(passage_lengths)
        first_passage += len(passage_lengths)
    return TermCounts(
        vocabulary=list(vocabulary),
        lengths=np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64),
        pair_passages=np.concatenate(passages) if passages else np.zeros(0, dtype=np.int32),
        pair_terms=np.concatenate(terms) if terms else np.zeros(0, dtype=np.int32),
        pair_counts=np.concatenate(counts) if counts else np.zeros(0, dtype=np.int32),
    )
