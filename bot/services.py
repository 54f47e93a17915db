"""Running the App's background services (the poller, alert delivery) and stopping them.

The services themselves are built once by ``open_app``; this only starts and stops their loops,
so the Discord client and the console run them the same way. The watcher runs under the
``Poller``, which polls only while this process holds the database's poller lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.app import App

log = logging.getLogger(__name__)


def start_services(
    app: App, *, before_delivery: Callable[[], Awaitable[object]] | None = None
) -> list[asyncio.Task[None]]:
    """Start the poller (and through it the watcher), and delivery when the app has a
    deliverer."""
    tasks: list[asyncio.Task[None]] = []
    watcher, poller, deliverer = app.watcher, app.poller, app.deliverer
    if watcher is None or poller is None:
        return tasks
    tasks.append(asyncio.create_task(poller.run(), name="poller"))
    if deliverer is not None:

        async def deliver() -> None:
            if before_delivery is not None:
                await before_delivery()  # e.g. the Discord cache is ready
            await deliverer.run(watcher.on_new_outbox)

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
