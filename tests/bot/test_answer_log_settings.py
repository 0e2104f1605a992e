"""The answer-log settings: defaults, good values, and bad values named in the message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_AUTO_MIN_CONFIDENCE, SettingsError, load_settings
from index.answers import DEFAULT_MIN_CONFIDENCE


def test_defaults_log_for_30_days_and_auto_answers_need_more_confidence() -> None:
    """Logging on, 30 days, no message-content intent, and an auto threshold clearly above the ask one."""
    settings = load_settings({})
    assert settings.log_questions is True
    assert settings.log_retention_days == 30
    assert settings.message_content is False
    assert settings.auto_min_confidence == DEFAULT_AUTO_MIN_CONFIDENCE >= DEFAULT_MIN_CONFIDENCE + 0.2


def test_good_values_are_read() -> None:
    """Each setting reads the value it is given."""
    settings = load_settings(
        {
            "QUOTEBOT_LOG_QUESTIONS": "false",
            "QUOTEBOT_LOG_RETENTION_DAYS": "1",
            "QUOTEBOT_AUTO_MIN_CONFIDENCE": "0.9",
            "QUOTEBOT_MESSAGE_CONTENT": "yes",
        }
    )
    assert (settings.log_questions, settings.log_retention_days) == (False, 1)
    assert (settings.auto_min_confidence, settings.message_content) == (0.9, True)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("QUOTEBOT_LOG_QUESTIONS", "sometimes", "true or false"),
        ("QUOTEBOT_LOG_RETENTION_DAYS", "0", "a whole number from 1"),
        ("QUOTEBOT_LOG_RETENTION_DAYS", "2.5", "a whole number from 1"),
        ("QUOTEBOT_LOG_RETENTION_DAYS", "a month", "a whole number from 1"),
        ("QUOTEBOT_AUTO_MIN_CONFIDENCE", "1.5", "a number from 0 to 1"),
        ("QUOTEBOT_MESSAGE_CONTENT", "2", "true or false"),
    ],
)
def test_bad_values_name_the_setting(name: str, value: str, says: str) -> None:
    """A bad value stops the bot with the setting's name, what it must be, and the value given."""
    with pytest.raises(SettingsError) as raised:
        load_settings({name: value})
    assert name in str(raised.value) and says in str(raised.value) and repr(value) in str(raised.value)


def test_offline_commands_ignore_them() -> None:
    """`ask` and `gaps` never record or auto-answer: a bad value can't stop them."""
    assert load_settings({"QUOTEBOT_LOG_RETENTION_DAYS": "0"}, for_bot=False).log_retention_days == 30


def test_env_example_documents_them(repo_root: Path) -> None:
    """`.env.example` lists each with a value that parses."""
    from dotenv import dotenv_values

    values = {key: value or "" for key, value in dotenv_values(repo_root / ".env.example").items()}
    for name in (
        "QUOTEBOT_LOG_QUESTIONS",
        "QUOTEBOT_LOG_RETENTION_DAYS",
        "QUOTEBOT_AUTO_MIN_CONFIDENCE",
        "QUOTEBOT_MESSAGE_CONTENT",
    ):
        assert name in values, name
    assert load_settings(values).log_retention_days == 30
