"""Exactly one poller per database, however many processes share it.

Every process that may poll (the bot, console mode, ``watch``) runs a ``Poller``: it polls —
runs the watcher's scheduler — only while it holds the database's ``poller`` lease
(``bot.store.leases``), and stands by otherwise. Each beat (a quarter of the lease) the poller
renews its lease and the others try to take it; a holder that dies stops renewing, so another
process takes over at most ``lease`` + one beat after the holder's last renewal (20 s + 5 s by
default, well within the shortest poll interval a source may have, 60 s). The new poller reads
every source's state from the database, so what the dead one had in flight is simply due and
polled again (its alerts have deterministic ids: seen twice, queued once). A poller that stops
cleanly releases the lease, and a standby takes over at its next beat.

A holder that cannot reach the database stops polling before its lease could have expired, so
two processes never poll together because one of them lost touch.

On SQLite the file's instance lock (``bot.store.lock``) already makes this process the only
one, so the lease is not needed; the poller simply polls.

``watch --once`` polls once while holding the lease (renewing it meanwhile), and refuses with
``PollerBusy`` when another process holds it rather than polling alongside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from bot.alerts.model import Alert
from bot.errors import FinePrintError
from bot.store import leases, processes
from bot.store.db import Database
from bot.watch.service import Watcher

log = logging.getLogger(__name__)

BEATS_PER_LEASE = 4
TRUST_SHARE = 0.75  # without news from the database, keep polling this share of the lease only


class PollerBusy(FinePrintError, RuntimeError):
    """Another process polls with this database; ``str()`` says which and what to do."""

    def __init__(self, database: str, holder: str, remaining: float) -> None:
        self.holder = holder
        super().__init__(
            f"Another Fine Print process ({holder}) is polling the sources of {database} (its "
            f"lease runs {max(remaining, 0):.0f} s more and it renews it while it runs). "
            "`watch --once` does not poll alongside it: the running poller already polls every "
            "source when it is due. Stop that process first, or try again once it has stopped."
        )


class Poller:
    def __init__(
        self,
        watcher: Watcher,
        db: Database,
        *,
        lease: float,
        holder: str | None = None,
        shards: str | None = None,
    ) -> None:
        self.watcher = watcher
        self.db = db
        self.lease = lease
        self.holder = holder or processes.this_process()
        self.shards = shards  # what this process runs, for its heartbeat
        self.beat = lease / BEATS_PER_LEASE
        self.polling = False  # whether this process polls now
        # SQLite: one process per file (its instance lock), nothing to share.
        self.exclusive = not db.dialect.concurrent_writers

    async def _take(self) -> bool:
        if self.exclusive:
            return True
        return await leases.acquire(self.db, leases.POLLER, self.holder, self.lease)

    async def run(self) -> None:
        """Poll while holding the lease, stand by otherwise, until cancelled."""
        task: asyncio.Task[None] | None = None
        renewed = float("-inf")  # monotonic time of the last successful renewal
        try:
            while True:
                try:
                    held = await self._take()
                    if held:
                        renewed = time.monotonic()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    trusted = time.monotonic() - renewed < self.lease * TRUST_SHARE
                    held = self.polling and trusted
                    log.warning("poller lease: cannot reach the database (%s)", exc)
                try:
                    await processes.beat(self.db, self.holder, self.shards)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("heartbeat: cannot reach the database (%s)", exc)
                if held and (task is None or task.done()):
                    if task is not None and not task.cancelled() and task.exception():
                        log.error("the watcher stopped; restarting it", exc_info=task.exception())
                    log.info("this process polls the sources now (%s)", self.holder)
                    task = asyncio.create_task(self.watcher.run(), name="watcher")
                elif not held and task is not None:
                    log.info("another process polls the sources now; standing by")
                    await _stop(task)
                    task = None
                self.polling = held
                await asyncio.sleep(self.beat)
        finally:
            self.polling = False
            if task is not None:
                await _stop(task)
            with contextlib.suppress(Exception):
                if not self.exclusive:
                    await leases.release(self.db, leases.POLLER, self.holder)
                await processes.gone(self.db, self.holder)

    async def once(self) -> list[Alert]:
        """Poll every source once while holding the lease (``watch --once``)."""
        async with self._holding():
            return await self.watcher.poll_once()

    @contextlib.asynccontextmanager
    async def _holding(self) -> AsyncIterator[None]:
        if not await self._take():
            info = await leases.get(self.db, leases.POLLER)
            holder, remaining = (info.holder, info.remaining) if info else ("?", 0.0)
            raise PollerBusy(self.db.name, holder, remaining)
        renewer = asyncio.create_task(self._renew(), name="poller-lease")
        try:
            yield
        finally:
            await _stop(renewer)
            if not self.exclusive:
                with contextlib.suppress(Exception):
                    await leases.release(self.db, leases.POLLER, self.holder)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.beat)
            try:
                if not await self._take():
                    log.warning("lost the poller lease while polling once")
            except Exception as exc:
                log.warning("poller lease: cannot reach the database (%s)", exc)


async def _stop(task: asyncio.Task[None]) -> None:
    """Cancel ``task`` and wait for it (a cancellation of the caller still gets through)."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
