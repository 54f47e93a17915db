"""``python -m bot db migrate|backup|review``: the database, for operators (SQLite or PostgreSQL,
whichever ``FINEPRINT_DB`` names)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bot.cli.base import ExitCode, run_async
from bot.config import Settings
from bot.store import reviews
from bot.store.db import BackupError, Database


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("db", help="database maintenance")
    actions = sp.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser("migrate", help="apply pending migrations (safe to repeat)").set_defaults(
        handler=lambda a, s: run_async(migrate(s))
    )
    backup = actions.add_parser(
        "backup", help="write a consistent copy while the bot runs (PostgreSQL: with pg_dump)"
    )
    backup.add_argument("path", type=Path)
    backup.set_defaults(handler=lambda a, s: run_async(backup_to(s, a.path)))
    review = actions.add_parser(
        "review",
        help="curated clauses whose quote vanished from a page, or whose paragraph changed",
    )
    review.add_argument("--resolve", metavar="CLAUSE_ID", help="mark a clause as reviewed")
    review.set_defaults(handler=lambda a, s: run_async(review_clauses(s, a.resolve)))


async def migrate(settings: Settings) -> int:
    db = await Database(settings.database).connect(migrate=False)
    try:
        before = await db.schema_version()
        applied = await db.migrate()  # a MigrationError is reported by main (exit 1)
        latest = await db.schema_version()
    finally:
        await db.close()
    if applied:
        names = ", ".join(m.label for m in applied)
        print(f"Migrated {db.name} from version {before} to {latest}: {names}")
    else:
        print(f"{db.name} is up to date (schema version {latest}).")
    return ExitCode.OK


async def backup_to(settings: Settings, target: Path) -> int:
    async with Database(settings.database) as db:
        try:
            path = await db.backup(target)
        except (BackupError, OSError) as exc:
            print(f"Backup failed — {exc}", file=sys.stderr)
            return ExitCode.FAILED
    print(f"Backed up {db.name} to {path}")
    return ExitCode.OK


async def review_clauses(settings: Settings, resolve: str | None) -> int:
    async with Database(settings.database) as db:
        if resolve:
            done = await reviews.resolve(db, resolve)
            print(f"Marked {resolve} as reviewed." if done else "Nothing to resolve.")
            return ExitCode.OK if done else ExitCode.FAILED
        pending = await reviews.pending(db)
    if not pending:
        print("No curated clause needs review.")
    for item in pending:
        what = (
            "quote not found in"
            if item.reason == reviews.MISSING
            else "the text around its quote changed in"
        )
        print(
            f"{item.clause_id}: {what} {item.source_id} "
            f"(since {item.flagged_at}); resolve with --resolve {item.clause_id}"
        )
    return ExitCode.OK
