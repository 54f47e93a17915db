"""/faq: members' questions and suggestions, moderators' curation (``cog``) and its views."""

from __future__ import annotations

from bot.client import FinePrintBot
from cogs.faq.cog import Faq


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Faq(bot))
