"""Self-test of the fake Discord server: a tiny, real discord.py client defined here runs against it."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands
from fake_discord import CallbackType, FakeDiscord, point_discord_at, run_client

TOPICS = ["python", "pytest", "discord", "bm25"]
NO_PINGS = {"parse": []}


class MoreView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="More", custom_id="more", style=discord.ButtonStyle.primary)
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button[MoreView]) -> None:
        await interaction.response.edit_message(content="More text.", view=None)


class TinyBot(discord.Client):
    """Slash commands, an autocomplete, a context menu, a button, mention / reply / DM answers."""

    def __init__(self, sync_guild_id: int | None = None) -> None:
        super().__init__(
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.1,
        )
        self.tree = app_commands.CommandTree(self)
        self.sync_guild_id = sync_guild_id
        self.seen: list[discord.Message] = []
        self.resumed = asyncio.Event()
        self.response_message_ids: list[int | None] = []
        self._register()

    def _register(self) -> None:
        tree = self.tree

        @tree.command(name="ask", description="Ask a question")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            response = await interaction.response.send_message(f"You asked: {question}", view=MoreView())
            self.response_message_ids.append(response.message_id)

        @tree.command(name="slow", description="Deferred, then a follow-up")
        async def slow(interaction: discord.Interaction, question: str) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.05)
            await interaction.followup.send(f"Slow answer: {question}")

        @tree.command(name="edit", description="Deferred, then an edit of the original")
        async def edit(interaction: discord.Interaction) -> None:
            await interaction.response.defer()
            await interaction.edit_original_response(content="Edited answer.")

        @tree.command(name="topic", description="Pick a topic")
        async def topic(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"Topic: {name}", ephemeral=True)

        @topic.autocomplete("name")
        async def topic_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t, value=t) for t in TOPICS if current.lower() in t]

        @tree.context_menu(name="Quote this")
        async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"Quoted: {message.content}")

    async def setup_hook(self) -> None:
        if self.sync_guild_id is None:
            await self.tree.sync()
        else:
            guild = discord.Object(id=self.sync_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        pass  # discord.py sleeps 5 s before every IDENTIFY but the first

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def on_message(self, message: discord.Message) -> None:
        if message.author == self.user:
            return
        self.seen.append(message)
        assert self.user is not None
        if message.guild is None:
            await message.channel.send(f"DM reply: {message.content}")
            return
        if self.user not in message.mentions:
            return
        question = message.content.replace(self.user.mention, "").strip()
        async with message.channel.typing():
            if message.reference is not None and message.reference.message_id is not None:
                earlier = await message.channel.fetch_message(message.reference.message_id)
                await message.reply(f"Follow-up on {earlier.content!r}: {question}")
            else:
                await message.reply(f"Answer: {question}")


@contextlib.asynccontextmanager
async def running(sync_to_guild: bool = False) -> AsyncIterator[tuple[FakeDiscord, TinyBot]]:
    async with FakeDiscord() as server:
        bot = TinyBot(server.guild_id if sync_to_guild else None)
        async with run_client(bot, server):
            yield server, bot


def assert_no_pings(server: FakeDiscord) -> None:
    """Every request that posts or edits a message said allowed_mentions {"parse": []}."""
    bodies = [r for r in server.message_requests() if r.message_body is not None]
    assert bodies
    for request in bodies:
        assert request.message_body is not None
        assert request.message_body.get("allowed_mentions") == NO_PINGS, request


@pytest.mark.asyncio
async def test_login_sync_and_ready() -> None:
    async with running() as (server, bot):
        routes = [r.route for r in server.requests]
        assert routes[:3] == ["get_me", "get_application", "put_global_commands"]
        synced = {c["name"]: c for c in await server.wait_commands_synced()}
        assert {"ask", "slow", "edit", "topic", "Quote this"} <= set(synced)
        assert synced["Quote this"]["type"] == 3
        assert server.unknown_requests == []

        (connection,) = server.gateway_connections
        assert connection.path == "/"
        assert connection.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
        assert connection.compressor is not None  # the client decompressed zlib-stream frames
        assert connection.identify is not None and connection.identify["token"] == server.token
        assert server.intents == discord.Intents.default().value
        assert connection.heartbeats >= 1

        await asyncio.wait_for(bot.wait_until_ready(), 5)
        assert bot.user is not None and bot.user.id == server.bot_user.id
        assert bot.application_id == server.application_id
        guild = bot.get_guild(server.guild_id)
        assert guild is not None and guild.me is not None
        channel = guild.get_channel(server.channel_id)
        assert isinstance(channel, discord.TextChannel)
        moderator_role = guild.get_role(server.moderator_role.id)
        assert moderator_role is not None and moderator_role.permissions.manage_messages
    assert bot.is_closed()


@pytest.mark.asyncio
async def test_point_discord_at_restores_the_globals() -> None:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord() as server:
        with point_discord_at(server):
            assert server.api_base == discord.http.Route.BASE
            assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == server.gateway_url
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


@pytest.mark.asyncio
async def test_slash_command_round_trip_and_button() -> None:
    async with running() as (server, bot):
        interaction = await server.send_slash_command("ask", {"question": "why?"})
        callback = await interaction.wait_response()
        assert callback.type == CallbackType.CHANNEL_MESSAGE
        assert callback.request.query == {"with_response": "1"}
        assert callback.message is not None and callback.content == "You asked: why?"
        # discord.py parsed the {"interaction", "resource"} answer (exact application/json content type).
        await server.until(lambda: bool(bot.response_message_ids), timeout=5, description="the command to finish")
        assert bot.response_message_ids == [int(callback.message["id"])]
        await server.wait_view_stored(bot, callback.message)
        assert callback.message["interaction_metadata"]["user"]["id"] == str(server.member.id)
        custom_ids = [c["custom_id"] for row in callback.message["components"] for c in row["components"]]
        assert custom_ids == ["more"]

        press = await server.click_button(callback.message, "more", user=server.moderator)
        pressed = await press.wait_response()
        assert pressed.type == CallbackType.UPDATE_MESSAGE
        assert pressed.message is not None and pressed.message["content"] == "More text."
        assert pressed.message["components"] == []
        assert server.messages[int(callback.message["id"])]["content"] == "More text."
        assert_no_pings(server)


@pytest.mark.asyncio
async def test_guild_synced_command_carries_the_guild_id() -> None:
    async with running(sync_to_guild=True) as (server, _bot):
        synced = await server.wait_commands_synced(server.guild_id)
        assert "ask" in {c["name"] for c in synced}
        interaction = await server.send_slash_command("ask", {"question": "guild?"}, user=server.owner)
        assert interaction.payload["data"]["guild_id"] == str(server.guild_id)
        assert interaction.payload["member"]["permissions"] == str(discord.Permissions.all().value)
        assert (await interaction.wait_message())["content"] == "You asked: guild?"


@pytest.mark.asyncio
async def test_deferred_response_then_follow_up() -> None:
    async with running() as (server, _bot):
        interaction = await server.send_slash_command("slow", {"question": "later?"})
        callback = await interaction.wait_response()
        assert callback.type == CallbackType.DEFERRED_CHANNEL_MESSAGE
        assert callback.message is not None and callback.message["flags"] & 128  # loading
        follow_up = await interaction.wait_followup()
        assert follow_up["content"] == "Slow answer: later?"
        # The first follow-up after a deferral fills in the loading message.
        assert follow_up["id"] == callback.message["id"]
        assert not follow_up["flags"] & 128
        assert await interaction.wait_message() == follow_up
        assert_no_pings(server)


@pytest.mark.asyncio
async def test_deferred_response_then_edit_original() -> None:
    async with running() as (server, _bot):
        interaction = await server.send_slash_command("edit")
        assert (await interaction.wait_response()).type == CallbackType.DEFERRED_CHANNEL_MESSAGE
        edited = await interaction.wait_edit()
        assert edited["content"] == "Edited answer."
        assert interaction.original_message is not None
        assert interaction.original_message["content"] == "Edited answer."
        assert server.requests_for("edit_webhook_message")[0].path.endswith("/messages/@original")


@pytest.mark.asyncio
async def test_autocomplete_choices() -> None:
    async with running() as (server, _bot):
        interaction = await server.send_autocomplete("topic", {"name": "py"}, focused="name")
        choices = await interaction.wait_choices()
        assert choices == [{"name": "python", "value": "python"}, {"name": "pytest", "value": "pytest"}]


@pytest.mark.asyncio
async def test_message_context_menu() -> None:
    async with running() as (server, _bot):
        sent = await server.send_message("a quotable line", author=server.owner)
        interaction = await server.send_message_command("Quote this", sent)
        assert interaction.payload["data"]["target_id"] == str(sent.id)
        assert (await interaction.wait_message())["content"] == "Quoted: a quotable line"


@pytest.mark.asyncio
async def test_mention_gets_a_reply_and_plain_messages_have_no_content() -> None:
    async with running() as (server, bot):
        plain = await server.send_message("no mention here")
        mention = await server.send_mention("what is bm25?")
        reply = await mention.wait_reply()
        assert reply["content"] == "Answer: what is bm25?"
        assert reply["message_reference"]["message_id"] == str(mention.id)
        assert reply["type"] == 19
        # Default intents: no message_content, so Discord blanks messages that do not mention the bot.
        by_id = {m.id: m for m in bot.seen}
        assert by_id[plain.id].content == ""
        assert by_id[mention.id].content == f"{server.bot_mention} what is bm25?"
        assert server.requests_for("trigger_typing")[0].status == 204
        await asyncio.sleep(0.1)  # the echoed MESSAGE_CREATE of the reply must not make the bot answer itself
        assert len(server.bot_messages()) == 1
        assert_no_pings(server)


@pytest.mark.asyncio
async def test_reply_to_a_bot_answer() -> None:
    async with running() as (server, _bot):
        answer = await (await server.send_mention("first?")).wait_reply()
        follow_up = await server.send_reply("and then?", answer)
        assert follow_up.payload["referenced_message"]["id"] == answer["id"]
        reply = await follow_up.wait_reply()
        assert reply["content"] == "Follow-up on 'Answer: first?': and then?"
        assert server.requests_for("get_message")[0].status == 200


@pytest.mark.asyncio
async def test_dm_reply() -> None:
    async with running() as (server, _bot):
        sent = await server.send_dm("hello there", author=server.moderator)
        assert "guild_id" not in sent.payload
        reply = await sent.wait_reply()
        assert reply["content"] == "DM reply: hello there"
        assert int(reply["channel_id"]) == server.dm_channel_for(server.moderator).id
        assert_no_pings(server)


@pytest.mark.asyncio
async def test_dropped_connection_resumes_and_replays_missed_events() -> None:
    async with running() as (server, bot):
        connection = await server.drop_connection(code=4000)
        assert connection is not None and connection.resumed
        assert connection.path == "/resume"  # the client used resume_gateway_url from READY
        await asyncio.wait_for(bot.resumed.wait(), 5)
        interaction = await server.send_slash_command("ask", {"question": "still there?"})
        assert (await interaction.wait_message())["content"] == "You asked: still there?"

        # An event sent while the client is away is replayed on RESUME.
        await server.drop_connection(abrupt=True, wait=False)
        missed = await server.send_slash_command("ask", {"question": "missed?"})
        assert (await missed.wait_message())["content"] == "You asked: missed?"
        assert server.resume_count == 2 and server.identify_count == 1


@pytest.mark.asyncio
async def test_rejections_and_unknown_routes_are_recorded() -> None:
    async with running() as (server, bot):
        channel = bot.get_channel(server.channel_id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as too_long:
            await channel.send("x" * 2001)
        assert too_long.value.code == 50035
        assert server.rejected_requests[-1].route == "create_message"
        with pytest.raises(discord.NotFound):
            await bot.fetch_guild(server.guild_id)
        assert [r.path for r in server.unknown_requests] == [f"/guilds/{server.guild_id}"]


@pytest.mark.asyncio
async def test_op7_reconnect_and_op9_invalid_session() -> None:
    async with running() as (server, _bot):
        resumed = await server.request_reconnect()
        assert resumed is not None and resumed.resumed
        identified = await server.invalidate_session(resumable=False)
        assert identified is not None and identified.identify is not None and not identified.resumed
        assert server.identify_count == 2
        interaction = await server.send_slash_command("ask", {"question": "new session?"})
        assert (await interaction.wait_message())["content"] == "You asked: new session?"


@pytest.mark.asyncio
async def test_files_are_captured_and_served() -> None:
    async with running() as (server, bot):
        channel = bot.get_channel(server.channel_id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("with a file", file=discord.File(io.BytesIO(b"quote me"), "q.txt"))
        (request,) = server.requests_for("create_message")
        assert request.json["content"] == "with a file" and request.files[0].content == b"quote me"
        assert await sent.attachments[0].read() == b"quote me"
        upload = server.add_attachment("notes.txt", b"user notes")
        user_message = await server.send_dm("see attached", attachments=[upload])
        assert (await user_message.wait_reply())["content"] == "DM reply: see attached"
        assert await bot.seen[-1].attachments[0].read() == b"user notes"
