"""Leases: a named role that one process at a time holds, for a while, unless it renews it.

Exactly one process polls the sources, however many share the database (DESIGN.md, reliability
rules). The poller holds the ``poller`` lease and renews it well before it ends; the others try
to take it as often. A holder that dies (``kill -9``, a lost machine) stops renewing and another
process takes the lease once it has expired; one that stops cleanly releases it at once.

One statement does the taking and the renewing, on both backends: an upsert whose conflict
update only applies when the lease is already ours or has expired, returning the holder when it
did. The database orders concurrent attempts, and its clock (``Dialect.epoch_now``) times the
lease, so the processes' own clocks never have to agree. A row lock or an advisory lock would do
on PostgreSQL too, but only while a connection stays open for it; a row with an end time also
survives a restart of the pool and tells an operator who holds it and until when.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database

POLLER = "poller"


@dataclass(frozen=True, slots=True)
class LeaseInfo:
    name: str
    holder: str
    remaining: float  # seconds until it expires (negative: expired, free to take)


async def acquire(db: Database, name: str, holder: str, seconds: float) -> bool:
    """Take the lease, or renew it if ``holder`` has it, for ``seconds`` from now; False when
    another holder has it and it has not expired."""
    now = db.dialect.epoch_now
    async with db.transaction() as conn:
        row = await conn.fetchone(
            "INSERT INTO lease (name, holder, expires_at, acquired_at) "
            f"VALUES (?, ?, {now} + ?, {now}) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
            "expires_at = excluded.expires_at, acquired_at = CASE WHEN lease.holder = "
            "excluded.holder THEN lease.acquired_at ELSE excluded.acquired_at END "
            f"WHERE lease.holder = excluded.holder OR lease.expires_at < {now} "
            "RETURNING holder",
            (name, holder, seconds),
        )
    return row is not None and row["holder"] == holder


async def release(db: Database, name: str, holder: str) -> bool:
    """Give the lease up now (only if ``holder`` has it): another process may take it at once."""
    async with db.transaction() as conn:
        gone = await conn.execute("DELETE FROM lease WHERE name = ? AND holder = ?", (name, holder))
    return gone > 0


async def get(db: Database, name: str) -> LeaseInfo | None:
    row = await db.fetchone(
        f"SELECT holder, expires_at - {db.dialect.epoch_now} AS remaining "
        "FROM lease WHERE name = ?",
        (name,),
    )
    return LeaseInfo(name, row["holder"], float(row["remaining"])) if row else None
