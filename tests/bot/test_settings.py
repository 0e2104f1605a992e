"""Settings: `.env` loading, defaults, and a clear error for each unusable value."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.settings import BUNDLED_CORPUS, Secret, SettingsError, load_dotenv_file, load_settings

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secret-token-value"


def test_defaults_without_any_setting() -> None:
    """Nothing set: no token, the bundled corpus, top 3, confidence 0.35, cooldown 5 s, no custom endpoints."""
    settings = load_settings({})
    assert settings.discord_token is None
    assert settings.corpus == BUNDLED_CORPUS
    assert (settings.top_k, settings.min_confidence, settings.cooldown_seconds) == (3, 0.35, 5.0)
    assert settings.dev_guild_id is None and settings.moderator_role_ids == frozenset()
    assert settings.api_base is None and settings.gateway_url is None


def test_every_setting_is_read() -> None:
    """Each documented variable lands in its field, with the right type."""
    settings = load_settings(
        {
            "DISCORD_TOKEN": TOKEN,
            "QUOTEBOT_CORPUS": "/srv/docs",
            "QUOTEBOT_INDEX_DIR": "/srv/index",
            "QUOTEBOT_DEV_GUILD_ID": "123456789012345678",
            "QUOTEBOT_MODERATOR_ROLE_IDS": "11, 22,33",
            "QUOTEBOT_TOP_K": "5",
            "QUOTEBOT_MIN_CONFIDENCE": "0.5",
            "QUOTEBOT_COOLDOWN_SECONDS": "0",
            "QUOTEBOT_MAX_FILE_MB": "2.5",
            "DISCORD_API_BASE": "http://127.0.0.1:8080/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:8080/",
        }
    )
    assert settings.discord_token is not None and settings.discord_token.reveal() == TOKEN
    assert settings.corpus == Path("/srv/docs") and settings.index_dir == Path("/srv/index")
    assert settings.dev_guild_id == 123456789012345678
    assert settings.moderator_role_ids == frozenset({11, 22, 33})
    assert (settings.top_k, settings.min_confidence, settings.cooldown_seconds, settings.max_file_mb) == (
        5,
        0.5,
        0,
        2.5,
    )
    assert settings.api_base == "http://127.0.0.1:8080/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("QUOTEBOT_DEV_GUILD_ID", "my-guild"),
        ("QUOTEBOT_MODERATOR_ROLE_IDS", "12,moderators"),
        ("QUOTEBOT_TOP_K", "0"),
        ("QUOTEBOT_TOP_K", "three"),
        ("QUOTEBOT_TOP_K", "2.5"),
        ("QUOTEBOT_MIN_CONFIDENCE", "1.5"),
        ("QUOTEBOT_MIN_CONFIDENCE", "high"),
        ("QUOTEBOT_COOLDOWN_SECONDS", "-1"),
        ("QUOTEBOT_MAX_FILE_MB", "0"),
        ("DISCORD_API_BASE", "127.0.0.1:8080"),
        ("DISCORD_GATEWAY_URL", "http://127.0.0.1:8080"),
    ],
)
def test_bad_values_name_the_setting(name: str, value: str) -> None:
    """An unusable value raises SettingsError naming the variable and the value."""
    with pytest.raises(SettingsError) as raised:
        load_settings({name: value})
    assert name in str(raised.value)
    # The message quotes the offending value (for a list, the offending item).
    assert repr(value.split(",")[-1]) in str(raised.value)


def test_bad_value_is_a_clear_cli_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line turns a bad setting into one line on stderr and exit status 2."""
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUOTEBOT_TOP_K", "lots")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "QUOTEBOT_TOP_K" in err and "Traceback" not in err


def test_dotenv_file_is_loaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A `.env` in the working directory provides settings that aren't in the environment."""
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\nQUOTEBOT_TOP_K=7\nQUOTEBOT_COOLDOWN_SECONDS=0\n")
    monkeypatch.chdir(tmp_path)
    for name in ("DISCORD_TOKEN", "QUOTEBOT_TOP_K", "QUOTEBOT_COOLDOWN_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    load_dotenv_file()
    try:
        settings = load_settings()
    finally:
        for name in ("DISCORD_TOKEN", "QUOTEBOT_TOP_K", "QUOTEBOT_COOLDOWN_SECONDS"):
            os.environ.pop(name, None)
    assert settings.discord_token == Secret(TOKEN)
    assert settings.top_k == 7 and settings.cooldown_seconds == 0


def test_environment_wins_over_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A variable already in the environment is not overridden by `.env`."""
    env_file = tmp_path / "settings.env"
    env_file.write_text("QUOTEBOT_TOP_K=7\n")
    monkeypatch.setenv("QUOTEBOT_TOP_K", "2")
    load_dotenv_file(env_file)
    assert load_settings().top_k == 2


def test_example_file_lists_every_setting(repo_root: Path) -> None:
    """`.env.example` documents every variable quotebot reads, and parses as valid settings."""
    from dotenv import dotenv_values

    example = repo_root / ".env.example"
    text = example.read_text()
    for name in (
        "DISCORD_TOKEN",
        "QUOTEBOT_CORPUS",
        "QUOTEBOT_INDEX_DIR",
        "QUOTEBOT_DEV_GUILD_ID",
        "QUOTEBOT_MODERATOR_ROLE_IDS",
        "QUOTEBOT_TOP_K",
        "QUOTEBOT_MIN_CONFIDENCE",
        "QUOTEBOT_COOLDOWN_SECONDS",
        "QUOTEBOT_MAX_FILE_MB",
        "QUOTEBOT_ENGINE",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
    ):
        assert name in text, name
    values = {key: value or "" for key, value in dotenv_values(example).items()}
    assert load_settings(values).top_k == 3


def test_secret_never_shows_the_token() -> None:
    """A token in Settings shows as stars in repr, str and the settings' own repr."""
    settings = load_settings({"DISCORD_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.discord_token)
    assert TOKEN not in f"{settings.discord_token}"


def test_knowledge_base_settings_have_defaults_and_are_read(tmp_path: Path) -> None:
    defaults = load_settings({"XDG_DATA_HOME": str(tmp_path)})
    assert defaults.data_dir == tmp_path / "quotebot"
    assert defaults.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path / 'quotebot' / 'quotebot.db'}"
    assert (defaults.max_upload_mb, defaults.max_documents, defaults.max_text_mb) == (8.0, 500, 100.0)
    assert defaults.allow_private_urls is False
    settings = load_settings(
        {
            "QUOTEBOT_DATA_DIR": "/srv/quotebot",
            "QUOTEBOT_DATABASE_URL": "postgresql+asyncpg://qb:secret@db/qb",
            "QUOTEBOT_MAX_UPLOAD_MB": "2",
            "QUOTEBOT_MAX_DOCUMENTS": "10",
            "QUOTEBOT_MAX_TEXT_MB": "1.5",
            "QUOTEBOT_ALLOW_PRIVATE_URLS": "TRUE",
        }
    )
    assert settings.data_dir == Path("/srv/quotebot")
    assert settings.resolved_database_url == "postgresql+asyncpg://qb:secret@db/qb"
    assert (settings.max_upload_mb, settings.max_documents, settings.max_text_mb) == (2.0, 10, 1.5)
    assert settings.allow_private_urls is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("QUOTEBOT_MAX_UPLOAD_MB", "0"),
        ("QUOTEBOT_MAX_DOCUMENTS", "many"),
        ("QUOTEBOT_MAX_TEXT_MB", "-3"),
        ("QUOTEBOT_ALLOW_PRIVATE_URLS", "maybe"),
    ],
)
def test_bad_knowledge_base_settings_name_the_setting(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({name: value})
    assert name in str(raised.value) and repr(value) in str(raised.value)


def test_a_bad_database_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"QUOTEBOT_DATABASE_URL": "mysql://root:hunter2@db/qb"})
    assert "QUOTEBOT_DATABASE_URL" in str(raised.value) and "hunter2" not in str(raised.value)
