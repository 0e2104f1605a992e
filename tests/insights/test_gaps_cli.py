"""`quotebot gaps --server ID [--days N] [--json]` on a real database (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from insights.answer_log import AnswerLog
from knowledge.database import open_database

SERVER = 42


@pytest.fixture
def logged(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database with server 42's questions of the last days, where the CLI will find it."""
    monkeypatch.setenv("QUOTEBOT_DATABASE_URL", database_url)

    async def fill() -> None:
        database = await open_database(database_url)
        try:
            log = AnswerLog(database)
            now = datetime.now(UTC)
            for question, outcome, ago in (
                ("How do I deploy to GitHub Pages?", "not-covered", timedelta(hours=1)),
                ("deploying on github pages??", "not-covered", timedelta(days=1)),
                ("When does the ferry leave?", "answered", timedelta(hours=2)),
                ("Very old question about backups", "not-covered", timedelta(days=20)),
            ):
                answer_id = await log.record(
                    guild_id=SERVER,
                    channel_id=7,
                    question=question,
                    outcome=outcome,
                    confidence=0.7 if outcome == "answered" else 0.1,
                    source="mention",
                    doc_id="ferries.md" if outcome == "answered" else None,
                    asked_at=now - ago,
                )
                assert answer_id is not None
                if outcome == "answered":
                    await log.vote(answer_id, 1234, -1)
        finally:
            await database.close()

    asyncio.run(fill())
    return database_url


def test_the_table_shows_groups_downvotes_and_days(logged: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The default output: totals, the grouped gap with its count, the 👎 answer, one line per day."""
    assert main(["gaps", "--server", str(SERVER)]) == 0
    out = capsys.readouterr().out
    assert "3 questions, 1 answered (33%), 2 unanswered" in out
    assert "    2  deploying on github pages??" in out  # the first asked of the two wordings
    assert "backups" not in out  # 20 days old: outside the default 7
    assert "ferries.md" in out and "When does the ferry leave?" in out
    assert out.count(f"{datetime.now(UTC).year}-") >= 7


def test_json_is_one_stable_object(logged: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object with fixed keys; --days widens the period."""
    assert main(["gaps", "--server", str(SERVER), "--days", "30", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {
        "server",
        "days",
        "since",
        "until",
        "questions",
        "answered",
        "unanswered",
        "answered_share",
        "unanswered_groups",
        "most_downvoted",
        "per_day",
    }
    assert (report["server"], report["days"], report["questions"], report["answered"]) == ("42", 30, 4, 1)
    assert report["unanswered_groups"][0] == {
        "count": 2,
        "example": "deploying on github pages??",
        "terms": ["deploy", "github", "page"],
    }
    assert report["most_downvoted"][0]["doc"] == "ferries.md" and report["most_downvoted"][0]["down"] == 1
    assert len(report["per_day"]) == 31


def test_an_empty_log_says_so_plainly(logged: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A server with nothing logged gets one plain sentence, and an empty-but-valid JSON object."""
    assert main(["gaps", "--server", "99", "--days", "3"]) == 0
    assert "no questions logged in the last 3 days" in capsys.readouterr().out
    assert main(["gaps", "--server", "99", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 0 and report["answered_share"] is None and report["unanswered_groups"] == []


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--server", "abc"], "digits only"),
        (["--server", "0"], "digits only"),
        (["--server", "42", "--days", "0"], "from 1 to"),
        (["--server", "42", "--days", "-3"], "from 1 to"),
        (["--server", "42", "--days", "week"], "from 1 to"),
        ([], "--server"),
    ],
)
def test_bad_arguments_are_a_short_error(arguments: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad ids and days exit non-zero with one short line, never a traceback."""
    with pytest.raises(SystemExit) as exited:
        main(["gaps", *arguments])
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
