"""PostgreSQL through asyncpg: a connection pool that several processes' pools can share.

Transactions run concurrently (each on its own pooled connection, READ COMMITTED), so a
read-then-write that must not interleave with another one takes ``conn.lock(name)`` — a
transaction-scoped advisory lock, visible to every process on the database. Migrations hold a
session advisory lock, so processes starting together apply them once, in order.

Store SQL is written with ``?`` placeholders; ``numbered`` turns them into ``$1, $2, …`` (outside
string literals, quoted names and comments), once per distinct statement. asyncpg is imported
when a PostgreSQL database is opened, so a SQLite-only installation never loads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from bot.store import clock
from bot.store.db.base import (
    POSTGRES,
    BackupError,
    Connection,
    Database,
    DatabaseError,
    Params,
    Row,
    is_postgres_url,
)
from bot.store.db.pg_tools import find_pg_binary
from bot.store.migrations import Migration, MigrationError, known_migrations, pending

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)

POOL_SIZE = 10
SCHEMA_TABLE = "fineprint_schema"
MIGRATION_LOCK = "fineprint:migrate"
LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"


@functools.lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """``?`` placeholders -> ``$1, $2, …``, leaving literals, quoted names and comments alone.

    SQLite's numbered form ``?NNN`` becomes ``$NNN``; a plain ``?`` after it takes the next
    number after the largest so far, as SQLite numbers it."""
    out: list[str] = []
    n = 0
    i, end = 0, len(sql)
    while i < end:
        ch = sql[i]
        if ch == "?":
            digits = i + 1
            while digits < end and sql[digits].isdigit():
                digits += 1
            if digits > i + 1:
                given = int(sql[i + 1 : digits])
                n = max(n, given)
                out.append(f"${given}")
            else:
                n += 1
                out.append(f"${n}")
            i = digits
            continue
        if ch in "'\"":
            close = sql.find(ch, i + 1)
            while close != -1 and sql[close + 1 : close + 2] == ch:  # '' or "" escapes
                close = sql.find(ch, close + 2)
            stop = end if close == -1 else close + 1
        elif sql.startswith("--", i):
            close = sql.find("\n", i)
            stop = end if close == -1 else close + 1
        elif sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            stop = end if close == -1 else close + 2
        else:
            stop = i + 1
        out.append(sql[i:stop])
        i = stop
    return "".join(out)


def _rowcount(status: str) -> int:
    """asyncpg's command tag ("INSERT 0 3", "UPDATE 1", "DELETE 0") -> rows affected."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresConnection(Connection):
    """A pooled connection inside a transaction."""

    dialect = POSTGRES

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _rowcount(await self.raw.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        if rows:
            await self.raw.executemany(numbered(sql), rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        rows: list[Row] = await self.raw.fetch(numbered(sql), *params)
        return rows

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self.raw.fetchrow(numbered(sql), *params)
        return row

    async def lock(self, name: str) -> None:
        await self.raw.execute(LOCK_SQL, name)


class PoolReader(Connection):
    """Reads outside a transaction: each on whichever pooled connection is free."""

    dialect = POSTGRES

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _rowcount(await self.pool.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        raise RuntimeError("write inside db.transaction(), not on the reader")

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        rows: list[Row] = await self.pool.fetch(numbered(sql), *params)
        return rows

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self.pool.fetchrow(numbered(sql), *params)
        return row

    async def lock(self, name: str) -> None:
        raise RuntimeError("a lock needs a transaction: take it on db.transaction()'s connection")


class PostgresDatabase(Database):
    dialect = POSTGRES

    @classmethod
    def accepts(cls, target: str | Path) -> bool:
        return is_postgres_url(target)

    def __init__(self, target: str, *, pool_size: int = POOL_SIZE) -> None:
        self.url = target
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._reader: PoolReader | None = None

    @property
    def name(self) -> str:
        return redact(self.url)

    async def connect(self, *, migrate: bool = True) -> PostgresDatabase:
        import asyncpg

        try:
            self._pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=self.pool_size, timeout=30
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            raise DatabaseError(f"cannot connect to PostgreSQL at {self.name}: {exc}") from exc
        except TimeoutError as exc:
            raise DatabaseError(f"PostgreSQL at {self.name} did not answer in time") from exc
        self._reader = PoolReader(self._pool)
        if migrate:
            try:
                await self.migrate()
            except BaseException:
                await self.close()
                raise
        return self

    async def close(self) -> None:
        pool, self._pool, self._reader = self._pool, None, None
        if pool is not None:
            await pool.close()

    def _connected_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("database is not connected")
        return self._pool

    @property
    def reader(self) -> PoolReader:
        if self._reader is None:
            raise RuntimeError("database is not connected")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresConnection]:
        """All-or-nothing writes: commit on success, roll back on any exception."""
        async with self._connected_pool().acquire() as raw, raw.transaction():
            yield PostgresConnection(raw)

    async def write_one(self, sql: str, params: Params = ()) -> Row | None:
        """One statement in autocommit: its own transaction, one round trip."""
        row: Row | None = await self._connected_pool().fetchrow(numbered(sql), *params)
        return row

    async def schema_version(self) -> int:
        async with self._connected_pool().acquire() as raw:
            return await _schema_version(raw)

    async def migrate(self) -> list[Migration]:
        import asyncpg

        applied: list[Migration] = []
        async with self._connected_pool().acquire() as raw:
            # One migrator at a time across processes; the others then find nothing to do.
            await raw.execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", MIGRATION_LOCK)
            try:
                await raw.execute(
                    f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version BIGINT PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                for migration in pending(known_migrations("postgres"), await _schema_version(raw)):
                    try:
                        async with raw.transaction():
                            await raw.execute(migration.sql)
                            await raw.execute(
                                f"INSERT INTO {SCHEMA_TABLE} (version, name, applied_at) "
                                "VALUES ($1, $2, $3)",
                                migration.version,
                                migration.name,
                                clock.now_iso(),
                            )
                    except asyncpg.PostgresError as exc:
                        raise MigrationError(f"migration {migration.label} failed: {exc}") from exc
                    applied.append(migration)
            finally:
                with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError):
                    await raw.execute(
                        "SELECT pg_advisory_unlock(hashtextextended($1, 0))", MIGRATION_LOCK
                    )
        return applied

    async def backup(self, target: Path | str) -> Path:
        """``pg_dump --format=custom`` into ``target`` (restore with ``pg_restore``)."""
        target = Path(target)
        if target.exists():
            raise FileExistsError(f"{target} already exists; choose a new file name")
        pg_dump = find_pg_binary("pg_dump")
        if pg_dump is None:
            raise BackupError(
                "pg_dump is not installed here, and a PostgreSQL database is backed up with it: "
                "install PostgreSQL's client programs (Debian: apt-get install postgresql-client) "
                f"and run this again, or run `pg_dump --format=custom --file=FILE {self.name}` "
                "where it is installed, or use your provider's snapshots"
            )
        parts = urlsplit(self.url)
        env = dict(os.environ)
        if parts.password is not None:  # out of the command line (ps shows it), into the env
            env["PGPASSWORD"] = parts.password
        partial = target.with_name(target.name + ".partial")
        proc = await asyncio.create_subprocess_exec(
            str(pg_dump),
            "--format=custom",
            f"--file={partial}",
            f"--dbname={redact(self.url)}",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate()
        if proc.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {err.decode(errors='replace').strip()}")
        os.replace(partial, target)
        return target


async def _schema_version(raw: asyncpg.Connection) -> int:
    exists = await raw.fetchval("SELECT to_regclass($1) IS NOT NULL", SCHEMA_TABLE)
    if not exists:
        return 0
    value: Any = await raw.fetchval(f"SELECT coalesce(max(version), 0) FROM {SCHEMA_TABLE}")
    return int(value)
