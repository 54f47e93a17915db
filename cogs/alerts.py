"""/alerts: which channel gets which platforms' alerts (Manage Server or the moderator role)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.alerts import manage
from bot.alerts.model import INSTANT, WEEKLY
from bot.client import FinePrintBot
from bot.i18n.locales import AUTO
from bot.present import manage as replies
from bot.present.alerts import sample_alert
from cogs.answers import platform_autocomplete
from cogs.utils.checks import moderator_only
from cogs.utils.replies import Interaction, send_kwargs, send_reply, texts_for
from cogs.utils.translator import L, language_choices

LANGUAGE_CHOICES = language_choices()

REQUIRED = ("view_channel", "send_messages", "embed_links", "read_message_history")
MODES = [
    app_commands.Choice(name=L("choice.mode.instant"), value=INSTANT),
    app_commands.Choice(name=L("choice.mode.weekly"), value=WEEKLY),
]


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    perms = channel.permissions_for(me)
    return [name.replace("_", " ").title() for name in REQUIRED if not getattr(perms, name)]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Alerts(commands.GroupCog, group_name="alerts", group_description=L("cmd.alerts")):
    def __init__(self, bot: FinePrintBot) -> None:
        self.app = bot.app
        super().__init__()

    @app_commands.command(name="subscribe", description=L("cmd.alerts.subscribe"))
    @app_commands.describe(
        channel=L("cmd.alerts.subscribe.channel"),
        platforms=L("cmd.alerts.subscribe.platforms"),
        only_ai=L("cmd.alerts.subscribe.only_ai"),
        mention_role=L("cmd.alerts.subscribe.mention_role"),
        mode=L("cmd.alerts.subscribe.mode"),
        language=L("cmd.alerts.subscribe.language"),
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @app_commands.autocomplete(platforms=platform_autocomplete)
    @app_commands.choices(mode=MODES)
    @moderator_only()
    async def subscribe(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        platforms: app_commands.Range[str, 0, 300] | None = None,
        only_ai: bool = True,
        mention_role: discord.Role | None = None,
        mode: str = INSTANT,
        language: app_commands.Choice[str] | None = None,
    ) -> None:
        assert interaction.guild is not None
        t = texts_for(interaction)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            await send_reply(interaction, replies.notice(t("alerts.pick_text_channel"), t=t))
            return
        if mention_role is not None and mention_role.is_default():
            await send_reply(interaction, replies.notice(t("alerts.no_everyone"), t=t))
            return
        me = interaction.guild.me
        warnings = []
        missing = missing_permissions(target, me)
        if missing:
            warnings.append(replies.missing_permissions(target.id, missing, t))
        if mention_role is not None and not (
            mention_role.mentionable or target.permissions_for(me).mention_everyone
        ):
            warnings.append(replies.role_not_mentionable(mention_role.id, t))
        result = await manage.subscribe(
            self.app,
            interaction.guild.id,
            target.id,
            platforms=platforms,
            only_ai=only_ai,
            mention_role_id=mention_role.id if mention_role else None,
            actor=interaction.user.id,
            warnings=tuple(warnings),
            mode=mode,
            language=None if language is None or language.value == AUTO else language.value,
        )
        await send_reply(interaction, replies.subscribed(result, t))

    @app_commands.command(name="unsubscribe", description=L("cmd.alerts.unsubscribe"))
    @app_commands.describe(channel=L("cmd.alerts.unsubscribe.channel"))
    @moderator_only()
    async def unsubscribe(
        self, interaction: Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild is not None
        target = channel or interaction.channel
        result = await manage.unsubscribe(self.app, interaction.guild.id, getattr(target, "id", 0))
        await send_reply(interaction, replies.unsubscribed(result, texts_for(interaction)))

    @app_commands.command(name="list", description=L("cmd.alerts.list"))
    @moderator_only()
    async def list(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        lines = await manage.list_subscriptions(self.app, interaction.guild.id)
        await send_reply(interaction, replies.subscriptions(lines, texts_for(interaction)))

    @app_commands.command(name="test", description=L("cmd.alerts.test"))
    @app_commands.describe(channel=L("cmd.alerts.test.channel"))
    @moderator_only()
    async def test(
        self, interaction: Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild is not None
        t = texts_for(interaction)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            await send_reply(interaction, replies.notice(t("alerts.pick_channel"), t=t))
            return
        role = await manage.channel_role(self.app, interaction.guild.id, target.id)
        sample = sample_alert(manage.sample_alert(self.app), role, t)
        try:
            await target.send(**send_kwargs(sample))
        except discord.Forbidden:
            missing = missing_permissions(target, interaction.guild.me)
            await send_reply(interaction, replies.test_refused(target.id, missing, t))
            return
        subscribed = await manage.is_subscribed(self.app, interaction.guild.id, target.id)
        await send_reply(interaction, replies.test_posted(target.id, subscribed, t))

    @app_commands.command(name="preview", description=L("cmd.alerts.preview"))
    @app_commands.describe(platform=L("cmd.alerts.preview.platform"))
    @app_commands.autocomplete(platform=platform_autocomplete)
    @moderator_only()
    async def preview(
        self, interaction: Interaction, platform: app_commands.Range[str, 1, 100]
    ) -> None:
        assert interaction.guild is not None
        result = await manage.preview(self.app, interaction.guild.id, platform)
        await send_reply(interaction, replies.alert_preview(result, texts_for(interaction)))


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Alerts(bot))
