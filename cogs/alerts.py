"""/alerts: which channel gets which platforms' alerts (Manage Server or the moderator role)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.alerts import manage
from bot.embeds import notice
from cogs.answers import platform_autocomplete
from cogs.utils.checks import moderator_only
from cogs.utils.replies import send_kwargs, send_reply

REQUIRED = ("view_channel", "send_messages", "embed_links")


def missing_permissions(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    perms = channel.permissions_for(me)
    return [name.replace("_", " ").title() for name in REQUIRED if not getattr(perms, name)]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Alerts(commands.GroupCog, group_name="alerts", group_description="Where alerts are posted"):
    def __init__(self, bot: commands.Bot) -> None:
        self.app = bot.app  # type: ignore[attr-defined]
        super().__init__()

    @app_commands.command(name="subscribe", description="Post AI-terms alerts in a channel")
    @app_commands.describe(
        channel="Where to post (default: this channel)",
        platforms="Comma-separated platforms, or 'all' (default: all)",
        only_ai="Only changes judged AI-relevant (default: yes)",
        mention_role="A role to mention with each alert (default: nobody)",
    )
    @app_commands.autocomplete(platforms=platform_autocomplete)
    @moderator_only()
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        platforms: app_commands.Range[str, 0, 300] | None = None,
        only_ai: bool = True,
        mention_role: discord.Role | None = None,
    ) -> None:
        assert interaction.guild is not None
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            await send_reply(interaction, notice("Pick a text channel for alerts."))
            return
        if mention_role is not None and mention_role.is_default():
            await send_reply(interaction, notice("Alerts never mention @everyone; pick a role."))
            return
        warnings = []
        missing = missing_permissions(target, interaction.guild.me)
        if missing:
            warnings.append(f"I am missing {', '.join(missing)} in {target.mention}.")
        if mention_role is not None and not (
            mention_role.mentionable
            or target.permissions_for(interaction.guild.me).mention_everyone
        ):
            warnings.append(
                f"{mention_role.mention} is not mentionable by me: make it mentionable or the "
                "alerts will show the role without notifying anyone."
            )
        reply = await manage.subscribe(
            self.app,
            interaction.guild.id,
            target.id,
            platforms=platforms,
            only_ai=only_ai,
            mention_role_id=mention_role.id if mention_role else None,
            actor=interaction.user.id,
            warnings=tuple(warnings),
        )
        await send_reply(interaction, reply)

    @app_commands.command(name="unsubscribe", description="Stop posting alerts in a channel")
    @app_commands.describe(channel="The channel (default: this channel)")
    @moderator_only()
    async def unsubscribe(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild is not None
        target = channel or interaction.channel
        reply = await manage.unsubscribe(self.app, interaction.guild.id, getattr(target, "id", 0))
        await send_reply(interaction, reply)

    @app_commands.command(name="list", description="Which channels get alerts")
    @moderator_only()
    async def list(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await send_reply(
            interaction, await manage.list_subscriptions(self.app, interaction.guild.id)
        )

    @app_commands.command(name="test", description="Post a sample alert to check permissions")
    @app_commands.describe(channel="Where to post the sample (default: this channel)")
    @moderator_only()
    async def test(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild is not None
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            await send_reply(interaction, notice("Pick a text channel."))
            return
        sub = next(
            (
                s
                for s in await manage.subscriptions.list_subscriptions(
                    self.app.db, interaction.guild.id
                )
                if s.channel_id == target.id
            ),
            None,
        )
        sample = manage.sample_alert(self.app, sub.mention_role_id if sub else None)
        try:
            await target.send(**send_kwargs(sample))
        except discord.Forbidden:
            missing = missing_permissions(target, interaction.guild.me) or ["a permission"]
            text = f"I could not post in {target.mention}: I am missing {', '.join(missing)}."
            await send_reply(interaction, notice(text, title="Sample not posted"))
            return
        text = f"Posted a sample alert in {target.mention}."
        if sub is None:
            text += " That channel is not subscribed yet: `/alerts subscribe` it."
        await send_reply(interaction, notice(text, title="Sample posted"))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Alerts(bot))
