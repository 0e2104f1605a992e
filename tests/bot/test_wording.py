"""Counts and times as the bot and the command line word them, whatever the index file said."""

from __future__ import annotations

import datetime

import pytest

from bot.replies import sources_reply
from bot.wording import counted, moment
from index.passage_index import build_index


def test_counted() -> None:
    """One passage, two passages; irregular plurals when given."""
    assert [counted(1, "passage"), counted(0, "passage"), counted(2, "passage")] == [
        "1 passage",
        "0 passages",
        "2 passages",
    ]
    assert counted(3, "index", "indexes") == "3 indexes"


@pytest.mark.parametrize("timestamp", [float("nan"), float("inf"), 1e300, -1.0])
def test_moment_of_no_time_is_none(timestamp: float) -> None:
    """NaN, infinity, 1e300 and negative times are no moment, instead of an exception."""
    assert moment(timestamp) is None


def test_moment_of_a_real_time() -> None:
    assert moment(0.0) == datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize("built_at", [float("nan"), 1e300])
def test_sources_with_an_impossible_build_time(make_corpus, built_at: float, builtin_analyzer) -> None:
    """/sources says the last refresh is unknown rather than failing, and words one passage as one."""
    index = build_index(make_corpus({"a.txt": "Alpha is the first letter."}), analyzer=builtin_analyzer)
    index.built_at = built_at
    reply = sources_reply(index)
    assert reply.title == "1 document, 1 passage"
    assert reply.fields[0].value == "unknown"
