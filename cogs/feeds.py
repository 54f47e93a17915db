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
from cogs.utils.translator import L

KINDS = [app_commands.Choice(name=L("choice.kind.rss"), value="rss"),
         app_commands.Choice(name=L("choice.kind.page"), value="page")]  # fmt: skip


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
class Feeds(commands.GroupCog, group_name="feeds", group_description=L("cmd.feeds")):
    def __init__(self, bot: FinePrintBot) -> None:
        self.app = bot.app
        super().__init__()

    @app_commands.command(name="add", description=L("cmd.feeds.add"))
    @app_commands.describe(
        url=L("cmd.feeds.add.url"),
        kind=L("cmd.feeds.add.kind"),
        platform=L("cmd.feeds.add.platform"),
        select=L("cmd.feeds.add.select"),
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

    @app_commands.command(name="remove", description=L("cmd.feeds.remove"))
    @app_commands.describe(source=L("cmd.feeds.remove.source"))
    @app_commands.autocomplete(source=source_autocomplete)
    @moderator_only()
    async def remove(self, interaction: Interaction, source: str) -> None:
        assert interaction.guild is not None
        result = await manage.remove_feed(self.app, interaction.guild.id, source)
        await send_reply(interaction, replies.feed_removed(result, texts_for(interaction)))

    @app_commands.command(name="list", description=L("cmd.feeds.list"))
    @moderator_only()
    async def list(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        result = await manage.list_feeds(self.app, interaction.guild.id)
        await send_reply(interaction, replies.feed_list(result, texts_for(interaction)))

    @app_commands.command(name="status", description=L("cmd.feeds.status"))
    @moderator_only()
    async def status(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        result = await manage.feeds_status(self.app, interaction.guild.id)
        await send_reply(interaction, replies.feed_health(result, texts_for(interaction)))

    @app_commands.command(name="resume", description=L("cmd.feeds.resume"))
    @app_commands.describe(source=L("cmd.feeds.resume.source"))
    @app_commands.autocomplete(source=source_autocomplete)
    @moderator_only()
    async def resume(self, interaction: Interaction, source: str) -> None:
        assert interaction.guild is not None
        result = await manage.resume_feed(self.app, interaction.guild.id, source)
        await send_reply(interaction, replies.feed_resumed(result, texts_for(interaction)))


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Feeds(bot))
