"""Polling state of every source, and the sources guilds add themselves (``/feeds``).

Guild sources are capped per guild (a server cannot turn the bot into its crawler) and only
``rss`` and ``page`` kinds may be added; their alerts go to that guild alone. ``status`` and
``resume`` serve both shipped and guild sources, so ``/feeds status`` can explain a silent feed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bot.errors import FinePrintError
from bot.store import clock
from bot.store.db import Connection, Database
from bot.watch.sources import (
    DEFAULT_INTERVAL,
    MAX_INTERVAL,
    MIN_INTERVAL,
    SourceSpec,
    is_http_url,
    parse_selectors,
    selectors_to_json,
)

GUILD_SOURCE_CAP = 10
GUILD_KINDS = ("rss", "page")


class GuildSourceError(FinePrintError, ValueError):
    """A guild source cannot be added; the message is shown to the moderator as is."""


@dataclass(slots=True)
class SourceState:
    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    content_hash: str | None = None
    baseline_at: str | None = None
    last_checked_at: str | None = None
    last_ok_at: str | None = None
    last_change_at: str | None = None
    failures: int = 0
    last_error: str | None = None
    last_error_at: str | None = None
    next_poll_at: str | None = None
    paused_at: str | None = None
    paused_reason: str | None = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def has_baseline(self) -> bool:
        return self.baseline_at is not None


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What ``/feeds status`` shows for one source."""

    spec: SourceSpec
    state: SourceState

    @property
    def health(self) -> str:
        if self.state.paused:
            return "paused"
        if self.state.failures:
            return "failing"
        if self.state.last_ok_at is None:
            return "not polled yet"
        return "ok"


_STATE_COLUMNS = tuple(SourceState.__dataclass_fields__)


def _state(row: Any) -> SourceState:
    return SourceState(**{k: row[k] for k in _STATE_COLUMNS})


async def load_states(db: Database, conn: Connection | None = None) -> dict[str, SourceState]:
    rows = await db.fetchall("SELECT * FROM source_state", conn=conn)
    return {row["source_id"]: _state(row) for row in rows}


async def get_state(db: Database, source_id: str) -> SourceState:
    row = await db.fetchone("SELECT * FROM source_state WHERE source_id = ?", (source_id,))
    return _state(row) if row else SourceState(source_id)


async def resume(db: Database, source_id: str, *, guild_id: int | None = None) -> bool:
    """Un-pause a source and poll it again soon; False when it was not paused.

    With ``guild_id`` only that guild's own sources can be resumed (``/feeds resume``); shipped
    sources are resumed by the operator (``python -m bot watch --resume ID``).
    """
    async with db.transaction() as conn:
        if guild_id is not None and not await db.fetchone(
            "SELECT 1 FROM guild_source WHERE id = ? AND guild_id = ?",
            (source_id, guild_id),
            conn=conn,
        ):
            return False
        resumed = await conn.execute(
            "UPDATE source_state SET paused_at = NULL, paused_reason = NULL, failures = 0, "
            "next_poll_at = NULL WHERE source_id = ? AND paused_at IS NOT NULL",
            (source_id,),
        )
        return resumed > 0


async def paused(db: Database) -> list[SourceState]:
    rows = await db.fetchall("SELECT * FROM source_state WHERE paused_at IS NOT NULL")
    return [_state(r) for r in rows]


# -- guild sources ---------------------------------------------------------------------------


def _guild_source_id(guild_id: int, url: str) -> str:
    return f"g{guild_id}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def _spec(row: Any) -> SourceSpec:
    select, _ = parse_selectors(json.loads(row["select_css"])) if row["select_css"] else ((), [])
    remove, _ = parse_selectors(json.loads(row["remove_css"])) if row["remove_css"] else ((), [])
    return SourceSpec(
        id=row["id"],
        kind=row["kind"],
        url=row["url"],
        platform=row["platform"],
        document=row["document"],
        select=select,
        remove=remove,
        interval=float(row["interval_s"] or DEFAULT_INTERVAL[row["kind"]]),
        guild_id=row["guild_id"],
    )


async def add_guild_source(
    db: Database,
    guild_id: int,
    *,
    kind: str,
    url: str,
    actor: int,
    platform: str | None = None,
    document: str | None = None,
    select: Any = None,
    remove: Any = None,
    interval: float | None = None,
    cap: int = GUILD_SOURCE_CAP,
    known_platforms: set[str] | None = None,
) -> SourceSpec:
    """Validate and store a guild's source; raises ``GuildSourceError`` with a clear message."""
    url = url.strip()
    if kind not in GUILD_KINDS:
        raise GuildSourceError(f"A server can add rss or page sources, not {kind!r}.")
    if not is_http_url(url):
        raise GuildSourceError(f"{url!r} is not an http(s) URL.")
    if platform and known_platforms is not None and platform not in known_platforms:
        raise GuildSourceError(f"Unknown platform {platform!r}.")
    if interval is not None and not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise GuildSourceError("The interval must be between 1 minute and 7 days.")
    stored: dict[str, str | None] = {"select": None, "remove": None}
    for key, value in (("select", select), ("remove", remove)):
        if value in (None, "", []):
            continue
        if kind != "page":
            raise GuildSourceError(f"'{key}' only applies to page sources.")
        parsed, errors = parse_selectors(value)
        if errors:
            raise GuildSourceError(errors[0])
        stored[key] = json.dumps(selectors_to_json(parsed))
    source_id = _guild_source_id(guild_id, url)
    async with db.transaction() as conn:
        await conn.lock(f"guild-sources:{guild_id}")  # the cap check and the insert, together
        row = await db.fetchone(
            "SELECT count(*) AS n FROM guild_source WHERE guild_id = ?", (guild_id,), conn=conn
        )
        if await db.fetchone(
            "SELECT 1 FROM guild_source WHERE guild_id = ? AND url = ?", (guild_id, url), conn=conn
        ):
            raise GuildSourceError("This server already watches that URL.")
        count = int(row["n"]) if row else 0
        if count >= cap:
            raise GuildSourceError(
                f"This server already has {count} sources, the limit is {cap}. "
                "Remove one with /feeds remove first."
            )
        await conn.execute(
            "INSERT INTO guild_source (id, guild_id, kind, url, platform, document, select_css, "
            "remove_css, interval_s, added_by, added_at, position) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?, (SELECT coalesce(max(position), 0) + 1 FROM guild_source "
            "WHERE guild_id = ?))",
            (
                source_id,
                guild_id,
                kind,
                url,
                platform,
                document,
                stored["select"],
                stored["remove"],
                int(interval) if interval else None,
                actor,
                clock.now_iso(),
                guild_id,
            ),
        )
        row = await db.fetchone("SELECT * FROM guild_source WHERE id = ?", (source_id,), conn=conn)
    return _spec(row)


async def remove_guild_source(db: Database, guild_id: int, source_id: str) -> bool:
    """Delete a guild's source and what it remembered; False when the guild has no such source."""
    async with db.transaction() as conn:
        deleted = await conn.execute(
            "DELETE FROM guild_source WHERE id = ? AND guild_id = ?", (source_id, guild_id)
        )
        if deleted == 0:
            return False
        for table in ("source_state", "seen_item", "snapshot"):
            await conn.execute(f"DELETE FROM {table} WHERE source_id = ?", (source_id,))
        return True


async def list_guild_sources(db: Database, guild_id: int) -> list[SourceSpec]:
    rows = await db.fetchall(
        "SELECT * FROM guild_source WHERE guild_id = ? ORDER BY position, added_at, id", (guild_id,)
    )
    return [_spec(r) for r in rows]


async def all_guild_sources(db: Database) -> list[SourceSpec]:
    rows = await db.fetchall("SELECT * FROM guild_source ORDER BY guild_id, position, added_at, id")
    return [_spec(r) for r in rows]


async def guild_status(db: Database, guild_id: int) -> list[SourceStatus]:
    """Each of the guild's sources with its polling health (``/feeds status``)."""
    specs = await list_guild_sources(db, guild_id)
    states = await load_states(db)
    return [SourceStatus(s, states.get(s.id) or SourceState(s.id)) for s in specs]


async def status(db: Database, specs: list[SourceSpec]) -> list[SourceStatus]:
    """Health of the given sources (e.g. the shipped ones), for the operator or a status card."""
    states = await load_states(db)
    return [SourceStatus(s, states.get(s.id) or SourceState(s.id)) for s in specs]
