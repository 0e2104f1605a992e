"""insights.answer_log on real databases (a SQLite file and PostgreSQL): recording, votes, purging, gaps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import text

from index.tokens import Tokenizer
from insights.answer_log import AnswerLog, AnswerLogError, VoteTally
from knowledge.database import Database, open_database

GUILD = 2**63 - 1
OTHER_GUILD = 5
CHANNEL = 111
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
# A user id with digits unlikely to appear anywhere by chance, so finding it in the file means it was stored.
USER = 987654321987654321
OTHER_USER = 123456789123456789


@pytest_asyncio.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    opened = await open_database(database_url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def log(database: Database) -> AnswerLog:
    return AnswerLog(database, tokenizer=Tokenizer("builtin"))


async def _ask(
    log: AnswerLog,
    question: str,
    outcome: str = "not-covered",
    *,
    ago: timedelta = timedelta(hours=1),
    guild_id: int | None = GUILD,
    doc_id: str | None = None,
) -> int:
    answer_id = await log.record(
        guild_id=guild_id,
        channel_id=CHANNEL,
        question=question,
        outcome=outcome,
        confidence=0.8 if outcome == "answered" else 0.1,
        source="slash",
        doc_id=doc_id or ("faq.md" if outcome == "answered" else None),
        passage_number=2 if outcome == "answered" else None,
        quote="The ferry leaves at noon." if outcome == "answered" else None,
        asked_at=NOW - ago,
    )
    assert answer_id is not None
    return answer_id


@pytest.mark.asyncio
async def test_a_recorded_answer_loads_back_as_it_was_logged(log: AnswerLog) -> None:
    """Everything a persistent button needs comes back after reopening, the time with its zone."""
    answer_id = await _ask(log, "When does the ferry leave?", "answered")
    loaded = await log.answer(answer_id)
    assert loaded is not None
    assert (loaded.guild_id, loaded.channel_id, loaded.question, loaded.outcome) == (
        GUILD,
        CHANNEL,
        "When does the ferry leave?",
        "answered",
    )
    assert (loaded.doc_id, loaded.passage_number, loaded.quote, loaded.source) == (
        "faq.md",
        2,
        "The ferry leaves at noon.",
        "slash",
    )
    assert loaded.asked_at == NOW - timedelta(hours=1) and loaded.confidence == pytest.approx(0.8)
    assert await log.answer(answer_id + 1000) is None
    dm_id = await _ask(log, "a direct message", guild_id=None)
    dm = await log.answer(dm_id)
    assert dm is not None and dm.guild_id is None


@pytest.mark.asyncio
async def test_unknown_outcomes_and_sources_are_refused(log: AnswerLog) -> None:
    """Only the index's verdicts and the known sources are stored."""
    with pytest.raises(AnswerLogError, match="outcome"):
        await log.record(guild_id=GUILD, channel_id=1, question="q", outcome="maybe", confidence=0, source="slash")
    with pytest.raises(AnswerLogError, match="source"):
        await log.record(guild_id=GUILD, channel_id=1, question="q", outcome="answered", confidence=0, source="dm")


@pytest.mark.asyncio
async def test_one_vote_per_user_and_changing_it_replaces_it(log: AnswerLog) -> None:
    """A second click by the same user replaces their vote; another user's adds to the tally."""
    answer_id = await _ask(log, "When does the ferry leave?", "answered")
    assert await log.vote(answer_id, USER, 1) == VoteTally(up=1, down=0)
    assert await log.vote(answer_id, USER, 1) == VoteTally(up=1, down=0)
    assert await log.vote(answer_id, USER, -1) == VoteTally(up=0, down=1)
    assert await log.vote(answer_id, OTHER_USER, -1) == VoteTally(up=0, down=2)
    assert await log.tally(answer_id) == VoteTally(up=0, down=2)
    with pytest.raises(AnswerLogError, match=r"\+1 or -1"):
        await log.vote(answer_id, USER, 2)
    with pytest.raises(AnswerLogError, match="isn't in the log"):
        await log.vote(answer_id + 1000, USER, 1)


@pytest.mark.asyncio
async def test_simultaneous_clicks_by_one_user_leave_one_vote(database: Database, log: AnswerLog) -> None:
    """Five clicks racing on one answer end as one vote row, not five and not an error."""
    answer_id = await _ask(log, "When does the ferry leave?", "answered")
    await log.voter_hash(USER)  # the salt exists before the race: the race under test is the vote's
    await asyncio.gather(*(log.vote(answer_id, USER, -1 if n % 2 else 1) for n in range(5)))
    tally = await log.tally(answer_id)
    assert tally.up + tally.down == 1
    async with database.engine.connect() as connection:
        assert (await connection.execute(text("SELECT COUNT(*) FROM votes"))).scalar_one() == 1


@pytest.mark.asyncio
async def test_the_voter_salt_is_made_once_and_survives_reopening(database_url: str) -> None:
    """Two logs on one database hash a user alike, so reopening the bot can't give a user a second vote."""
    first = await open_database(database_url)
    try:
        first_log = AnswerLog(first)
        answer_id = await _ask(first_log, "When does the ferry leave?", "answered")
        await first_log.vote(answer_id, USER, 1)
        hashed = await first_log.voter_hash(USER)
    finally:
        await first.close()
    second = await open_database(database_url)
    try:
        second_log = AnswerLog(second)
        assert await second_log.voter_hash(USER) == hashed != await second_log.voter_hash(OTHER_USER)
        assert await second_log.vote(answer_id, USER, -1) == VoteTally(up=0, down=1)
    finally:
        await second.close()


@pytest.mark.asyncio
async def test_the_raw_user_id_is_stored_nowhere(database: Database, log: AnswerLog, database_url: str) -> None:
    """No row of any table, and for SQLite no byte of the database files, holds the voter's id."""
    answer_id = await _ask(log, "When does the ferry leave?", "answered")
    await log.vote(answer_id, USER, 1)
    await log.vote(answer_id, USER, -1)
    async with database.engine.connect() as connection:
        for table in ("answers", "votes", "database_secrets", "autoanswer_channels", "documents", "guild_settings"):
            for row in (await connection.execute(text(f"SELECT * FROM {table}"))).all():
                for value in row:
                    shown = value.hex() if isinstance(value, bytes) else str(value)
                    assert str(USER) not in shown and USER.to_bytes(8, "big").hex() not in shown
        [voter] = (await connection.execute(text("SELECT voter FROM votes"))).scalars().all()
    assert voter == await log.voter_hash(USER) and len(voter) == 64
    if database_url.startswith("sqlite"):
        await database.close()  # checkpoints the WAL into the file, so the file holds everything written
        path = Path(database_url.removeprefix("sqlite+aiosqlite:///"))
        files = [candidate for candidate in path.parent.iterdir() if candidate.name.startswith(path.name)]
        assert files
        for file in files:
            data = file.read_bytes()
            assert str(USER).encode() not in data
            assert USER.to_bytes(8, "big") not in data and USER.to_bytes(8, "little") not in data
        assert voter.encode() in path.read_bytes()  # the check can find what is there


@pytest.mark.asyncio
async def test_purge_deletes_old_entries_with_their_votes_and_nothing_newer(database: Database, log: AnswerLog) -> None:
    """Past the retention goes, with its votes; an entry a minute inside it stays, votes and all."""
    old = await _ask(log, "old question", "answered", ago=timedelta(days=30, minutes=1))
    kept = await _ask(log, "recent question", "answered", ago=timedelta(days=30) - timedelta(minutes=1))
    await log.vote(old, USER, -1)
    await log.vote(kept, USER, 1)
    assert await log.purge(30, now=NOW) == 1
    assert await log.answer(old) is None
    assert await log.answer(kept) is not None
    assert await log.tally(kept) == VoteTally(up=1, down=0)
    async with database.engine.connect() as connection:
        assert (await connection.execute(text("SELECT answer_id FROM votes"))).scalars().all() == [kept]
    assert await log.purge(30, now=NOW) == 0
    with pytest.raises(AnswerLogError, match="at least 1 day"):
        await log.purge(0, now=NOW)


@pytest.mark.asyncio
async def test_logging_off_stores_nothing_and_gaps_has_no_data(database: Database) -> None:
    """With QUOTEBOT_LOG_QUESTIONS=false, record returns None, no row is written, and gaps reports nothing."""
    log = AnswerLog(database, enabled=False, tokenizer=Tokenizer("builtin"))
    assert (
        await log.record(
            guild_id=GUILD, channel_id=CHANNEL, question="q?", outcome="not-covered", confidence=0.1, source="slash"
        )
        is None
    )
    async with database.engine.connect() as connection:
        assert (await connection.execute(text("SELECT COUNT(*) FROM answers"))).scalar_one() == 0
    report = await log.gaps(GUILD, days=7, now=NOW)
    assert report.total == 0 and report.answered_share is None and not report.unanswered_groups


@pytest.mark.asyncio
async def test_gaps_groups_unanswered_questions_and_counts_a_mix(log: AnswerLog) -> None:
    """Wordings of one gap group, answered ones count only in the share, other servers and old ones not at all."""
    await _ask(log, "How do I deploy to GitHub Pages?", ago=timedelta(hours=2))
    await _ask(log, "deploying on github pages??", ago=timedelta(days=1, hours=1))
    await _ask(log, "deploy github pages", "no-terms", ago=timedelta(days=2, hours=1))
    await _ask(log, "Why is the login broken?", ago=timedelta(hours=3))
    liked = await _ask(log, "When does the ferry leave?", "answered", ago=timedelta(hours=4))
    disliked = await _ask(log, "Where is the pier?", "answered", ago=timedelta(days=1, hours=2), doc_id="piers.md")
    await _ask(log, "deploy to github pages", guild_id=OTHER_GUILD)
    await _ask(log, "deploy to github pages", ago=timedelta(days=8))
    await log.vote(liked, USER, 1)
    await log.vote(disliked, USER, -1)
    await log.vote(disliked, OTHER_USER, -1)

    report = await log.gaps(GUILD, days=7, now=NOW)
    assert (report.total, report.answered) == (6, 2)
    assert report.answered_share == pytest.approx(2 / 6)
    assert [(group.count, group.example) for group in report.unanswered_groups] == [
        (3, "deploy github pages"),  # three wordings asked once each: the first asked shows the group
        (1, "Why is the login broken?"),
    ]
    assert [(item.question, item.doc_id, item.down, item.up) for item in report.most_downvoted] == [
        ("Where is the pier?", "piers.md", 2, 0)
    ]
    assert len(report.per_day) == 8 and report.per_day[0].day == date(2026, 11, 27)
    by_day = {day.day: (day.answered, day.unanswered) for day in report.per_day}
    assert by_day[date(2026, 12, 4)] == (1, 2)
    assert by_day[date(2026, 12, 3)] == (1, 1)
    assert by_day[date(2026, 12, 2)] == (0, 1)
    assert sum(answered + unanswered for answered, unanswered in by_day.values()) == 6
    as_json = report.to_json()
    assert as_json["questions"] == 6 and as_json["unanswered_groups"][0]["terms"] == ["deploy", "github", "page"]
    with pytest.raises(AnswerLogError, match="at least 1 day"):
        await log.gaps(GUILD, days=0, now=NOW)


@pytest.mark.asyncio
async def test_autoanswer_settings_are_set_changed_listed_and_removed(log: AnswerLog) -> None:
    """One row per channel: setting again changes it, removing twice says it was already off."""
    assert await log.autoanswer(GUILD, 10) is None
    await log.set_autoanswer(GUILD, 10)
    changed = await log.set_autoanswer(GUILD, 10, open_thread=True)
    await log.set_autoanswer(GUILD, 9)
    await log.set_autoanswer(OTHER_GUILD, 10)
    assert changed.open_thread and changed.mode == "questions" and changed.set_at.tzinfo is not None
    assert [(s.channel_id, s.open_thread) for s in await log.autoanswer_channels(GUILD)] == [(9, False), (10, True)]
    assert await log.remove_autoanswer(GUILD, 10)
    assert not await log.remove_autoanswer(GUILD, 10)
    assert [s.channel_id for s in await log.autoanswer_channels(GUILD)] == [9]
    assert await log.autoanswer(OTHER_GUILD, 10) is not None
    with pytest.raises(AnswerLogError, match="mode"):
        await log.set_autoanswer(GUILD, 10, mode="everything")  # type: ignore[arg-type]
