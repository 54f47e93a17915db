"""When each source is polled next: its interval with jitter, or exponential backoff on failure.

MonitoRSS's lessons: back off 5 min × 2^n after failures instead of hammering a broken server,
pause a source after repeated failures — and never silently (the subscribed channels are told,
once). Jitter keeps hundreds of sources that share an interval from firing in one burst.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class WatchPolicy:
    pause_after: int = 8  # consecutive failures before a source is paused
    backoff_base: float = 300.0  # first retry after a failure (seconds), doubled each time
    backoff_cap: float = 6 * 3600.0
    jitter: float = 0.1  # ± fraction applied to every delay
    tick: float = 30.0  # the loop re-reads sources and states at least this often
    recent_versions: int = 5  # a version equal to one of these is not a change (flapping)
    max_passages: int = 10
    dedupe_days: float = 30.0  # another source's alert about the same passages suppresses ours
    max_versions_per_poll: int = 10  # ota: new versions processed in one poll


def jittered(seconds: float, fraction: float, rng: random.Random | None = None) -> float:
    if fraction <= 0:
        return seconds
    return seconds * (rng or random).uniform(1 - fraction, 1 + fraction)


def backoff(failures: int, policy: WatchPolicy, retry_after: float | None = None) -> float:
    """Delay before the next try after ``failures`` consecutive failures (1 = first failure)."""
    delay = min(policy.backoff_base * 2 ** max(failures - 1, 0), policy.backoff_cap)
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.backoff_cap))
    return jittered(delay, policy.jitter)


class Batcher(Generic[T, R]):
    """Collects concurrent submissions and hands them to ``write`` in batches.

    Writing 1,000 polls' results one transaction each would spend more time on SQLite round
    trips than on HTTP; here whatever arrives while a batch is being written goes into the
    next batch, so a busy cycle uses a few transactions and a quiet one answers immediately.
    """

    def __init__(
        self,
        write: Callable[[list[T]], Awaitable[list[R]]],
        max_batch: int = 500,
        window: float = 0.0,
        more_coming: Callable[[], bool] | None = None,
    ):
        self._write = write
        self._max = max_batch
        self._window = window
        self._more_coming = more_coming or (lambda: False)
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while True:
            if len(self._queue) < self._max:
                # Let submissions made meanwhile join this batch: a busy cycle then needs a few
                # large writes instead of hundreds of small ones. Nobody waits for nothing.
                await asyncio.sleep(self._window if self._more_coming() else 0)
            if not self._queue:
                return
            batch, self._queue = self._queue[: self._max], self._queue[self._max :]
            try:
                results = await self._write([item for item, _ in batch])
            except BaseException as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
