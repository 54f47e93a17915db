"""``python -m bot faq list|add|export|import --guild ID``: a server's FAQ for operators.

The same core as the ``/faq`` moderator commands (``bot.curation``), so the rules are the same:
files are validated against the shipped FAQ schema, ``import`` is a dry run unless ``--apply``
and applies all rows in one transaction or none, and changes are audited (as ``--actor``, or
as the operator, id 0). It is safe to run while the bot is running: writes take SQLite's write
lock, and the generation bump makes the bot pick the change up on its next question.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.app import open_app
from bot.cli.base import ExitCode, run_async
from bot.config import Settings
from bot.curation import Curation, CurationError, ImportPlan, Unreadable, read_path
from bot.knowledge.text import clip
from bot.present.curation import import_report_lines
from bot.present.texts import ENGLISH
from bot.store import faq_entries

ACTIONS = (
    ("list", "list a server's entries"),
    ("add", "add an entry from a TOML/JSON file"),
    ("export", "print a server's entries as TOML or JSON"),
    ("import", "import entries from a TOML/JSON file (dry run unless --apply)"),
)


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("faq", help="a server's own FAQ entries")
    actions = sp.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    for name, text in ACTIONS:
        ap = actions.add_parser(name, help=text)
        ap.add_argument("--guild", type=int, required=True, help="the server (guild) id")
        if name in ("add", "import"):
            ap.add_argument("file", type=Path)
            ap.add_argument("--actor", type=int, default=0, help="user id recorded in the audit")
        if name == "import":
            ap.add_argument("--apply", action="store_true", help="apply after the preview")
        if name == "export":
            ap.add_argument("--format", choices=("toml", "json"), default="toml")
        ap.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    return run_async(_faq(args, settings))


def _print_refusal(plan: ImportPlan) -> None:
    for line in import_report_lines(plan):
        print(line, file=sys.stderr)
    print("Nothing was changed: fix the file and run again.", file=sys.stderr)


async def _faq(args: argparse.Namespace, settings: Settings) -> int:
    async with open_app(settings) as app:
        cur = Curation(app)
        try:
            return await _dispatch(cur, args)
        except Unreadable as exc:
            print(exc, file=sys.stderr)
            return ExitCode.BAD_INPUT
        except CurationError as exc:
            print(f"{exc.title(ENGLISH)}: {exc}", file=sys.stderr)
            return ExitCode.FAILED


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
        return ExitCode.OK
    path: Path = args.file
    data = read_path(path)
    if command == "add":
        plan = await cur.plan_import(guild, path.name, data, only_add=True)
        if not plan.can_apply:
            _print_refusal(plan)
            return ExitCode.FAILED
        result = await cur.apply_import(guild, args.actor, plan, action="add")
        for stored in result.added:
            print(f"Added {stored.entry.id}: {stored.entry.question}")
        return ExitCode.OK
    plan = await cur.plan_import(guild, path.name, data)
    if plan.problems or plan.rejected:
        _print_refusal(plan)
        return ExitCode.FAILED
    for line in import_report_lines(plan):
        print(line)
    if not plan.can_apply:
        print("Nothing to import: the file matches the server's entries.")
        return ExitCode.OK
    if not args.apply:
        print("Dry run: nothing was changed. Run again with --apply to apply it.")
        return ExitCode.OK
    result = await cur.apply_import(guild, args.actor, plan)
    print(
        f"Applied: {len(result.added)} added, {len(result.changed)} changed, "
        f"{result.unchanged} unchanged."
    )
    return ExitCode.OK


async def _list(cur: Curation, guild: int) -> int:
    entries = await faq_entries.list_stored(cur.db, guild)
    hidden = sorted(await faq_entries.hidden_ids(cur.db, guild))
    if not entries:
        print(
            f"Server {guild} has no entries of its own yet. Add one with: "
            f"python -m bot faq add --guild {guild} FILE"
        )
    for stored in entries:
        entry = stored.entry
        tags = ", ".join([*entry.platforms, *entry.topics])
        print(f"{entry.id}\tv{entry.version}\t[{tags}]\t{clip(entry.question, 100)}")
    if hidden:
        print(f"Hidden shipped entries: {', '.join(hidden)}")
    return ExitCode.OK
