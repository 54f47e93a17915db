"""The storage interface: one ``Database`` and one ``Connection`` API over SQLite or PostgreSQL.

``Database(target)`` opens the backend its target names: a file path is SQLite through aiosqlite
(the embedded default, nothing to install), a ``postgresql://`` URL is PostgreSQL through asyncpg
(several processes sharing one database). Store modules are written once against this API:

- SQL uses ``?`` placeholders; the PostgreSQL backend numbers them (``$1``, ``$2``, …).
- ``conn.execute`` returns the number of rows it changed (``rowcount``); a new row's id comes
  from ``INSERT … RETURNING id`` through ``fetchval``, never from ``lastrowid``.
- Rows are mappings: ``row["column"]``, ``dict(row)`` (and ``row[0]``) on both backends.
- SQL both dialects accept: ``INSERT … ON CONFLICT … DO NOTHING`` / ``DO UPDATE``,
  ``RETURNING``, ``IS NOT DISTINCT FROM``, derived tables with an alias. Where the dialects truly
  differ, ``Dialect`` names the piece (``string_agg``, ``skip_locked``, ``epoch_now``: the
  database's clock, which leases shared by several processes are timed with).

Transactions keep one meaning on both: ``db.transaction()`` is all-or-nothing (commit on success,
roll back on any exception), and store helpers take an optional connection so several of them
share one transaction (RoboDanny's pattern) — the transactional outbox (alert + outbox rows +
seen item or snapshot) is one such transaction. On SQLite transactions are serialised (one writer
per process, ``BEGIN IMMEDIATE``); on PostgreSQL they run concurrently, so a read-then-write that
must not interleave takes ``conn.lock(name)`` first (a transaction-scoped advisory lock there, a
no-op on SQLite where the transaction is already exclusive). Rows several processes share are
claimed by a ``SELECT`` ending in ``dialect.skip_locked`` (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL: another transaction's claimed rows are skipped, not waited for; nothing on SQLite).

Layout: ``base.py`` the interface, ``sqlite.py`` and ``postgres.py`` the backends (each a
``Database`` subclass that says which targets it ``accepts``), ``pg_tools.py`` where PostgreSQL's
programs (``pg_dump``) are; migrations in ``bot/store/migrations/``.
"""

from __future__ import annotations

# The backends register themselves with ``Database`` by subclassing it; importing them here is
# what makes ``Database(target)`` find them. Neither imports its driver until it is opened.
from bot.store.db import postgres, sqlite
from bot.store.db.base import (
    POSTGRES,
    SQLITE,
    BackupError,
    Connection,
    Database,
    DatabaseError,
    Dialect,
    Params,
    Row,
    is_postgres_url,
)

__all__ = [
    "POSTGRES",
    "SQLITE",
    "BackupError",
    "Connection",
    "Database",
    "DatabaseError",
    "Dialect",
    "Params",
    "Row",
    "is_postgres_url",
    "postgres",
    "sqlite",
]
