"""QUOTEBOT_ENGINE and the --engine option pick the BM25 engine of the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import SettingsError, load_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTICLE = REPO_ROOT / "corpus" / "article.txt"


@pytest.mark.parametrize(
    ("value", "expected"), [("", "auto"), ("auto", "auto"), ("BM25S", "bm25s"), ("rank-bm25", "rank-bm25")]
)
def test_engine_setting_is_read(value: str, expected: str) -> None:
    """QUOTEBOT_ENGINE is read case-insensitively and defaults to auto."""
    assert load_settings({"QUOTEBOT_ENGINE": value}).engine == expected


def test_bad_engine_setting_names_the_choices() -> None:
    """An unknown engine is a SettingsError naming the setting and the choices."""
    with pytest.raises(SettingsError, match=r"QUOTEBOT_ENGINE must be one of auto, rank-bm25, bm25s"):
        load_settings({"QUOTEBOT_ENGINE": "lucene"})


def test_engine_option_builds_and_reports_that_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`index build --engine bm25s` builds bm25s; `index info` then calls it stale for rank-bm25 only."""
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    common = ["--corpus", str(ARTICLE), "--index-dir", str(tmp_path / "index")]
    assert main(["index", "build", "--engine", "bm25s", *common]) == 0
    assert "with bm25s" in capsys.readouterr().out
    assert main(["index", "info", "--engine", "bm25s", *common]) == 0
    info = capsys.readouterr().out
    assert "engine:      bm25s" in info and "status:      current" in info
    assert main(["index", "info", "--engine", "rank-bm25", *common]) == 0
    assert "status:      stale: it uses the bm25s engine" in capsys.readouterr().out
    monkeypatch.setenv("QUOTEBOT_ENGINE", "rank-bm25")
    assert main(["ask", "--json", "Who did Blinken meet in Saudi Arabia?", *common]) == 0
    captured = capsys.readouterr()
    assert '"found": true' in captured.out
    assert "rebuilding the index: it uses the bm25s engine and the setting is rank-bm25" in captured.err
