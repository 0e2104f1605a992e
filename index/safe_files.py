"""Reading quotebot's own files (indexes, the command-sync state) as bounded regular files.

An index file replaced by a FIFO would block a plain read for ever (in the bot, its
event loop), and one linked to `/dev/zero` would be read until memory runs out.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from index.errors import IndexFileError

MAX_INDEX_FILE_BYTES = 4 * 1024**3
"""No index file of a real corpus comes near this (a million passages: about 1 GB in all)."""


def regular_file_size(path: Path) -> int:
    """The size of `path`, which must be a regular file and not a link. Raises `IndexFileError` otherwise."""
    try:
        info = os.lstat(path)
    except OSError as error:
        raise IndexFileError(f"can't read {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise IndexFileError(f"{path} is not a regular file")
    return info.st_size


def read_regular_file(path: Path, max_bytes: int = MAX_INDEX_FILE_BYTES) -> bytes:
    """The bytes of `path`: a regular file, not a link, at most `max_bytes`. Never blocks on a FIFO."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise IndexFileError(f"can't read {path}: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as file:
        # Checked on the open descriptor, so the file can't be swapped for a FIFO after the check.
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise IndexFileError(f"{path} is not a regular file")
        if info.st_size > max_bytes:
            raise IndexFileError(f"{path} is {info.st_size} bytes, more than this file can be")
        try:
            data = file.read(max_bytes + 1)
        except OSError as error:
            raise IndexFileError(f"can't read {path}: {error.strerror or error}") from None
    if len(data) > max_bytes:  # it grew since fstat
        raise IndexFileError(f"{path} is more than {max_bytes} bytes")
    return data
