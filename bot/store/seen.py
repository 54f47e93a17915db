"""What the watcher has already seen: feed item keys and recent page/document snapshots — bounded.

Both used to grow for ever: a feed that rewrites all its item ids on every poll added every new
key to the table (18 MB a poll for a big feed). Now, per source:

- Seen keys. Every read of a feed (a 200 whose items were looked at) is numbered
  (``source_state.key_polls``) and refreshes the keys it contained. Kept are: every key of the
  last ``KEEP_POLLS`` reads — so the feed's current items are never forgotten, whatever their
  age, and never alert again — and of the older keys, the ``KEEP_OLDER`` most recently seen,
  which is what recognises an item a feed drops and re-publishes later (for a feed that adds a
  few items a day, about a year of them). The rest is deleted in the transaction that records
  the read. A source therefore holds at most ``KEEP_POLLS`` feeds' worth of keys plus
  ``KEEP_OLDER``, however its ids churn.
- Snapshots. Each source keeps its newest ``KEEP_SNAPSHOTS`` versions (what "a page flapping
  between two variants is not a change" needs), and of those only as many as fit in
  ``SNAPSHOT_CHARS`` characters of text — the newest always stays, whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.store import clock
from bot.store.db import Connection, Database

KEEP_POLLS = 3  # keys of the source's last 3 reads are always kept (the current feed included)
KEEP_OLDER = 2000  # older keys kept per source, most recently seen first
KEEP_SNAPSHOTS = 10
SNAPSHOT_CHARS = 8_000_000  # text kept per source (its newest snapshot stays, whatever its size)


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


async def add_keys(conn: Connection, rows: list[tuple[str, str, int]]) -> None:
    """Record (source_id, key, read number) rows: new keys are inserted, known ones refreshed."""
    if rows:
        now = clock.now_iso()
        await conn.executemany(
            "INSERT INTO seen_item (source_id, item_key, seen_at, last_poll) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source_id, item_key) DO UPDATE SET last_poll = excluded.last_poll",
            [(s, k, now, n) for s, k, n in rows],
        )


async def prune_keys(
    conn: Connection,
    source_id: str,
    read: int,
    *,
    keep_polls: int = KEEP_POLLS,
    keep_older: int = KEEP_OLDER,
) -> int:
    """Forget the keys the bounds above do not keep, after read number ``read``; how many."""
    return await conn.execute(
        "DELETE FROM seen_item WHERE source_id = ?1 AND last_poll <= ?2 AND item_key NOT IN ("
        "SELECT item_key FROM seen_item WHERE source_id = ?1 AND last_poll <= ?2 "
        "ORDER BY last_poll DESC, seen_at DESC LIMIT ?3)",
        (source_id, read - keep_polls, keep_older),
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
    conn: Connection,
    rows: list[tuple[str, str, str, str | None]],
    keep: int = KEEP_SNAPSHOTS,
    keep_chars: int = SNAPSHOT_CHARS,
) -> None:
    """Store (source_id, text_hash, text, version_url) rows; prune each source to the bounds."""
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
        "DELETE FROM snapshot WHERE id IN (SELECT id FROM (SELECT id, "
        "row_number() OVER newest AS n, sum(length(text)) OVER newest AS chars "
        "FROM snapshot WHERE source_id IN "
        f"({','.join('?' * len(sources))}) "
        "WINDOW newest AS (PARTITION BY source_id ORDER BY id DESC)) AS ranked "
        "WHERE n > ? OR (n > 1 AND chars > ?))",
        (*sources, keep, keep_chars),
    )
