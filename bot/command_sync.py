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

from index.store import write_atomically

STATE_FILE = "command-sync.json"


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
    """Target -> fingerprint of the last sync; empty when the file is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): str(value) for key, value in data.items()}


def needs_sync(path: Path, target: str, fingerprint: str, *, force: bool = False) -> bool:
    """Whether `target` must be synced: forced, never synced, or synced with other commands."""
    return force or read_state(path).get(target) != fingerprint


def record_sync(path: Path, target: str, fingerprint: str) -> None:
    """Remember that `target` now has the commands hashed as `fingerprint`. Raises OSError if it can't."""
    state = read_state(path)
    state[target] = fingerprint
    write_atomically(path, json.dumps(state, indent=2, sort_keys=True).encode())
