"""Votes, /gaps and the log's retention against the fake Discord server, with the bot's real SQLite database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_discord import FakeDiscord, FakeUser
from test_end_to_end import DOCUMENTS, ask, button_ids, embed_of, environment, running_bot

from bot.buttons import HELPFUL, UNHELPFUL
from bot.cogs.gaps import LOG_OFF
from bot.replies import MORE_PASSAGES
from bot.settings import Settings, load_settings
from insights.answer_log import AnswerLog
from knowledge.database import open_database

EPHEMERAL = 1 << 6
ANSWERED = "How many ships did the lighthouse keeper count in the harbour?"


@pytest.fixture
def corpus(make_corpus) -> Path:
    return make_corpus(DOCUMENTS)


def settings_for(server: FakeDiscord, corpus: Path, tmp_path: Path, **extra: str) -> Settings:
    return load_settings(environment(server, corpus, tmp_path / "index", **extra))


async def click(server: FakeDiscord, message: dict[str, Any], label: str, user: FakeUser) -> dict[str, Any]:
    """Press one of the answer's buttons; the (ephemeral) message the user sees."""
    interaction = await server.click_button(message, button_ids(message)[label], user=user)
    return await interaction.wait_message(timeout=10)


@pytest.mark.asyncio
async def test_votes_one_per_user_changeable_stored_with_the_answer_and_after_a_restart(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    settings = settings_for(server, corpus, tmp_path)
    async with running_bot(settings, server) as bot:
        await server.wait_commands_synced()
        answer = await ask(server, ANSWERED, user=server.member)
        assert {MORE_PASSAGES, HELPFUL, UNHELPFUL} <= set(button_ids(answer))

        up = await click(server, answer, HELPFUL, server.moderator)
        assert up["flags"] & EPHEMERAL and up["content"] == "Thanks, noted: this answer helped. (👍 1 · 👎 0)"
        changed = await click(server, answer, UNHELPFUL, server.moderator)
        assert changed["content"] == "Thanks, noted: this answer didn't help. (👍 0 · 👎 1)"
        # The asker's 👎 also offers the next passage, privately.
        offered = await click(server, answer, UNHELPFUL, server.member)
        assert offered["flags"] & EPHEMERAL
        assert offered["content"].startswith("Thanks, noted: this answer didn't help. (👍 0 · 👎 2)")
        assert embed_of(offered)["description"] != embed_of(answer)["description"]

        answer_log = bot.answer_log
        assert answer_log is not None
        answer_id = int(button_ids(answer)[HELPFUL].split(":")[2])
        logged = await answer_log.answer(answer_id)
        assert logged is not None and logged.question == ANSWERED and logged.outcome == "answered"
        assert logged.quote is not None and "seven ships" in logged.quote and logged.confidence > 0
        assert (await answer_log.tally(answer_id)).down == 2

    async with running_bot(settings, server):
        again = await click(server, answer, HELPFUL, server.member)  # the member changes their mind
        assert again["content"] == "Thanks, noted: this answer helped. (👍 1 · 👎 1)"
    assert not server.rejected_requests and not server.unknown_requests


@pytest.mark.asyncio
async def test_gaps_groups_unanswered_questions_and_shows_the_downvoted_answers(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    async with running_bot(settings_for(server, corpus, tmp_path), server):
        await server.wait_commands_synced()
        answered = await ask(server, ANSWERED)
        await ask(server, "What did the baker sell?")
        for question in [
            "What is the capital of Mongolia?",
            "what's the capital city of mongolia",
            "Who painted the Mona Lisa?",
        ]:
            assert "seven ships" not in embed_of(await ask(server, question))["description"]
        await click(server, answered, UNHELPFUL, server.moderator)

        interaction = await server.send_slash_command("gaps", {"days": 7}, user=server.moderator)
        report = await interaction.wait_message(timeout=10)
        assert report["flags"] & EPHEMERAL
        embed = embed_of(report)
        assert embed["description"] == "5 questions in the last 7 days: **2 answered (40%)**, 3 not answered."
        fields = {field["name"]: field["value"] for field in embed["fields"]}
        unanswered = fields["Most asked, not answered"].splitlines()
        assert len(unanswered) == 2
        assert unanswered[0].startswith("• 2× ") and "ongolia" in unanswered[0]
        assert unanswered[1] == "• 1× Who painted the Mona Lisa?"
        assert fields["Most 👎 answers"].startswith(f"• 👎 1 · 👍 0: {ANSWERED}")
        chart = fields["Per day (UTC): answered █, not answered ░"]
        today = datetime.now(UTC)
        assert f"{today:%m-%d} " in chart and chart.rstrip("`\n").endswith("  2   3")


@pytest.mark.asyncio
async def test_with_the_log_off_nothing_is_stored_and_gaps_says_it_has_no_data(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    async with running_bot(settings_for(server, corpus, tmp_path, QUOTEBOT_LOG_QUESTIONS="false"), server) as bot:
        await server.wait_commands_synced()
        answer = await ask(server, ANSWERED)
        assert MORE_PASSAGES in button_ids(answer) and HELPFUL not in button_ids(answer)
        interaction = await server.send_slash_command("gaps", {}, user=server.owner)
        said = embed_of(await interaction.wait_message(timeout=10))
        assert said["description"] == LOG_OFF
        assert bot.answer_log is not None and await bot.answer_log.answer(1) is None


@pytest.mark.asyncio
async def test_the_bot_deletes_entries_older_than_the_retention_and_nothing_newer(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    settings = settings_for(server, corpus, tmp_path, QUOTEBOT_LOG_RETENTION_DAYS="30")
    database = await open_database(settings.resolved_database_url)
    try:
        seeded = AnswerLog(database)
        now = datetime.now(UTC)
        entries = {}
        for age_days in (45, 31, 29, 1):
            entries[age_days] = await seeded.record(
                guild_id=server.guild_id,
                channel_id=server.channel_id,
                question=f"asked {age_days} days ago?",
                outcome="not-covered",
                confidence=0.0,
                source="slash",
                asked_at=now - timedelta(days=age_days),
            )
    finally:
        await database.close()

    async with running_bot(settings, server) as bot:
        answer_log = bot.answer_log
        assert answer_log is not None
        for _ in range(200):
            if await answer_log.answer(entries[31]) is None:
                break
            await asyncio.sleep(0.05)
        remaining = {age: await answer_log.answer(entry_id) is not None for age, entry_id in entries.items()}
    assert remaining == {45: False, 31: False, 29: True, 1: True}
