"""/config: per-server settings (who may curate)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.embeds import notice
from bot.store import guild_config
from cogs.utils.checks import moderator_only
from cogs.utils.replies import send_reply


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Fine Print settings"):
    def __init__(self, bot: commands.Bot) -> None:
        self.app = bot.app  # type: ignore[attr-defined]
        super().__init__()

    @app_commands.command(name="modrole", description="Who besides Manage Server may curate")
    @app_commands.describe(role="The moderator role; leave empty to clear it")
    @moderator_only()
    async def modrole(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        assert interaction.guild is not None
        if role is not None and role.is_default():
            await send_reply(interaction, notice("@everyone cannot be the moderator role."))
            return
        await guild_config.set_mod_role(
            self.app.db, interaction.guild.id, role.id if role else None, interaction.user.id
        )
        text = (
            f"Members with {role.mention} can now curate this server's FAQ."
            if role
            else "The moderator role is cleared: only Manage Server can curate."
        )
        await send_reply(interaction, notice(text, title="Moderator role updated"))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Config(bot))
