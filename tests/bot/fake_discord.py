"""A fake Discord (REST API + gateway) on 127.0.0.1 for end-to-end tests of a real, unmodified discord.py client.

Usage::

    async with FakeDiscord() as server, run_client(client, server):
        interaction = await server.send_slash_command("ask", {"question": "why?"})
        callback = await interaction.wait_response()

`run_client` points discord.py at the server (see `point_discord_at`), starts the client and waits for READY.
A bot that reads its own settings can be pointed at `server.api_base` and `server.gateway_url` instead.

What the server does, as discord.py 2.7 expects it:

* REST under ``/api/v10``: every request is captured in `FakeDiscord.requests`; an unknown route answers
  404 JSON and is also listed in `FakeDiscord.unknown_requests`. JSON answers carry a Content-Type of exactly
  ``application/json`` (discord.py does not parse a body with a charset suffix as JSON).
* Gateway on the same port: HELLO, heartbeat ACKs, IDENTIFY -> READY + GUILD_CREATE, RESUME -> replay of the
  missed events + RESUMED. Frames are zlib-stream compressed when the client asks for it, like Discord does.
* Messages: everything posted (bot messages, interaction responses, follow-ups, user messages sent by the
  test) is stored in `FakeDiscord.messages` with a snowflake id, so it can be replied to, fetched, or have its
  buttons pressed later. Bot messages are echoed back as MESSAGE_CREATE / MESSAGE_UPDATE like Discord does.
* Without the MESSAGE_CONTENT intent, user messages arrive with empty content unless they are DMs, mention the
  bot, or are the bot's own - again like Discord, on the gateway and over REST.
* Forums and threads: `add_channel(name, forum=True)` makes a forum; `create_forum_post` sends THREAD_CREATE
  (newly created) and the post's first message, whose id is the thread's; a bot can start a thread on a
  message (POST .../messages/{id}/threads), and its messages in a thread are stored like any others.
* Message bodies are checked against Discord's main limits (empty message, 2000 characters of content, embed
  sizes, components); a violation answers 400 "Invalid Form Body" and is listed in `rejected_requests`.
* Interactions must be answered within `interaction_deadline` seconds (3 on Discord), at most once; after a
  deferred response (type 5) the first follow-up fills in the loading message, as on Discord.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import secrets
import socket
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

import aiohttp
import discord
import yarl
from aiohttp import web

__all__ = [
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "BOT_PERMISSIONS",
    "DEFAULT_MEMBER_PERMISSIONS",
    "MODERATOR_PERMISSIONS",
    "CallbackType",
    "CapturedFile",
    "CapturedRequest",
    "CommandUnavailable",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordTimeout",
    "FakeInteraction",
    "FakeRole",
    "FakeUser",
    "GatewayConnection",
    "InteractionCallback",
    "SentMessage",
    "point_discord_at",
    "run_client",
]

T = TypeVar("T")
JSON = dict[str, Any]

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000
DEFAULT_TIMEOUT = 5.0

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = discord.Permissions.all().value
DEFAULT_MEMBER_PERMISSIONS = (
    (1 << 0)  # create instant invite
    | (1 << 6)  # add reactions
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 18)  # use external emojis
    | (1 << 31)  # use application commands
    | (1 << 38)  # send messages in threads
)
MODERATOR_PERMISSIONS = (
    DEFAULT_MEMBER_PERMISSIONS
    | (1 << 1)  # kick members
    | (1 << 5)  # manage guild
    | (1 << 13)  # manage messages
    | (1 << 40)  # moderate members
)
BOT_PERMISSIONS = DEFAULT_MEMBER_PERMISSIONS | (1 << 13)  # + manage messages

# Gateway intents that matter to message delivery.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15

# Message flags.
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7

# Interaction types.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5


class CallbackType:
    """Interaction callback types (the `type` of a POST /interactions/{id}/{token}/callback body)."""

    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


class FakeDiscordTimeout(AssertionError):
    """A wait on the fake server ran out of time; the message says what was awaited and what did happen."""


class CommandUnavailable(LookupError):
    """With `strict_commands`, the test tried to use a command Discord would not offer to that user there."""


# --------------------------------------------------------------------------------------------------------------
# Snowflakes and small helpers
# --------------------------------------------------------------------------------------------------------------


class SnowflakeGenerator:
    """Increasing, realistic snowflakes (timestamp in the high bits), unique within the process."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        now = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (1 << 17)
        self._last = max(now, self._last + 1)
        return self._last


def now_iso() -> str:
    """The current time in Discord's ISO 8601 form."""
    return datetime.now(UTC).isoformat()


def _json_response(data: Any, status: int = 200) -> web.Response:
    # body= (not text=) so aiohttp adds no "; charset=utf-8": discord.py only parses exactly application/json.
    return web.Response(body=json.dumps(data).encode("utf-8"), status=status, content_type="application/json")


def _error_response(status: int, code: int, message: str, errors: JSON | None = None) -> web.Response:
    body: JSON = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return _json_response(body, status)


def _no_content() -> web.Response:
    return web.Response(status=204)


def _walk_components(components: Sequence[Any]) -> Iterator[JSON]:
    """Every component dict in a (possibly nested, components v2) component tree."""
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        for key in ("components", "items"):
            children = component.get(key)
            if isinstance(children, list):
                yield from _walk_components(children)
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from _walk_components([child])


# --------------------------------------------------------------------------------------------------------------
# Payload builders (plain functions, shapes as in discord.py's `discord.types`)
# --------------------------------------------------------------------------------------------------------------


def user_payload(user_id: int, username: str, *, bot: bool = False, global_name: str | None = None) -> JSON:
    """A user object."""
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": global_name,
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }


def member_payload(
    user: JSON | None,
    role_ids: Sequence[int],
    *,
    joined_at: str,
    nick: str | None = None,
    permissions: int | None = None,
) -> JSON:
    """A guild member object (`user` None: the partial member of MESSAGE_CREATE; `permissions`: interactions)."""
    data: JSON = {
        "roles": [str(role_id) for role_id in role_ids],
        "joined_at": joined_at,
        "nick": nick,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if user is not None:
        data["user"] = user
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def role_payload(
    role_id: int, name: str, permissions: int, *, position: int = 0, managed: bool = False, tags: JSON | None = None
) -> JSON:
    """A role object."""
    data: JSON = {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": managed,
        "mentionable": False,
        "flags": 0,
    }
    if tags is not None:
        data["tags"] = tags
    return data


def text_channel_payload(
    channel_id: int, guild_id: int, name: str, *, position: int = 0, topic: str | None = None
) -> JSON:
    """A guild text channel object (type 0)."""
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "topic": topic,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "flags": 0,
    }


def forum_channel_payload(channel_id: int, guild_id: int, name: str, *, position: int = 0) -> JSON:
    """A guild forum channel object (type 15): its posts are threads."""
    return {
        **text_channel_payload(channel_id, guild_id, name, position=position),
        "type": 15,
        "available_tags": [],
        "default_reaction_emoji": None,
        "default_thread_rate_limit_per_user": 0,
        "default_sort_order": None,
        "default_forum_layout": 0,
    }


def thread_channel_payload(
    channel_id: int, guild_id: int, parent_id: int, owner_id: int, name: str, *, message_count: int = 0
) -> JSON:
    """A public thread object (type 11): a forum post, or a thread started from a message."""
    return {
        "id": str(channel_id),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": message_count,
        "member_count": 1,
        "total_message_sent": message_count,
        "flags": 0,
        "applied_tags": [],
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": now_iso(),
            "locked": False,
            "create_timestamp": now_iso(),
        },
    }


def dm_channel_payload(channel_id: int, recipient: JSON) -> JSON:
    """A DM channel object (type 1)."""
    return {"id": str(channel_id), "type": 1, "last_message_id": None, "recipients": [recipient], "flags": 0}


def attachment_payload(
    attachment_id: int, filename: str, size: int, url: str, *, content_type: str | None = None
) -> JSON:
    """An attachment object."""
    data: JSON = {
        "id": str(attachment_id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "ephemeral": False,
    }
    if content_type is not None:
        data["content_type"] = content_type
    return data


def message_payload(
    message_id: int,
    channel_id: int,
    author: JSON,
    content: str,
    *,
    guild_id: int | None = None,
    member: JSON | None = None,
    message_type: int = 0,
    mentions: Sequence[JSON] = (),
    mention_roles: Sequence[int] = (),
    embeds: Sequence[JSON] = (),
    attachments: Sequence[JSON] = (),
    components: Sequence[JSON] = (),
    flags: int = 0,
    tts: bool = False,
    message_reference: JSON | None = None,
    referenced_message: JSON | None = None,
    interaction_metadata: JSON | None = None,
    webhook_id: int | None = None,
    application_id: int | None = None,
    timestamp: str | None = None,
) -> JSON:
    """A message object, as in MESSAGE_CREATE (with `guild_id`/`member` in a guild) or a REST answer."""
    data: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": timestamp or now_iso(),
        "edited_timestamp": None,
        "tts": tts,
        "mention_everyone": False,
        "mentions": list(mentions),
        "mention_roles": [str(role_id) for role_id in mention_roles],
        "attachments": list(attachments),
        "embeds": list(embeds),
        "components": list(components),
        "reactions": [],
        "pinned": False,
        "type": message_type,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if member is not None:
        data["member"] = member
    if message_reference is not None:
        data["message_reference"] = message_reference
        data["referenced_message"] = referenced_message
    if interaction_metadata is not None:
        data["interaction_metadata"] = interaction_metadata
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    return data


def application_payload(application_id: int, name: str, owner: JSON, bot: JSON) -> JSON:
    """The application object of GET /oauth2/applications/@me."""
    return {
        "id": str(application_id),
        "name": name,
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "bot": bot,
        "owner": owner,
        "team": None,
        "verify_key": "0" * 64,
        "flags": 1 << 23,  # GATEWAY_MESSAGE_CONTENT_LIMITED: the message content intent is not approved
        "interactions_endpoint_url": None,
        "redirect_uris": [],
        "approximate_guild_count": 1,
        "integration_types_config": {"0": {}},
    }


def option_payload(name: str, option_type: int, value: Any = None, *, focused: bool = False) -> JSON:
    """One `data.options` entry of an application command interaction."""
    data: JSON = {"name": name, "type": option_type}
    if option_type in (1, 2):
        data["options"] = value if value is not None else []
    else:
        data["value"] = value
    if focused:
        data["focused"] = True
    return data


# --------------------------------------------------------------------------------------------------------------
# Model of the fake guild
# --------------------------------------------------------------------------------------------------------------


@dataclass
class FakeUser:
    """A user known to the server; `role_ids` are this user's roles in the guild (besides @everyone)."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    def payload(self) -> JSON:
        return user_payload(self.id, self.username, bot=self.bot, global_name=self.global_name)

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    """A guild role."""

    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False
    tags: JSON | None = None

    def payload(self) -> JSON:
        return role_payload(
            self.id, self.name, self.permissions, position=self.position, managed=self.managed, tags=self.tags
        )


@dataclass
class FakeChannel:
    """A guild text channel (type 0), a DM channel (type 1, with `recipient`), a forum (type 15) or a thread
    (type 11, with `parent_id` and `owner_id`)."""

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    recipient: FakeUser | None = None
    position: int = 0
    parent_id: int | None = None
    owner_id: int | None = None

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    def payload(self) -> JSON:
        if self.type == 1:
            assert self.recipient is not None
            return dm_channel_payload(self.id, self.recipient.payload())
        assert self.guild_id is not None
        if self.type == 15:
            return forum_channel_payload(self.id, self.guild_id, self.name or "help", position=self.position)
        if self.is_thread:
            assert self.parent_id is not None and self.owner_id is not None
            return thread_channel_payload(self.id, self.guild_id, self.parent_id, self.owner_id, self.name or "thread")
        return text_channel_payload(self.id, self.guild_id, self.name or "general", position=self.position)


@dataclass
class FakeAttachment:
    """A file the server hosts at `url`, for user messages and attachment options (`Attachment.read()` works)."""

    id: int
    filename: str
    content: bytes
    content_type: str | None
    url: str

    def payload(self) -> JSON:
        return attachment_payload(self.id, self.filename, len(self.content), self.url, content_type=self.content_type)


# --------------------------------------------------------------------------------------------------------------
# Captured traffic
# --------------------------------------------------------------------------------------------------------------


@dataclass
class CapturedFile:
    """A file part of a multipart request."""

    field_name: str
    filename: str | None
    content_type: str | None
    content: bytes


# Routes whose JSON body is a message (created or edited), for `CapturedRequest.message_body`.
_MESSAGE_BODY_ROUTES = frozenset(
    {"create_message", "edit_message", "create_followup", "edit_webhook_message", "create_dm_message"}
)


@dataclass
class CapturedRequest:
    """One REST request the client made. `path` is relative to /api/v10; `json` is the body (or `payload_json`)."""

    index: int
    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    files: list[CapturedFile] = field(default_factory=list)
    route: str = "unknown"
    status: int | None = None
    response: Any = None

    @property
    def message_body(self) -> JSON | None:
        """The message part of a request that creates or edits a message (for an interaction callback: `data`)."""
        if not isinstance(self.json, dict):
            return None
        if self.route == "interaction_callback":
            if self.json.get("type") in (CallbackType.CHANNEL_MESSAGE, CallbackType.UPDATE_MESSAGE):
                data = self.json.get("data")
                return data if isinstance(data, dict) else {}
            return None
        if self.route in _MESSAGE_BODY_ROUTES:
            return self.json
        return None

    @property
    def creates_message(self) -> bool:
        """True for requests that post a new message (channel message, response type 4, follow-up)."""
        if self.route == "interaction_callback":
            return isinstance(self.json, dict) and self.json.get("type") == CallbackType.CHANNEL_MESSAGE
        return self.route in ("create_message", "create_followup")

    def __repr__(self) -> str:
        query = "?" + "&".join(f"{k}={v}" for k, v in self.query.items()) if self.query else ""
        return f"<{self.method} {self.path}{query} route={self.route} status={self.status}>"


CAPTURED_KEY = web.RequestKey("captured", CapturedRequest)


@dataclass
class GatewayConnection:
    """One websocket connection of the client to the gateway."""

    path: str
    query: dict[str, str]
    ws: web.WebSocketResponse
    request: web.Request
    compressor: Any = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    identify: JSON | None = None
    resume: JSON | None = None
    ready: bool = False
    heartbeats: int = 0
    received: list[JSON] = field(default_factory=list)
    close_code: int | None = None

    @property
    def resumed(self) -> bool:
        return self.resume is not None and self.ready


@dataclass
class InteractionCallback:
    """The bot's answer to an interaction: callback `type`, its `data`, and the message it created or updated."""

    type: int
    data: JSON | None
    request: CapturedRequest
    message: JSON | None = None

    @property
    def content(self) -> str | None:
        return None if self.message is None else self.message.get("content")

    @property
    def choices(self) -> list[JSON]:
        return list((self.data or {}).get("choices", []))


# --------------------------------------------------------------------------------------------------------------
# Handles returned to tests
# --------------------------------------------------------------------------------------------------------------


class FakeInteraction:
    """An interaction the server sent; collects and awaits the bot's callback, follow-ups and edits."""

    def __init__(self, server: FakeDiscord, payload: JSON, *, source_message_id: int | None = None) -> None:
        self.server = server
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.created_at = time.monotonic()
        self.callback: InteractionCallback | None = None
        self.original_message_id: int | None = source_message_id
        self.source_message_id = source_message_id
        self._followups: list[tuple[int, JSON]] = []  # (order, snapshot)
        self._edits: list[tuple[int, JSON]] = []  # (order, snapshot of @original after a PATCH)
        self.original_deleted = False
        self.deferred_loading = False  # a type 5 response whose loading message is not yet filled in

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel"]["id"])

    @property
    def followups(self) -> list[JSON]:
        """Snapshots of the follow-up messages, in order (after a deferral the first is the filled-in original)."""
        return [message for _, message in self._followups]

    @property
    def edits(self) -> list[JSON]:
        """Snapshots of the @original message after each edit (PATCH .../messages/@original), in order."""
        return [message for _, message in self._edits]

    @property
    def original_message(self) -> JSON | None:
        """The current state of the @original message (None before a callback that creates one, or once deleted)."""
        if self.original_message_id is None or self.callback is None:
            return None
        return self.server.messages.get(self.original_message_id)

    async def wait_response(self, timeout: float = DEFAULT_TIMEOUT) -> InteractionCallback:
        """The callback (initial response) the bot posted for this interaction."""
        return await self.server.wait_for(lambda: self.callback, timeout=timeout, description=f"a callback to {self}")

    async def wait_choices(self, timeout: float = DEFAULT_TIMEOUT) -> list[JSON]:
        """The autocomplete choices (callback type 8) the bot answered with."""
        callback = await self.wait_response(timeout)
        if callback.type != CallbackType.AUTOCOMPLETE_RESULT:
            raise AssertionError(f"expected an autocomplete result (type 8), got callback type {callback.type}")
        return callback.choices

    async def wait_followup(self, index: int = 0, timeout: float = DEFAULT_TIMEOUT) -> JSON:
        """The `index`-th follow-up message (0 = first; after a deferral it is the filled-in loading message)."""

        def check() -> JSON | None:
            return self.followups[index] if len(self.followups) > index else None

        return await self.server.wait_for(check, timeout=timeout, description=f"follow-up #{index} of {self}")

    async def wait_edit(self, index: int = 0, timeout: float = DEFAULT_TIMEOUT) -> JSON:
        """The @original message after its `index`-th edit (PATCH .../messages/@original)."""

        def check() -> JSON | None:
            return self.edits[index] if len(self.edits) > index else None

        return await self.server.wait_for(check, timeout=timeout, description=f"edit #{index} of @original of {self}")

    async def wait_message(self, timeout: float = DEFAULT_TIMEOUT) -> JSON:
        """The first message the user gets to see, however the bot answered.

        A type 4 or 7 callback gives its message; after a deferral (5 or 6) it is the first edit of @original or
        the first follow-up, whichever came first.
        """
        started = time.monotonic()
        callback = await self.wait_response(timeout)
        if callback.type in (CallbackType.CHANNEL_MESSAGE, CallbackType.UPDATE_MESSAGE):
            assert callback.message is not None
            return callback.message
        if callback.type not in (CallbackType.DEFERRED_CHANNEL_MESSAGE, CallbackType.DEFERRED_UPDATE_MESSAGE):
            raise AssertionError(f"callback type {callback.type} does not lead to a message")
        remaining = max(0.0, timeout - (time.monotonic() - started))

        def check() -> JSON | None:
            firsts = self._edits[:1] + self._followups[:1]
            return min(firsts, key=lambda pair: pair[0])[1] if firsts else None

        return await self.server.wait_for(check, timeout=remaining, description=f"a message answering {self}")

    def __repr__(self) -> str:
        name = (self.payload.get("data") or {}).get("name") or (self.payload.get("data") or {}).get("custom_id")
        return f"<FakeInteraction id={self.id} type={self.type} name={name!r}>"


@dataclass
class SentMessage:
    """A user message the server dispatched as MESSAGE_CREATE (`delivered` is False if intents filtered it out)."""

    server: FakeDiscord
    payload: JSON
    delivered: bool
    order: int

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def replies(self) -> list[JSON]:
        """Messages the bot posted in this channel since this message was sent."""
        return self.server.bot_messages(self.channel_id, after=self.order)

    async def wait_reply(self, timeout: float = DEFAULT_TIMEOUT) -> JSON:
        """The first message the bot posts in this channel after this one (POST /channels/{id}/messages)."""
        if not self.delivered:
            raise AssertionError(f"message {self.id} was never delivered to the client (its intents exclude it)")

        def check() -> JSON | None:
            replies = self.replies
            return replies[0] if replies else None

        return await self.server.wait_for(check, timeout=timeout, description=f"a bot reply to message {self.id}")


# --------------------------------------------------------------------------------------------------------------
# Message body validation (Discord's main limits)
# --------------------------------------------------------------------------------------------------------------


def _limit_error(errors: JSON, path: Sequence[str | int], code: str, message: str) -> None:
    node = errors
    for key in path:
        node = node.setdefault(str(key), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def validate_message_body(body: JSON, *, files: int = 0, require_content: bool = True) -> JSON:
    """The "errors" object Discord would answer for this message body, empty if it is valid."""
    errors: JSON = {}
    content = body.get("content")
    if isinstance(content, str) and len(content) > 2000:
        _limit_error(errors, ["content"], "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        _limit_error(errors, ["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    limits = {"title": 256, "description": 4096}
    for i, embed in enumerate(embeds):
        for key, limit in limits.items():
            text = embed.get(key) or ""
            total += len(text)
            if len(text) > limit:
                _limit_error(errors, ["embeds", i, key], "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        total += len(footer) + len(author)
        if len(footer) > 2048:
            _limit_error(errors, ["embeds", i, "footer", "text"], "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer.")
        if len(author) > 256:
            _limit_error(errors, ["embeds", i, "author", "name"], "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer.")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            _limit_error(errors, ["embeds", i, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, embed_field in enumerate(fields):
            name, value = embed_field.get("name") or "", embed_field.get("value") or ""
            total += len(name) + len(value)
            if not name or len(name) > 256:
                _limit_error(errors, ["embeds", i, "fields", j, "name"], "BASE_TYPE_BAD_LENGTH", "Must be 1-256.")
            if not value or len(value) > 1024:
                _limit_error(errors, ["embeds", i, "fields", j, "value"], "BASE_TYPE_BAD_LENGTH", "Must be 1-1024.")
    if total > 6000:
        _limit_error(errors, ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    components = body.get("components") or []
    is_v2 = bool((body.get("flags") or 0) & (1 << 15))
    if not is_v2 and len(components) > 5:
        _limit_error(errors, ["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for component in _walk_components(components):
        custom_id = component.get("custom_id")
        if custom_id is not None and not 1 <= len(custom_id) <= 100:
            _limit_error(errors, ["components"], "BASE_TYPE_BAD_LENGTH", "custom_id must be 1-100 in length.")
        label = component.get("label")
        if component.get("type") == 2 and label is not None and len(label) > 80:
            _limit_error(errors, ["components"], "BASE_TYPE_MAX_LENGTH", "label must be 80 or fewer in length.")
        if component.get("type") == 1 and len(component.get("components") or []) > 5:
            _limit_error(errors, ["components"], "BASE_TYPE_MAX_LENGTH", "An action row holds 5 or fewer.")
    if require_content and not (
        content or embeds or components or files or body.get("sticker_ids") or body.get("poll")
    ):
        errors["_empty"] = True
    return errors


def validate_choices(choices: Any) -> JSON:
    """Errors for an autocomplete result: at most 25 choices, names 1-100 characters, string values up to 100."""
    errors: JSON = {}
    if not isinstance(choices, list):
        _limit_error(errors, ["choices"], "BASE_TYPE_REQUIRED", "This field is required")
        return errors
    if len(choices) > 25:
        _limit_error(errors, ["choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= 100:
            _limit_error(errors, ["choices", i, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        value = choice.get("value")
        if isinstance(value, str) and len(value) > 100:
            _limit_error(errors, ["choices", i, "value"], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    return errors


# --------------------------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------------------------


class FakeDiscord:
    """A fake Discord REST API and gateway on one random port of 127.0.0.1 (`async with FakeDiscord() as server`).

    It knows a bot user (`bot_user`, "quotebot"), an application (`application_id`), one guild (`guild_id`) with
    one text channel (`channel_id`), an @everyone role (id = guild id), a "Moderator" role (`moderator_role`),
    a bot role, and three users: `owner` (the guild owner), `member` (no extra role) and `moderator`.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "quotebot",
        guild_name: str = "Quotebot Test Guild",
        channel_name: str = "general",
        heartbeat_interval_ms: int = 41_250,
        interaction_deadline: float | None = 3.0,
        attachment_size_limit: int = 10 * 1024 * 1024,
        compress_gateway: bool = True,
        echo_bot_messages: bool = True,
        validate_messages: bool = True,
        strict_commands: bool = False,
    ) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        self.attachment_size_limit = attachment_size_limit
        self.compress_gateway = compress_gateway
        self.echo_bot_messages = echo_bot_messages
        self.validate_messages = validate_messages
        self.strict_commands = strict_commands
        self.snowflake = SnowflakeGenerator()

        # The world.
        self.bot_user = FakeUser(self.snowflake(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.guild_id = self.snowflake()
        self.guild_name = guild_name
        self.roles: dict[int, FakeRole] = {}
        self.everyone_role = self._new_role("@everyone", DEFAULT_MEMBER_PERMISSIONS, role_id=self.guild_id)
        self.moderator_role = self._new_role("Moderator", MODERATOR_PERMISSIONS, position=1)
        self.bot_role = self._new_role(
            bot_name, BOT_PERMISSIONS, position=2, managed=True, tags={"bot_id": str(self.bot_user.id)}
        )
        self.bot_user.role_ids.append(self.bot_role.id)
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user}
        self.owner = self.add_member("owner", global_name="Guild Owner")
        self.member = self.add_member("member", global_name="Plain Member")
        self.moderator = self.add_member("moderator", role_ids=[self.moderator_role.id], global_name="Moderator")
        self.channels: dict[int, FakeChannel] = {}
        self.channel_id = self.snowflake()
        self.channels[self.channel_id] = FakeChannel(self.channel_id, 0, channel_name, guild_id=self.guild_id)
        self._dm_channels: dict[int, FakeChannel] = {}
        self.attachments: dict[int, FakeAttachment] = {}

        # Traffic and state.
        self.requests: list[CapturedRequest] = []
        self.unknown_requests: list[CapturedRequest] = []
        self.rejected_requests: list[CapturedRequest] = []
        self.messages: dict[int, JSON] = {}
        self.commands: dict[int | None, list[JSON]] = {}  # by guild id, None = global
        self.interactions: dict[str, FakeInteraction] = {}  # by token
        self.gateway_connections: list[GatewayConnection] = []
        self.dispatched: list[JSON] = []  # every dispatch frame, in sequence order (with "s", "t", "d")
        self.filtered_events: list[JSON] = []  # events Discord would not have delivered for the client's intents
        self.identify_count = 0
        self.resume_count = 0
        self.intents: int | None = None
        self.session_id: str | None = None
        self._seq = 0
        self._live: GatewayConnection | None = None
        self._dispatch_lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._order = itertools.count(1)
        self._bot_message_orders: list[tuple[int, int]] = []  # (order, message id) of messages the bot posted
        self._unregistered_ids: dict[str, int] = {}

        self._runner: web.AppRunner | None = None
        self._socket: socket.socket | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Start listening on a free port of 127.0.0.1."""
        app = web.Application(middlewares=[self._capture_middleware], client_max_size=64 * 1024 * 1024)
        self._add_routes(app.router)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        await web.SockSite(self._runner, self._socket).start()

    async def close(self) -> None:
        """Close every gateway connection and stop the server."""
        self._live = None
        for connection in self.gateway_connections:
            if not connection.ws.closed:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.ws.close(code=1001, message=b"server shutdown"), 2.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """The value for `discord.http.Route.BASE` (DISCORD_API_BASE)."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The value for `DiscordWebSocket.DEFAULT_GATEWAY` (DISCORD_GATEWAY_URL)."""
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def resume_gateway_url(self) -> str:
        """Sent in READY; a distinct path so tests can see that a RESUME really used it."""
        return f"ws://127.0.0.1:{self.port}/resume"

    @property
    def bot_mention(self) -> str:
        return self.bot_user.mention

    # ---- the world -------------------------------------------------------------------------------------------

    def _new_role(
        self,
        name: str,
        permissions: int,
        *,
        role_id: int | None = None,
        position: int = 0,
        managed: bool = False,
        tags: JSON | None = None,
    ) -> FakeRole:
        role = FakeRole(role_id or self.snowflake(), name, permissions, position, managed, tags)
        self.roles[role.id] = role
        return role

    async def add_role(self, name: str, permissions: int = DEFAULT_MEMBER_PERMISSIONS) -> FakeRole:
        """A new guild role; dispatched as GUILD_ROLE_CREATE if the client is connected."""
        role = self._new_role(name, permissions, position=len(self.roles))
        if self.session_id is not None:
            await self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(self.guild_id), "role": role.payload()})
        return role

    def add_member(
        self,
        username: str,
        *,
        role_ids: Sequence[int] = (),
        bot: bool = False,
        global_name: str | None = None,
        nick: str | None = None,
    ) -> FakeUser:
        """A new guild member (not dispatched: GUILD_MEMBER_ADD needs the privileged members intent)."""
        user = FakeUser(self.snowflake(), username, bot=bot, global_name=global_name, nick=nick)
        user.role_ids.extend(role_ids)
        self.users[user.id] = user
        return user

    def add_attachment(self, filename: str, content: bytes, content_type: str | None = "text/plain") -> FakeAttachment:
        """A file hosted by the server, to attach to a user message or pass as an attachment option."""
        attachment_id = self.snowflake()
        url = f"{self.base_url}/attachments/{self.channel_id}/{attachment_id}/{filename}"
        attachment = FakeAttachment(attachment_id, filename, content, content_type, url)
        self.attachments[attachment_id] = attachment
        return attachment

    def add_channel(self, name: str, *, forum: bool = False) -> FakeChannel:
        """Another text channel, or a forum channel; call it before the client connects (it is in GUILD_CREATE)."""
        channel = FakeChannel(
            self.snowflake(), 15 if forum else 0, name, guild_id=self.guild_id, position=len(self.channels)
        )
        self.channels[channel.id] = channel
        return channel

    def threads(self, parent_id: int | None = None) -> list[FakeChannel]:
        """The threads of the guild (of one channel or forum, with `parent_id`), oldest first."""
        return [c for c in self.channels.values() if c.is_thread and (parent_id is None or c.parent_id == parent_id)]

    def permissions_for(self, user: FakeUser) -> int:
        """The user's permissions in the guild (and its channels: there are no overwrites)."""
        if user.id == self.owner.id:
            return ALL_PERMISSIONS
        value = self.everyone_role.permissions
        for role_id in user.role_ids:
            role = self.roles.get(role_id)
            if role is not None:
                value |= role.permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def member_payload_for(self, user: FakeUser, *, with_user: bool = True, permissions: bool = False) -> JSON:
        """The member object of `user` (with `permissions` as in interactions, if asked)."""
        return member_payload(
            user.payload() if with_user else None,
            user.role_ids,
            joined_at=user.joined_at,
            nick=user.nick,
            permissions=self.permissions_for(user) if permissions else None,
        )

    def dm_channel_for(self, user: FakeUser) -> FakeChannel:
        """The DM channel between the bot and `user` (created on first use)."""
        channel = self._dm_channels.get(user.id)
        if channel is None:
            channel = FakeChannel(self.snowflake(), 1, recipient=user)
            self._dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def guild_payload(self) -> JSON:
        """The GUILD_CREATE payload: channels, roles, members (the bot, owner, member, moderator and added ones)."""
        members = [self.member_payload_for(user) for user in self.users.values()]
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": str(self.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "joined_at": self.bot_user.joined_at,
            "large": False,
            "unavailable": False,
            "member_count": len(members),
            "voice_states": [],
            "members": members,
            "channels": [
                c.payload() for c in self.channels.values() if c.guild_id == self.guild_id and not c.is_thread
            ],
            "threads": [c.payload() for c in self.threads()],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "incidents_data": None,
        }

    def ready_payload(self) -> JSON:
        assert self.session_id is not None
        return {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": self.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": str(self.application_id), "flags": 1 << 23},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "_trace": ["fake-discord"],
        }

    # ---- waiting ---------------------------------------------------------------------------------------------

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_for(self, check: Callable[[], T | None], *, timeout: float, description: str) -> T:
        """Wait until `check()` returns something other than None (checked after every server event)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise FakeDiscordTimeout(f"timed out after {timeout:.1f}s waiting for {description}\n{self.summary()}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def until(self, check: Callable[[], bool], *, timeout: float, description: str) -> None:
        """Poll `check()` until it is true: for the client's own state, which no server event announces.

        A client acts on a REST response after the server has sent it (discord.py stores a message's
        view once its POST returns), so a test that acts on the message next must wait for that.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not check():
            if loop.time() >= deadline:
                raise FakeDiscordTimeout(f"timed out after {timeout:.1f}s waiting for {description}\n{self.summary()}")
            await asyncio.sleep(0.005)

    async def wait_view_stored(self, client: discord.Client, message: JSON, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until `client` has stored the view of `message`, so that a click on its buttons reaches a callback."""
        message_id = int(message["id"])
        view_store = client._connection._view_store  # discord.py keeps no public accessor for message views
        await self.until(
            lambda: view_store.is_message_tracked(message_id),
            timeout=timeout,
            description=f"the client to store the view of message {message_id}",
        )

    def summary(self, last: int = 15) -> str:
        """What happened lately, for failure messages."""
        lines = [f"last {min(last, len(self.requests))} of {len(self.requests)} REST requests:"]
        lines += [f"  {r!r}" for r in self.requests[-last:]]
        if self.unknown_requests:
            lines.append(f"unknown routes: {self.unknown_requests!r}")
        if self.rejected_requests:
            lines.append(f"rejected: {[(r, r.response) for r in self.rejected_requests]!r}")
        lines.append(
            f"gateway: {len(self.gateway_connections)} connection(s), identify={self.identify_count}, "
            f"resume={self.resume_count}, live={self._live is not None}, seq={self._seq}"
        )
        return "\n".join(lines)

    async def wait_ready(self, timeout: float = DEFAULT_TIMEOUT) -> GatewayConnection:
        """Wait until a client has identified (or resumed) and got READY + GUILD_CREATE (or RESUMED)."""

        def check() -> GatewayConnection | None:
            live = self._live
            return live if live is not None and live.ready and not live.ws.closed else None

        return await self.wait_for(check, timeout=timeout, description="a client to identify and get READY")

    async def wait_for_request(
        self,
        route: str | None = None,
        *,
        method: str | None = None,
        path: str | re.Pattern[str] | None = None,
        after: int = 0,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> CapturedRequest:
        """The first captured request (with index > `after`) matching route name, method and path."""

        def check() -> CapturedRequest | None:
            matches = [r for r in self.requests_for(route, method=method, path=path) if r.index > after]
            return matches[0] if matches and matches[0].status is not None else None

        return await self.wait_for(check, timeout=timeout, description=f"a request route={route} {method} {path}")

    def requests_for(
        self, route: str | None = None, *, method: str | None = None, path: str | re.Pattern[str] | None = None
    ) -> list[CapturedRequest]:
        """Captured requests by route name (e.g. "create_message", "interaction_callback"), method and path."""
        found = []
        for r in self.requests:
            if route is not None and r.route != route:
                continue
            if method is not None and r.method != method.upper():
                continue
            if isinstance(path, str) and r.path != path:
                continue
            if isinstance(path, re.Pattern) and not path.fullmatch(r.path):
                continue
            found.append(r)
        return found

    def message_requests(self, *, include_edits: bool = True) -> list[CapturedRequest]:
        """Requests whose body is a message: channel messages, responses of type 4/7, follow-ups (and edits)."""
        return [
            r
            for r in self.requests
            if r.message_body is not None and (include_edits or r.creates_message) and r.method != "GET"
        ]

    async def wait_commands_synced(self, guild_id: int | None = None, timeout: float = DEFAULT_TIMEOUT) -> list[JSON]:
        """The commands of the first bulk overwrite (PUT) for the guild (or global commands with None)."""
        route = "put_global_commands" if guild_id is None else "put_guild_commands"
        request = await self.wait_for_request(route, timeout=timeout)
        return list(request.response or [])

    def bot_messages(self, channel_id: int | None = None, *, after: int = 0) -> list[JSON]:
        """Current state of the messages the bot posted in `channel_id` (any channel if None) via the channel API."""
        found = []
        for order, message_id in self._bot_message_orders:
            message = self.messages.get(message_id)
            if order <= after or message is None:
                continue
            if channel_id is None or int(message["channel_id"]) == channel_id:
                found.append(message)
        return found

    async def wait_bot_message(
        self, channel_id: int | None = None, *, after: int = 0, timeout: float = DEFAULT_TIMEOUT
    ) -> JSON:
        """The first message the bot posts via POST /channels/{id}/messages (after the given order)."""

        def check() -> JSON | None:
            found = self.bot_messages(channel_id, after=after)
            return found[0] if found else None

        return await self.wait_for(check, timeout=timeout, description=f"a bot message in channel {channel_id}")

    def mark(self) -> int:
        """A marker for "from now on": pass as `after=` to `bot_messages` / `wait_bot_message`."""
        return next(self._order)

    # ---- gateway ---------------------------------------------------------------------------------------------

    async def _send_frame(self, connection: GatewayConnection, frame: str) -> None:
        async with connection.lock:
            if connection.ws.closed:
                return
            try:
                if connection.compressor is not None:
                    data = connection.compressor.compress(frame.encode("utf-8"))
                    data += connection.compressor.flush(zlib.Z_SYNC_FLUSH)
                    await connection.ws.send_bytes(data)
                else:
                    await connection.ws.send_str(frame)
            except (ConnectionError, RuntimeError, aiohttp.ClientError):
                pass  # dropped: a dispatch stays in the history and is replayed on RESUME

    async def _send_op(self, connection: GatewayConnection, op: int, data: Any) -> None:
        await self._send_frame(connection, json.dumps({"op": op, "d": data, "s": None, "t": None}))

    async def dispatch(self, event: str, data: JSON) -> int:
        """Send a dispatch (op 0) with the next sequence number; returns it.

        With no live connection the event is only kept, and replayed when the client resumes (like Discord).
        """
        async with self._dispatch_lock:
            return await self._dispatch_locked(event, data)

    async def _dispatch_locked(self, event: str, data: JSON) -> int:
        self._seq += 1
        frame = {"op": 0, "t": event, "s": self._seq, "d": data}
        self.dispatched.append(frame)
        live = self._live
        if live is not None:
            await self._send_frame(live, json.dumps(frame))
        return self._seq

    async def _dispatch_message_event(self, event: str, message: JSON) -> bool:
        """MESSAGE_CREATE / MESSAGE_UPDATE as Discord would deliver it for the client's intents."""
        intents = self.intents if self.intents is not None else -1
        needed = INTENT_GUILD_MESSAGES if "guild_id" in message else INTENT_DIRECT_MESSAGES
        if not intents & needed:
            self.filtered_events.append({"t": event, "d": message, "reason": f"intent {needed} not requested"})
            self._notify()
            return False
        await self.dispatch(event, self._redact(message, intents))
        return True

    def _redact(self, message: JSON, intents: int) -> JSON:
        """Without MESSAGE_CONTENT, Discord empties content of messages that are not DMs, mentions or the bot's."""
        message = self._public(message)
        if intents & INTENT_MESSAGE_CONTENT:
            return message
        if "guild_id" not in message or int(message["author"]["id"]) == self.bot_user.id:
            return message
        if any(int(u["id"]) == self.bot_user.id for u in message.get("mentions", [])):
            return message
        message.update(content="", embeds=[], attachments=[], components=[])
        message.pop("poll", None)
        return message

    @staticmethod
    def _public(message: JSON) -> JSON:
        """A deep copy without the server's bookkeeping keys."""
        data = copy.deepcopy(message)
        for key in [k for k in data if k.startswith("_fake")]:
            del data[key]
        referenced = data.get("referenced_message")
        if isinstance(referenced, dict):
            for key in [k for k in referenced if k.startswith("_fake")]:
                del referenced[key]
        return data

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        query = dict(request.query)
        connection = GatewayConnection(request.path, query, ws, request)
        if self.compress_gateway and query.get("compress") == "zlib-stream":
            connection.compressor = zlib.compressobj()
        self.gateway_connections.append(connection)
        self._notify()
        await self._send_op(connection, 10, {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake"]})
        try:
            async for msg in ws:
                if msg.type is aiohttp.WSMsgType.TEXT:
                    await self._on_gateway_message(connection, json.loads(msg.data))
                elif msg.type is aiohttp.WSMsgType.ERROR:
                    break
        finally:
            connection.close_code = ws.close_code
            if self._live is connection:
                self._live = None
            self._notify()
        return ws

    async def _on_gateway_message(self, connection: GatewayConnection, message: JSON) -> None:
        connection.received.append(message)
        op, data = message.get("op"), message.get("d")
        if op == 1:  # HEARTBEAT
            connection.heartbeats += 1
            await self._send_op(connection, 11, None)
        elif op == 2:  # IDENTIFY
            await self._identify(connection, data)
        elif op == 6:  # RESUME
            await self._resume(connection, data)
        self._notify()

    async def _identify(self, connection: GatewayConnection, data: JSON) -> None:
        connection.identify = data
        if data.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        old = self._live
        if old is not None and old is not connection:
            self._live = None
            with contextlib.suppress(Exception):
                await old.ws.close(code=4000)
        async with self._dispatch_lock:
            self.intents = int(data.get("intents", 0))
            self.session_id = secrets.token_hex(16)
            self._seq = 0
            self.dispatched.clear()
            self._live = connection
            await self._dispatch_locked("READY", self.ready_payload())
            await self._dispatch_locked("GUILD_CREATE", self.guild_payload())
            connection.ready = True
        self.identify_count += 1

    async def _resume(self, connection: GatewayConnection, data: JSON) -> None:
        connection.resume = data
        if data.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        if self.session_id is None or data.get("session_id") != self.session_id:
            await self._send_op(connection, 9, False)  # invalid session, not resumable: the client identifies
            return
        last_seq = data.get("seq") or 0
        async with self._dispatch_lock:
            self._live = connection
            for frame in self.dispatched:
                if frame["s"] > last_seq:
                    await self._send_frame(connection, json.dumps(frame))
            await self._dispatch_locked("RESUMED", {"_trace": ["fake-discord"]})
            connection.ready = True
        self.resume_count += 1

    async def drop_connection(
        self, code: int = 4000, *, abrupt: bool = False, wait: bool = True, timeout: float = DEFAULT_TIMEOUT
    ) -> GatewayConnection | None:
        """Close the live gateway connection (close `code`, or with `abrupt` the TCP socket without a close frame).

        The client reconnects and RESUMEs; with `wait` this returns the new, ready connection.
        """
        connection = self._live
        if connection is None:
            raise AssertionError("no live gateway connection to drop")
        resumes, identifies = self.resume_count, self.identify_count
        self._live = None
        if abrupt:
            transport = connection.request.transport
            if transport is not None:
                transport.abort()
        else:
            await asyncio.wait_for(connection.ws.close(code=code, message=b"fake drop"), timeout)
        if not wait:
            return None

        def check() -> GatewayConnection | None:
            if self.resume_count > resumes or self.identify_count > identifies:
                return self._live
            return None

        return await self.wait_for(check, timeout=timeout, description="the client to reconnect after a drop")

    async def request_reconnect(
        self, *, wait: bool = True, timeout: float = DEFAULT_TIMEOUT
    ) -> GatewayConnection | None:
        """Send op 7 RECONNECT: the client closes and resumes."""
        connection = self._live
        if connection is None:
            raise AssertionError("no live gateway connection")
        resumes = self.resume_count
        self._live = None
        await self._send_op(connection, 7, None)
        if not wait:
            return None
        return await self.wait_for(
            lambda: self._live if self.resume_count > resumes else None,
            timeout=timeout,
            description="the client to resume after op 7",
        )

    async def invalidate_session(
        self, *, resumable: bool = False, wait: bool = True, timeout: float = DEFAULT_TIMEOUT
    ) -> GatewayConnection | None:
        """Send op 9 INVALID_SESSION; with `resumable=False` the client identifies again (new READY)."""
        connection = self._live
        if connection is None:
            raise AssertionError("no live gateway connection")
        resumes, identifies = self.resume_count, self.identify_count
        self._live = None
        if not resumable:
            self.session_id = None
        await self._send_op(connection, 9, resumable)
        if not wait:
            return None
        return await self.wait_for(
            lambda: self._live if (self.resume_count > resumes or self.identify_count > identifies) else None,
            timeout=timeout,
            description="the client to reconnect after op 9",
        )

    # ---- user messages ---------------------------------------------------------------------------------------

    def _mentions_in(self, content: str) -> tuple[list[FakeUser], list[int]]:
        users = []
        for match in re.finditer(r"<@!?(\d+)>", content):
            user = self.users.get(int(match.group(1)))
            if user is not None and user not in users:
                users.append(user)
        roles = [int(m.group(1)) for m in re.finditer(r"<@&(\d+)>", content) if int(m.group(1)) in self.roles]
        return users, roles

    def _mention_payload(self, user: FakeUser, guild: bool) -> JSON:
        data = user.payload()
        if guild:
            data["member"] = self.member_payload_for(user, with_user=False)
        return data

    def _resolve_message(self, message: JSON | SentMessage | int) -> JSON:
        if isinstance(message, SentMessage):
            message_id = message.id
        elif isinstance(message, dict):
            message_id = int(message["id"])
        else:
            message_id = message
        try:
            return self.messages[message_id]
        except KeyError:
            raise LookupError(f"the server has no message {message_id}") from None

    def _store(self, message: JSON) -> JSON:
        message["_fake_order"] = next(self._order)
        self.messages[int(message["id"])] = message
        return message

    async def send_message(
        self,
        content: str,
        *,
        author: FakeUser | None = None,
        channel_id: int | None = None,
        dm: bool = False,
        reply_to: JSON | SentMessage | int | None = None,
        mention_author: bool = True,
        attachments: Sequence[FakeAttachment] = (),
    ) -> SentMessage:
        """A user message (MESSAGE_CREATE). `<@id>` in `content` become mentions; `dm` sends it in the author's DM.

        `reply_to` makes it a reply (message_reference + referenced_message); with `mention_author` (Discord's
        default) the replied-to author is mentioned, so a reply to the bot reaches it with content.
        """
        author = author or self.member
        channel = self.dm_channel_for(author) if dm else self.channels[channel_id or self.channel_id]
        guild = channel.guild_id is not None
        users, roles = self._mentions_in(content)
        reference = referenced = None
        message_type = 0
        if reply_to is not None:
            referenced = self._resolve_message(reply_to)
            message_type = 19
            reference = {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced["channel_id"],
                "fail_if_not_exists": False,
            }
            if guild:
                reference["guild_id"] = str(self.guild_id)
            replied_author = self.users.get(int(referenced["author"]["id"]))
            if mention_author and replied_author is not None and replied_author not in users:
                users.append(replied_author)
        message = message_payload(
            self.snowflake(),
            channel.id,
            author.payload(),
            content,
            guild_id=self.guild_id if guild else None,
            member=self.member_payload_for(author, with_user=False) if guild else None,
            message_type=message_type,
            mentions=[self._mention_payload(u, guild) for u in users],
            mention_roles=roles,
            attachments=[a.payload() for a in attachments],
            message_reference=reference,
            referenced_message=self._public(referenced) if referenced is not None else None,
        )
        self._store(message)
        order = message["_fake_order"]
        delivered = await self._dispatch_message_event("MESSAGE_CREATE", message)
        return SentMessage(self, message, delivered, order)

    async def create_forum_post(
        self, forum_id: int, title: str, content: str, *, author: FakeUser | None = None
    ) -> tuple[FakeChannel, SentMessage]:
        """A new post in a forum, as Discord delivers it: THREAD_CREATE (newly created), then the post's first
        message in the thread (MESSAGE_CREATE, its id the thread's id; empty without MESSAGE_CONTENT)."""
        forum = self.channels[forum_id]
        if forum.type != 15:
            raise ValueError(f"channel {forum_id} is not a forum")
        author = author or self.member
        thread = FakeChannel(
            self.snowflake(), 11, title, guild_id=self.guild_id, parent_id=forum.id, owner_id=author.id
        )
        self.channels[thread.id] = thread
        users, roles = self._mentions_in(content)
        starter = message_payload(
            thread.id,
            thread.id,
            author.payload(),
            content,
            guild_id=self.guild_id,
            member=self.member_payload_for(author, with_user=False),
            mentions=[self._mention_payload(u, True) for u in users],
            mention_roles=roles,
        )
        self._store(starter)
        await self.dispatch("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        delivered = await self._dispatch_message_event("MESSAGE_CREATE", starter)
        return thread, SentMessage(self, starter, delivered, starter["_fake_order"])

    async def send_mention(self, question: str, *, author: FakeUser | None = None, **kwargs: Any) -> SentMessage:
        """A guild message `<@bot> question`."""
        return await self.send_message(f"{self.bot_mention} {question}", author=author, **kwargs)

    async def send_dm(self, content: str, *, author: FakeUser | None = None, **kwargs: Any) -> SentMessage:
        """A DM from `author` (default: `member`) to the bot."""
        return await self.send_message(content, author=author, dm=True, **kwargs)

    async def send_reply(
        self, content: str, reply_to: JSON | SentMessage | int, *, author: FakeUser | None = None, **kwargs: Any
    ) -> SentMessage:
        """A reply to a stored message (e.g. one of the bot's answers), in that message's channel."""
        target = self._resolve_message(reply_to)
        channel = self.channels[int(target["channel_id"])]
        if channel.type == 1:
            kwargs.setdefault("dm", True)
            author = author or channel.recipient
        else:
            kwargs.setdefault("channel_id", channel.id)
        return await self.send_message(content, author=author, reply_to=target, **kwargs)

    # ---- interactions ----------------------------------------------------------------------------------------

    def _find_command(self, name: str, command_type: int, guild: bool) -> tuple[JSON | None, int | None]:
        """The registered command (guild commands first in a guild) and the guild id it was registered for."""
        scopes: list[int | None] = [self.guild_id, None] if guild else [None]
        for scope in scopes:
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == command_type:
                    return command, scope
        return None, None

    def _check_available(self, command: JSON | None, name: str, user: FakeUser, guild: bool) -> None:
        if not self.strict_commands:
            return
        if command is None:
            where = "in the guild" if guild else "globally (DMs only see global commands)"
            raise CommandUnavailable(f"command {name!r} is not registered {where}")
        contexts = command.get("contexts")
        context = 0 if guild else 1
        if contexts is not None and context not in contexts:
            raise CommandUnavailable(f"command {name!r} is not available in context {context}")
        required = command.get("default_member_permissions")
        if guild and required is not None:
            required_bits = int(required)
            if self.permissions_for(user) & required_bits != required_bits:
                raise CommandUnavailable(f"{user.username} lacks default_member_permissions of {name!r}")

    def _command_id(self, command: JSON | None, name: str) -> int:
        if command is not None:
            return int(command["id"])
        # Unregistered (strict_commands off): a stable id per name.
        key = f"unregistered:{name}"
        if key not in self._unregistered_ids:
            self._unregistered_ids[key] = self.snowflake()
        return self._unregistered_ids[key]

    def _base_interaction(
        self, interaction_type: int, data: JSON | None, *, user: FakeUser, guild: bool, channel_id: int | None
    ) -> JSON:
        channel = self.channels[channel_id or self.channel_id] if guild else self.dm_channel_for(user)
        channel_data = channel.payload()
        payload: JSON = {
            "id": str(self.snowflake()),
            "application_id": str(self.application_id),
            "type": interaction_type,
            "token": f"fake-interaction-{secrets.token_urlsafe(24)}",
            "version": 1,
            "channel_id": str(channel.id),
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.attachment_size_limit,
            "app_permissions": str(self.permissions_for(self.bot_user)),
        }
        if data is not None:
            payload["data"] = data
        if guild:
            channel_data["permissions"] = str(self.permissions_for(user))
            payload.update(
                guild_id=str(self.guild_id),
                guild={"id": str(self.guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=self.member_payload_for(user, permissions=True),
                context=0,
                authorizing_integration_owners={"0": str(self.guild_id)},
            )
        else:
            payload.update(
                user=user.payload(),
                context=1,
                authorizing_integration_owners={"0": "0"},
            )
        payload["channel"] = channel_data
        return payload

    def _build_options(
        self,
        definition: JSON | None,
        options: Mapping[str, Any] | Sequence[JSON] | None,
        focused: str | None,
        user: FakeUser,
    ) -> tuple[list[JSON], JSON]:
        """Raw `data.options` from {name: value} (types from the registered definition, else from the values)."""
        resolved: JSON = {}
        if options is None:
            return [], resolved
        if not isinstance(options, Mapping):
            return [dict(o) for o in options], resolved
        known = {o["name"]: o for o in (definition or {}).get("options", [])}
        built = []
        for name, value in options.items():
            option_type = known.get(name, {}).get("type") or self._infer_option_type(value)
            if isinstance(value, FakeUser):
                resolved.setdefault("users", {})[str(value.id)] = value.payload()
                resolved.setdefault("members", {})[str(value.id)] = self.member_payload_for(
                    value, with_user=False, permissions=True
                )
                value = str(value.id)
            elif isinstance(value, FakeRole):
                resolved.setdefault("roles", {})[str(value.id)] = value.payload()
                value = str(value.id)
            elif isinstance(value, FakeAttachment):
                resolved.setdefault("attachments", {})[str(value.id)] = value.payload()
                value = str(value.id)
            elif isinstance(value, FakeChannel):
                channel_data = value.payload()
                channel_data["permissions"] = str(self.permissions_for(user))
                resolved.setdefault("channels", {})[str(value.id)] = channel_data
                value = str(value.id)
            built.append(option_payload(name, option_type, value, focused=name == focused))
        return built, resolved

    @staticmethod
    def _infer_option_type(value: Any) -> int:
        if isinstance(value, bool):
            return 5
        if isinstance(value, int):
            return 4
        if isinstance(value, float):
            return 10
        if isinstance(value, FakeUser):
            return 6
        if isinstance(value, FakeRole):
            return 8
        if isinstance(value, FakeAttachment):
            return 11
        if isinstance(value, FakeChannel):
            return 7
        return 3

    async def _send_interaction(self, payload: JSON, *, source_message_id: int | None = None) -> FakeInteraction:
        interaction = FakeInteraction(self, payload, source_message_id=source_message_id)
        self.interactions[interaction.token] = interaction
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def _command_payload(
        self,
        interaction_type: int,
        name: str,
        options: Mapping[str, Any] | Sequence[JSON] | None,
        *,
        user: FakeUser | None,
        guild: bool,
        channel_id: int | None,
        focused: str | None = None,
    ) -> JSON:
        user = user or self.member
        parts = name.split()
        command, scope = self._find_command(parts[0], 1, guild)
        self._check_available(command, parts[0], user, guild)
        # Walk down subcommand groups / subcommands ("group sub" names).
        definition = command
        chain: list[tuple[str, int]] = []
        for part in parts[1:]:
            sub = next((o for o in (definition or {}).get("options", []) if o["name"] == part), None)
            chain.append((part, sub["type"] if sub else (2 if len(chain) < len(parts) - 2 else 1)))
            definition = sub
        leaf_options, resolved = self._build_options(definition, options, focused, user)
        for part, option_type in reversed(chain):
            leaf_options = [option_payload(part, option_type, leaf_options)]
        data: JSON = {"id": str(self._command_id(command, parts[0])), "name": parts[0], "type": 1}
        if leaf_options:
            data["options"] = leaf_options
        if resolved:
            data["resolved"] = resolved
        if scope is not None:
            data["guild_id"] = str(scope)
        return self._base_interaction(interaction_type, data, user=user, guild=guild, channel_id=channel_id)

    async def send_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[JSON] | None = None,
        *,
        user: FakeUser | None = None,
        guild: bool = True,
        channel_id: int | None = None,
    ) -> FakeInteraction:
        """A chat input command (INTERACTION_CREATE type 2, data.type 1) from `user` (default: `member`).

        `name` may be "group sub" for subcommands. `options` is {name: value} (types taken from the registered
        command, else inferred: str, int, float, bool, FakeUser, FakeRole, FakeAttachment) or raw option dicts.
        `guild=False` sends it from the user's DM with the bot.
        """
        payload = self._command_payload(
            APPLICATION_COMMAND, name, options, user=user, guild=guild, channel_id=channel_id
        )
        return await self._send_interaction(payload)

    async def send_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[JSON],
        focused: str,
        *,
        user: FakeUser | None = None,
        guild: bool = True,
        channel_id: int | None = None,
    ) -> FakeInteraction:
        """An autocomplete interaction (type 4) with option `focused` being typed; await `wait_choices()`."""
        payload = self._command_payload(
            AUTOCOMPLETE, name, options, user=user, guild=guild, channel_id=channel_id, focused=focused
        )
        return await self._send_interaction(payload)

    async def send_message_command(
        self,
        name: str,
        target: JSON | SentMessage | int,
        *,
        user: FakeUser | None = None,
    ) -> FakeInteraction:
        """A message context menu command (type 2, data.type 3) on a stored message, in that message's channel."""
        user = user or self.member
        message = self._resolve_message(target)
        channel = self.channels[int(message["channel_id"])]
        guild = channel.guild_id is not None
        command, scope = self._find_command(name, 3, guild)
        self._check_available(command, name, user, guild)
        data: JSON = {
            "id": str(self._command_id(command, f"message:{name}")),
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: self._public(message)}},
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        payload = self._base_interaction(APPLICATION_COMMAND, data, user=user, guild=guild, channel_id=channel.id)
        return await self._send_interaction(payload)

    async def send_user_command(
        self, name: str, target: FakeUser, *, user: FakeUser | None = None, guild: bool = True
    ) -> FakeInteraction:
        """A user context menu command (type 2, data.type 2) on `target`."""
        user = user or self.member
        command, scope = self._find_command(name, 2, guild)
        self._check_available(command, name, user, guild)
        resolved: JSON = {"users": {str(target.id): target.payload()}}
        if guild:
            resolved["members"] = {str(target.id): self.member_payload_for(target, with_user=False, permissions=True)}
        data: JSON = {
            "id": str(self._command_id(command, f"user:{name}")),
            "name": name,
            "type": 2,
            "target_id": str(target.id),
            "resolved": resolved,
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        payload = self._base_interaction(APPLICATION_COMMAND, data, user=user, guild=guild, channel_id=None)
        return await self._send_interaction(payload)

    async def send_component(
        self,
        message: JSON | SentMessage | int,
        custom_id: str,
        *,
        user: FakeUser | None = None,
        values: Sequence[str] | None = None,
    ) -> FakeInteraction:
        """Use the component `custom_id` (button press, or select with `values`) of a stored message (type 3)."""
        user = user or self.member
        stored = self._resolve_message(message)
        components = list(_walk_components(stored.get("components", [])))
        component = next((c for c in components if c.get("custom_id") == custom_id), None)
        if component is None:
            available = [c["custom_id"] for c in components if "custom_id" in c]
            raise LookupError(f"message {stored['id']} has no component {custom_id!r}; it has {available}")
        if component.get("disabled"):
            raise AssertionError(f"component {custom_id!r} of message {stored['id']} is disabled")
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in (3, 5, 6, 7, 8):
            data["values"] = list(values or [])
            data["resolved"] = {}
        channel = self.channels[int(stored["channel_id"])]
        guild = channel.guild_id is not None
        if not guild:
            user = channel.recipient or user
        payload = self._base_interaction(MESSAGE_COMPONENT, data, user=user, guild=guild, channel_id=channel.id)
        payload["message"] = self._public(stored)
        return await self._send_interaction(payload, source_message_id=int(stored["id"]))

    async def click_button(
        self, message: JSON | SentMessage | int, custom_id: str, *, user: FakeUser | None = None
    ) -> FakeInteraction:
        """Press the button `custom_id` on a stored message."""
        return await self.send_component(message, custom_id, user=user)

    async def send_modal_submit(
        self,
        custom_id: str,
        values: Mapping[str, str],
        *,
        user: FakeUser | None = None,
        guild: bool = True,
        channel_id: int | None = None,
    ) -> FakeInteraction:
        """Submit the modal `custom_id` with text input values {input custom_id: value} (type 5)."""
        user = user or self.member
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]} for key, value in values.items()
        ]
        data: JSON = {"custom_id": custom_id, "components": rows}
        payload = self._base_interaction(MODAL_SUBMIT, data, user=user, guild=guild, channel_id=channel_id)
        return await self._send_interaction(payload)

    # ---- REST ------------------------------------------------------------------------------------------------

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        api = API_PREFIX
        router.add_get("/", self._gateway_handler)
        router.add_get("/resume", self._gateway_handler)
        router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._get_attachment)
        routes: list[tuple[str, str, Callable[[web.Request], Any], str]] = [
            ("GET", "/users/@me", self._get_me, "get_me"),
            ("GET", "/oauth2/applications/@me", self._get_application, "get_application"),
            ("GET", "/gateway", self._get_gateway, "get_gateway"),
            ("GET", "/gateway/bot", self._get_gateway, "get_gateway_bot"),
            ("GET", "/applications/{app}/commands", self._get_commands, "get_global_commands"),
            ("PUT", "/applications/{app}/commands", self._put_commands, "put_global_commands"),
            ("POST", "/applications/{app}/commands", self._post_command, "post_global_command"),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands, "get_guild_commands"),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands, "put_guild_commands"),
            ("POST", "/applications/{app}/guilds/{guild}/commands", self._post_command, "post_guild_command"),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback, "interaction_callback"),
            ("POST", "/webhooks/{app}/{token}", self._create_followup, "create_followup"),
            ("GET", "/webhooks/{app}/{token}/messages/{message_id}", self._get_webhook_message, "get_webhook_message"),
            (
                "PATCH",
                "/webhooks/{app}/{token}/messages/{message_id}",
                self._edit_webhook_message,
                "edit_webhook_message",
            ),
            (
                "DELETE",
                "/webhooks/{app}/{token}/messages/{message_id}",
                self._delete_webhook_message,
                "delete_webhook_message",
            ),
            ("GET", "/channels/{channel_id}", self._get_channel, "get_channel"),
            ("POST", "/channels/{channel_id}/messages", self._create_message, "create_message"),
            ("GET", "/channels/{channel_id}/messages", self._get_messages, "get_messages"),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message, "get_message"),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message, "edit_message"),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message, "delete_message"),
            (
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._add_reaction,
                "add_reaction",
            ),
            ("POST", "/channels/{channel_id}/typing", self._typing, "trigger_typing"),
            (
                "POST",
                "/channels/{channel_id}/messages/{message_id}/threads",
                self._start_thread_from_message,
                "start_thread_from_message",
            ),
            ("POST", "/users/@me/channels", self._create_dm, "create_dm"),
            ("GET", "/guilds/{guild}/members/{user_id}", self._get_member, "get_member"),
        ]
        for method, path, handler, name in routes:
            router.add_route(method, api + path, self._named(handler, name))
        router.add_route("*", api + "/{tail:.*}", self._named(self._unknown, "unknown"))

    @staticmethod
    def _named(handler: Callable[[web.Request], Any], name: str) -> Callable[[web.Request], Any]:
        async def named(request: web.Request) -> web.StreamResponse:
            request[CAPTURED_KEY].route = name
            response: web.StreamResponse = await handler(request)
            return response

        return named

    @web.middleware
    async def _capture_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            response: web.StreamResponse = await handler(request)
            return response
        captured = await self._capture(request)
        request[CAPTURED_KEY] = captured
        self.requests.append(captured)
        auth = request.headers.get("Authorization")
        is_interaction = request.path.startswith((API_PREFIX + "/interactions/", API_PREFIX + "/webhooks/"))
        if not is_interaction and auth != f"Bot {self.token}":
            response = _error_response(401, 0, "401: Unauthorized")
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:  # aiohttp's own 404/405 for the ws routes etc.
                response = _error_response(exc.status, 0, exc.reason)
        captured.status = response.status
        if captured.route == "unknown":
            self.unknown_requests.append(captured)
        if response.status == 400:
            self.rejected_requests.append(captured)
        self._notify()
        return response

    async def _capture(self, request: web.Request) -> CapturedRequest:
        body: Any = None
        files: list[CapturedFile] = []
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                content = await part.read(decode=True)
                if part.name == "payload_json":
                    body = json.loads(content.decode("utf-8"))
                else:
                    content_type = part.headers.get("Content-Type")
                    files.append(CapturedFile(part.name or "", part.filename, content_type, bytes(content)))
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = raw.decode("utf-8", "replace")
        return CapturedRequest(
            index=len(self.requests) + 1,
            method=request.method,
            path=request.path[len(API_PREFIX) :],
            query=dict(request.query),
            json=body,
            headers=dict(request.headers),
            files=files,
        )

    @staticmethod
    def _captured(request: web.Request) -> CapturedRequest:
        captured: CapturedRequest = request[CAPTURED_KEY]
        return captured

    def _respond(self, request: web.Request, data: Any, status: int = 200) -> web.Response:
        self._captured(request).response = data
        return _json_response(data, status)

    def _invalid_form(self, request: web.Request, errors: JSON) -> web.Response:
        if errors.pop("_empty", False) and not errors:
            body = {"message": "Cannot send an empty message", "code": 50006}
            self._captured(request).response = body
            return _json_response(body, 400)
        body = {"message": "Invalid Form Body", "code": 50035, "errors": errors}
        self._captured(request).response = body
        return _json_response(body, 400)

    async def _unknown(self, request: web.Request) -> web.Response:
        return self._respond(request, {"message": "404: Not Found (fake Discord has no such route)", "code": 0}, 404)

    async def _get_attachment(self, request: web.Request) -> web.Response:
        attachment = self.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None:
            return web.Response(status=404)
        return web.Response(body=attachment.content, content_type=attachment.content_type or "application/octet-stream")

    async def _get_me(self, request: web.Request) -> web.Response:
        data = {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"}
        return self._respond(request, data)

    async def _get_application(self, request: web.Request) -> web.Response:
        data = application_payload(
            self.application_id, self.bot_user.username, self.owner.payload(), self.bot_user.payload()
        )
        return self._respond(request, data)

    async def _get_gateway(self, request: web.Request) -> web.Response:
        data: JSON = {"url": self.gateway_url.rstrip("/")}
        if request.path.endswith("/bot"):
            data["shards"] = 1
            data["session_start_limit"] = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return self._respond(request, data)

    def _command_scope(self, request: web.Request) -> int | web.Response | None:
        if int(request.match_info["app"]) != self.application_id:
            return self._respond(request, {"message": "Unknown Application", "code": 10002}, 404)
        guild = request.match_info.get("guild")
        if guild is None:
            return None
        if int(guild) != self.guild_id:
            return self._respond(request, {"message": "Missing Access", "code": 50001}, 403)
        return int(guild)

    def _stored_command(self, body: JSON, scope: int | None, previous: list[JSON]) -> JSON:
        command_type = body.get("type", 1)
        old = next((c for c in previous if c["name"] == body["name"] and c.get("type", 1) == command_type), None)
        command: JSON = {
            "id": old["id"] if old else str(self.snowflake()),
            "application_id": str(self.application_id),
            "version": str(self.snowflake()),
            "type": command_type,
            "name": body["name"],
            "description": body.get("description", ""),
            "options": body.get("options", []),
            "default_member_permissions": body.get("default_member_permissions"),
            "dm_permission": body.get("dm_permission", True),
            "nsfw": body.get("nsfw", False),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types", [0]),
            "name_localizations": body.get("name_localizations"),
            "description_localizations": body.get("description_localizations"),
        }
        if scope is not None:
            command["guild_id"] = str(scope)
        return command

    async def _get_commands(self, request: web.Request) -> web.Response:
        scope = self._command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        return self._respond(request, self.commands.get(scope, []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        scope = self._command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        body = self._captured(request).json
        if not isinstance(body, list):
            return self._invalid_form(request, {"_errors": [{"code": "LIST_TYPE_CONVERT", "message": "Not a list"}]})
        previous = self.commands.get(scope, [])
        self.commands[scope] = [self._stored_command(c, scope, previous) for c in body]
        return self._respond(request, self.commands[scope])

    async def _post_command(self, request: web.Request) -> web.Response:
        scope = self._command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        body = self._captured(request).json
        previous = self.commands.get(scope, [])
        command = self._stored_command(body, scope, previous)
        self.commands[scope] = [c for c in previous if c["id"] != command["id"]] + [command]
        return self._respond(request, command, 201)

    # -- messages the bot creates --

    def _bot_message(
        self,
        channel_id: int,
        body: JSON,
        files: Sequence[CapturedFile],
        *,
        interaction: FakeInteraction | None = None,
        message_id: int | None = None,
        flags: int = 0,
    ) -> JSON:
        channel = self.channels[channel_id]
        guild = channel.guild_id is not None
        attachments = self._store_files(channel_id, files)
        reference = referenced = None
        message_type = 0
        raw_reference = body.get("message_reference")
        if isinstance(raw_reference, dict) and raw_reference.get("message_id"):
            target = self.messages.get(int(raw_reference["message_id"]))
            reference = {
                "type": raw_reference.get("type", 0),
                "message_id": str(raw_reference["message_id"]),
                "channel_id": str(raw_reference.get("channel_id") or channel_id),
            }
            if guild:
                reference["guild_id"] = str(self.guild_id)
            referenced = self._public(target) if target is not None else None
            message_type = 19
        interaction_metadata = None
        if interaction is not None:
            data = interaction.payload.get("data") or {}
            message_type = {APPLICATION_COMMAND: 23 if data.get("type", 1) != 1 else 20}.get(interaction.type, 0)
            invoker = interaction.payload.get("member", {}).get("user") or interaction.payload.get("user")
            interaction_metadata = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": invoker,
                "authorizing_integration_owners": interaction.payload.get("authorizing_integration_owners", {}),
            }
            if "name" in data:
                interaction_metadata["name"] = data["name"]
            if interaction.source_message_id is not None:
                interaction_metadata["interacted_message_id"] = str(interaction.source_message_id)
        users, roles = self._mentions_in(body.get("content") or "")
        message = message_payload(
            message_id or self.snowflake(),
            channel_id,
            self.bot_user.payload(),
            body.get("content") or "",
            guild_id=self.guild_id if guild else None,
            member=self.member_payload_for(self.bot_user, with_user=False) if guild and interaction is None else None,
            message_type=message_type,
            mentions=[self._mention_payload(u, guild) for u in self._allowed(users, body.get("allowed_mentions"))],
            mention_roles=roles,
            embeds=body.get("embeds") or [],
            attachments=attachments,
            components=body.get("components") or [],
            flags=flags | (int(body.get("flags") or 0) & ~FLAG_LOADING),
            tts=bool(body.get("tts")),
            message_reference=reference,
            referenced_message=referenced,
            interaction_metadata=interaction_metadata,
            webhook_id=self.application_id if interaction is not None else None,
            application_id=self.application_id if interaction is not None else None,
        )
        if body.get("poll"):
            message["poll"] = body["poll"]
        return message

    def _store_files(self, channel_id: int, files: Sequence[CapturedFile]) -> list[JSON]:
        """Host uploaded files like Discord's CDN; their attachment objects."""
        attachments = []
        for i, f in enumerate(files):
            attachment_id = self.snowflake()
            filename = f.filename or f"file{i}"
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
            self.attachments[attachment_id] = FakeAttachment(attachment_id, filename, f.content, f.content_type, url)
            attachments.append(self.attachments[attachment_id].payload())
        return attachments

    @staticmethod
    def _allowed(users: list[FakeUser], allowed_mentions: Any) -> list[FakeUser]:
        """Users actually pinged, given allowed_mentions (none unless parse includes "users" or listed)."""
        if not isinstance(allowed_mentions, dict):
            return users
        if "users" in (allowed_mentions.get("parse") or []):
            return users
        listed = {int(u) for u in allowed_mentions.get("users") or []}
        return [u for u in users if u.id in listed]

    def _apply_edit(self, message: JSON, body: JSON, files: Sequence[CapturedFile]) -> JSON:
        """Apply a PATCH body to a stored message (keys present in the body replace the message's)."""
        for key in ("content", "embeds", "components", "poll"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (int(message.get("flags", 0)) & FLAG_EPHEMERAL) | int(body["flags"])
        if "attachments" in body or files:
            kept_ids = {str(a.get("id")) for a in body.get("attachments") or []}
            kept = [a for a in message.get("attachments", []) if a["id"] in kept_ids]
            new = self._store_files(int(message["channel_id"]), files)
            message["attachments"] = kept + new
        message["flags"] = int(message.get("flags", 0)) & ~FLAG_LOADING
        message["edited_timestamp"] = now_iso()
        return message

    async def _echo(self, event: str, message: JSON) -> None:
        if self.echo_bot_messages and not int(message.get("flags", 0)) & FLAG_EPHEMERAL:
            await self._dispatch_message_event(event, message)

    def _check_body(self, request: web.Request, body: Any, *, require_content: bool = True) -> web.Response | None:
        if not isinstance(body, dict):
            return self._invalid_form(request, {"_errors": [{"code": "DICT_TYPE_CONVERT", "message": "Not a dict"}]})
        if not self.validate_messages:
            return None
        errors = validate_message_body(body, files=len(self._captured(request).files), require_content=require_content)
        return self._invalid_form(request, errors) if errors else None

    async def _create_message(self, request: web.Request) -> web.Response:
        captured = self._captured(request)
        channel_id = int(request.match_info["channel_id"])
        if channel_id not in self.channels:
            return self._respond(request, {"message": "Unknown Channel", "code": 10003}, 404)
        body = captured.json
        invalid = self._check_body(request, body)
        if invalid is not None:
            return invalid
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id"):
            target = self.messages.get(int(reference["message_id"]))
            if target is None and reference.get("fail_if_not_exists", True):
                errors = {
                    "message_reference": {
                        "_errors": [{"code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "message": "Unknown message"}]
                    }
                }
                return self._invalid_form(request, errors)
        message = self._store(self._bot_message(channel_id, body, captured.files))
        self._bot_message_orders.append((message["_fake_order"], int(message["id"])))
        await self._echo("MESSAGE_CREATE", message)
        return self._respond(request, self._public(message))

    def _channel_message(self, request: web.Request) -> JSON | web.Response:
        channel_id = int(request.match_info["channel_id"])
        message = self.messages.get(int(request.match_info["message_id"]))
        if message is None or int(message["channel_id"]) != channel_id or int(message.get("flags", 0)) & FLAG_EPHEMERAL:
            return self._respond(request, {"message": "Unknown Message", "code": 10008}, 404)
        return message

    async def _get_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if isinstance(message, web.Response):
            return message
        # Without MESSAGE_CONTENT, Discord empties the content over REST too, not only on the gateway.
        return self._respond(request, self._redact(message, self._intents_or_all()))

    def _intents_or_all(self) -> int:
        return self.intents if self.intents is not None else -1

    async def _start_thread_from_message(self, request: web.Request) -> web.Response:
        """A public thread on a message (its id the message's), dispatched as THREAD_CREATE."""
        message = self._channel_message(request)
        if isinstance(message, web.Response):
            return message
        channel = self.channels[int(message["channel_id"])]
        if channel.type != 0:
            return self._respond(request, {"message": "Cannot execute action on this channel type", "code": 50024}, 400)
        if any(c.id == int(message["id"]) for c in self.threads()):
            return self._respond(
                request, {"message": "A thread has already been created for this message", "code": 160004}, 400
            )
        body = self._captured(request).json or {}
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            return self._invalid_form(
                request,
                {
                    "name": {
                        "_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]
                    }
                },
            )
        thread = FakeChannel(
            int(message["id"]), 11, name, guild_id=self.guild_id, parent_id=channel.id, owner_id=self.bot_user.id
        )
        self.channels[thread.id] = thread
        await self.dispatch("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return self._respond(request, thread.payload())

    async def _get_messages(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        limit = int(request.query.get("limit", "50"))
        found = [
            self._redact(m, self._intents_or_all())
            for m in self.messages.values()
            if int(m["channel_id"]) == channel_id and not int(m.get("flags", 0)) & FLAG_EPHEMERAL
        ]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        return self._respond(request, found[:limit])

    async def _edit_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if isinstance(message, web.Response):
            return message
        if int(message["author"]["id"]) != self.bot_user.id:
            return self._respond(
                request, {"message": "Cannot edit a message authored by another user", "code": 50005}, 403
            )
        captured = self._captured(request)
        invalid = self._check_body(request, captured.json, require_content=False)
        if invalid is not None:
            return invalid
        self._apply_edit(message, captured.json, captured.files)
        await self._echo("MESSAGE_UPDATE", message)
        return self._respond(request, self._public(message))

    async def _delete_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if isinstance(message, web.Response):
            return message
        del self.messages[int(message["id"])]
        data: JSON = {"id": message["id"], "channel_id": message["channel_id"]}
        if "guild_id" in message:
            data["guild_id"] = message["guild_id"]
        await self.dispatch("MESSAGE_DELETE", data)
        return _no_content()

    async def _add_reaction(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if isinstance(message, web.Response):
            return message
        message.setdefault("_fake_reactions", []).append(request.match_info["emoji"])
        return _no_content()

    async def _typing(self, request: web.Request) -> web.Response:
        if int(request.match_info["channel_id"]) not in self.channels:
            return self._respond(request, {"message": "Unknown Channel", "code": 10003}, 404)
        return _no_content()

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self.channels.get(int(request.match_info["channel_id"]))
        if channel is None:
            return self._respond(request, {"message": "Unknown Channel", "code": 10003}, 404)
        return self._respond(request, channel.payload())

    async def _create_dm(self, request: web.Request) -> web.Response:
        body = self._captured(request).json or {}
        user = self.users.get(int(body.get("recipient_id") or 0))
        if user is None:
            return self._respond(request, {"message": "Unknown User", "code": 10013}, 404)
        return self._respond(request, self.dm_channel_for(user).payload())

    async def _get_member(self, request: web.Request) -> web.Response:
        user = self.users.get(int(request.match_info["user_id"]))
        if user is None or int(request.match_info["guild"]) != self.guild_id:
            return self._respond(request, {"message": "Unknown Member", "code": 10007}, 404)
        return self._respond(request, self.member_payload_for(user))

    # -- interaction responses --

    def _interaction_for(self, request: web.Request) -> FakeInteraction | web.Response:
        interaction = self.interactions.get(request.match_info["token"])
        if "app" in request.match_info:
            if interaction is None or int(request.match_info["app"]) != self.application_id:
                return self._respond(request, {"message": "Unknown Webhook", "code": 10015}, 404)
            return interaction
        if interaction is None or str(interaction.id) != request.match_info["interaction_id"]:
            return self._respond(request, {"message": "Unknown interaction", "code": 10062}, 404)
        return interaction

    async def _callback(self, request: web.Request) -> web.Response:
        interaction = self._interaction_for(request)
        if isinstance(interaction, web.Response):
            return interaction
        captured = self._captured(request)
        body = captured.json
        if interaction.callback is not None:
            return self._respond(request, {"message": "Interaction has already been acknowledged.", "code": 40060}, 400)
        late = time.monotonic() - interaction.created_at
        if self.interaction_deadline is not None and late > self.interaction_deadline:
            return self._respond(request, {"message": "Unknown interaction", "code": 10062}, 404)
        if not isinstance(body, dict) or "type" not in body:
            return self._invalid_form(
                request, {"type": {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "required"}]}}
            )
        callback_type = int(body["type"])
        data = body.get("data") if isinstance(body.get("data"), dict) else None
        allowed = {
            APPLICATION_COMMAND: {4, 5, 9},
            MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
            AUTOCOMPLETE: {8},
            MODAL_SUBMIT: {4, 5, 6, 7},
        }.get(interaction.type, set())
        if callback_type not in allowed:
            errors = {
                "type": {
                    "_errors": [
                        {
                            "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                            "message": f"type {callback_type} is invalid for interaction type {interaction.type}",
                        }
                    ]
                }
            }
            return self._invalid_form(request, errors)
        if callback_type in (4, 7) and (
            invalid := self._check_body(request, data or {}, require_content=callback_type == 4)
        ):
            return invalid
        if callback_type == 8 and self.validate_messages and (errors := validate_choices((data or {}).get("choices"))):
            return self._invalid_form(request, errors)

        message: JSON | None = None
        if callback_type == CallbackType.CHANNEL_MESSAGE:
            message = self._store(
                self._bot_message(interaction.channel_id, data or {}, captured.files, interaction=interaction)
            )
            interaction.original_message_id = int(message["id"])
        elif callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE:
            flags = FLAG_LOADING | (int((data or {}).get("flags") or 0) & FLAG_EPHEMERAL)
            message = self._store(
                self._bot_message(interaction.channel_id, {}, [], interaction=interaction, flags=flags)
            )
            interaction.original_message_id = int(message["id"])
            interaction.deferred_loading = True
        elif callback_type in (CallbackType.UPDATE_MESSAGE, CallbackType.DEFERRED_UPDATE_MESSAGE):
            if interaction.source_message_id is None or interaction.source_message_id not in self.messages:
                return self._respond(request, {"message": "Unknown Message", "code": 10008}, 404)
            message = self.messages[interaction.source_message_id]
            if callback_type == CallbackType.UPDATE_MESSAGE:
                self._apply_edit(message, data or {}, captured.files)

        interaction_info: JSON = {"id": str(interaction.id), "type": interaction.type}
        answer: JSON = {"interaction": interaction_info}
        if message is not None:
            ephemeral = bool(int(message.get("flags", 0)) & FLAG_EPHEMERAL)
            interaction_info.update(
                response_message_id=message["id"],
                response_message_loading=callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE,
                response_message_ephemeral=ephemeral,
            )
            answer["resource"] = {"type": callback_type, "message": self._public(message)}
        interaction.callback = InteractionCallback(
            callback_type, data, captured, self._public(message) if message is not None else None
        )
        if message is not None and callback_type in (4, 5):
            await self._echo("MESSAGE_CREATE", message)
        elif message is not None and callback_type == 7:
            await self._echo("MESSAGE_UPDATE", message)
        return self._respond(request, answer)

    async def _create_followup(self, request: web.Request) -> web.Response:
        interaction = self._interaction_for(request)
        if isinstance(interaction, web.Response):
            return interaction
        captured = self._captured(request)
        if interaction.callback is None:
            return self._respond(request, {"message": "Unknown Webhook", "code": 10015}, 404)
        invalid = self._check_body(request, captured.json)
        if invalid is not None:
            return invalid
        body: JSON = captured.json
        if interaction.deferred_loading and interaction.original_message_id in self.messages:
            # Discord: the first follow-up after a deferred response fills in the loading message.
            interaction.deferred_loading = False
            message = self.messages[interaction.original_message_id]
            self._apply_edit(message, {k: v for k, v in body.items() if k != "flags"}, captured.files)
            message["_fake_order"] = next(self._order)
            await self._echo("MESSAGE_UPDATE", message)
        else:
            flags = int(body.get("flags") or 0) & FLAG_EPHEMERAL
            message = self._store(
                self._bot_message(interaction.channel_id, body, captured.files, interaction=interaction, flags=flags)
            )
            await self._echo("MESSAGE_CREATE", message)
        interaction._followups.append((message["_fake_order"], self._public(message)))
        if request.query.get("wait", "false").lower() in ("1", "true"):
            return self._respond(request, self._public(message))
        return _no_content()

    def _webhook_message(self, request: web.Request, interaction: FakeInteraction) -> JSON | web.Response:
        message_id = request.match_info["message_id"]
        if message_id == "@original":
            if interaction.callback is None or interaction.original_message_id is None:
                return self._respond(request, {"message": "Unknown Webhook", "code": 10015}, 404)
            target = interaction.original_message_id
        else:
            target = int(message_id)
        message = self.messages.get(target)
        if message is None:
            return self._respond(request, {"message": "Unknown Message", "code": 10008}, 404)
        return message

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._interaction_for(request)
        if isinstance(interaction, web.Response):
            return interaction
        message = self._webhook_message(request, interaction)
        if isinstance(message, web.Response):
            return message
        return self._respond(request, self._public(message))

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._interaction_for(request)
        if isinstance(interaction, web.Response):
            return interaction
        message = self._webhook_message(request, interaction)
        if isinstance(message, web.Response):
            return message
        captured = self._captured(request)
        invalid = self._check_body(request, captured.json, require_content=False)
        if invalid is not None:
            return invalid
        self._apply_edit(message, captured.json, captured.files)
        if int(message["id"]) == interaction.original_message_id:
            interaction.deferred_loading = False
            message["_fake_order"] = next(self._order)
            if request.match_info["message_id"] == "@original":
                interaction._edits.append((message["_fake_order"], self._public(message)))
        await self._echo("MESSAGE_UPDATE", message)
        return self._respond(request, self._public(message))

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._interaction_for(request)
        if isinstance(interaction, web.Response):
            return interaction
        message = self._webhook_message(request, interaction)
        if isinstance(message, web.Response):
            return message
        del self.messages[int(message["id"])]
        if int(message["id"]) == interaction.original_message_id:
            interaction.original_deleted = True
        if not int(message.get("flags", 0)) & FLAG_EPHEMERAL:
            data: JSON = {"id": message["id"], "channel_id": message["channel_id"]}
            if "guild_id" in message:
                data["guild_id"] = message["guild_id"]
            await self.dispatch("MESSAGE_DELETE", data)
        return _no_content()


# --------------------------------------------------------------------------------------------------------------
# Pointing discord.py at the server, running a client
# --------------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def point_discord_at(server: FakeDiscord) -> Iterator[None]:
    """Set `discord.http.Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY` to the server; restore them on exit."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = server.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def run_client(
    client: discord.Client,
    server: FakeDiscord,
    *,
    token: str | None = None,
    timeout: float = 10.0,
    wait_until_ready: bool = False,
) -> AsyncIterator[discord.Client]:
    """Run `client.start()` against `server` (pointing discord.py at it) until READY; close the client on exit.

    With `wait_until_ready` it also waits for discord.py's own on_ready, which comes `guild_ready_timeout`
    (2 s by default) after the last GUILD_CREATE. A client that fails to start raises here.
    """
    with point_discord_at(server):
        task = asyncio.create_task(client.start(token or server.token), name="fake-discord-client")
        try:
            ready = asyncio.ensure_future(server.wait_ready(timeout))
            done, _ = await asyncio.wait({task, ready}, timeout=timeout + 1, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                ready.cancel()
                task.result()  # raises the client's error
                raise AssertionError("the client stopped before it got READY")
            if ready not in done:
                ready.cancel()
                raise FakeDiscordTimeout(f"the client did not get READY within {timeout}s\n{server.summary()}")
            ready.result()
            if wait_until_ready:
                await asyncio.wait_for(client.wait_until_ready(), timeout)
            yield client
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), timeout)
            if not task.done():
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, timeout)
