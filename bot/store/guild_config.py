"""Per-guild settings (the moderator role, the alert language) and "tell the guild once"
notices."""

from __future__ import annotations

from bot.store import clock
from bot.store.db import Connection, Database


async def remember_locales(db: Database, locales: dict[int, str]) -> None:
    """Record servers' languages in Discord's settings (``guild_id -> preferred locale``), as
    the process running their shard sees them, for the processes that deliver to them."""
    if not locales:
        return
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO guild_locale (guild_id, locale) VALUES (?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET locale = excluded.locale",
            sorted(locales.items()),
        )


async def discord_locale(db: Database, guild_id: int) -> str | None:
    """The server's language in Discord's settings as last recorded (``remember_locales``)."""
    row = await db.fetchone("SELECT locale FROM guild_locale WHERE guild_id = ?", (guild_id,))
    return row["locale"] if row else None


async def mod_role(db: Database, guild_id: int) -> int | None:
    row = await db.fetchone("SELECT mod_role_id FROM guild_config WHERE guild_id = ?", (guild_id,))
    return row["mod_role_id"] if row else None


async def set_mod_role(
    db: Database,
    guild_id: int,
    role_id: int | None,
    actor_id: int,
    *,
    conn: Connection | None = None,
) -> None:
    async with db.use(conn) as c:
        await c.execute(
            "INSERT INTO guild_config (guild_id, mod_role_id, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
            "mod_role_id = excluded.mod_role_id, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            (guild_id, role_id, actor_id, clock.now_iso()),
        )


async def alert_language(
    db: Database, guild_id: int, *, conn: Connection | None = None
) -> str | None:
    """The language ``/config language`` chose for alerts; None: the server's Discord one."""
    row = await db.fetchone(
        "SELECT language FROM guild_config WHERE guild_id = ?", (guild_id,), conn=conn
    )
    return row["language"] if row else None


async def set_alert_language(
    db: Database,
    guild_id: int,
    language: str | None,
    actor_id: int,
    *,
    conn: Connection | None = None,
) -> None:
    async with db.use(conn) as c:
        await c.execute(
            "INSERT INTO guild_config (guild_id, language, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
            "language = excluded.language, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            (guild_id, language, actor_id, clock.now_iso()),
        )


async def first_notice(
    db: Database, guild_id: int, key: str, *, conn: Connection | None = None
) -> bool:
    """True exactly once per (guild, key): the caller should then tell the guild."""
    async with db.use(conn) as c:
        inserted = await c.execute(
            "INSERT INTO guild_notice (guild_id, key, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (guild_id, key, clock.now_iso()),
        )
        return inserted == 1


async def clear_notice(
    db: Database, guild_id: int, key: str, *, conn: Connection | None = None
) -> None:
    async with db.use(conn) as c:
        await c.execute("DELETE FROM guild_notice WHERE guild_id = ? AND key = ?", (guild_id, key))
