"""/terms and /optout: a platform's quoted clauses and its opt-out, straight from the core."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot import limits, present
from bot.client import FinePrintBot
from bot.knowledge.text import clip
from bot.knowledge.topics import TOPICS
from bot.present.texts import ENGLISH
from cogs.utils.replies import Interaction, app_of, send_reply, texts_for

TOPIC_CHOICES = [app_commands.Choice(name=ENGLISH.topic(t.id), value=t.id) for t in TOPICS]


async def platform_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=clip(name, limits.CHOICE_NAME), value=pid)
        for name, pid in app_of(interaction).platform_choices(current, limits.AUTOCOMPLETE_CHOICES)
    ]


class Answers(commands.Cog):
    def __init__(self, bot: FinePrintBot) -> None:
        self.app = bot.app

    @app_commands.command(name="terms", description="What a platform's terms say about AI, quoted")
    @app_commands.describe(
        platform="The platform, e.g. SoundCloud", topic="What to look at (default: AI training)"
    )
    @app_commands.autocomplete(platform=platform_autocomplete)
    @app_commands.choices(topic=TOPIC_CHOICES)
    async def terms(
        self,
        interaction: Interaction,
        platform: app_commands.Range[str, 1, 100],
        topic: app_commands.Choice[str] | None = None,
    ) -> None:
        pid = self.app.resolve_platform(platform) or platform
        view = await self.app.terms(pid, topic.value if topic else None)
        await send_reply(interaction, present.render(view, texts_for(interaction)))

    @app_commands.command(name="optout", description="How to opt out of a platform's AI use")
    @app_commands.describe(platform="The platform, e.g. YouTube")
    @app_commands.autocomplete(platform=platform_autocomplete)
    async def optout(
        self, interaction: Interaction, platform: app_commands.Range[str, 1, 100]
    ) -> None:
        pid = self.app.resolve_platform(platform) or platform
        view = await self.app.optouts(pid)
        await send_reply(interaction, present.render(view, texts_for(interaction)))


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Answers(bot))
