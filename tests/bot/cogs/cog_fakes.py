"""Helpers for cog tests: autospec'd discord.py interactions (a misspelt method fails) and a test corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from unittest.mock import create_autospec

import discord

FILLER = " The town council met in the old hall that evening to discuss the budget and the roads."
DOCUMENTS = {
    "harbour.md": "# The harbour\n\nThe lighthouse keeper counted seven ships entering the harbour at dawn."
    + FILLER * 3
    + "\n\n## Fishing\n\nBy noon the fishermen had landed a record catch of mackerel and herring in the harbour."
    + FILLER * 3,
    "bakery.md": "# The bakery\n\nThe baker sold sourdough loaves to every fisherman before noon." + FILLER * 3,
    "notices.md": "# Notices\n\nAttention @everyone: the ferry to the island leaves at nine from the pier."
    + FILLER * 3,
}

InteractionFactory = Callable[..., discord.Interaction]


def member(user_id: int, role_ids: Iterable[int] = ()) -> discord.Member:
    """An autospec'd guild member with roles."""
    fake = create_autospec(discord.Member, instance=True)
    fake.id = user_id
    fake.bot = False
    fake.roles = [discord.Object(role_id) for role_id in role_ids]
    fake.__str__.return_value = f"user{user_id}"
    return fake


def make_interaction(
    user_id: int = 1001, *, manage_guild: bool = False, role_ids: Iterable[int] = ()
) -> discord.Interaction:
    """An autospec'd Interaction whose `response` and `followup` are autospec'd too, and that knows it was answered."""
    interaction = create_autospec(discord.Interaction, instance=True)
    response = create_autospec(discord.InteractionResponse, instance=True)
    interaction.response = response
    interaction.followup = create_autospec(discord.Webhook, instance=True)
    interaction.user = member(user_id, role_ids)
    interaction.permissions = discord.Permissions(manage_guild=manage_guild)
    interaction.command = None
    done = False

    def answered(*args: object, **kwargs: object) -> None:
        nonlocal done
        done = True

    response.is_done.side_effect = lambda: done
    response.defer.side_effect = answered
    response.send_message.side_effect = answered
    response.edit_message.side_effect = answered
    return interaction


def sent_embed(call: object) -> discord.Embed:
    """The embed of a recorded send call."""
    embed = call.kwargs["embed"]  # type: ignore[attr-defined]
    assert isinstance(embed, discord.Embed)
    return embed
