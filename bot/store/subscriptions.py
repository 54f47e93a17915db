"""Which channels receive which platforms' alerts.

One subscription per channel: all platforms, or a list of them; ``only_ai`` (the default) keeps
the channel to AI-relevant changes; ``mention_role_id`` is the only role an alert may ping;
``mode`` is ``instant`` (each alert as it comes, the default) or ``weekly`` (collected into one
digest a week, ``bot.alerts.digest``).
``subscribe`` sets the channel's subscription as given (it replaces, it does not merge), so what
the command shows afterwards is exactly what the channel gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.alerts.model import DELIVERY_MODES, INSTANT, WEEKLY
from bot.store import clock, digests, guild_config
from bot.store.db import Connection, Database


@dataclass(frozen=True, slots=True)
class Subscription:
    guild_id: int
    channel_id: int
    platforms: tuple[str, ...]  # empty: every platform
    only_ai: bool
    mention_role_id: int | None
    paused_reason: str | None = None
    mode: str = INSTANT
    language: str | None = None  # this channel's alert language; None: the server's

    @property
    def all_platforms(self) -> bool:
        return not self.platforms

    @property
    def weekly(self) -> bool:
        return self.mode == WEEKLY

    def wants(self, platform: str | None, ai_relevant: bool) -> bool:
        if self.paused_reason or (self.only_ai and not ai_relevant):
            return False
        return self.all_platforms or (platform is not None and platform in self.platforms)


async def subscribe(
    db: Database,
    guild_id: int,
    channel_id: int,
    platforms: list[str] | tuple[str, ...] = (),
    *,
    only_ai: bool = True,
    mention_role_id: int | None = None,
    mode: str = INSTANT,
    actor: int,
    language: str | None = None,
) -> Subscription:
    """Create or replace the channel's subscription (clears a delivery pause).

    Switching a weekly channel to instant keeps what it collected: that still arrives in the
    coming Monday's digest, so nothing is lost and nothing is posted twice.
    """
    if mode not in DELIVERY_MODES:
        raise ValueError(f"unknown delivery mode {mode!r}")
    wanted = tuple(sorted({p.strip().lower() for p in platforms if p.strip()}))
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO subscription (channel_id, guild_id, all_platforms, only_ai, "
            "mention_role_id, mode, paused_reason, updated_by, updated_at, language) "
            "VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?) "
            "ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, "
            "all_platforms = excluded.all_platforms, only_ai = excluded.only_ai, "
            "mention_role_id = excluded.mention_role_id, mode = excluded.mode, "
            "paused_reason = NULL, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at, language = excluded.language",
            (
                channel_id,
                guild_id,
                int(not wanted),
                int(only_ai),
                mention_role_id,
                mode,
                actor,
                clock.now_iso(),
                language,
            ),
        )
        await conn.execute("DELETE FROM subscription_platform WHERE channel_id = ?", (channel_id,))
        # A fresh subscription may be told again if Discord refuses the channel later.
        await guild_config.clear_notice(db, guild_id, refused_key(channel_id), conn=conn)
        await conn.executemany(
            "INSERT INTO subscription_platform (channel_id, platform) VALUES (?, ?)",
            [(channel_id, p) for p in wanted],
        )
    return Subscription(
        guild_id, channel_id, wanted, only_ai, mention_role_id, mode=mode, language=language
    )


def refused_key(channel_id: int) -> str:
    """The "told once" key for a channel Discord refuses (``guild_notice``)."""
    return f"delivery-refused:{channel_id}"


def rejected_key(channel_id: int) -> str:
    """The "told once" key for messages Discord refused in a channel (``guild_notice``)."""
    return f"delivery-rejected:{channel_id}"


async def unsubscribe(db: Database, guild_id: int, channel_id: int) -> bool:
    """Remove the channel's subscription; alerts still queued for it (e.g. while Discord was
    failing) are dropped too, and so is what a weekly channel collected for its next digest, so
    "no more alerts" holds from this moment on."""
    async with db.transaction() as conn:
        deleted = await conn.execute(
            "DELETE FROM subscription WHERE channel_id = ? AND guild_id = ?", (channel_id, guild_id)
        )
        if deleted == 0:
            return False
        await conn.execute(
            "UPDATE outbox SET status = 'failed', last_error = 'unsubscribed', done_at = ? "
            "WHERE channel_id = ? AND guild_id = ? AND status = 'pending'",
            (clock.now_iso(), channel_id, guild_id),
        )
        await digests.drop_waiting(conn, channel_id)
        return True


async def _load(db: Database, where: str, params: tuple, conn: Connection | None) -> list:
    rows = await db.fetchall(
        f"SELECT s.*, {db.dialect.string_agg}(p.platform, ',') AS platform_list "
        "FROM subscription s "
        "LEFT JOIN subscription_platform p ON p.channel_id = s.channel_id "
        f"WHERE {where} GROUP BY s.channel_id ORDER BY s.guild_id, s.channel_id",
        params,
        conn=conn,
    )
    return [
        Subscription(
            guild_id=r["guild_id"],
            channel_id=r["channel_id"],
            platforms=()
            if r["all_platforms"]
            else tuple(sorted((r["platform_list"] or "").split(","))),
            only_ai=bool(r["only_ai"]),
            mention_role_id=r["mention_role_id"],
            paused_reason=r["paused_reason"],
            mode=r["mode"],
            language=r["language"],
        )
        for r in rows
    ]


async def list_subscriptions(db: Database, guild_id: int) -> list[Subscription]:
    return await _load(db, "s.guild_id = ?", (guild_id,), None)


async def get(db: Database, channel_id: int) -> Subscription | None:
    found = await _load(db, "s.channel_id = ?", (channel_id,), None)
    return found[0] if found else None


async def recipients(
    db: Database,
    platform: str | None,
    *,
    ai_relevant: bool,
    guild_id: int | None = None,
    conn: Connection | None = None,
    notice: bool = False,
) -> list[Subscription]:
    """Channels that get an alert of ``platform`` (``guild_id``: a guild source's own guild).

    Notices about a source (``notice=True``) ignore ``only_ai``: a paused source matters to every
    channel that relies on it.
    """
    where = (
        "s.paused_reason IS NULL AND (s.all_platforms = 1 OR s.channel_id IN "
        "(SELECT channel_id FROM subscription_platform WHERE platform = ?))"
    )
    params: tuple = (platform or "",)
    if guild_id is not None:
        where += " AND s.guild_id = ?"
        params += (guild_id,)
    found = await _load(db, where, params, conn)
    if notice:
        return found
    return [s for s in found if s.wants(platform, ai_relevant)]


async def pause_channel(db: Database, channel_id: int, reason: str, conn: Connection) -> None:
    """Stop queueing alerts for a channel Discord refuses (deleted, no permission)."""
    await conn.execute(
        "UPDATE subscription SET paused_reason = ? WHERE channel_id = ?", (reason, channel_id)
    )
