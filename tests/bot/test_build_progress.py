"""The build's progress bars: shown on a terminal only for builds over a second, one bar per stage."""

from __future__ import annotations

import io
from pathlib import Path

from bot.build_progress import SHOW_AFTER_SECONDS, TerminalBuildProgress
from index.progress import READING, SAVING, SPLITTING, TOKENIZING
from index.store import open_index


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_shown_for_a_quick_build() -> None:
    """Calls within the first second draw nothing."""
    now = [0.0]
    stream = Terminal()
    with TerminalBuildProgress(stream, clock=lambda: now[0]) as progress:
        progress(READING, 1, 2)
        now[0] = SHOW_AFTER_SECONDS / 2
        progress(READING, 2, 2)
        assert not progress.shown
    assert stream.getvalue() == ""


def test_a_long_build_shows_each_stage(make_corpus, index_dir: Path) -> None:
    """A build that runs past a second gets a bar for each stage: files, passages, tokenizing, saving."""
    now = [0.0]
    corpus = make_corpus({f"doc{n}.txt": f"Document number {n} talks about harbours and ships." for n in range(5)})

    def clock() -> float:
        now[0] += 0.4  # every call is 0.4 s later: the bars appear part-way through reading
        return now[0]

    with TerminalBuildProgress(Terminal(), clock=clock) as progress:
        opened = open_index(corpus, index_dir, progress=progress)
        assert progress.shown
        assert progress.stages_shown == [READING, SPLITTING, TOKENIZING, SAVING]
    assert opened.rebuilt and len(opened.index.documents) == 5
