"""/feeds: this server's own RSS feeds and pages to watch, and the health of every source."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.alerts import manage
from bot.client import FinePrintBot
from bot.present import manage as replies
from cogs.answers import platform_autocomplete
from cogs.utils.checks import moderator_only, moderator_or_nothing
from cogs.utils.replies import Interaction, app_of, send_reply, texts_for

KINDS = [app_commands.Choice(name="RSS / Atom feed", value="rss"),
         app_commands.Choice(name="Web page (terms, policy)", value="page")]  # fmt: skip


async def source_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None or not await moderator_or_nothing(interaction):
        return []
    ids = await manage.source_ids(app_of(interaction), interaction.guild_id)
    wanted = current.lower()
    return [
        app_commands.Choice(name=i[: limits.CHOICE_NAME], value=i[: limits.CHOICE_VALUE])
        for i in ids
        if wanted in i
    ][: limits.AUTOCOMPLETE_CHOICES]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Feeds(commands.GroupCog, group_name="feeds", group_description="What Fine Print watches"):
    def __init__(self, bot: FinePrintBot) -> None:
        self.app = bot.app
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
        interaction: Interaction,
        url: app_commands.Range[str, 8, 500],
        kind: app_commands.Choice[str],
        platform: app_commands.Range[str, 1, 100] | None = None,
        select: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        assert interaction.guild is not None
        result = await manage.add_feed(
            self.app,
            interaction.guild.id,
            kind=kind.value,
            url=url,
            platform=platform,
            select=select,
            actor=interaction.user.id,
        )
        await send_reply(interaction, replies.feed_added(result, texts_for(interaction)))

    @app_commands.command(name="remove", description="Stop watching one of this server's sources")
    @app_commands.describe(source="The source id (see /feeds list)")
    @app_commands.autocomplete(source=source_autocomplete)
    @moderator_only()
    async def remove(self, interaction: Interaction, source: str) -> None:
        assert interaction.guild is not None
        result = await manage.remove_feed(self.app, interaction.guild.id, source)
        await send_reply(interaction, replies.feed_removed(result, texts_for(interaction)))

    @app_commands.command(name="list", description="This server's sources")
    @moderator_only()
    async def list(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        result = await manage.list_feeds(self.app, interaction.guild.id)
        await send_reply(interaction, replies.feed_list(result, texts_for(interaction)))

    @app_commands.command(name="status", description="Health of the sources: last error, paused")
    @moderator_only()
    async def status(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        result = await manage.feeds_status(self.app, interaction.guild.id)
        await send_reply(interaction, replies.feed_health(result, texts_for(interaction)))

    @app_commands.command(name="resume", description="Check a paused source again")
    @app_commands.describe(source="The paused source's id (see /feeds status)")
    @app_commands.autocomplete(source=source_autocomplete)
    @moderator_only()
    async def resume(self, interaction: Interaction, source: str) -> None:
        assert interaction.guild is not None
        result = await manage.resume_feed(self.app, interaction.guild.id, source)
        await send_reply(interaction, replies.feed_resumed(result, texts_for(interaction)))


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Feeds(bot))
