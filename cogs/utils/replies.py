"""Turning ``Reply`` objects into discord.py sends: the one place that touches both.

Also the persistent ``fp:…`` button: its state lives in its custom id (``bot.present.buttons``),
so it works after a restart; pressing it asks the core and answers the member who pressed.
"""

from __future__ import annotations

import io
import re
from typing import Any, Protocol, cast

import discord

from bot import present
from bot.app import App
from bot.present.buttons import TEMPLATE, decode
from bot.present.reply import Button, Reply
from bot.present.texts import ENGLISH, Texts

STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
    "link": discord.ButtonStyle.link,
}
NO_MENTIONS = discord.AllowedMentions.none()

Interaction = discord.Interaction[Any]


class _HasApp(Protocol):
    app: App


def app_of(interaction: Interaction) -> App:
    """The core behind the client that received this interaction (``FinePrintBot.app``)."""
    return cast(_HasApp, interaction.client).app


def texts_for(interaction: Interaction) -> Texts:
    """The strings to answer this member with: their Discord language (``interaction.locale``)
    when Fine Print speaks it, else English. The one place that picks a member's language."""
    app = getattr(getattr(interaction, "client", None), "app", None)
    if app is None:  # every FinePrintBot has its App; a bare client answers in English
        return ENGLISH
    return cast(App, app).languages.texts(getattr(interaction, "locale", None))


def answering_guild(interaction: Interaction) -> int | None:
    """The server whose own FAQ entries may answer here: the interaction's server when Fine
    Print is installed in it. A member's own install used in a DM, or in a server that hasn't
    added Fine Print, gets the shipped answers only."""
    if interaction.guild_id is None:
        return None
    return interaction.guild_id if interaction.is_guild_integration() else None


class CoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """Every ``fp:…`` button: it survives restarts because its state lives in the custom id."""

    def __init__(self, button: Button) -> None:
        super().__init__(
            discord.ui.Button(
                label=button.label,
                custom_id=button.custom_id,
                style=STYLES.get(button.style, discord.ButtonStyle.secondary),
                disabled=button.disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CoreButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(Button(label=label or "…", custom_id=getattr(item, "custom_id", None)))

    async def callback(self, interaction: Interaction) -> None:
        app = app_of(interaction)
        view = await app.press(
            decode(self.item.custom_id or ""), guild_id=answering_guild(interaction)
        )
        reply = present.render(view, texts_for(interaction))
        reply.ephemeral = True  # a button answers the member who pressed it, not the channel
        await send_reply(interaction, reply)


def to_embeds(reply: Reply) -> list[discord.Embed]:
    return [discord.Embed.from_dict(card.to_dict()) for card in reply.cards]


def to_view(reply: Reply) -> discord.ui.View | None:
    if not reply.buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in reply.buttons[:25]:
        if button.url:
            view.add_item(discord.ui.Button(label=button.label, url=button.url))
        elif button.custom_id and decode(button.custom_id) is not None:
            view.add_item(CoreButton(button))
    return view


def allowed_mentions(reply: Reply) -> discord.AllowedMentions:
    if reply.mention_role_id:
        return discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(id=reply.mention_role_id)]
        )
    return NO_MENTIONS


def send_kwargs(
    reply: Reply, view: discord.ui.View | None = None, t: Texts = ENGLISH
) -> dict[str, Any]:
    reply = reply.fit(t)
    kwargs: dict[str, Any] = {
        "embeds": to_embeds(reply),
        "allowed_mentions": allowed_mentions(reply),
    }
    if reply.content:
        kwargs["content"] = reply.content
    view = view or to_view(reply)
    if view is not None:
        kwargs["view"] = view
    if reply.file:
        name, data = reply.file
        kwargs["file"] = discord.File(io.BytesIO(data), filename=name)
    return kwargs


async def send_reply(
    interaction: Interaction, reply: Reply, *, view: discord.ui.View | None = None
) -> None:
    """Answer an interaction whether or not it was already responded to or deferred."""
    kwargs = send_kwargs(reply, view, texts_for(interaction))
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=reply.ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=reply.ephemeral, **kwargs)
