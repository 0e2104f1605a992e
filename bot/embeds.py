"""Replies as Discord embeds, and the one way quotebot sends them.

Every send goes through here with `allowed_mentions` set to none, so
nothing quotebot says can ping anyone, whatever a document or a question
contains.
"""

from __future__ import annotations

import discord

from bot.replies import Reply, Tone

NO_MENTIONS = discord.AllowedMentions.none()

COLOURS: dict[Tone, discord.Colour] = {
    "answer": discord.Colour.blurple(),
    "not-found": discord.Colour.light_grey(),
    "info": discord.Colour.teal(),
    "success": discord.Colour.green(),
    "error": discord.Colour.red(),
}


def to_embed(reply: Reply) -> discord.Embed:
    """The embed of a reply; `Reply` already fits Discord's limits."""
    embed = discord.Embed(title=reply.title or None, description=reply.description, colour=COLOURS[reply.tone])
    for field in reply.fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if reply.footer:
        embed.set_footer(text=reply.footer)
    return embed


async def send_reply(
    interaction: discord.Interaction,
    reply: Reply,
    *,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
) -> discord.Message | None:
    """Answer an interaction: the first response, or a follow-up once it was deferred or answered.

    Returns the message sent when Discord says which it is, so a view can edit it later.
    """
    embed = to_embed(reply)
    if interaction.response.is_done():
        if view is None:
            return await interaction.followup.send(
                embed=embed, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, wait=True
            )
        return await interaction.followup.send(
            embed=embed, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, view=view, wait=True
        )
    if view is None:
        callback = await interaction.response.send_message(
            embed=embed, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )
    else:
        callback = await interaction.response.send_message(
            embed=embed, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, view=view
        )
    resource = callback.resource if callback is not None else None
    return resource if isinstance(resource, discord.Message) else None
