"""Token buckets in the database: one request budget that several processes draw from.

Discord allows a bot a number of requests per second in total (the global rate limit, 50/s
unless Discord raised it), whatever the number of processes sending them. Each process asks the
shared bucket for the tokens it is about to spend (``take``); the bucket refills at ``rate``
tokens per second up to ``burst``, by the database's clock, so together the processes never
spend more than ``burst + rate × t`` in any ``t`` seconds. A process asks for a few tokens at a
time (one round trip buys several sends); a token granted to a process that then dies is simply
not spent.

The read-then-write runs under the bucket's named lock (``Connection.lock``: an advisory lock on
PostgreSQL; SQLite's write transaction is already exclusive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class Grant:
    tokens: int  # how many of the requested tokens were granted
    wait: float  # when none were: seconds until the next one is due


async def take(db: Database, name: str, want: int, *, rate: float, burst: float) -> Grant:
    """Take up to ``want`` whole tokens from the bucket ``name`` (created full)."""
    async with db.transaction() as conn:
        await conn.lock(f"bucket:{name}")
        row = await conn.fetchone(
            f"SELECT {db.dialect.epoch_now} AS now, tokens, updated_at FROM "
            "(SELECT 1 AS one) AS clock LEFT JOIN rate_bucket ON name = ?",
            (name,),
        )
        assert row is not None
        now = float(row["now"])
        if row["tokens"] is None:
            tokens = burst
        else:
            elapsed = max(0.0, now - float(row["updated_at"]))
            tokens = min(burst, float(row["tokens"]) + elapsed * rate)
        granted = max(0, min(want, math.floor(tokens + 1e-9)))
        await conn.execute(
            "INSERT INTO rate_bucket (name, tokens, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET tokens = excluded.tokens, "
            "updated_at = excluded.updated_at",
            (name, tokens - granted, now),
        )
    wait = 0.0 if granted else max(0.0, 1.0 - tokens) / rate
    return Grant(granted, wait)
