"""Numbered SQL migrations (``NNN_name.sql``), tracked in ``PRAGMA user_version``.

Each file runs inside one transaction together with the version bump, so a failed migration
leaves the database exactly as it was, and two processes starting together on a new file do
not both apply it (the loser sees the version moved and carries on). A database newer than this
code is refused rather than guessed at: running old code on a new schema is how data gets
silently corrupted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from bot.errors import FinePrintError

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class MigrationError(FinePrintError, RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def known_migrations() -> list[Migration]:
    found: list[Migration] = []
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"migration numbers must be 1..N without gaps; saw {migration}")
    return found


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def apply_migrations(conn: aiosqlite.Connection) -> list[Migration]:
    """Apply what is missing; return what was applied (empty when already current)."""
    migrations = known_migrations()
    latest = migrations[-1].version if migrations else 0
    current = await schema_version(conn)
    if current > latest:
        raise MigrationError(
            f"the database schema is version {current}, newer than this Fine Print knows "
            f"({latest}). Upgrade Fine Print, or restore a backup made by this version."
        )
    applied = []
    for migration in migrations[current:]:
        script = f"BEGIN;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await conn.executescript(script)
        except Exception as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            if await schema_version(conn) >= migration.version:
                continue  # another process (starting on the same new file) applied it first
            raise MigrationError(
                f"migration {migration.version:03d}_{migration.name} failed: {exc}"
            ) from exc
        applied.append(migration)
    return applied
