"""Interaction tokens kept out of the logs.

An interaction's token lets anyone answer or edit that interaction for 15 minutes.
discord.py logs it at DEBUG level: in the URLs of its REST requests
(`/interactions/<id>/<token>/callback`, `/webhooks/<application id>/<token>`) and in the
gateway events it receives (`"token": "..."`). The bot token itself never appears: it
travels in a header, and discord.py redacts it in IDENTIFY and RESUME.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_TOKEN_IN_URL = re.compile(r"(/(?:interactions|webhooks)/\d+/)[A-Za-z0-9_.\-]+")
_TOKEN_IN_PAYLOAD = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+(['"])""")


def redact(text: str) -> str:
    """`text` with every interaction or webhook token replaced by [redacted]."""
    text = _TOKEN_IN_URL.sub(rf"\g<1>{REDACTED}", text)
    return _TOKEN_IN_PAYLOAD.sub(rf"\g<1>{REDACTED}\g<2>", text)


class InteractionTokenFilter(logging.Filter):
    """Rewrites a record's message without the tokens it holds; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = InteractionTokenFilter()


def redact_discord_logs() -> None:
    """Put the filter on every discord.py logger (each module makes its own when imported). Idempotent."""
    import discord  # noqa: F401  (imports the modules, and so creates their loggers)

    names = [name for name in logging.Logger.manager.loggerDict if name == "discord" or name.startswith("discord.")]
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
