"""/help and /about: the bot explains itself."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from cogs.utils.replies import send_reply


class Meta(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.app = bot.app  # type: ignore[attr-defined]

    @app_commands.command(name="help", description="What Fine Print can do, with examples")
    async def help(self, interaction: discord.Interaction) -> None:
        await send_reply(interaction, self.app.help_reply())

    @app_commands.command(name="about", description="Version and how fresh the database is")
    async def about(self, interaction: discord.Interaction) -> None:
        await send_reply(interaction, await self.app.about_reply())


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Meta(bot))
