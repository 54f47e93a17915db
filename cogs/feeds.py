"""/feeds: this server's own RSS feeds and pages to watch, and the health of every source."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.alerts import manage
from bot.store import sources as source_store
from cogs.answers import platform_autocomplete
from cogs.utils.checks import moderator_only
from cogs.utils.replies import send_reply

KINDS = [app_commands.Choice(name="RSS / Atom feed", value="rss"),
         app_commands.Choice(name="Web page (terms, policy)", value="page")]  # fmt: skip


async def source_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    app = interaction.client.app  # type: ignore[attr-defined]
    if interaction.guild_id is None:
        return []
    ids = [s.id for s in await source_store.list_guild_sources(app.db, interaction.guild_id)]
    if app.watcher is not None:
        ids += [s.id for s in app.watcher.file_sources]
    wanted = current.lower()
    return [app_commands.Choice(name=i[:100], value=i[:100]) for i in ids if wanted in i][:25]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Feeds(commands.GroupCog, group_name="feeds", group_description="What Fine Print watches"):
    def __init__(self, bot: commands.Bot) -> None:
        self.app = bot.app  # type: ignore[attr-defined]
        super().__init__()

    @app_commands.command(name="add", description="Watch an RSS feed or a page for this server")
    @app_commands.describe(
        url="The feed or page address (https://…)",
        kind="Feed or page",
        platform="Which platform it is about (optional)",
        select="Page only: a CSS selector for the part to watch, e.g. main",
    )
    @app_commands.choices(kind=KINDS)
    @app_commands.autocomplete(platform=platform_autocomplete)
    @moderator_only()
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 8, 500],
        kind: app_commands.Choice[str],
        platform: app_commands.Range[str, 1, 100] | None = None,
        select: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        assert interaction.guild is not None
        reply = await manage.add_feed(
            self.app,
            interaction.guild.id,
            kind=kind.value,
            url=url,
            platform=platform,
            select=select,
            actor=interaction.user.id,
        )
        await send_reply(interaction, reply)

    @app_commands.command(name="remove", description="Stop watching one of this server's sources")
    @app_commands.describe(source="The source id (see /feeds list)")
    @app_commands.autocomplete(source=source_autocomplete)
    @moderator_only()
    async def remove(self, interaction: discord.Interaction, source: str) -> None:
        assert interaction.guild is not None
        await send_reply(
            interaction, await manage.remove_feed(self.app, interaction.guild.id, source)
        )

    @app_commands.command(name="list", description="This server's sources")
    @moderator_only()
    async def list(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await send_reply(interaction, await manage.list_feeds(self.app, interaction.guild.id))

    @app_commands.command(name="status", description="Health of the sources: last error, paused")
    @moderator_only()
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await send_reply(interaction, await manage.feeds_status(self.app, interaction.guild.id))

    @app_commands.command(name="resume", description="Check a paused source again")
    @app_commands.describe(source="The paused source's id (see /feeds status)")
    @app_commands.autocomplete(source=source_autocomplete)
    @moderator_only()
    async def resume(self, interaction: discord.Interaction, source: str) -> None:
        assert interaction.guild is not None
        await send_reply(
            interaction, await manage.resume_feed(self.app, interaction.guild.id, source)
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Feeds(bot))
