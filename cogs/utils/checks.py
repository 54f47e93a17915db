"""Who may run moderator commands — checked at execution time, not only by Discord's UI.

``default_permissions`` only hides commands in the client and a server can override it, so every
moderator command also runs this check: Manage Server, or the role set with ``/config modrole``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.present.texts import ENGLISH
from bot.store import guild_config
from cogs.utils.replies import Interaction, app_of

T = TypeVar("T")


class NotModerator(app_commands.CheckFailure):
    pass


async def is_moderator(interaction: Interaction) -> bool:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage(ENGLISH("error.guild_only"))
    if interaction.permissions.manage_guild:  # resolved by Discord; needs no member cache
        return True
    role_id = await guild_config.mod_role(app_of(interaction).db, interaction.guild.id)
    if role_id is not None and any(r.id == role_id for r in interaction.user.roles):
        return True
    raise NotModerator(ENGLISH("error.not_moderator"))


async def moderator_or_nothing(interaction: Interaction) -> bool:
    """The same check for autocomplete, which must never show a plain member moderators' data."""
    try:
        return await is_moderator(interaction)
    except app_commands.CheckFailure:
        return False


def moderator_only() -> Callable[[T], T]:
    check: Callable[[T], T] = app_commands.check(is_moderator)
    return check


__all__ = ["NotModerator", "is_moderator", "moderator_only", "moderator_or_nothing"]
