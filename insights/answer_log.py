"""The answer log: what quotebot was asked and what it said, the votes on its answers, and auto-answer channels.

It keeps no user id: a vote's voter is an HMAC-SHA256 of the user id under a secret salt made once per
database, so one user has one vote per answer and nobody reading the database can tell who voted.
Nothing here imports discord; the bot hands it plain ids and strings.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal, get_args

from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import IntegrityError

from index.answers import Answer, Verdict
from index.errors import QuotebotError
from index.tokens import Tokenizer
from insights.gaps import QuestionGroup, answered_share, group_questions
from knowledge.database import Database
from knowledge.tables import AutoanswerChannel, DatabaseSecret, LoggedAnswer, Vote

Source = Literal["slash", "mention", "auto", "forum", "command-line"]
AutoanswerMode = Literal["questions"]
OUTCOMES: Final = frozenset(get_args(Verdict))
SOURCES: Final = frozenset(get_args(Source))
VOTER_SALT: Final = "voter_salt"
MAX_QUESTION_CHARS: Final = 2000
MAX_QUOTE_CHARS: Final = 4000
GAP_GROUPS: Final = 10
DOWNVOTED_ANSWERS: Final = 5


class AnswerLogError(QuotebotError):
    """An answer-log change that can't be made (an unknown answer, a bad value); nothing was changed."""


@dataclass(frozen=True, slots=True)
class VoteTally:
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    """One logged question and its answer, as a persistent button needs it after a restart."""

    id: int
    guild_id: int | None
    channel_id: int
    asked_at: datetime
    question: str
    outcome: str
    confidence: float
    doc_id: str | None
    passage_number: int | None
    quote: str | None
    source: str


@dataclass(frozen=True, slots=True)
class AutoanswerSetting:
    guild_id: int
    channel_id: int
    mode: str
    open_thread: bool
    set_at: datetime


@dataclass(frozen=True, slots=True)
class DownvotedAnswer:
    answer_id: int
    question: str
    doc_id: str | None
    down: int
    up: int


@dataclass(frozen=True, slots=True)
class DayCounts:
    day: date
    """A UTC day."""
    answered: int
    unanswered: int


@dataclass(frozen=True, slots=True)
class GapsReport:
    """What a server's members asked that quotebot couldn't answer, over the last `days` days."""

    guild_id: int
    days: int
    since: datetime
    until: datetime
    total: int
    answered: int
    unanswered_groups: tuple[QuestionGroup, ...]
    """The most frequent unanswered questions, grouped (see `insights.gaps`), most frequent first."""
    most_downvoted: tuple[DownvotedAnswer, ...]
    per_day: tuple[DayCounts, ...]
    """Every UTC day of the period, oldest first, days without questions included."""

    @property
    def answered_share(self) -> float | None:
        """0 to 1; None when nothing was asked."""
        return answered_share(self.answered, self.total)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form printed by `quotebot gaps --json`."""
        share = self.answered_share
        return {
            "server": str(self.guild_id),
            "days": self.days,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "questions": self.total,
            "answered": self.answered,
            "unanswered": self.total - self.answered,
            "answered_share": None if share is None else round(share, 4),
            "unanswered_groups": [
                {"count": group.count, "example": group.example, "terms": sorted(group.stems)}
                for group in self.unanswered_groups
            ],
            "most_downvoted": [
                {
                    "answer_id": item.answer_id,
                    "question": item.question,
                    "doc": item.doc_id,
                    "down": item.down,
                    "up": item.up,
                }
                for item in self.most_downvoted
            ],
            "per_day": [
                {"day": day.day.isoformat(), "answered": day.answered, "unanswered": day.unanswered}
                for day in self.per_day
            ],
        }


def _utc(moment: datetime) -> datetime:
    """SQLite gives datetimes back without their zone; everything stored is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    if now is not None and now.tzinfo is None:
        raise AnswerLogError("`now` must be timezone-aware")
    return _utc(now) if now is not None else datetime.now(UTC)


def _logged(row: LoggedAnswer) -> LoggedQuestion:
    return LoggedQuestion(
        id=row.id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        asked_at=_utc(row.asked_at),
        question=row.question,
        outcome=row.outcome,
        confidence=row.confidence,
        doc_id=row.doc_id,
        passage_number=row.passage_number,
        quote=row.quote,
        source=row.source,
    )


class AnswerLog:
    """The log of one database; `enabled=False` (QUOTEBOT_LOG_QUESTIONS=false) makes `record` store nothing."""

    def __init__(self, database: Database, *, enabled: bool = True, tokenizer: Tokenizer | None = None) -> None:
        self.database = database
        self.enabled = enabled
        self._tokenizer = tokenizer
        self._salt: bytes | None = None

    @property
    def tokenizer(self) -> Tokenizer:
        # Built on first use: the gaps report needs it, recording and voting don't.
        if self._tokenizer is None:
            self._tokenizer = Tokenizer()
        return self._tokenizer

    async def record(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        question: str,
        outcome: str,
        confidence: float,
        source: str,
        doc_id: str | None = None,
        passage_number: int | None = None,
        quote: str | None = None,
        asked_at: datetime | None = None,
    ) -> int | None:
        """Log a question and what quotebot said; its id, or None (and nothing stored) when logging is off."""
        if not self.enabled:
            return None
        if outcome not in OUTCOMES:
            raise AnswerLogError(f"an outcome is one of {', '.join(sorted(OUTCOMES))}, not {outcome!r}")
        if source not in SOURCES:
            raise AnswerLogError(f"a source is one of {', '.join(sorted(SOURCES))}, not {source!r}")
        row = LoggedAnswer(
            guild_id=guild_id,
            channel_id=channel_id,
            asked_at=_now(asked_at),
            question=question[:MAX_QUESTION_CHARS],
            outcome=outcome,
            confidence=float(confidence),
            doc_id=doc_id[:200] if doc_id else None,
            passage_number=passage_number,
            quote=quote[:MAX_QUOTE_CHARS] if quote is not None else None,
            source=source,
        )
        async with self.database.sessions.begin() as session:
            session.add(row)
            await session.flush()
            return row.id

    async def record_answer(
        self,
        answer: Answer,
        *,
        guild_id: int | None,
        channel_id: int,
        source: str,
        asked_at: datetime | None = None,
    ) -> int | None:
        """`record` for an `index.answers.Answer`: its verdict, confidence and best passage's quote."""
        best = answer.passages[0] if answer.passages else None
        return await self.record(
            guild_id=guild_id,
            channel_id=channel_id,
            question=answer.question,
            outcome=answer.verdict,
            confidence=answer.confidence,
            source=source,
            doc_id=best.passage.doc_id if best else None,
            passage_number=best.passage.ordinal if best else None,
            quote=best.quote if best else None,
            asked_at=asked_at,
        )

    async def answer(self, answer_id: int) -> LoggedQuestion | None:
        """A logged answer by id; None when it was never logged or has been purged."""
        async with self.database.sessions() as session:
            row = await session.get(LoggedAnswer, answer_id)
            return _logged(row) if row is not None else None

    async def voter_hash(self, user_id: int) -> str:
        """The user id as a vote stores it: HMAC-SHA256 under this database's secret salt, in hex."""
        salt = await self._voter_salt()
        return hmac.new(salt, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()

    async def _voter_salt(self) -> bytes:
        if self._salt is not None:
            return self._salt
        async with self.database.sessions() as session:
            stored = await session.scalar(select(DatabaseSecret.value).where(DatabaseSecret.name == VOTER_SALT))
        if stored is None:
            try:
                async with self.database.sessions.begin() as session:
                    session.add(DatabaseSecret(name=VOTER_SALT, value=secrets.token_bytes(32)))
            except IntegrityError:
                pass  # another process made it first: use theirs, or the two would hash one user two ways
            async with self.database.sessions() as session:
                stored = await session.scalar(select(DatabaseSecret.value).where(DatabaseSecret.name == VOTER_SALT))
        assert stored is not None  # written just above, by us or by another process
        self._salt = bytes(stored)
        return self._salt

    async def vote(self, answer_id: int, user_id: int, value: int) -> VoteTally:
        """Record a user's +1 or -1 on an answer, replacing their earlier vote on it; the answer's new tally."""
        if value not in (1, -1):
            raise AnswerLogError(f"a vote is +1 or -1, not {value!r}")
        voter = await self.voter_hash(user_id)
        for attempt in range(2):
            try:
                async with self.database.sessions.begin() as session:
                    if await session.get(LoggedAnswer, answer_id) is None:
                        raise AnswerLogError(f"answer {answer_id} isn't in the log (it may have been purged)")
                    existing = await session.scalar(
                        select(Vote).where(Vote.answer_id == answer_id, Vote.voter == voter)
                    )
                    if existing is None:
                        session.add(Vote(answer_id=answer_id, voter=voter, value=value, voted_at=datetime.now(UTC)))
                    else:
                        existing.value = value
                        existing.voted_at = datetime.now(UTC)
                    await session.flush()
                    return await self._tally(session, answer_id)
            except IntegrityError:
                # The same user's other click inserted first; the second try finds it and updates it.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def tally(self, answer_id: int) -> VoteTally:
        async with self.database.sessions() as session:
            return await self._tally(session, answer_id)

    @staticmethod
    async def _tally(session: Any, answer_id: int) -> VoteTally:
        up, down = (
            await session.execute(
                select(
                    func.coalesce(func.sum(case((Vote.value > 0, 1), else_=0)), 0),
                    func.coalesce(func.sum(case((Vote.value < 0, 1), else_=0)), 0),
                ).where(Vote.answer_id == answer_id)
            )
        ).one()
        return VoteTally(up=int(up), down=int(down))

    async def purge(self, older_than_days: int, *, now: datetime | None = None) -> int:
        """Delete the answers asked more than `older_than_days` days ago, with their votes; how many."""
        if older_than_days < 1:
            raise AnswerLogError(f"the retention is at least 1 day, not {older_than_days}")
        cutoff = _now(now) - timedelta(days=older_than_days)
        old = select(LoggedAnswer.id).where(LoggedAnswer.asked_at < cutoff)
        async with self.database.sessions.begin() as session:
            # Votes first, explicitly: the cascade is there too, but this doesn't depend on SQLite's pragma.
            await session.execute(delete(Vote).where(Vote.answer_id.in_(old)))
            result = await session.execute(delete(LoggedAnswer).where(LoggedAnswer.asked_at < cutoff))
            return int(result.rowcount or 0)

    async def set_autoanswer(
        self, guild_id: int, channel_id: int, *, mode: AutoanswerMode = "questions", open_thread: bool = False
    ) -> AutoanswerSetting:
        """Turn auto-answering on in a channel, or change how it works there."""
        if mode != "questions":
            raise AnswerLogError(f"an auto-answer mode is 'questions', not {mode!r}")
        async with self.database.sessions.begin() as session:
            row = await session.get(AutoanswerChannel, (guild_id, channel_id))
            if row is None:
                row = AutoanswerChannel(guild_id=guild_id, channel_id=channel_id)
                session.add(row)
            row.mode = mode
            row.open_thread = open_thread
            row.set_at = datetime.now(UTC)
            await session.flush()
            return _setting(row)

    async def autoanswer(self, guild_id: int, channel_id: int) -> AutoanswerSetting | None:
        async with self.database.sessions() as session:
            row = await session.get(AutoanswerChannel, (guild_id, channel_id))
            return _setting(row) if row is not None else None

    async def autoanswer_channels(self, guild_id: int) -> list[AutoanswerSetting]:
        async with self.database.sessions() as session:
            rows = await session.scalars(
                select(AutoanswerChannel)
                .where(AutoanswerChannel.guild_id == guild_id)
                .order_by(AutoanswerChannel.channel_id)
            )
            return [_setting(row) for row in rows]

    async def remove_autoanswer(self, guild_id: int, channel_id: int) -> bool:
        """Turn auto-answering off in a channel; False when it wasn't on."""
        async with self.database.sessions.begin() as session:
            result = await session.execute(
                delete(AutoanswerChannel).where(
                    AutoanswerChannel.guild_id == guild_id, AutoanswerChannel.channel_id == channel_id
                )
            )
            return bool(result.rowcount)

    async def gaps(self, guild_id: int, days: int = 7, now: datetime | None = None) -> GapsReport:
        """The server's unanswered questions, most-downvoted answers and per-day counts of the last `days` days."""
        if days < 1:
            raise AnswerLogError(f"a report covers at least 1 day, not {days}")
        until = _now(now)
        since = until - timedelta(days=days)
        in_period = (LoggedAnswer.guild_id == guild_id, LoggedAnswer.asked_at >= since, LoggedAnswer.asked_at <= until)
        async with self.database.sessions() as session:
            rows = (
                await session.execute(
                    select(LoggedAnswer.asked_at, LoggedAnswer.outcome, LoggedAnswer.question)
                    .where(*in_period)
                    .order_by(LoggedAnswer.asked_at, LoggedAnswer.id)
                )
            ).all()
            down = func.sum(case((Vote.value < 0, 1), else_=0))
            up = func.sum(case((Vote.value > 0, 1), else_=0))
            downvoted = (
                await session.execute(
                    select(LoggedAnswer.id, LoggedAnswer.question, LoggedAnswer.doc_id, down, up)
                    .join(Vote, Vote.answer_id == LoggedAnswer.id)
                    .where(*in_period)
                    .group_by(LoggedAnswer.id, LoggedAnswer.question, LoggedAnswer.doc_id)
                    .having(down > 0)
                    .order_by(down.desc(), up, LoggedAnswer.id)
                    .limit(DOWNVOTED_ANSWERS)
                )
            ).all()
        counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
        unanswered: list[str] = []
        for asked_at, outcome, question in rows:
            answered = outcome == "answered"
            counts[_utc(asked_at).date()][0 if answered else 1] += 1
            if not answered:
                unanswered.append(question)
        first_day, last_day = since.date(), until.date()
        per_day = tuple(
            DayCounts(day, *counts.get(day, (0, 0)))
            for day in (first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1))
        )
        groups = group_questions(unanswered, self.tokenizer) if unanswered else []
        return GapsReport(
            guild_id=guild_id,
            days=days,
            since=since,
            until=until,
            total=len(rows),
            answered=len(rows) - len(unanswered),
            unanswered_groups=tuple(groups[:GAP_GROUPS]),
            most_downvoted=tuple(
                DownvotedAnswer(answer_id, question, doc_id, int(down_count), int(up_count))
                for answer_id, question, doc_id, down_count, up_count in downvoted
            ),
            per_day=per_day,
        )


def _setting(row: AutoanswerChannel) -> AutoanswerSetting:
    return AutoanswerSetting(row.guild_id, row.channel_id, row.mode, row.open_thread, _utc(row.set_at))
