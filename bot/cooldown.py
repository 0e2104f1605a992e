"""A per-user cooldown between questions, shared by every way of asking. Pure: no discord import."""

from __future__ import annotations

import time
from collections.abc import Callable


class UserCooldown:
    """Lets each user ask once every `seconds`; 0 turns it off."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last_use: dict[int, float] = {}
        # The window (its start: the use that opened it) in which each user was last told to wait.
        self._noticed_window: dict[int, float] = {}

    def retry_after(self, user_id: int) -> float:
        """0 if `user_id` may ask now (and the use is recorded), else the seconds left to wait."""
        if self.seconds <= 0:
            return 0.0
        now = self._clock()
        last = self._last_use.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last_use[user_id] = now
        if len(self._last_use) > 10_000:
            # Forget users whose cooldown is over, so the table can't grow without bound.
            self._last_use = {user: used for user, used in self._last_use.items() if now - used < self.seconds}
            self._noticed_window = {
                user: window for user, window in self._noticed_window.items() if user in self._last_use
            }
        return 0.0

    def waiting(self, user_id: int) -> bool:
        """Whether `user_id` is still in their cooldown, without counting this as a use."""
        last = self._last_use.get(user_id)
        return self.seconds > 0 and last is not None and self._clock() - last < self.seconds

    def first_notice(self, user_id: int) -> bool:
        """True once per cooldown window of a user who is waiting: only the first refusal is worth a reply.

        Replying to every message sent too fast would answer spam with spam (200 mentions got 198 replies).
        """
        window = self._last_use.get(user_id)
        if window is None or self._noticed_window.get(user_id) == window:
            return False
        self._noticed_window[user_id] = window
        return True
