"""/help and /about: the bot explains itself (anywhere: user install works in DMs too)."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot import present
from bot.client import FinePrintBot
from cogs.utils.replies import Interaction, send_reply, texts_for
from cogs.utils.translator import L


class Meta(commands.Cog):
    def __init__(self, bot: FinePrintBot) -> None:
        self.app = bot.app

    @app_commands.command(name="help", description=L("cmd.help"))
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def help(self, interaction: Interaction) -> None:
        await send_reply(interaction, present.help_card(texts_for(interaction)))

    @app_commands.command(name="about", description=L("cmd.about"))
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def about(self, interaction: Interaction) -> None:
        view = await self.app.about()
        await send_reply(interaction, present.render(view, texts_for(interaction)))


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Meta(bot))
