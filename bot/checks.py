"""Checks whose failure is shown to the user as is: the cooldown and the moderator check."""

from __future__ import annotations

from collections.abc import Iterable, Set

from discord import app_commands


class UserFacingCheckFailure(app_commands.CheckFailure):
    """A refusal whose message is short, complete and safe to show as is."""


class OnCooldown(UserFacingCheckFailure):
    """The user asked again before their cooldown ran out."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(cooldown_message(retry_after))


class NotModerator(UserFacingCheckFailure):
    """The user may not run a moderator command."""

    def __init__(self) -> None:
        super().__init__("Only moderators can do that: you need Manage Server or a moderator role.")


def cooldown_message(retry_after: float) -> str:
    seconds = max(1, round(retry_after + 0.499))
    return f"Easy there: you can ask again in {seconds} s."


def is_moderator(manage_guild: bool, role_ids: Iterable[int], moderator_role_ids: Set[int]) -> bool:
    """Manage Server, or one of the configured moderator roles."""
    return manage_guild or any(role_id in moderator_role_ids for role_id in role_ids)
