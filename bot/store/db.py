"""One SQLite file, two aiosqlite connections: a locked writer and a free reader.

Coroutines share the process, so a transaction on a shared connection would swallow statements
from whoever else awaits in between. Writes therefore go through ``Database.transaction()`` (one
writer at a time, ``BEGIN IMMEDIATE``); reads use a second connection that, under WAL, sees only
committed data. Store helpers accept an optional connection so several of them can share one
transaction (RoboDanny's pattern).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store.backup import write_backup
from bot.store.migrations import apply_migrations

log = logging.getLogger(__name__)

Connection = aiosqlite.Connection
BUSY_TIMEOUT_MS = 5000


async def _open(path: Path | str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA foreign_keys = ON")
    return conn


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def connect(self, *, migrate: bool = True) -> Database:
        try:
            self._writer = await _open(self.path)
            await self._writer.execute("PRAGMA journal_mode = WAL")
            await self._writer.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                await apply_migrations(self._writer)
            self._reader = await _open(self.path)
            await self._reader.execute("PRAGMA query_only = ON")
        except BaseException:
            await self.close()
            raise
        return self

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def __aenter__(self) -> Database:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not connected")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """All-or-nothing writes: commit on success, roll back on any exception."""
        if self._writer is None:
            raise RuntimeError("database is not connected")
        async with self._write_lock:
            conn = self._writer
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    @asynccontextmanager
    async def use(self, conn: aiosqlite.Connection | None) -> AsyncIterator[aiosqlite.Connection]:
        """Reuse the caller's transaction if given one, otherwise open a new one."""
        if conn is not None:
            yield conn
        else:
            async with self.transaction() as own:
                yield own

    async def fetchone(
        self, sql: str, params: tuple | dict = (), *, conn: aiosqlite.Connection | None = None
    ) -> sqlite3.Row | None:
        async with (conn or self.reader).execute(sql, params) as cur:
            return await cur.fetchone()

    async def fetchall(
        self, sql: str, params: tuple | dict = (), *, conn: aiosqlite.Connection | None = None
    ) -> list[sqlite3.Row]:
        async with (conn or self.reader).execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def backup(self, target: Path | str) -> Path:
        """A consistent online copy, published under ``target`` only once it is complete and
        checked; never overwrites a file (``bot.store.backup``). Raises ``BackupError``."""
        if self._writer is None:
            raise RuntimeError("database is not connected")
        async with self._write_lock:
            return await write_backup(self._writer, Path(target))
