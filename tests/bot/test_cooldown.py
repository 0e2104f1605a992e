"""The per-user cooldown: one question per user every N seconds, and 0 turns it off."""

from __future__ import annotations

from bot.cooldown import UserCooldown


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_waits_out_the_cooldown() -> None:
    """A second question within the cooldown gets the seconds left; after it, the user may ask again."""
    clock = FakeClock()
    cooldown = UserCooldown(5, clock)
    assert cooldown.retry_after(1) == 0
    clock.now += 2
    assert cooldown.retry_after(1) == 3
    assert cooldown.retry_after(2) == 0  # other users are not held up
    clock.now += 3
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) == 5  # that question started a new cooldown


def test_refused_questions_do_not_extend_the_cooldown() -> None:
    """Asking again while waiting doesn't push the end of the wait further away."""
    clock = FakeClock()
    cooldown = UserCooldown(10, clock)
    cooldown.retry_after(1)
    for _ in range(5):
        clock.now += 1
        cooldown.retry_after(1)
    clock.now += 5
    assert cooldown.retry_after(1) == 0


def test_zero_turns_the_cooldown_off() -> None:
    """With 0 seconds every question is allowed, however quick."""
    cooldown = UserCooldown(0, FakeClock())
    assert [cooldown.retry_after(1) for _ in range(20)] == [0] * 20


def test_the_table_forgets_users_whose_wait_is_over() -> None:
    """Past 10,000 users, those whose cooldown ended are dropped, so memory stays bounded."""
    clock = FakeClock()
    cooldown = UserCooldown(5, clock)
    for user in range(10_000):
        cooldown.retry_after(user)
    clock.now += 10
    cooldown.retry_after(-1)  # the 10,001st user triggers the clean-up
    assert len(cooldown._last_use) == 1


def test_first_notice_once_per_window() -> None:
    """A waiting user is told once per cooldown window; a new window may be told again."""
    now = [0.0]
    cooldown = UserCooldown(10, clock=lambda: now[0])
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) > 0
    assert [cooldown.first_notice(1) for _ in range(3)] == [True, False, False]
    assert cooldown.first_notice(2) is False  # never asked: nothing to be told about
    now[0] = 11.0
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(1) > 0
    assert cooldown.first_notice(1) is True


def test_waiting_looks_without_counting_a_use() -> None:
    """Auto-answer checks the cooldown before scoring and counts a use only when it posts an answer."""
    clock = FakeClock()
    cooldown = UserCooldown(5, clock)
    assert not cooldown.waiting(1)
    assert not cooldown.waiting(1)  # looking twice started nothing
    assert cooldown.retry_after(1) == 0
    clock.now += 2
    assert cooldown.waiting(1)
    clock.now += 3
    assert not cooldown.waiting(1)
    assert not UserCooldown(0, clock).waiting(1)
