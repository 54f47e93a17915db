"""SQLite through aiosqlite: one file, two connections — a locked writer and a free reader.

Coroutines share the process, so a transaction on a shared connection would swallow statements
from whoever else awaits in between. Writes therefore go through ``transaction()`` (one writer at
a time, ``BEGIN IMMEDIATE``); reads use a second connection that, under WAL, sees only committed
data. Because the writer is exclusive, ``Connection.lock`` has nothing left to do here.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store.db.base import SQLITE, Connection, Database, Params, Row, is_postgres_url
from bot.store.db.sqlite_backup import write_backup
from bot.store.migrations import Migration, MigrationError, known_migrations, pending

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


async def _open(path: Path | str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA foreign_keys = ON")
    return conn


class SqliteConnection(Connection):
    dialect = SQLITE

    def __init__(self, raw: aiosqlite.Connection) -> None:
        self.raw = raw

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self.raw.execute(sql, params) as cur:
            return cur.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self.raw.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self.raw.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.raw.execute(sql, params) as cur:
            row: Row | None = await cur.fetchone()
            return row

    async def lock(self, name: str) -> None:
        """Nothing to do: a SQLite write transaction already excludes every other writer."""


async def _user_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def apply_migrations(conn: aiosqlite.Connection) -> list[Migration]:
    """Apply what is missing on a raw connection; return what was applied."""
    applied = []
    for migration in pending(known_migrations("sqlite"), await _user_version(conn)):
        script = (
            f"BEGIN IMMEDIATE;\n{migration.sql}\n"
            f"PRAGMA user_version = {migration.version};\nCOMMIT;"
        )
        try:
            await conn.executescript(script)
        except Exception as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            if await _user_version(conn) >= migration.version:
                continue  # another process applied it between our look and our BEGIN
            raise MigrationError(f"migration {migration.label} failed: {exc}") from exc
        applied.append(migration)
    return applied


class SqliteDatabase(Database):
    dialect = SQLITE

    @classmethod
    def accepts(cls, target: str | Path) -> bool:
        return not is_postgres_url(target)

    def __init__(self, target: Path | str) -> None:
        self.path = Path(target)
        self._writer: SqliteConnection | None = None
        self._reader: SqliteConnection | None = None
        self._write_lock = asyncio.Lock()

    @property
    def name(self) -> str:
        return str(self.path)

    async def connect(self, *, migrate: bool = True) -> SqliteDatabase:
        try:
            writer = await _open(self.path)
            self._writer = SqliteConnection(writer)
            await writer.execute("PRAGMA journal_mode = WAL")
            await writer.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                await apply_migrations(writer)
            reader = await _open(self.path)
            self._reader = SqliteConnection(reader)
            await reader.execute("PRAGMA query_only = ON")
        except BaseException:
            await self.close()
            raise
        return self

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.raw.close()
        self._reader = self._writer = None

    def _connected_writer(self) -> SqliteConnection:
        if self._writer is None:
            raise RuntimeError("database is not connected")
        return self._writer

    @property
    def reader(self) -> SqliteConnection:
        if self._reader is None:
            raise RuntimeError("database is not connected")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteConnection]:
        """All-or-nothing writes: commit on success, roll back on any exception."""
        conn = self._connected_writer()
        async with self._write_lock:
            await conn.raw.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.raw.execute("ROLLBACK")
                raise
            else:
                await conn.raw.execute("COMMIT")

    async def schema_version(self) -> int:
        return await _user_version(self._connected_writer().raw)

    async def migrate(self) -> list[Migration]:
        conn = self._connected_writer()
        async with self._write_lock:
            return await apply_migrations(conn.raw)

    async def backup(self, target: Path | str) -> Path:
        """A consistent online copy, published under ``target`` only once it is complete and
        checked; never overwrites a file (``sqlite_backup``). Raises ``BackupError``."""
        conn = self._connected_writer()
        async with self._write_lock:
            return await write_backup(conn.raw, Path(target))
