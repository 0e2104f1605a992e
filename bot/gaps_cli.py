"""`quotebot gaps --server ID [--days N] [--json]`: what a server's members asked that quotebot couldn't answer."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import TYPE_CHECKING

from bot.knowledge_cli import server_id
from bot.settings import Settings
from bot.wording import counted

if TYPE_CHECKING:
    from insights.answer_log import GapsReport

DEFAULT_DAYS = 7
MAX_DAYS = 3650


def report_days(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"--days is a whole number of days from 1 to {MAX_DAYS}, not {value!r}")
    return int(value)


def add_gaps_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gaps = commands.add_parser("gaps", help="what a server's members asked that quotebot couldn't answer")
    gaps.add_argument("--server", type=server_id, required=True, help="the server's (guild's) Discord id")
    gaps.add_argument(
        "--days", type=report_days, default=DEFAULT_DAYS, help=f"how many days back (default {DEFAULT_DAYS})"
    )
    gaps.add_argument("--json", action="store_true", help="print one JSON object")
    gaps.set_defaults(handler=_gaps)


def _read_report(settings: Settings, server: int, days: int) -> GapsReport:
    # Imported here: the report needs the tokenizer and the database, the other commands' start-up doesn't.
    from insights.answer_log import AnswerLog
    from knowledge.database import open_database

    async def read() -> GapsReport:
        database = await open_database(settings.resolved_database_url)
        try:
            return await AnswerLog(database).gaps(server, days=days)
        finally:
            await database.close()

    return asyncio.run(read())


def _gaps(arguments: argparse.Namespace, settings: Settings) -> int:
    report = _read_report(settings, arguments.server, arguments.days)
    if arguments.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return 0
    print(format_report(report))
    return 0


def format_report(report: GapsReport) -> str:
    """The report as a readable table for a terminal."""
    period = counted(report.days, "day")
    if report.total == 0:
        return f"no questions logged in the last {period} for server {report.guild_id}"
    share = report.answered_share or 0.0
    lines = [
        f"server {report.guild_id}, last {period}: {counted(report.total, 'question')}, "
        f"{report.answered} answered ({share:.0%}), {report.total - report.answered} unanswered",
        "",
    ]
    if report.unanswered_groups:
        lines.append("Most asked, not answered:")
        lines.append(f"  {'times':>5}  question")
        lines.extend(f"  {group.count:>5}  {group.example}" for group in report.unanswered_groups)
    else:
        lines.append("Every question was answered.")
    lines.append("")
    if report.most_downvoted:
        lines.append("Most 👎 answers:")
        lines.append(f"  {'down':>4}  {'up':>4}  {'document':<24}  question")
        lines.extend(
            f"  {item.down:>4}  {item.up:>4}  {(item.doc_id or '-'):<24}  {item.question}"
            for item in report.most_downvoted
        )
    else:
        lines.append("No answer got a 👎.")
    lines.append("")
    lines.append("Per day (UTC):")
    lines.append(f"  {'day':<10}  {'answered':>8}  {'unanswered':>10}")
    lines.extend(f"  {day.day.isoformat():<10}  {day.answered:>8}  {day.unanswered:>10}" for day in report.per_day)
    return "\n".join(lines)
