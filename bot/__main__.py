"""``python -m bot``: the launcher (RoboDanny's shape: one entry, subcommands).

With no subcommand it runs the bot: on Discord when ``DISCORD_TOKEN`` is set, otherwise in
console mode. Every subcommand reads the same settings, so what works here works in Discord.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import FrameType
from typing import Any

from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.store.lock import InstanceLocked

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot",
        description="Fine Print: AI-terms alerts and answers for creators' Discord servers.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

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

    ask = sub.add_parser("ask", help="answer one question, as /faq would")
    ask.add_argument("query", help="the question, e.g. 'does soundcloud train ai on my music'")
    ask.add_argument("--guild", type=int, help="include this server's own FAQ entries")
    ask.add_argument("--json", action="store_true", help="print one JSON object")

    watch = sub.add_parser("watch", help="poll the watched sources")
    watch.add_argument("--once", action="store_true", help="poll every enabled source once, exit")
    watch.add_argument("--json", action="store_true", help="print each new alert as a JSON line")
    watch.add_argument("--sources", type=Path, help="sources file (default: FINEPRINT_SOURCES)")
    watch.add_argument("--db", type=Path, help="database file (default: FINEPRINT_DB)")
    watch.add_argument("--status", action="store_true", help="print every source's health, exit")
    watch.add_argument("--resume", metavar="SOURCE_ID", help="un-pause a paused source, exit")

    faq = sub.add_parser("faq", help="a server's own FAQ entries")
    faq_sub = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    for name, text in (
        ("list", "list a server's entries"),
        ("add", "add an entry from a TOML/JSON file"),
        ("export", "print a server's entries as TOML or JSON"),
        ("import", "import entries from a TOML/JSON file (dry run unless --apply)"),
    ):
        sp = faq_sub.add_parser(name, help=text)
        sp.add_argument("--guild", type=int, required=True, help="the server (guild) id")
        if name in ("add", "import"):
            sp.add_argument("file", type=Path)
        if name == "import":
            sp.add_argument("--apply", action="store_true", help="apply after the preview")
        if name == "export":
            sp.add_argument("--format", choices=("toml", "json"), default="toml")
        if name in ("add", "import"):
            sp.add_argument("--actor", type=int, default=0, help="user id recorded in the audit")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("migrate", help="apply pending migrations (safe to repeat)")
    backup = db_sub.add_parser("backup", help="write a consistent copy while the bot runs")
    backup.add_argument("path", type=Path)
    review = db_sub.add_parser("review", help="curated clauses whose quote vanished from a page")
    review.add_argument("--resolve", metavar="CLAUSE_ID", help="mark a clause as reviewed")

    data = sub.add_parser("data", help="the shipped knowledge base")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    data_sub.add_parser("check", help="validate data/ and print a summary")

    sync = sub.add_parser("sync", help="publish slash commands to Discord")
    sync.add_argument("--guild", type=int, help="sync to one server instead of globally")
    return p


def _run_async(main: Coroutine[Any, Any, int]) -> int:
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    try:
        return asyncio.run(main)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_like_ctrl_c(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (``docker stop``, systemd) stops the bot the way Ctrl-C does: asyncio.run's SIGINT
    handler cancels the main task, so the gateway and the database are closed on the way out.
    Without a handler the process just dies, and as a container's PID 1 it ignores SIGTERM."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signum, frame)
    else:  # SIGINT ignored (e.g. started in the background): stop anyway
        raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Configuration error — {exc}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings)
    command = args.command or "run"
    handler = COMMANDS.get(command)
    if handler is None:  # pragma: no cover - argparse rejects unknown commands
        return EXIT_USAGE
    try:
        return handler(args, settings)
    except ConfigError as exc:
        print(f"Configuration error — {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InstanceLocked as exc:
        print(f"Not started — {exc}", file=sys.stderr)
        return EXIT_ERROR


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    guild = getattr(args, "guild", None)  # absent when no subcommand was given
    if settings.console_mode or args.command == "console":
        from bot.console import run_console

        return _run_async(run_console(settings, guild_id=guild))
    if guild is not None:
        print("Note: --guild only applies to console mode; ignored.", file=sys.stderr)
    from bot.client import run_bot

    return _run_async(run_bot(settings))


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import open_app

    async def go() -> int:
        async with open_app(settings, watch=False) as app:
            result = await app.ask(args.query, guild_id=args.guild)
            if args.json:
                print(json.dumps(result.to_json(), ensure_ascii=False))
            else:
                from bot import render

                print((await render.answer(app, result, guild_id=args.guild)).fit().to_text())
        return EXIT_OK

    return _run_async(go())


def _cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.watch.cli import watch_command

    return _run_async(watch_command(args, settings))


def _cmd_faq(args: argparse.Namespace, settings: Settings) -> int:
    from bot.curation_cli import faq_command

    return _run_async(faq_command(args, settings))


def _cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.cli import db_command

    return _run_async(db_command(args, settings))


def _cmd_data(args: argparse.Namespace, settings: Settings) -> int:
    from bot.knowledge.loader import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge(settings.data_dir)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    print(
        f"OK: {len(kb.platforms)} platforms, {len(kb.clauses)} clauses, "
        f"{len(kb.optouts)} opt-outs, {len(kb.events)} events, {len(kb.faq)} FAQ entries; "
        f"oldest 'last verified': {kb.oldest_verified()}"
    )
    return EXIT_OK


def _cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.client import sync_commands

    return _run_async(sync_commands(settings, guild_id=args.guild))


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "run": _cmd_run,
    "console": _cmd_run,
    "ask": _cmd_ask,
    "watch": _cmd_watch,
    "faq": _cmd_faq,
    "db": _cmd_db,
    "data": _cmd_data,
    "sync": _cmd_sync,
}

if __name__ == "__main__":
    sys.exit(main())
