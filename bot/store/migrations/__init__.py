"""Numbered SQL migrations, with SQL per dialect where SQLite and PostgreSQL differ.

Layout (this folder):

- ``NNN_name.sql`` — one script both backends run (the normal case: write SQL both accept;
  ``BIGINT`` for integers, ``DOUBLE PRECISION`` for floats, ``TEXT`` for text, times and JSON).
- ``NNN_name.sqlite.sql`` / ``NNN_name.postgres.sql`` — that dialect's own script, used instead
  of the shared one. Where the dialects truly differ (a surrogate key is ``INTEGER PRIMARY KEY``
  on SQLite and ``GENERATED … AS IDENTITY`` on PostgreSQL), a version has both and no shared file.

Numbers run 1..N without gaps and every version must resolve for every dialect; all files of a
version share its name. Each script runs inside one transaction together with the version bump
(SQLite: ``PRAGMA user_version``; PostgreSQL: a row in ``fineprint_schema``), so a failed
migration leaves the database exactly as it was. A database newer than this code is refused
rather than guessed at: running old code on a new schema is how data gets silently corrupted.

On PostgreSQL every integer column is ``BIGINT`` (SQLite's integers are 64-bit, and Discord ids
do not fit in ``INTEGER``); ``tests/integration/test_store.py`` checks it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

from bot.errors import FinePrintError

DIALECTS = ("sqlite", "postgres")
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+?)(?:\.(sqlite|postgres))?\.sql$")


class MigrationError(FinePrintError, RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.version:03d}_{self.name}"


def known_migrations(dialect: str = "sqlite") -> list[Migration]:
    """The migrations ``dialect`` runs, in order (its own file where a version has one)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    files: dict[int, dict[str | None, tuple[str, str]]] = defaultdict(dict)
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            version, name, variant = int(match[1]), match[2], match[3]
            files[version][variant] = (name, entry.read_text(encoding="utf-8"))
    found: list[Migration] = []
    for expected, version in enumerate(sorted(files), start=1):
        variants = files[version]
        if version != expected:
            raise MigrationError(f"migration numbers must be 1..N without gaps; saw {version:03d}")
        if len({name for name, _ in variants.values()}) > 1:
            raise MigrationError(f"migration {version:03d} has files with different names")
        missing = [d for d in DIALECTS if d not in variants and None not in variants]
        if missing:
            raise MigrationError(
                f"migration {version:03d} has no script for {', '.join(missing)}: add "
                f"a shared {version:03d}_name.sql or a {version:03d}_name.<dialect>.sql"
            )
        name, sql = variants.get(dialect) or variants[None]
        found.append(Migration(version, name, sql))
    return found


def pending(migrations: list[Migration], current: int) -> list[Migration]:
    """What is missing from a database at ``current``; refuses one newer than this code."""
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise MigrationError(
            f"the database schema is version {current}, newer than this Fine Print knows "
            f"({latest}). Upgrade Fine Print, or restore a backup made by this version."
        )
    return migrations[current:]
