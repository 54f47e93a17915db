"""``python -m bot ask "QUERY" [--guild ID] --json``: one answer, as ``/faq ask`` gives it.

``--json`` prints exactly the object DESIGN.md documents; without it, the reply as text.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot import present
from bot.app import open_app
from bot.cli.base import ExitCode, run_async
from bot.config import Settings


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("ask", help="answer one question, as /faq would")
    sp.add_argument("query", help="the question, e.g. 'does soundcloud train ai on my music'")
    sp.add_argument("--guild", type=int, help="include this server's own FAQ entries")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    return run_async(_ask(args, settings))


async def _ask(args: argparse.Namespace, settings: Settings) -> int:
    async with open_app(settings) as app:
        if args.json:
            result = await app.ask(args.query, guild_id=args.guild)
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            view = await app.answer(args.query, guild_id=args.guild)
            print(present.answer(view).fit().to_text())
    return ExitCode.OK
