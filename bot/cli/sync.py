"""``python -m bot sync [--guild ID]``: publish the slash commands to Discord."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.base import run_async
from bot.config import Settings


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("sync", help="publish slash commands to Discord")
    sp.add_argument("--guild", type=int, help="sync to one server instead of globally")
    sp.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    from bot.client import sync_commands

    return run_async(sync_commands(settings, guild_id=args.guild))
