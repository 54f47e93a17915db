"""``python -m bot``: the launcher (RoboDanny's shape: one entry, subcommands).

With no subcommand it runs the bot: on Discord when ``DISCORD_TOKEN`` is set, otherwise in
console mode. Each subcommand lives in its own module here, its parser next to its handler, and
every one reads the same settings and builds the same ``App`` (``open_app``), so what works here
works in Discord. Exit codes mean the same everywhere (``ExitCode``).
"""

from __future__ import annotations

import argparse
import sys

from bot.cli import ask, data, db, faq, feedback, run, sync, watch
from bot.cli.base import ExitCode
from bot.config import ConfigError, configure_logging, load_settings
from bot.errors import ProblemsError
from bot.store.db import DatabaseError
from bot.store.lock import InstanceLocked
from bot.store.migrations import MigrationError

SUBCOMMANDS = (run, ask, watch, faq, feedback, db, data, sync)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot",
        description="Fine Print: AI-terms alerts and answers for creators' Discord servers.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Configuration error — {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    configure_logging(settings)
    handler = getattr(args, "handler", run.handle)  # no subcommand: run the bot
    try:
        return int(handler(args, settings))
    except ConfigError as exc:
        print(f"Configuration error — {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    except ProblemsError as exc:
        print(exc, file=sys.stderr)
        return ExitCode.FAILED
    except (MigrationError, DatabaseError) as exc:
        print(f"Database error — {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except InstanceLocked as exc:
        print(f"Not started — {exc}", file=sys.stderr)
        return ExitCode.FAILED


__all__ = ["ExitCode", "main", "parser"]
