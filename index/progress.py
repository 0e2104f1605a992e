"""How far a build has got, for whoever shows it (the command line's progress bar). Pure."""

from __future__ import annotations

from typing import Protocol

READING = "reading files"
SPLITTING = "splitting passages"
TOKENIZING = "tokenizing"
SAVING = "saving"
STAGES = (READING, SPLITTING, TOKENIZING, SAVING)


class BuildProgress(Protocol):
    """Called as a build goes: `done` of `total` items of `stage` (one of STAGES) are finished."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...


def no_progress(stage: str, done: int, total: int) -> None:
    """The default: nobody is watching."""
