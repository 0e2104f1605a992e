"""Auto-answer against the fake Discord server: forum posts, questions in a text channel, and the intent.

The settings live in the real SQLite database of the bot's data folder; what the bot logs is read back from it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fake_discord import CommandUnavailable, FakeChannel, FakeDiscord, FakeUser, SentMessage
from test_end_to_end import DOCUMENTS, button_ids, embed_of, environment, running_bot

from bot.client import Quotebot
from bot.cogs.autoanswer import NEEDS_INTENT, forum_question, sure_enough, thread_name
from bot.settings import Settings, load_settings
from index.answers import Answer
from insights.answer_log import LoggedQuestion

EPHEMERAL = 1 << 6
SURE_QUESTION = "How many ships did the lighthouse keeper count entering the harbour at dawn?"
UNANSWERABLE = "What is the capital of Mongolia?"
CHATTER = "lol that was a great match yesterday"


@pytest.fixture
def corpus(make_corpus) -> Path:
    return make_corpus(DOCUMENTS)


def settings_for(server: FakeDiscord, corpus: Path, tmp_path: Path, *, content: bool, **extra: str) -> Settings:
    return load_settings(
        environment(
            server, corpus, tmp_path / "index", QUOTEBOT_MESSAGE_CONTENT="true" if content else "false", **extra
        )
    )


async def command_text(server: FakeDiscord, name: str, options: dict[str, Any], user: FakeUser) -> str:
    """Run a moderator command and return what the (ephemeral) reply says."""
    interaction = await server.send_slash_command(name, options, user=user)
    message = await interaction.wait_message(timeout=10)
    assert message["flags"] & EPHEMERAL, message
    return str(message.get("content") or embed_of(message)["description"])


async def logged(bot: Quotebot, count: int) -> list[LoggedQuestion]:
    """The bot's first `count` log entries, once there are that many (each write happens after a reply)."""
    answer_log = bot.answer_log
    assert answer_log is not None
    found: list[LoggedQuestion] = []
    for _ in range(200):
        found = [entry for entry in [await answer_log.answer(i) for i in range(1, count + 1)] if entry is not None]
        if len(found) == count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"the log holds {len(found)} entries, not {count}: {found}")


def replies_to(server: FakeDiscord, message: SentMessage) -> list[dict[str, Any]]:
    """The bot's messages that reply to `message` (not merely posted after it)."""
    return [
        sent
        for sent in server.bot_messages(message.channel_id)
        if (sent.get("message_reference") or {}).get("message_id") == str(message.id)
    ]


def bot_messages_in(server: FakeDiscord, channel: FakeChannel | int) -> list[dict[str, Any]]:
    channel_id = channel.id if isinstance(channel, FakeChannel) else channel
    return server.bot_messages(channel_id)


@pytest.mark.asyncio
async def test_a_forum_post_is_answered_in_its_thread_from_its_title_and_first_message(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    forum = server.add_channel("help", forum=True)
    async with running_bot(settings_for(server, corpus, tmp_path, content=True), server) as bot:
        await server.wait_commands_synced()
        said = await command_text(server, "autoanswer set", {"channel": forum, "mode": "questions"}, server.moderator)
        assert "every new post, in its thread" in said and "Message Content" not in said

        thread, _ = await server.create_forum_post(forum.id, "Ships at dawn", "How many ships did the keeper count?")
        answer = await server.wait_bot_message(thread.id, timeout=10)
        embed = embed_of(answer)
        assert "**The lighthouse keeper counted seven ships entering the harbour at dawn.**" in embed["description"]
        assert embed["footer"]["text"].startswith("Question: Ships at dawn How many ships did the keeper count?")
        assert {"👍", "👎"} <= set(button_ids(answer))
        entry = (await logged(bot, 1))[0]
        assert (entry.source, entry.outcome, entry.channel_id) == ("forum", "answered", thread.id)

        # A post it can't answer gets no reply at all (but is logged, for /gaps).
        silent, _ = await server.create_forum_post(forum.id, "Mongolia", UNANSWERABLE)
        await logged(bot, 2)
        assert bot_messages_in(server, silent) == []
    assert not server.rejected_requests and not server.unknown_requests


@pytest.mark.asyncio
async def test_without_the_intent_a_forum_post_is_answered_from_its_title_alone(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    forum = server.add_channel("help", forum=True)
    async with running_bot(settings_for(server, corpus, tmp_path, content=False), server):
        await server.wait_commands_synced()
        said = await command_text(server, "autoanswer set", {"channel": forum, "mode": "questions"}, server.owner)
        assert "from its title: no Message Content intent" in said

        thread, starter = await server.create_forum_post(
            forum.id, "How many ships did the lighthouse keeper count at dawn?", "The body says bakery sourdough."
        )
        assert starter.delivered
        embed = embed_of(await server.wait_bot_message(thread.id, timeout=10))
        assert "seven ships" in embed["description"]
        # The question was the title: the body wasn't read (Discord sends it empty without the intent).
        assert "sourdough" not in embed["footer"]["text"] and "bakery" not in embed["footer"]["text"]
    assert server.intents is not None and not server.intents & (1 << 15)


@pytest.mark.asyncio
async def test_a_text_channel_in_questions_mode_answers_what_it_is_sure_of_and_nothing_else(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    async with running_bot(settings_for(server, corpus, tmp_path, content=True), server) as bot:
        await server.wait_commands_synced()
        channel = server.channels[server.channel_id]
        said = await command_text(server, "autoanswer set", {"channel": channel, "mode": "questions"}, server.moderator)
        assert "questions, as replies" in said

        chatter = await server.send_message(CHATTER)
        unanswerable = await server.send_message(UNANSWERABLE)
        sure = await server.send_message(SURE_QUESTION)
        reply = await sure.wait_reply(timeout=10)
        assert (
            "**The lighthouse keeper counted seven ships entering the harbour at dawn.**"
            in embed_of(reply)["description"]
        )
        entries = await logged(bot, 2)  # the refusal is logged as a gap, the chatter isn't logged at all
        assert sorted((entry.question, entry.outcome) for entry in entries) == sorted(
            [(UNANSWERABLE, "not-covered"), (SURE_QUESTION, "answered")]
        )
        assert replies_to(server, chatter) == [] and replies_to(server, unanswerable) == []
        # Mentions are still answered by the mentions cog, once.
        mention = await server.send_mention("What did the baker sell?")
        await mention.wait_reply(timeout=10)
        await asyncio.sleep(0.3)
        assert len(replies_to(server, mention)) == 1

        listing = await command_text(server, "autoanswer list", {}, server.moderator)
        assert f"<#{channel.id}>: questions, as replies" in listing
        off = await command_text(server, "autoanswer set", {"channel": channel, "mode": "off"}, server.moderator)
        assert "no longer answer" in off
        quiet = await server.send_message("How many ships did the lighthouse keeper count?")
        await asyncio.sleep(0.5)
        assert quiet.replies == []
    assert not server.rejected_requests and not server.unknown_requests


@pytest.mark.asyncio
async def test_thread_mode_answers_in_a_new_thread_on_the_question(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    async with running_bot(settings_for(server, corpus, tmp_path, content=True), server):
        await server.wait_commands_synced()
        channel = server.channels[server.channel_id]
        said = await command_text(
            server, "autoanswer set", {"channel": channel, "mode": "questions", "thread": True}, server.moderator
        )
        assert "questions, in a new thread" in said
        assert "Create Public Threads" in said  # the fake's bot role doesn't have it: the moderator is told
        question = await server.send_message(SURE_QUESTION)
        threads = await server.wait_for(
            lambda: server.threads(channel.id) or None, timeout=10, description="a thread on the question"
        )
        assert threads[0].id == question.id and threads[0].name == SURE_QUESTION[:100]
        answer = await server.wait_bot_message(threads[0].id, timeout=10)
        assert "seven ships" in embed_of(answer)["description"]
        assert replies_to(server, question) == []


@pytest.mark.asyncio
async def test_a_text_channel_is_refused_without_the_intent_and_nothing_is_stored(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    async with running_bot(settings_for(server, corpus, tmp_path, content=False), server) as bot:
        await server.wait_commands_synced()
        channel = server.channels[server.channel_id]
        said = await command_text(server, "autoanswer set", {"channel": channel, "mode": "questions"}, server.owner)
        assert said == NEEDS_INTENT
        assert bot.answer_log is not None and await bot.answer_log.autoanswer_channels(server.guild_id) == []
        listing = await command_text(server, "autoanswer list", {}, server.owner)
        assert "no channel is set" in listing
        # Everything that worked without the intent still does.
        mention = await server.send_mention("What did the baker sell?")
        assert "sourdough" in embed_of(await mention.wait_reply(timeout=10))["description"]


@pytest.mark.asyncio
async def test_members_can_neither_see_nor_use_autoanswer_and_gaps(
    server: FakeDiscord, corpus: Path, tmp_path: Path
) -> None:
    async with running_bot(settings_for(server, corpus, tmp_path, content=True), server):
        synced = {command["name"]: command for command in await server.wait_commands_synced()}
        manage_guild = str(1 << 5)
        assert str(synced["autoanswer"]["default_member_permissions"]) == manage_guild
        assert str(synced["gaps"]["default_member_permissions"]) == manage_guild
        channel = server.channels[server.channel_id]
        # Even where a server admin lets them see the commands, they are refused when they run.
        for name, options in [
            ("autoanswer set", {"channel": channel, "mode": "questions"}),
            ("autoanswer list", {}),
            ("gaps", {}),
        ]:
            refusal = await command_text(server, name, options, server.member)
            assert refusal.startswith("Only moderators can do that"), (name, refusal)
        server.strict_commands = True
        with pytest.raises(CommandUnavailable):
            await server.send_slash_command("gaps", {}, user=server.member)


def test_forum_question_and_thread_name() -> None:
    assert forum_question("  Ships \n at dawn ", "  How many?  ") == "Ships at dawn\nHow many?"
    assert forum_question("Ships at dawn", "   ") == "Ships at dawn"
    assert len(forum_question("t", "x" * 5000)) == 1000
    assert thread_name("a\nb  c") == "a b c"
    long = thread_name("word " * 60)
    assert len(long) == 100 and long.endswith("…")


def test_sure_enough_needs_an_answer_and_the_auto_confidence() -> None:
    def answer(found: bool, confidence: float) -> Answer:
        return Answer("q?", found, "answered" if found else "not-covered", confidence, ())

    assert sure_enough(answer(True, 0.7), 0.6)
    assert sure_enough(answer(True, 0.6), 0.6)
    assert not sure_enough(answer(True, 0.59), 0.6)
    assert not sure_enough(answer(False, 0.9), 0.6)
