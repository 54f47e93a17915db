"""/config: per-server settings (who may curate, the language alerts are written in)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FinePrintBot
from bot.i18n.locales import AUTO, locale_for
from bot.present import manage as replies
from bot.store import guild_config
from cogs.utils.checks import moderator_only
from cogs.utils.replies import Interaction, send_reply, texts_for
from cogs.utils.translator import L, language_choices

LANGUAGE_CHOICES = language_choices()


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description=L("cmd.config")):
    def __init__(self, bot: FinePrintBot) -> None:
        self.app = bot.app
        super().__init__()

    @app_commands.command(name="modrole", description=L("cmd.config.modrole"))
    @app_commands.describe(role=L("cmd.config.modrole.role"))
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

    @app_commands.command(name="language", description=L("cmd.config.language"))
    @app_commands.describe(language=L("cmd.config.language.language"))
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @moderator_only()
    async def language(
        self, interaction: Interaction, language: app_commands.Choice[str] | None = None
    ) -> None:
        """Alerts follow the server's Discord language unless a moderator picks one here;
        members' own answers always follow their own Discord language."""
        assert interaction.guild is not None
        t = texts_for(interaction)
        server_locale = locale_for(interaction.guild_locale)
        if language is None:
            chosen = await guild_config.alert_language(self.app.db, interaction.guild.id)
            await send_reply(
                interaction, replies.language_shown(chosen, chosen or server_locale, t)
            )
            return
        chosen = None if language.value == AUTO else language.value
        await guild_config.set_alert_language(
            self.app.db, interaction.guild.id, chosen, interaction.user.id
        )
        await send_reply(interaction, replies.language_set(chosen, chosen or server_locale, t))


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Config(bot))
