"""Small pieces of wording shared by the bot's replies and the command line. Pure."""

from __future__ import annotations

import datetime
import math


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """ "1 passage", "2 passages" ("1 index", "3 indexes" with `plural`)."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def moment(timestamp: float) -> datetime.datetime | None:
    """A Unix time as an aware UTC datetime, or None when it is no time at all (NaN, 1e300, negative)."""
    if not math.isfinite(timestamp) or timestamp < 0:
        return None
    try:
        return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None
