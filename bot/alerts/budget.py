"""The global request budget: Discord's per-bot limit, shared by every process that delivers.

Discord allows a bot ``FINEPRINT_GLOBAL_RATE`` requests per second in total (50 unless Discord
raised it for the bot), across all its processes; past it, every request of the bot is answered
429 for a while. Per-route limits (5 messages per 5 s in one channel…) come back in each
response's headers and discord.py keeps to them on its own; the global one it only learns about
from a 429, and one process cannot know what the others spend. So the deliverer takes a token
before each message:

- on a database several processes share (PostgreSQL), from a token bucket IN the database
  (``bot.store.buckets``): the processes together stay under the limit however the work is
  split between them, and a process alone gets the whole budget — no fixed split to reconfigure
  when a process is added, dies or has nothing to send;
- on SQLite (one process per file), from a bucket in the process.

Deliveries get ``DELIVERY_SHARE`` of the limit: the rest is headroom for the bot's other requests
(interaction responses do not count against the global limit; the odd ``fetch_guild`` or DM does)
and for requests that arrive bunched. The bucket holds at most ``BURST_SHARE`` of a second's
worth, so no one-second window sees more than ``(DELIVERY_SHARE + BURST_SHARE)`` × the limit.
A process fetches a few tokens per round trip and lets unspent ones lapse after ``HOLD`` seconds,
so a process that stops sending cannot save tokens up into a burst later.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Protocol

from bot.store import buckets
from bot.store.db import Database

DELIVERY_SHARE = 0.95
BURST_SHARE = 0.02
HOLD = 0.25  # seconds a process may keep tokens it fetched before they lapse
BUCKET = "discord-global"


class Budget(Protocol):
    rate: float  # tokens per second

    async def acquire(self) -> None:
        """Wait until one request may be sent, and count it."""
        ...


def delivery_rate(global_rate: float) -> tuple[float, float]:
    """(rate, burst) of the delivery budget under a global limit of ``global_rate``/s."""
    return global_rate * DELIVERY_SHARE, max(1.0, global_rate * BURST_SHARE)


class LocalBudget:
    """A token bucket in this process (a SQLite database has one delivering process)."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


class SharedBudget:
    """A token bucket in the database, shared by every process on it."""

    def __init__(
        self, db: Database, rate: float, burst: float, *, name: str = BUCKET, hold: float = HOLD
    ) -> None:
        self.db = db
        self.rate = rate
        self.burst = burst
        self.name = name
        self.hold = hold
        self._chunk = max(1, math.floor(burst))
        self._tokens = 0
        self._lapse = 0.0
        self._waiting = 0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        self._waiting += 1
        try:
            async with self._lock:
                while True:
                    if self._tokens and time.monotonic() < self._lapse:
                        self._tokens -= 1
                        return
                    want = min(self._chunk, self._waiting)
                    grant = await buckets.take(
                        self.db, self.name, want, rate=self.rate, burst=self.burst
                    )
                    if grant.tokens:
                        self._tokens = grant.tokens
                        self._lapse = time.monotonic() + self.hold
                    else:
                        await asyncio.sleep(grant.wait)
        finally:
            self._waiting -= 1


def budget_for(db: Database, global_rate: float) -> Budget:
    """The delivery budget for ``db``: shared through it when several processes may use it."""
    rate, burst = delivery_rate(global_rate)
    if db.dialect.concurrent_writers:
        return SharedBudget(db, rate, burst)
    return LocalBudget(rate, burst)
