"""/terms and /optout: a platform's quoted clauses and its opt-out, straight from the core.

Both work wherever a member is: in servers that added Fine Print, and — added to the member's
own account (user install) — in DMs and in servers that haven't.
"""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot import limits, present
from bot.client import FinePrintBot
from bot.knowledge.text import clip
from bot.knowledge.topics import TOPICS
from bot.present.topics import TOPIC_LABELS
from cogs.utils.replies import Interaction, app_of, send_reply, texts_for
from cogs.utils.translator import L

TOPIC_CHOICES = [app_commands.Choice(name=L(TOPIC_LABELS[t.id]), value=t.id) for t in TOPICS]


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

    @app_commands.command(name="terms", description=L("cmd.terms"))
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.describe(platform=L("cmd.terms.platform"), topic=L("cmd.terms.topic"))
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

    @app_commands.command(name="optout", description=L("cmd.optout"))
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @app_commands.describe(platform=L("cmd.optout.platform"))
    @app_commands.autocomplete(platform=platform_autocomplete)
    async def optout(
        self, interaction: Interaction, platform: app_commands.Range[str, 1, 100]
    ) -> None:
        pid = self.app.resolve_platform(platform) or platform
        view = await self.app.optouts(pid)
        await send_reply(interaction, present.render(view, texts_for(interaction)))


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Answers(bot))
