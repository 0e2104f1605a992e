"""Shared fixtures: tmp corpora, an isolated index folder, and a data-free analyzer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from index.passage_index import Analyzer
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_ARTICLE = REPO_ROOT / "corpus" / "article.txt"
# CI checks the project out with `../shared` beside the clone.
SHARED_NLTK_DATA = REPO_ROOT.parent / "shared" / "nltk_data"

# Settings that would leak from the developer's environment into a test.
_SETTING_VARIABLES = (
    "DISCORD_TOKEN",
    "QUOTEBOT_CORPUS",
    "QUOTEBOT_DATA_DIR",
    "QUOTEBOT_DATABASE_URL",
    "QUOTEBOT_ALLOW_PRIVATE_URLS",
    "QUOTEBOT_MAX_UPLOAD_MB",
    "QUOTEBOT_MAX_DOCUMENTS",
    "QUOTEBOT_MAX_TEXT_MB",
    "QUOTEBOT_DEV_GUILD_ID",
    "QUOTEBOT_MODERATOR_ROLE_IDS",
    "QUOTEBOT_TOP_K",
    "QUOTEBOT_MIN_CONFIDENCE",
    "QUOTEBOT_COOLDOWN_SECONDS",
    "QUOTEBOT_MAX_FILE_MB",
    "QUOTEBOT_ENGINE",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "QUOTEBOT_LOG_QUESTIONS",
    "QUOTEBOT_LOG_RETENTION_DAYS",
    "QUOTEBOT_AUTO_MIN_CONFIDENCE",
    "QUOTEBOT_MESSAGE_CONTENT",
)

CorpusFactory = Callable[..., Path]


@pytest.fixture(autouse=True)
def isolated_index_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps indexes and data under a tmp folder, never in ~/.cache or ~/.local, with no outside settings."""
    base = tmp_path_factory.mktemp("quotebot-home")
    index_dir = base / "index"
    monkeypatch.setenv("QUOTEBOT_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    # Knowledge bases too: never the user's ~/.local/share.
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    for name in _SETTING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return index_dir


@pytest.fixture
def index_dir(isolated_index_dir: Path) -> Path:
    """The tmp folder QUOTEBOT_INDEX_DIR points to for this test."""
    return isolated_index_dir


@pytest.fixture
def make_corpus(tmp_path: Path) -> CorpusFactory:
    """Build a corpus folder from `{relative path: str or bytes}`; str is written as UTF-8 byte for byte."""
    counter = 0

    def make(files: Mapping[str, str | bytes], name: str | None = None) -> Path:
        nonlocal counter
        counter += 1
        root = tmp_path / (name or f"corpus{counter}")
        root.mkdir(parents=True, exist_ok=True)
        for relative, content in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            # Bytes as given: "\r\n" stays "\r\n", so CRLF files are really CRLF on disk.
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return root

    return make


@pytest.fixture(scope="session")
def builtin_analyzer() -> Analyzer:
    """The data-free analyzer, whatever NLTK data this machine has."""
    return Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin"))


PythonRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The root of the checkout."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def article_path() -> Path:
    """The bundled article, the default corpus."""
    return BUNDLED_ARTICLE


@pytest.fixture
def run_python() -> PythonRunner:
    """Run code in a fresh interpreter, without NLTK_DATA unless given (NLTK reads it only at import)."""

    def run(
        code: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = dict(os.environ)
        environment.pop("NLTK_DATA", None)
        environment.update(env or {})
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=environment,
            cwd=cwd or REPO_ROOT,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def shared_nltk_data() -> Path:
    """`../shared/nltk_data` beside the repo; the test is skipped, saying why, only when that folder is absent."""
    if not SHARED_NLTK_DATA.is_dir():
        pytest.skip(f"NLTK data for the data path is absent: {SHARED_NLTK_DATA} (CI has ../shared beside the clone)")
    return SHARED_NLTK_DATA
