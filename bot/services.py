"""Background services (the watcher, alert delivery) wired to the app and to whoever shows alerts.

The Discord client delivers through the outbox (exactly once per subscribed channel); the
console has no channels, so it prints every alert as the watcher records it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.alerts.delivery import Deliverer, Sender
from bot.config import ConfigError
from bot.watch.service import Watcher
from bot.watch.sources import SourcesError, load_sources

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


async def attach_watch_services(app: App) -> None:
    """Build the watcher from the sources file; a bad file stops the start with its problems."""
    try:
        specs = load_sources(app.settings.sources_path, platforms=set(app.kb.platforms))
    except SourcesError as exc:
        raise ConfigError("FINEPRINT_SOURCES", str(exc)) from exc
    app.watcher = Watcher(app.db, app.kb, app.detector, app.settings, specs)
    log.info("watching %d sources from %s", len(specs), app.settings.sources_path)


def start_services(
    app: App,
    sender: Sender | None,
    *,
    before_delivery: Callable[[], Awaitable[object]] | None = None,
) -> list[asyncio.Task[None]]:
    """Start the watcher loop, and delivery through ``sender`` when there is one."""
    tasks: list[asyncio.Task[None]] = []
    watcher = app.watcher
    if watcher is None:
        return tasks
    tasks.append(asyncio.create_task(watcher.run(), name="watcher"))
    if sender is not None:
        app.deliverer = Deliverer(app.db, sender, kb=app.kb)

        async def deliver() -> None:
            if before_delivery is not None:
                await before_delivery()  # e.g. the Discord cache is ready
            await app.deliverer.run(watcher.on_new_outbox)

        tasks.append(asyncio.create_task(deliver(), name="delivery"))
    return tasks


async def stop_services(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        try:
            await task
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("background task %s ended with an error", task.get_name())
