"""When to push the slash commands to Discord: only when they changed. Pure: no discord import.

The payloads discord.py would send are hashed, and the hash of the last
successful sync is kept per application and target (a guild or global) in
a small JSON file next to the indexes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from index.errors import IndexFileError
from index.safe_files import read_regular_file
from index.store import write_atomically

STATE_FILE = "command-sync.json"
MAX_STATE_BYTES = 1 << 20
"""A state file holds a line per sync target: anything bigger wasn't written by quotebot."""


def commands_fingerprint(payloads: Sequence[Mapping[str, Any]]) -> str:
    """A hash of the command payloads that ignores their order."""
    canonical = sorted(json.dumps(payload, sort_keys=True, separators=(",", ":")) for payload in payloads)
    return hashlib.sha256("\n".join(canonical).encode()).hexdigest()


def sync_target(application_id: int, guild_id: int | None) -> str:
    """The key of a sync destination: "<app>/guild/<id>" or "<app>/global"."""
    return f"{application_id}/guild/{guild_id}" if guild_id is not None else f"{application_id}/global"


def state_path(index_dir: Path) -> Path:
    return index_dir / STATE_FILE


def read_state(path: Path) -> dict[str, str]:
    """Target -> fingerprint of the last sync; empty when the file is missing, unreadable or not quotebot's.

    Blocking file I/O: call it off the event loop. Only a regular file of at most MAX_STATE_BYTES is read,
    so a FIFO, a device or a huge file can neither hang nor exhaust the bot.
    """
    try:
        raw = read_regular_file(path, MAX_STATE_BYTES)
    except IndexFileError:  # missing, unreadable, not a regular file, or too big
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): str(value) for key, value in data.items()}


def needs_sync(path: Path, target: str, fingerprint: str, *, force: bool = False) -> bool:
    """Whether `target` must be synced: forced, never synced, or synced with other commands. Blocking I/O."""
    return force or read_state(path).get(target) != fingerprint


def record_sync(path: Path, target: str, fingerprint: str) -> None:
    """Remember that `target` now has the commands hashed as `fingerprint`. Raises OSError if it can't. Blocking I/O."""
    state = read_state(path)
    state[target] = fingerprint
    write_atomically(path, json.dumps(state, indent=2, sort_keys=True).encode())
