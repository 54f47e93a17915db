"""Weekly digests: the alerts a weekly channel collects, and the digest that claims them.

An alert meant for a weekly channel becomes a ``digest_item`` in the transaction that records
the alert (``collect``), exactly as an instant channel's outbox row does. When the channel's week
has closed, ``claim`` creates the week's digest and claims every waiting item detected before the
week's end, in the caller's transaction (which also queues the digest's outbox row). An item is
claimed by one digest only (``digest_id IS NULL`` in the claim), and the digest of a (channel,
week) is created once (its id is deterministic and ``ON CONFLICT … DO NOTHING``): so an alert
recorded while a digest is being built is either in that digest or waits for the next one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.alerts.model import stable_id
from bot.store import clock
from bot.store.db import Connection, Database


@dataclass(frozen=True, slots=True)
class DigestRow:
    id: str
    guild_id: int
    channel_id: int
    week_start: str  # ISO-8601, Monday 00:00 UTC
    alert_ids: tuple[str, ...]  # in the order they were detected


@dataclass(frozen=True, slots=True)
class Waiting:
    """A (subscribed, unpaused) channel with alerts waiting for a week's digest."""

    guild_id: int
    channel_id: int
    mention_role_id: int | None


def digest_id(channel_id: int, week_start: str) -> str:
    """The same (channel, week) always yields the same digest id, in any process."""
    return stable_id("digest", str(channel_id), week_start)


async def collect(
    conn: Connection,
    alert_id: str,
    detected_at: str,
    channels: Iterable[tuple[int, int]],
) -> int:
    """Queue the alert for the digests of these (guild, channel)s; returns the items written."""
    rows = [(alert_id, channel, guild, detected_at) for guild, channel in channels]
    await conn.executemany(
        "INSERT INTO digest_item (alert_id, channel_id, guild_id, detected_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        rows,
    )
    return len(rows)


async def waiting(
    db: Database, week_start: str, week_end: str, *, conn: Connection | None = None
) -> list[Waiting]:
    """Subscribed channels with unclaimed items detected before ``week_end`` and no digest yet
    for the week starting ``week_start`` (an item recorded after its week's digest was built
    waits for the next one). A paused channel (Discord refused it) keeps its items until it is
    subscribed again."""
    rows = await db.fetchall(
        "SELECT DISTINCT s.guild_id, s.channel_id, s.mention_role_id FROM digest_item i "
        "JOIN subscription s ON s.channel_id = i.channel_id AND s.paused_reason IS NULL "
        "WHERE i.digest_id IS NULL AND i.detected_at < ? AND NOT EXISTS "
        "(SELECT 1 FROM digest d WHERE d.channel_id = i.channel_id AND d.week_start = ?) "
        "ORDER BY s.channel_id",
        (week_end, week_start),
        conn=conn,
    )
    return [Waiting(r["guild_id"], r["channel_id"], r["mention_role_id"]) for r in rows]


async def claim(
    conn: Connection, guild_id: int, channel_id: int, week_start: str, week_end: str
) -> str | None:
    """Create the channel's digest for the week starting ``week_start`` and claim every waiting
    item detected before ``week_end``; return its id, or ``None`` when there is nothing to claim
    or this week's digest already exists (what came late waits for next week's)."""
    did = digest_id(channel_id, week_start)
    created = await conn.execute(
        "INSERT INTO digest (id, guild_id, channel_id, week_start, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (did, guild_id, channel_id, week_start, clock.now_iso()),
    )
    if created == 0:
        return None
    claimed = await conn.execute(
        "UPDATE digest_item SET digest_id = ? "
        "WHERE channel_id = ? AND digest_id IS NULL AND detected_at < ?",
        (did, channel_id, week_end),
    )
    if claimed == 0:  # someone else claimed them first: no empty digest
        await conn.execute("DELETE FROM digest WHERE id = ?", (did,))
        return None
    return did


async def get(db: Database, did: str) -> DigestRow | None:
    row = await db.fetchone("SELECT * FROM digest WHERE id = ?", (did,))
    if row is None:
        return None
    items = await db.fetchall(
        "SELECT alert_id FROM digest_item WHERE digest_id = ? ORDER BY detected_at, alert_id",
        (did,),
    )
    return DigestRow(
        row["id"],
        row["guild_id"],
        row["channel_id"],
        row["week_start"],
        tuple(r["alert_id"] for r in items),
    )


async def pending_count(db: Database, channel_id: int) -> int:
    """Alerts this channel has collected for its next digest."""
    row = await db.fetchone(
        "SELECT count(*) AS n FROM digest_item WHERE channel_id = ? AND digest_id IS NULL",
        (channel_id,),
    )
    return int(row["n"]) if row else 0


async def drop_waiting(conn: Connection, channel_id: int) -> int:
    """Forget what an unsubscribed channel collected (it asked for no more alerts)."""
    return await conn.execute(
        "DELETE FROM digest_item WHERE channel_id = ? AND digest_id IS NULL", (channel_id,)
    )
