"""``python -m bot db migrate|backup|review|status``: the database, for operators (SQLite or
PostgreSQL, whichever ``FINEPRINT_DB`` names).

``status`` shows who shares the database — the running processes (by their heartbeat), which
of them polls, the outbox — and with ``--this-host`` exits 1 unless a process on this machine
has beaten recently: the health check of a bot container (``docker-compose.yml``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bot.cli.base import ExitCode, run_async
from bot.config import Settings
from bot.store import alerts, leases, processes, reviews
from bot.store.db import BackupError, Database

ALIVE_BEATS = 3  # a process counts as running if it beat within this many beats


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
    status = actions.add_parser("status", help="running processes, the poller, the outbox")
    status.add_argument(
        "--this-host",
        action="store_true",
        help="exit 1 unless a process on this machine is running (a container health check)",
    )
    status.set_defaults(handler=lambda a, s: run_async(show_status(s, this_host=a.this_host)))


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


async def show_status(settings: Settings, *, this_host: bool = False) -> int:
    within = settings.lease / 4 * ALIVE_BEATS  # the poller beats four times per lease
    async with Database(settings.database) as db:
        running = await processes.live(db, within)
        poller = await leases.get(db, leases.POLLER)
        counts = await alerts.counts(db)
        claimed = await db.fetchval(
            "SELECT count(*) FROM outbox WHERE status = 'pending' AND claimed_by IS NOT NULL"
        )
    host = processes.host_of(processes.this_process())
    if this_host:
        mine = [p for p in running if p.host == host]
        print(f"{len(mine)} Fine Print process(es) running on {host}")
        return ExitCode.OK if mine else ExitCode.FAILED
    print(f"Database {db.name}")
    print(f"Processes running ({len(running)}):")
    for p in running:
        shards = f"shards {p.shards}" if p.shards else "all shards"
        print(f"  {p.id:40} {shards:18} last seen {p.age:4.1f} s ago")
    if poller is not None and poller.remaining > 0:
        print(f"Poller: {poller.holder} (lease renewed, {poller.remaining:.0f} s left)")
    elif db.dialect.concurrent_writers:
        print("Poller: none (a running process takes the lease at its next beat)")
    else:
        print("Poller: the process holding the database's instance lock")
    pending = counts.get("pending", 0)
    print(
        f"Outbox: {pending} pending ({claimed} being sent), {counts.get('sent', 0)} sent, "
        f"{counts.get('failed', 0)} failed"
    )
    return ExitCode.OK
