"""``python -m bot faq list|add|export|import --guild ID``: a server's FAQ for operators.

The same core as the ``/faq`` moderator commands (``bot.curation``), so the rules are the same:
files are validated against the shipped FAQ schema, ``import`` is a dry run unless ``--apply``
and applies all rows in one transaction or none, and changes are audited (as ``--actor``, or
as the operator, id 0). It is safe to run while the bot is running: writes take SQLite's write
lock, and the generation bump makes the bot pick the change up on its next question.

Exit status: 0 done (or a clean dry run), 1 refused (bad file, rejected rows, conflict; nothing
was changed), 2 a file that cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app import open_app
from bot.config import Settings
from bot.curation import Curation, CurationError, ImportPlan, Unreadable, read_path
from bot.knowledge.text import clip
from bot.knowledge.topics import TOPIC_BY_ID
from bot.store import faq as store
from bot.store.migrations import MigrationError

EXIT_OK, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2


def _read(path: Path) -> bytes | None:
    try:
        return read_path(path)
    except Unreadable as exc:
        print(exc.message, file=sys.stderr)
        return None


def _print_refusal(plan: ImportPlan) -> None:
    for line in plan.report_lines():
        print(line, file=sys.stderr)
    print("Nothing was changed: fix the file and run again.", file=sys.stderr)


async def faq_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        async with open_app(settings) as app:
            cur = Curation(app)
            try:
                return await _dispatch(cur, args)
            except CurationError as exc:
                print(f"{exc.title}: {exc.message}", file=sys.stderr)
                return EXIT_REFUSED
    except MigrationError as exc:
        print(f"Database error — {exc}", file=sys.stderr)
        return EXIT_REFUSED


async def _dispatch(cur: Curation, args: argparse.Namespace) -> int:
    guild: int = args.guild
    command = args.faq_command
    if command == "list":
        return await _list(cur, guild)
    if command == "export":
        export = await cur.export(guild, args.format)
        sys.stdout.write(export.data.decode("utf-8"))
        if export.too_big_to_reimport:
            print("Note: this export is larger than the 1 MB import limit.", file=sys.stderr)
        return EXIT_OK
    data = _read(args.file)
    if data is None:
        return EXIT_UNREADABLE
    if command == "add":
        plan = await cur.plan_import(guild, args.file.name, data, only_add=True)
        if not plan.can_apply:
            _print_refusal(plan)
            return EXIT_REFUSED
        result = await cur.apply_import(guild, args.actor, plan, action="add")
        for stored in result.added:
            print(f"Added {stored.entry.id}: {stored.entry.question}")
        return EXIT_OK
    if command == "import":
        plan = await cur.plan_import(guild, args.file.name, data)
        if plan.problems or plan.rejected:
            _print_refusal(plan)
            return EXIT_REFUSED
        for line in plan.report_lines():
            print(line)
        if not plan.can_apply:
            print("Nothing to import: the file matches the server's entries.")
            return EXIT_OK
        if not args.apply:
            print("Dry run: nothing was changed. Run again with --apply to apply it.")
            return EXIT_OK
        result = await cur.apply_import(guild, args.actor, plan)
        print(
            f"Applied: {len(result.added)} added, {len(result.changed)} changed, "
            f"{result.unchanged} unchanged."
        )
        return EXIT_OK
    return EXIT_UNREADABLE  # pragma: no cover - argparse only allows the four actions


async def _list(cur: Curation, guild: int) -> int:
    entries = await store.list_stored(cur.db, guild)
    hidden = sorted(await store.hidden_ids(cur.db, guild))
    if not entries:
        print(
            f"Server {guild} has no entries of its own yet. Add one with: "
            f"python -m bot faq add --guild {guild} FILE"
        )
    for stored in entries:
        entry = stored.entry
        tags = ", ".join(
            [*entry.platforms, *(TOPIC_BY_ID[t].id for t in entry.topics if t in TOPIC_BY_ID)]
        )
        print(f"{entry.id}\tv{entry.version}\t[{tags}]\t{clip(entry.question, 100)}")
    if hidden:
        print(f"Hidden shipped entries: {', '.join(hidden)}")
    return EXIT_OK
