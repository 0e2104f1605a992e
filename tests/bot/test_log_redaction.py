"""Interaction tokens never reach the logs: the URLs and gateway payloads discord.py logs at DEBUG."""

from __future__ import annotations

import logging

import pytest

from bot.log_redaction import REDACTED, redact, redact_discord_logs

TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpabcDEF_-.xyz"


@pytest.mark.parametrize(
    "line",
    [
        f"POST https://discord.com/api/v10/interactions/1234567890/{TOKEN}/callback with {{}} has returned 204",
        f"PATCH https://discord.com/api/v10/webhooks/987654321/{TOKEN}/messages/@original has returned 200",
        f"WebSocket Event: {{'t': 'INTERACTION_CREATE', 'd': {{'id': '1', 'token': '{TOKEN}', 'type': 2}}}}",
        f'{{"token": "{TOKEN}", "type": 3}}',
    ],
)
def test_redact_removes_interaction_tokens(line: str) -> None:
    """Each place discord.py puts an interaction token in a log line loses it, and says it was redacted."""
    cleaned = redact(line)
    assert TOKEN not in cleaned
    assert REDACTED in cleaned


def test_redact_keeps_ordinary_lines() -> None:
    """A line without tokens is left as it is, ids included."""
    line = "GET https://discord.com/api/v10/channels/123/messages/456 has returned 200"
    assert redact(line) == line


def test_filter_on_discord_loggers(caplog: pytest.LogCaptureFixture) -> None:
    """Once installed, a discord.py logger's record that carries a token reaches handlers without it."""
    redact_discord_logs()
    redact_discord_logs()  # idempotent: one filter per logger
    logger = logging.getLogger("discord.webhook.async_")
    assert len([f for f in logger.filters if type(f).__name__ == "InteractionTokenFilter"]) == 1
    with caplog.at_level(logging.DEBUG, logger="discord"):
        logger.debug("Webhook ID %s with %s %s has returned status code %s", 1, "POST", f"/webhooks/1/{TOKEN}", 200)
    assert TOKEN not in caplog.text and REDACTED in caplog.text
