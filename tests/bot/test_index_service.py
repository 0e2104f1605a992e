"""The index service: questions off the event loop, atomic reindex swaps, one build at a time."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bot.index_service import (
    QUESTION_THREADS,
    DocumentChanges,
    IndexService,
    ReindexError,
    compare_documents,
    corpus_rebuild,
)
from index.errors import CorpusError, QuestionError
from index.passage_index import Analyzer, PassageIndex, build_index

FILLER = " It was a long day with a lot happening around the old harbour and the market square that morning."
OLD_DOCS = {
    "ships.md": "# Ships\n\nThe lighthouse keeper counted seven ships entering the harbour at dawn." + FILLER * 3,
    "bread.md": "# Bread\n\nThe baker sold sourdough loaves to every fisherman before noon." + FILLER * 3,
    "gone.md": "# Gone\n\nThe ferry timetable changed twice during the winter storms." + FILLER * 3,
}
NEW_DOCS = {
    "ships.md": OLD_DOCS["ships.md"],
    "bread.md": "# Bread\n\nThe baker now sells rye bread and pretzels to the tourists." + FILLER * 3,
    "new.md": "# New\n\nA comet was visible over the bay for three nights in March." + FILLER * 3,
}


def build(root: Path, analyzer: Analyzer) -> PassageIndex:
    return build_index(root, analyzer=analyzer)


def test_compare_documents_by_sha256(make_corpus, builtin_analyzer: Analyzer) -> None:
    """Added, removed and changed documents are told apart by id and content hash."""
    old = build(make_corpus(OLD_DOCS), builtin_analyzer)
    new = build(make_corpus(NEW_DOCS), builtin_analyzer)
    assert compare_documents(old.documents, new.documents) == DocumentChanges(
        added=("new.md",), removed=("gone.md",), changed=("bread.md",)
    )
    assert not compare_documents(old.documents, old.documents).any


@pytest.mark.asyncio
async def test_ask_answers_from_the_live_index(make_corpus, builtin_analyzer: Analyzer) -> None:
    """ask() answers from the current index, in a worker thread, with the configured top k."""
    service = IndexService(build(make_corpus(OLD_DOCS), builtin_analyzer), lambda: None, top_k=1)  # type: ignore[arg-type, return-value]
    answer = await service.ask("how many ships did the lighthouse keeper count?")
    assert answer.found and answer.passages[0].passage.doc_id == "ships.md" and len(answer.passages) == 1
    with pytest.raises(QuestionError):
        await service.ask("   ")


@pytest.mark.asyncio
async def test_scoring_runs_off_the_event_loop(make_corpus, builtin_analyzer: Analyzer) -> None:
    """The index is asked in a worker thread, so a slow question never blocks the gateway heartbeat."""
    index = build(make_corpus(OLD_DOCS), builtin_analyzer)
    asked_in: list[int] = []
    real_ask = index.ask

    def recording_ask(*args: object) -> object:
        asked_in.append(threading.get_ident())
        return real_ask(*args)  # type: ignore[arg-type]

    index.ask = recording_ask  # type: ignore[method-assign]
    service = IndexService(index, lambda: index)
    answers = await asyncio.gather(*(service.ask("how many ships did the lighthouse keeper count?") for _ in range(8)))
    assert all(answer.found for answer in answers)
    assert len(asked_in) == 8 and threading.get_ident() not in asked_in
    # One question thread: concurrent questions take turns instead of fighting the event loop for the GIL.
    assert len(set(asked_in)) == QUESTION_THREADS == 1


@pytest.mark.asyncio
async def test_closed_service_refuses_new_questions(make_corpus, builtin_analyzer: Analyzer) -> None:
    """After close(), the question thread is gone: asking fails loudly rather than hanging."""
    service = IndexService(build(make_corpus(OLD_DOCS), builtin_analyzer), lambda: None)  # type: ignore[arg-type, return-value]
    assert (await service.ask("how many ships did the lighthouse keeper count?")).found
    service.close()
    with pytest.raises(RuntimeError):
        await service.ask("how many ships did the lighthouse keeper count?")


@pytest.mark.asyncio
async def test_questions_during_a_reindex_use_the_old_index(make_corpus, builtin_analyzer: Analyzer) -> None:
    """While the new index is being built, questions are answered from the old one; then it is swapped in."""
    old = build(make_corpus(OLD_DOCS), builtin_analyzer)
    new_root = make_corpus(NEW_DOCS)
    release = threading.Event()
    started = threading.Event()

    def slow_rebuild() -> PassageIndex:
        started.set()
        release.wait(10)
        return build(new_root, builtin_analyzer)

    service = IndexService(old, slow_rebuild)
    reindex = asyncio.create_task(service.reindex("tester"))
    await asyncio.to_thread(started.wait, 10)
    assert service.reindexing
    during = await service.ask("when did the ferry timetable change?")
    assert during.found and during.passages[0].passage.doc_id == "gone.md"
    assert service.index is old
    release.set()
    report = await reindex
    assert service.index is not old and not service.reindexing
    after = await service.ask("when was the comet visible over the bay?")
    assert after.found and after.passages[0].passage.doc_id == "new.md"
    assert report.changes == DocumentChanges(added=("new.md",), removed=("gone.md",), changed=("bread.md",))
    assert (report.document_count, report.passage_count) == (3, len(service.index.passages))
    assert report.previous_passage_count == len(old.passages) and report.seconds > 0


@pytest.mark.asyncio
async def test_concurrent_reindexes_build_once(make_corpus, builtin_analyzer: Analyzer) -> None:
    """A second reindex during the first waits for it and shares its result: one build, not two."""
    root = make_corpus(OLD_DOCS)
    builds = 0
    release = threading.Event()

    def counting_rebuild() -> PassageIndex:
        nonlocal builds
        builds += 1
        release.wait(10)
        return build(root, builtin_analyzer)

    service = IndexService(build(root, builtin_analyzer), counting_rebuild)
    first = asyncio.create_task(service.reindex("alice"))
    await asyncio.sleep(0)
    second = asyncio.create_task(service.reindex("bob"))
    await asyncio.sleep(0.05)
    release.set()
    reports = await asyncio.gather(first, second)
    assert builds == 1
    assert [report.shared for report in reports] == [False, True]
    assert reports[0].passage_count == reports[1].passage_count
    # Once finished, the next reindex builds again.
    await service.reindex("carol")
    assert builds == 2


@pytest.mark.asyncio
async def test_failed_reindex_keeps_the_old_index(make_corpus, builtin_analyzer: Analyzer, tmp_path: Path) -> None:
    """A missing corpus fails the reindex with a reason, and the old index keeps answering."""
    root = make_corpus(OLD_DOCS)
    old = build(root, builtin_analyzer)
    missing = tmp_path / "no-such-corpus"
    with pytest.raises(CorpusError) as expected:
        build_index(missing, analyzer=builtin_analyzer)
    service = IndexService(old, corpus_rebuild(missing, tmp_path / "index", analyzer=builtin_analyzer))
    with pytest.raises(ReindexError) as raised:
        await service.reindex("tester")
    assert str(raised.value) == str(expected.value) and str(missing) in str(raised.value)
    assert service.index is old and not service.reindexing
    assert (await service.ask("how many ships entered the harbour?")).found


@pytest.mark.asyncio
async def test_unreadable_corpus_is_a_reindex_error(make_corpus, builtin_analyzer: Analyzer) -> None:
    """An OSError while reading becomes a ReindexError that says the corpus can't be read."""
    old = build(make_corpus(OLD_DOCS), builtin_analyzer)

    def failing() -> PassageIndex:
        raise PermissionError(13, "Permission denied")

    service = IndexService(old, failing)
    with pytest.raises(ReindexError, match="can't be read: Permission denied"):
        await service.reindex("tester")
    assert service.index is old


@pytest.mark.asyncio
async def test_empty_corpus_is_a_reindex_error(make_corpus, builtin_analyzer: Analyzer, tmp_path: Path) -> None:
    """A corpus that became empty fails with the core's reason and keeps the old index."""
    root = make_corpus(OLD_DOCS)
    old = build(root, builtin_analyzer)
    empty = make_corpus({"blank.txt": "   \n"})
    with pytest.raises(CorpusError) as expected:
        build_index(empty, analyzer=builtin_analyzer)
    service = IndexService(old, corpus_rebuild(empty, tmp_path / "index", analyzer=builtin_analyzer))
    with pytest.raises(ReindexError) as raised:
        await service.reindex("tester")
    assert str(raised.value) == str(expected.value)
    assert service.index is old


@pytest.mark.asyncio
async def test_reindex_is_logged_with_who_ran_it(
    make_corpus, builtin_analyzer: Analyzer, caplog: pytest.LogCaptureFixture
) -> None:
    """The log names who asked for the reindex, and the result."""
    root = make_corpus(OLD_DOCS)
    service = IndexService(build(root, builtin_analyzer), lambda: build(root, builtin_analyzer))
    with caplog.at_level("INFO", logger="bot.index_service"):
        await service.reindex("Mod#0001 (42)")
    messages = [record.getMessage() for record in caplog.records]
    assert any("requested by Mod#0001 (42)" in message for message in messages)
    assert any(message.startswith("reindex by Mod#0001 (42) done") for message in messages)
