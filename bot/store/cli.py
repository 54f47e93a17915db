"""``python -m bot db …``: migrations, online backup, and the clause review list."""

from __future__ import annotations

import argparse
import sys

import aiosqlite

from bot.config import Settings
from bot.store.backup import BackupError
from bot.store.db import Database
from bot.store.migrations import MigrationError, apply_migrations, known_migrations, schema_version


async def db_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.db_command == "migrate":
        return await _migrate(settings)
    try:
        db = await Database(settings.db_path).connect()
    except MigrationError as exc:
        print(f"Database error — {exc}", file=sys.stderr)
        return 1
    try:
        if args.db_command == "backup":
            try:
                path = await db.backup(args.path)
            except (BackupError, OSError) as exc:
                print(f"Backup failed — {exc}", file=sys.stderr)
                return 1
            print(f"Backed up {settings.db_path} to {path}")
            return 0
        if args.db_command == "review":
            from bot.store import reviews

            if args.resolve:
                done = await reviews.resolve(db, args.resolve)
                print(f"Marked {args.resolve} as reviewed." if done else "Nothing to resolve.")
                return 0 if done else 1
            pending = await reviews.pending(db)
            if not pending:
                print("No curated clause needs review.")
            for item in pending:
                print(
                    f"{item.clause_id}: quote not found in {item.source_id} "
                    f"(since {item.flagged_at}); resolve with --resolve {item.clause_id}"
                )
            return 0
    finally:
        await db.close()
    return 2


async def _migrate(settings: Settings) -> int:
    async with aiosqlite.connect(str(settings.db_path)) as conn:
        before = await schema_version(conn)
        try:
            applied = await apply_migrations(conn)
        except MigrationError as exc:
            print(f"Migration refused — {exc}", file=sys.stderr)
            return 1
    latest = known_migrations()[-1].version
    if applied:
        names = ", ".join(f"{m.version:03d}_{m.name}" for m in applied)
        print(f"Migrated {settings.db_path} from version {before} to {latest}: {names}")
    else:
        print(f"{settings.db_path} is up to date (schema version {latest}).")
    return 0
