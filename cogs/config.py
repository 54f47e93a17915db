"""/config: per-server settings (who may curate)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FinePrintBot
from bot.present import manage as replies
from bot.store import guild_config
from cogs.utils.checks import moderator_only
from cogs.utils.replies import Interaction, send_reply, texts_for


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Fine Print settings"):
    def __init__(self, bot: FinePrintBot) -> None:
        self.app = bot.app
        super().__init__()

    @app_commands.command(name="modrole", description="Who besides Manage Server may curate")
    @app_commands.describe(role="The moderator role; leave empty to clear it")
    @moderator_only()
    async def modrole(self, interaction: Interaction, role: discord.Role | None = None) -> None:
        assert interaction.guild is not None
        t = texts_for(interaction)
        if role is not None and role.is_default():
            await send_reply(interaction, replies.notice(t("config.modrole.everyone"), t=t))
            return
        await guild_config.set_mod_role(
            self.app.db, interaction.guild.id, role.id if role else None, interaction.user.id
        )
        await send_reply(interaction, replies.modrole_set(role.id if role else None, t))


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Config(bot))
