"""``python -m bot feedback export [--guild ID] [--out FILE]``: members' corrections as
labelled questions, in the query-file format (``bot.feedback``)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot import feedback
from bot.app import open_app
from bot.cli.base import ExitCode, run_async
from bot.config import Settings
from bot.knowledge import queryset


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("feedback", help="what members' 'Not what I asked' presses taught")
    actions = sp.add_subparsers(dest="feedback_command", metavar="ACTION", required=True)
    ex = actions.add_parser("export", help="write the presses with a pick as labelled questions")
    ex.add_argument("--guild", type=int, help="only this server's presses")
    ex.add_argument("--out", type=Path, help="write to this file instead of standard output")
    ex.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    return run_async(_export(args, settings))


async def _export(args: argparse.Namespace, settings: Settings) -> int:
    async with open_app(settings) as app:
        result = await feedback.labelled(app, guild_id=args.guild)
    header = (
        f'Fine Print — labelled questions from members\' "Not what I asked" presses, exported '
        f"{date.today().isoformat()}.\n{len(result.queries)} with the answer picked instead; "
        f"{result.unlabelled} of {result.presses} presses left out (no pick, or the pick was "
        "removed since).\nFormat: bot/knowledge/queryset.py. guild, shown and chosen say where "
        "each label came from; no user ids are kept."
    )
    text = queryset.dump(result.queries, header)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"Wrote {len(result.queries)} labelled questions to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return ExitCode.OK
