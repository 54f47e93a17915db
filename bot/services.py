"""Background services (watcher, alert delivery) wired to the app and to the Discord client."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import App


async def attach_watch_services(app: App) -> None:
    """Build the watcher and the deliverer for ``app`` (filled in with the watcher)."""


def start_discord_services(bot: object) -> list[asyncio.Task[None]]:
    return []
