"""/faq: members ask (and suggest); moderators curate this server's own answers."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.knowledge.text import clip
from cogs.utils.replies import send_reply


async def question_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    app = interaction.client.app  # type: ignore[attr-defined]
    questions = await app.faq_choices(
        current, guild_id=interaction.guild_id, limit=limits.AUTOCOMPLETE_CHOICES
    )
    choices = []
    for q in questions:
        short = clip(q, limits.CHOICE_NAME)
        choices.append(app_commands.Choice(name=short, value=clip(q, limits.CHOICE_VALUE)))
    return choices


class Faq(commands.GroupCog, group_name="faq", group_description="Questions about AI terms"):
    def __init__(self, bot: commands.Bot) -> None:
        self.app = bot.app  # type: ignore[attr-defined]
        super().__init__()

    @app_commands.command(name="ask", description="Ask anything about platforms' AI terms")
    @app_commands.describe(question="e.g. does spotify train ai on my songs")
    @app_commands.autocomplete(question=question_autocomplete)
    async def ask(
        self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        reply = await self.app.faq_reply(question, guild_id=interaction.guild_id)
        await send_reply(interaction, reply)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Faq(bot))
