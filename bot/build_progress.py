"""A progress display for index builds in a terminal (rich), shown only for builds over a second."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

SHOW_AFTER_SECONDS = 1.0
"""A build that finishes sooner shows nothing: a bar that flashes past is noise."""


class TerminalBuildProgress:
    """A `BuildProgress` that draws one bar per stage on `stream` (stderr), once the build has run a second.

    Use as a context manager; the bars are cleared when it exits, so the terminal keeps
    only what the command prints.
    """

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._progress = None  # a rich Progress, made when it is first shown
        self._tasks: dict[str, object] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._progress is None:
            if self._clock() - self._started < SHOW_AFTER_SECONDS:
                return
            self._show()
        assert self._progress is not None
        task = self._tasks.get(stage)
        if task is None:
            task = self._tasks[stage] = self._progress.add_task(stage, total=max(total, 1))
        self._progress.update(task, completed=done, total=max(total, 1))

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=self._stream),
            transient=True,
        )
        self._progress.start()

    @property
    def shown(self) -> bool:
        return self._progress is not None

    @property
    def stages_shown(self) -> list[str]:
        """The stages that have a bar, in the order they started."""
        return list(self._tasks)

    def __enter__(self) -> TerminalBuildProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
