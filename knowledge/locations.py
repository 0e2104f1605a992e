"""Where quotebot keeps its data, without importing the database libraries (the offline commands start faster)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DATABASE_FILE = "quotebot.db"


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`QUOTEBOT_DATA_DIR`, else `$XDG_DATA_HOME/quotebot`, else `~/.local/share/quotebot`.

    Never the cache folder: what lives here (servers' documents) must not be lost to a cache clean-up.
    """
    env = os.environ if environ is None else environ
    configured = env.get("QUOTEBOT_DATA_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    xdg = env.get("XDG_DATA_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share") / "quotebot"


def default_database_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{data_dir / DATABASE_FILE}"
