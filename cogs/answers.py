"""/terms and /optout: a platform's quoted clauses and its opt-out, straight from the core."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.knowledge.text import clip
from bot.knowledge.topics import TOPICS
from cogs.utils.replies import send_reply

TOPIC_CHOICES = [app_commands.Choice(name=t.label, value=t.id) for t in TOPICS]


async def platform_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    app = interaction.client.app  # type: ignore[attr-defined]
    return [
        app_commands.Choice(name=clip(name, limits.CHOICE_NAME), value=pid)
        for name, pid in app.platform_choices(current, limits.AUTOCOMPLETE_CHOICES)
    ]


class Answers(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.app = bot.app  # type: ignore[attr-defined]

    @app_commands.command(name="terms", description="What a platform's terms say about AI, quoted")
    @app_commands.describe(
        platform="The platform, e.g. SoundCloud", topic="What to look at (default: AI training)"
    )
    @app_commands.autocomplete(platform=platform_autocomplete)
    @app_commands.choices(topic=TOPIC_CHOICES)
    async def terms(
        self,
        interaction: discord.Interaction,
        platform: app_commands.Range[str, 1, 100],
        topic: app_commands.Choice[str] | None = None,
    ) -> None:
        pid = self.app.resolve_platform(platform) or platform
        reply = await self.app.terms_reply(pid, topic.value if topic else None)
        await send_reply(interaction, reply)

    @app_commands.command(name="optout", description="How to opt out of a platform's AI use")
    @app_commands.describe(platform="The platform, e.g. YouTube")
    @app_commands.autocomplete(platform=platform_autocomplete)
    async def optout(
        self, interaction: discord.Interaction, platform: app_commands.Range[str, 1, 100]
    ) -> None:
        pid = self.app.resolve_platform(platform) or platform
        await send_reply(interaction, await self.app.optout_reply(pid))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Answers(bot))
