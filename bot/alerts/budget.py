"""The global request budget: Discord's per-bot limit, shared by every process that delivers.

Discord allows a bot ``FINEPRINT_GLOBAL_RATE`` requests per second in total (50 unless Discord
raised it for the bot), across all its processes; past it, every request of the bot is answered
429 for a while. Per-route limits (5 messages per 5 s in one channel…) come back in each
response's headers and discord.py keeps to them on its own; the global one it only learns about
from a 429, and one process cannot know what the others spend. So the deliverer takes a turn
before each message:

- on a database several processes share (PostgreSQL), from one schedule IN the database (a
  token bucket written as one time stamp, ``bot.store.buckets``): the processes together stay
  under the limit however the work is split between them, and a process alone gets the whole
  budget — no fixed split to reconfigure when a process is added, dies or has nothing to send;
- on SQLite (one process per file), from a bucket in the process.

Deliveries get ``DELIVERY_SHARE`` of the limit: the rest is headroom for the bot's other requests
(interaction responses do not count against the global limit; the odd ``fetch_guild`` or DM does)
and for requests that arrive bunched. A process reserves up to ``HORIZON`` seconds' worth of
turns in one round trip and sends each at its time, so the database's round trip does not
limit the rate; a turn it misses by more than ``LATE`` (its sender was busy) is dropped rather
than sent together with the next ones, so nothing arrives in bursts.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from typing import Protocol

from bot.store import buckets
from bot.store.db import Database

DELIVERY_SHARE = 0.93
BURST_SHARE = 0.01  # at most this share of a second's budget at once, after a quiet spell
HORIZON = 0.5  # seconds' worth of turns a process holds at most
# Seconds after which a missed turn is dropped. Turns used late crowd into later windows: in any
# one second at most rate × (1 + LATE) + burst go out, 0.93 × 1.02 + 0.01 = 0.96 of the limit;
# the rest absorbs the delay between a turn and its request reaching Discord. (Measured with
# bench/fanout.py: 0.05 lets more turns through on a loaded machine but draws more 429s.)
LATE = 0.02
BUCKET = "discord-global"
OFFSET_SAMPLES = 16  # answers the database's clock is placed in ours from

log = logging.getLogger(__name__)


class Budget(Protocol):
    rate: float  # requests per second

    async def acquire(self, ahead: int = 1) -> None:
        """Wait until one request may be sent, and count it; ``ahead``: how many the caller
        expects to send soon, this one included (so turns can be reserved in advance)."""
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

    async def acquire(self, ahead: int = 1) -> None:
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
    """The budget in the database (``bot.store.buckets``), shared by every process on it.

    Turns are reserved for what the caller says is coming (``ahead``), at most ``horizon``
    seconds' worth held at once, and one reservation stays under way while more is wanted: the
    next turns arrive while the current ones are spent, so the sender does not wait for the
    database."""

    def __init__(
        self,
        db: Database,
        rate: float,
        burst: float,
        *,
        name: str = BUCKET,
        horizon: float = HORIZON,
        late: float = LATE,
    ) -> None:
        self.db = db
        self.rate = rate
        self.burst = burst
        self.name = name
        self.late = late
        self._chunk = max(1, math.ceil(rate * horizon))
        self._turns: deque[float] = deque()  # reserved turns, in time.monotonic()
        self._refill: asyncio.Task[None] | None = None
        self._created = False
        self._offsets: deque[float] = deque(maxlen=OFFSET_SAMPLES)

    async def acquire(self, ahead: int = 1) -> None:
        while True:
            now = time.monotonic()
            while self._turns and self._turns[0] < now - self.late:
                self._turns.popleft()  # missed: sending it now would bunch with the next ones
            held = len(self._turns)
            refill = None
            if ahead > held and held < self._chunk:  # keep a reservation under way
                refill = self._start_refill(min(ahead, self._chunk) - held)
            if self._turns:
                turn = self._turns.popleft()
                break
            assert refill is not None  # no turn held: one is being reserved
            await refill
        delay = turn - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def _start_refill(self, count: int) -> asyncio.Task[None]:
        """One reservation at a time; returns the one under way."""
        if self._refill is None or self._refill.done():
            self._refill = asyncio.create_task(self._reserve(count))
            self._refill.add_done_callback(_note_failure)
        return self._refill

    async def _reserve(self, count: int) -> None:
        if not self._created:
            await buckets.create(self.db, self.name)
            self._created = True
        got = await buckets.reserve(self.db, self.name, count, rate=self.rate, burst=self.burst)
        # The database's clock in ours: the smallest (arrival - database time) of the last few
        # answers, the one with the shortest delay, so a slow answer does not push its turns
        # onto the next ones (a turn that arrives too late is dropped like any missed turn).
        self._offsets.append(time.monotonic() - got.now)
        offset = min(self._offsets)
        last = self._turns[-1] if self._turns else float("-inf")
        for at in got.turns:
            last = max(last, got.now + at + offset)  # in order
            self._turns.append(last)


def _note_failure(task: asyncio.Task[None]) -> None:
    """A background top-up that failed is logged (the next acquire tries again)."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("could not reserve turns of the request budget: %s", task.exception())


def budget_for(db: Database, global_rate: float) -> Budget:
    """The delivery budget for ``db``: shared through it when several processes may use it."""
    rate, burst = delivery_rate(global_rate)
    if db.dialect.concurrent_writers:
        return SharedBudget(db, rate, burst)
    return LocalBudget(rate, burst)
