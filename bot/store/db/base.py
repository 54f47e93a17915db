"""The storage interface both backends implement (see ``bot.store.db`` for how to use it)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from bot.errors import FinePrintError

if TYPE_CHECKING:
    from bot.store.migrations import Migration

POSTGRES_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)

Params = Sequence[Any]


class Row(Protocol):
    """A result row: by column name (``row["id"]``), by position, and ``dict(row)``."""

    def keys(self) -> Iterable[str]: ...

    def __getitem__(self, key: str | int) -> Any: ...


class DatabaseError(FinePrintError, RuntimeError):
    """The database cannot be reached or used; the message says which and why."""


class BackupError(FinePrintError, OSError):
    """A backup could not be written; the message says what to do instead."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """The few pieces of SQL the two backends spell differently."""

    name: str  # "sqlite" | "postgres": also the suffix of a migration's override file
    string_agg: str  # aggregate joining text: string_agg(x, ',') / group_concat(x, ',')
    skip_locked: str  # appended to a claiming SELECT; SQLite's writer is already exclusive
    concurrent_writers: bool  # False: one writer transaction at a time (SQLite)
    # The database's clock in seconds since 1970 (a DOUBLE PRECISION expression), the same
    # throughout one statement. Leases and claims that several processes compare are timed by
    # the one clock they share, never by each process's own.
    epoch_now: str
    greatest: str  # the larger of its arguments: GREATEST(a, b) / max(a, b)


SQLITE = Dialect(
    "sqlite",
    "group_concat",
    "",
    concurrent_writers=False,
    epoch_now="((julianday('now') - 2440587.5) * 86400.0)",
    greatest="max",
)
POSTGRES = Dialect(
    "postgres",
    "string_agg",
    " FOR UPDATE SKIP LOCKED",
    concurrent_writers=True,
    epoch_now="CAST(extract(epoch FROM statement_timestamp()) AS DOUBLE PRECISION)",
    greatest="GREATEST",
)


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and bool(POSTGRES_URL.match(target))


class Connection(ABC):
    """A connection inside a transaction (or the read-only reader): the API store modules use."""

    dialect: Dialect

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it inserted, updated or deleted."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per parameter row."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (``INSERT … RETURNING id``); None without a row."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    @abstractmethod
    async def lock(self, name: str) -> None:
        """Hold a lock named ``name`` until this transaction ends: transactions taking the same
        name run one after the other (across processes on PostgreSQL). Use it before a
        read-then-write that must not interleave (a cap check, a rate limit)."""


class Database:
    """A database of either backend; ``Database(target)`` picks it (see the module docstring).

    Not an ``ABC`` on purpose: ``Database(target)`` is the one way to open a database, and the
    backends (``sqlite.py``, ``postgres.py``) implement every method that raises here.
    """

    dialect: Dialect

    _backends: ClassVar[list[type[Database]]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Database._backends.append(cls)

    @classmethod
    def accepts(cls, target: str | Path) -> bool:
        """Whether this backend opens ``target``."""
        return False

    def __new__(cls, target: str | Path, *args: Any, **kwargs: Any) -> Database:
        if cls is Database:
            chosen = [b for b in Database._backends if b.accepts(target)]
            if len(chosen) != 1:
                raise DatabaseError(f"no database backend opens {target!r}")
            cls = chosen[0]
        return super().__new__(cls)

    @property
    def name(self) -> str:
        """What to call this database in messages: the file, or the URL without its password."""
        raise NotImplementedError

    async def connect(self, *, migrate: bool = True) -> Database:
        """Open it (and bring the schema up to date unless ``migrate`` is False)."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Database:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def reader(self) -> Connection:
        """For reads outside a transaction: sees committed data only."""
        raise NotImplementedError

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """``async with db.transaction() as conn``: all-or-nothing writes on ``conn``."""
        raise NotImplementedError

    async def write_one(self, sql: str, params: Params = ()) -> Row | None:
        """One write statement, which is all-or-nothing by itself; its first row (``RETURNING``).

        For the statements processes run many times a second on a shared database (reserving
        request turns): PostgreSQL runs it in one round trip instead of three (no ``BEGIN`` /
        ``COMMIT``); SQLite in a write transaction like any other."""
        async with self.transaction() as conn:
            return await conn.fetchone(sql, params)

    @asynccontextmanager
    async def use(self, conn: Connection | None) -> AsyncIterator[Connection]:
        """Reuse the caller's transaction if given one, otherwise open a new one."""
        if conn is not None:
            yield conn
        else:
            async with self.transaction() as own:
                yield own

    async def fetchone(
        self, sql: str, params: Params = (), *, conn: Connection | None = None
    ) -> Row | None:
        return await (conn or self.reader).fetchone(sql, params)

    async def fetchall(
        self, sql: str, params: Params = (), *, conn: Connection | None = None
    ) -> list[Row]:
        return await (conn or self.reader).fetchall(sql, params)

    async def fetchval(
        self, sql: str, params: Params = (), *, conn: Connection | None = None
    ) -> Any:
        return await (conn or self.reader).fetchval(sql, params)

    async def schema_version(self) -> int:
        """The number of the last migration applied (0: a new, empty database)."""
        raise NotImplementedError

    async def migrate(self) -> list[Migration]:
        """Apply the missing migrations, each in its own transaction; return those applied.
        Refuses (``MigrationError``) a database newer than this code."""
        raise NotImplementedError

    async def backup(self, target: Path | str) -> Path:
        """A consistent copy while the bot runs; refuses to overwrite an existing file."""
        raise NotImplementedError
