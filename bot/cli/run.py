"""``python -m bot [run|console]``: the bot on Discord, or console mode without a token."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.base import add_lang_option, run_async
from bot.config import Settings


def add_parser(sub: Any) -> None:
    for name, text in (
        ("run", "run the bot (console mode when DISCORD_TOKEN is not set)"),
        ("console", "run in console mode even when a token is set"),
    ):
        sp = sub.add_parser(name, help=text)
        sp.add_argument(
            "--guild",
            type=int,
            help="console mode: the server (guild) id whose FAQ you ask and curate "
            "(default: 0, the console's own pseudo-server)",
        )
        add_lang_option(sp, "console mode: answer")
        sp.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    guild = getattr(args, "guild", None)  # absent when no subcommand was given
    lang = getattr(args, "lang", None)
    if settings.console_mode or args.command == "console":
        from bot.console import run_console

        return run_async(run_console(settings, guild_id=guild, lang=lang))
    if guild is not None or lang is not None:
        print("Note: --guild and --lang only apply to console mode; ignored.", file=sys.stderr)
    from bot.client import run_bot

    return run_async(run_bot(settings))
