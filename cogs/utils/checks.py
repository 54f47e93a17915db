"""Who may run moderator commands — checked at execution time, not only by Discord's UI.

``default_permissions`` only hides commands in the client and a server can override it, so every
moderator command also runs this check: Manage Server, or the role set with ``/config modrole``.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.store import guild_config


class NotModerator(app_commands.CheckFailure):
    pass


async def is_moderator(interaction: discord.Interaction) -> bool:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage("This command only works in a server.")
    if interaction.permissions.manage_guild:  # resolved by Discord; needs no member cache
        return True
    app = interaction.client.app  # type: ignore[attr-defined]
    role_id = await guild_config.mod_role(app.db, interaction.guild.id)
    if role_id is not None and any(r.id == role_id for r in interaction.user.roles):
        return True
    raise NotModerator(
        "You need the Manage Server permission or this server's moderator role for that."
    )


def moderator_only():
    return app_commands.check(is_moderator)
