"""/faq (members' questions and suggestions) and /faqmod (moderators' curation), and views."""

from __future__ import annotations

from bot.client import FinePrintBot
from cogs.faq.cog import Faq, FaqMod


async def setup(bot: FinePrintBot) -> None:
    await bot.add_cog(Faq(bot))
    await bot.add_cog(FaqMod(bot))
