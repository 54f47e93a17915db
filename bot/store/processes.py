"""Who is running: each process's name for itself, and a heartbeat row per running process.

Several processes may share one PostgreSQL database (``FINEPRINT_SHARDS``). Each names itself
``host:pid:random`` (``this_process``) — the name its poller lease and its outbox claims carry,
so an operator can tell which process holds what — and writes a heartbeat row while it runs
(``beat``). ``live`` lists the processes seen within a few seconds; ``python -m bot db status
--this-host`` asks whether one on this host is among them (the container health check of
``docker-compose.yml``). Times are the database's clock (``Dialect.epoch_now``).
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
from dataclasses import dataclass

from bot.store.db import Connection, Database

FORGET_AFTER = 86400.0  # rows of processes silent this long are deleted


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    id: str
    host: str
    pid: int
    shards: str | None
    age: float  # seconds since its last heartbeat


@functools.cache
def this_process() -> str:
    """This process's name in leases, claims and heartbeats: ``host:pid:random`` (the random
    part tells apart two processes that reuse a pid, e.g. in containers)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def host_of(process_id: str) -> str:
    return process_id.rsplit(":", 2)[0]


async def beat(
    db: Database, process_id: str, shards: str | None, *, conn: Connection | None = None
) -> None:
    """Record that ``process_id`` is alive now (and forget processes silent for a day)."""
    now = db.dialect.epoch_now
    host, pid, _ = process_id.rsplit(":", 2)
    async with db.use(conn) as c:
        await c.execute(
            "INSERT INTO process (id, host, pid, shards, started_at, seen_at) "
            f"VALUES (?, ?, ?, ?, {now}, {now}) "
            "ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, shards = excluded.shards",
            (process_id, host, int(pid) if pid.isdigit() else 0, shards),
        )
        await c.execute(f"DELETE FROM process WHERE seen_at < {now} - ?", (FORGET_AFTER,))


async def gone(db: Database, process_id: str) -> None:
    """A process stopping says so (a killed one just stops beating)."""
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM process WHERE id = ?", (process_id,))


async def live(db: Database, within: float) -> list[ProcessInfo]:
    """Processes whose last heartbeat is at most ``within`` seconds old, oldest first."""
    rows = await db.fetchall(
        f"SELECT id, host, pid, shards, {db.dialect.epoch_now} - seen_at AS age FROM process "
        f"WHERE seen_at >= {db.dialect.epoch_now} - ? ORDER BY started_at, id",
        (within,),
    )
    return [ProcessInfo(r["id"], r["host"], r["pid"], r["shards"], float(r["age"])) for r in rows]
