"""Settings from the environment and a `.env` file, read when the program runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.answers import DEFAULT_MIN_CONFIDENCE, DEFAULT_TOP_K
from index.documents import DEFAULT_MAX_FILE_MB
from index.errors import QuotebotError
from index.ranking import ENGINE_CHOICES, EngineChoice
from index.store import default_index_dir
from knowledge.locations import default_data_dir, default_database_url


def _bundled_corpus() -> Path:
    """The corpus/ folder of the source tree, else the copy a wheel installs."""
    source_tree = Path(__file__).resolve().parent.parent / "corpus"
    installed = Path(sys.prefix) / "share" / "quotebot" / "corpus"
    return source_tree if source_tree.is_dir() or not installed.is_dir() else installed


BUNDLED_CORPUS = _bundled_corpus()
DEFAULT_COOLDOWN_SECONDS = 5.0
MAX_TOP_K = 10
DEFAULT_MAX_UPLOAD_MB = 8.0
DEFAULT_MAX_DOCUMENTS = 500
DEFAULT_MAX_TEXT_MB = 100.0
DEFAULT_LOG_RETENTION_DAYS = 30
MAX_LOG_RETENTION_DAYS = 3650
# Unasked answers interrupt a conversation: only the surest are worth it, well above the 0.35 a question needs.
DEFAULT_AUTO_MIN_CONFIDENCE = 0.6


class SettingsError(QuotebotError):
    """A setting has a value that can't be used; the message names it."""


class Secret:
    """A string that never shows itself in a repr, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything quotebot can be configured with; see `.env.example`."""

    discord_token: Secret | None = None
    corpus: Path = BUNDLED_CORPUS
    index_dir: Path = field(default_factory=default_index_dir)
    dev_guild_id: int | None = None
    moderator_role_ids: frozenset[int] = frozenset()
    top_k: int = DEFAULT_TOP_K
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    cooldown_seconds: float = DEFAULT_COOLDOWN_SECONDS
    max_file_mb: float = DEFAULT_MAX_FILE_MB
    api_base: str | None = None
    gateway_url: str | None = None
    engine: EngineChoice = "auto"
    data_dir: Path = field(default_factory=default_data_dir)
    """Where the servers' documents live (the SQLite database); never the cache folder."""
    database_url: str | None = None
    """None: SQLite in `data_dir`."""
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    allow_private_urls: bool = False
    max_documents: int = DEFAULT_MAX_DOCUMENTS
    max_text_mb: float = DEFAULT_MAX_TEXT_MB
    log_questions: bool = True
    """Whether questions and answers go to the answer log (README, Privacy)."""
    log_retention_days: int = DEFAULT_LOG_RETENTION_DAYS
    auto_min_confidence: float = DEFAULT_AUTO_MIN_CONFIDENCE
    """How sure quotebot must be to answer a question nobody asked it."""
    message_content: bool = False
    """Whether the bot asks Discord for the privileged message-content intent."""

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url(self.data_dir)


def load_dotenv_file(path: Path | None = None) -> None:
    """Load `.env` (from the working directory by default) without overriding the environment."""
    from dotenv import load_dotenv

    load_dotenv(dotenv_path=path or Path.cwd() / ".env", override=False)


BOT_ONLY_SETTINGS = frozenset(
    {
        "DISCORD_TOKEN",
        "QUOTEBOT_DEV_GUILD_ID",
        "QUOTEBOT_MODERATOR_ROLE_IDS",
        "QUOTEBOT_COOLDOWN_SECONDS",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
        "QUOTEBOT_LOG_QUESTIONS",
        "QUOTEBOT_LOG_RETENTION_DAYS",
        "QUOTEBOT_AUTO_MIN_CONFIDENCE",
        "QUOTEBOT_MESSAGE_CONTENT",
    }
)
"""Settings only the bot uses: the offline commands neither read nor check them."""


def load_settings(environ: Mapping[str, str] | None = None, *, for_bot: bool = True) -> Settings:
    """Settings from `environ` (the process environment by default).

    With `for_bot=False` (`ask`, `chat`, `index`), the bot-only settings keep their
    defaults unread, so a bad `QUOTEBOT_DEV_GUILD_ID` can't stop an offline question.
    Raises `SettingsError` naming the first setting with an unusable value.
    """
    env = os.environ if environ is None else environ

    def text(name: str) -> str | None:
        if not for_bot and name in BOT_ONLY_SETTINGS:
            return None
        value = env.get(name, "").strip()
        return value or None

    token = text("DISCORD_TOKEN")
    corpus = text("QUOTEBOT_CORPUS")
    index_dir = text("QUOTEBOT_INDEX_DIR")
    return Settings(
        discord_token=Secret(token) if token else None,
        corpus=Path(corpus).expanduser() if corpus else BUNDLED_CORPUS,
        index_dir=Path(index_dir).expanduser() if index_dir else default_index_dir(),
        dev_guild_id=_snowflake("QUOTEBOT_DEV_GUILD_ID", text("QUOTEBOT_DEV_GUILD_ID")),
        moderator_role_ids=_snowflakes("QUOTEBOT_MODERATOR_ROLE_IDS", text("QUOTEBOT_MODERATOR_ROLE_IDS")),
        top_k=int(_number("QUOTEBOT_TOP_K", text("QUOTEBOT_TOP_K"), DEFAULT_TOP_K, 1, MAX_TOP_K, whole=True)),
        min_confidence=_number(
            "QUOTEBOT_MIN_CONFIDENCE", text("QUOTEBOT_MIN_CONFIDENCE"), DEFAULT_MIN_CONFIDENCE, 0.0, 1.0
        ),
        cooldown_seconds=_number(
            "QUOTEBOT_COOLDOWN_SECONDS", text("QUOTEBOT_COOLDOWN_SECONDS"), DEFAULT_COOLDOWN_SECONDS, 0.0, 3600.0
        ),
        max_file_mb=_number("QUOTEBOT_MAX_FILE_MB", text("QUOTEBOT_MAX_FILE_MB"), DEFAULT_MAX_FILE_MB, 0.001, 10_000.0),
        api_base=_url("DISCORD_API_BASE", text("DISCORD_API_BASE"), ("http://", "https://")),
        gateway_url=_url("DISCORD_GATEWAY_URL", text("DISCORD_GATEWAY_URL"), ("ws://", "wss://")),
        engine=_engine(text("QUOTEBOT_ENGINE")),
        data_dir=default_data_dir(env),
        database_url=_database_url(text("QUOTEBOT_DATABASE_URL")),
        max_upload_mb=_number(
            "QUOTEBOT_MAX_UPLOAD_MB", text("QUOTEBOT_MAX_UPLOAD_MB"), DEFAULT_MAX_UPLOAD_MB, 0.001, 500.0
        ),
        allow_private_urls=_flag("QUOTEBOT_ALLOW_PRIVATE_URLS", text("QUOTEBOT_ALLOW_PRIVATE_URLS")),
        max_documents=int(
            _number(
                "QUOTEBOT_MAX_DOCUMENTS",
                text("QUOTEBOT_MAX_DOCUMENTS"),
                DEFAULT_MAX_DOCUMENTS,
                1,
                1_000_000,
                whole=True,
            )
        ),
        max_text_mb=_number(
            "QUOTEBOT_MAX_TEXT_MB", text("QUOTEBOT_MAX_TEXT_MB"), DEFAULT_MAX_TEXT_MB, 0.001, 100_000.0
        ),
        log_questions=_flag("QUOTEBOT_LOG_QUESTIONS", text("QUOTEBOT_LOG_QUESTIONS"), default=True),
        log_retention_days=int(
            _number(
                "QUOTEBOT_LOG_RETENTION_DAYS",
                text("QUOTEBOT_LOG_RETENTION_DAYS"),
                DEFAULT_LOG_RETENTION_DAYS,
                1,
                MAX_LOG_RETENTION_DAYS,
                whole=True,
            )
        ),
        auto_min_confidence=_number(
            "QUOTEBOT_AUTO_MIN_CONFIDENCE", text("QUOTEBOT_AUTO_MIN_CONFIDENCE"), DEFAULT_AUTO_MIN_CONFIDENCE, 0.0, 1.0
        ),
        message_content=_flag("QUOTEBOT_MESSAGE_CONTENT", text("QUOTEBOT_MESSAGE_CONTENT")),
    )


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _flag(name: str, value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    if value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def _database_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        # Not echoed: a database URL may hold a password.
        raise SettingsError("QUOTEBOT_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
    return value


def _engine(value: str | None) -> EngineChoice:
    if value is None:
        return "auto"
    for choice in ENGINE_CHOICES:
        if value.lower() == choice:
            return choice
    raise SettingsError(f"QUOTEBOT_ENGINE must be one of {', '.join(ENGINE_CHOICES)}, not {value!r}")


def _snowflake(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise SettingsError(f"{name} must be a Discord id (digits only), not {value!r}")
    return int(value)


def _snowflakes(name: str, value: str | None) -> frozenset[int]:
    if value is None:
        return frozenset()
    ids = [part.strip() for part in value.split(",") if part.strip()]
    bad = [part for part in ids if not part.isdigit()]
    if bad:
        raise SettingsError(f"{name} must be comma-separated Discord role ids, not {bad[0]!r}")
    return frozenset(int(part) for part in ids)


def _number(name: str, value: str | None, default: float, low: float, high: float, whole: bool = False) -> float:
    if value is None:
        return default
    kind = "a whole number" if whole else "a number"
    try:
        number = int(value) if whole else float(value)
    except ValueError:
        raise SettingsError(f"{name} must be {kind} from {low:g} to {high:g}, not {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{name} must be {kind} from {low:g} to {high:g}, not {value!r}")
    return number


def _url(name: str, value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not value.startswith(schemes):
        raise SettingsError(f"{name} must start with {' or '.join(schemes)}, not {value!r}")
    return value.rstrip("/")
