"""What the watcher has already seen: feed item keys and recent page/document snapshots.

Seen keys are kept for good (they are small hashes) so a feed that re-publishes an old item
years later still does not alert. Snapshots keep the last few versions of each document, which
is what "a page flapping between two variants is not a change" needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.store import clock
from bot.store.db import Connection, Database

KEEP_SNAPSHOTS = 10


@dataclass(frozen=True, slots=True)
class Snapshot:
    id: int
    text_hash: str
    text: str
    version_url: str | None
    taken_at: str


async def seen_keys(
    db: Database, source_id: str, keys: Iterable[str], conn: Connection | None = None
) -> set[str]:
    """Which of ``keys`` this source has seen before."""
    keys = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = await db.fetchall(
            f"SELECT item_key FROM seen_item WHERE source_id = ? AND item_key IN "
            f"({','.join('?' * len(chunk))})",
            (source_id, *chunk),
            conn=conn,
        )
        found.update(r["item_key"] for r in rows)
    return found


async def add_keys(conn: Connection, rows: list[tuple[str, str]]) -> None:
    """Record (source_id, key) pairs; already-seen pairs are left alone."""
    if rows:
        now = clock.now_iso()
        await conn.executemany(
            "INSERT INTO seen_item (source_id, item_key, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(s, k, now) for s, k in rows],
        )


async def recent_snapshots(
    db: Database, source_id: str, limit: int = 5, conn: Connection | None = None
) -> list[Snapshot]:
    """Newest first."""
    rows = await db.fetchall(
        "SELECT id, text_hash, text, version_url, taken_at FROM snapshot WHERE source_id = ? "
        "ORDER BY id DESC LIMIT ?",
        (source_id, limit),
        conn=conn,
    )
    return [Snapshot(**dict(r)) for r in rows]


async def snapshot_by_hash(
    db: Database, source_id: str, text_hash: str, conn: Connection | None = None
) -> Snapshot | None:
    row = await db.fetchone(
        "SELECT id, text_hash, text, version_url, taken_at FROM snapshot WHERE source_id = ? "
        "AND text_hash = ? ORDER BY id DESC LIMIT 1",
        (source_id, text_hash),
        conn=conn,
    )
    return Snapshot(**dict(row)) if row else None


async def add_snapshots(
    conn: Connection, rows: list[tuple[str, str, str, str | None]], keep: int = KEEP_SNAPSHOTS
) -> None:
    """Store (source_id, text_hash, text, version_url) rows; keep each source's newest ``keep``."""
    if not rows:
        return
    now = clock.now_iso()
    await conn.executemany(
        "INSERT INTO snapshot (source_id, text_hash, text, version_url, taken_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(*row, now) for row in rows],
    )
    sources = sorted({row[0] for row in rows})
    await conn.execute(
        "DELETE FROM snapshot WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER "
        "(PARTITION BY source_id ORDER BY id DESC) AS n FROM snapshot WHERE source_id IN "
        f"({','.join('?' * len(sources))})) AS ranked WHERE n > ?)",
        (*sources, keep),
    )
