"""Fine Print: watches platforms' AI terms and answers creators' questions about them.

The package is the functional core; only ``bot.client`` imports discord.
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/fineprint-bot/fineprint"
