"""``python -m bot watch [--once] [--json] [--sources FILE] [--db FILE]``.

``--once`` polls every enabled source now and prints each NEW alert (one JSON line each with
``--json``, DESIGN.md's shape); the first poll of a source records a baseline and prints
nothing. Source errors go to the log on stderr and are recorded on the source; the exit status
is 0 unless the sources file (or the knowledge data it refers to) is invalid. Without
``--once`` the scheduler runs until Ctrl-C, printing alerts as they are found.

Like the bot, ``watch`` is one poller per database: on SQLite the file's instance lock refuses
it while a bot runs on the file; on PostgreSQL ``--once`` holds the poller lease while it polls
and refuses (``PollerBusy``) when a running process holds it, and ``watch`` without ``--once``
takes its turn as the poller like any process — it stands by while another one polls.

Operator extras: ``--status`` prints every source's health (last success, last error,
failures, paused) and ``--resume ID`` un-pauses a source.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.alerts.model import Alert
from bot.app import open_app
from bot.cli.base import ExitCode, run_async
from bot.config import Settings
from bot.present.alerts import render_alert
from bot.store import sources as source_store
from bot.store.db import Database
from bot.watch.service import Watcher

log = logging.getLogger(__name__)


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("watch", help="poll the watched sources")
    sp.add_argument("--once", action="store_true", help="poll every enabled source once, exit")
    sp.add_argument("--json", action="store_true", help="print each new alert as a JSON line")
    sp.add_argument("--sources", type=Path, help="sources file (default: FINEPRINT_SOURCES)")
    sp.add_argument("--db", help="database file or PostgreSQL URL (default: FINEPRINT_DB)")
    sp.add_argument("--status", action="store_true", help="print every source's health, exit")
    sp.add_argument("--resume", metavar="SOURCE_ID", help="un-pause a paused source, exit")
    sp.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    return run_async(_watch(args, settings))


def _printer(as_json: bool) -> Callable[[Alert], None]:
    def show(alert: Alert) -> None:
        if as_json:
            print(json.dumps(alert.to_json(), ensure_ascii=False), flush=True)
        else:
            print(render_alert(alert).to_text(), end="\n\n", flush=True)

    return show


async def _watch(args: argparse.Namespace, settings: Settings) -> int:
    # Polling writes and alerts: one such process per database (bot.store.lock). --status and
    # --resume only read or flip a flag, so they work while the bot runs.
    operator_only = bool(args.resume or args.status)
    async with open_app(
        settings,
        watch=True,
        db_path=args.db,
        sources_path=args.sources,
        lock=not operator_only,
    ) as app:
        watcher, poller = app.watcher, app.poller
        assert watcher is not None and poller is not None  # open_app(watch=True) builds them
        if args.resume:
            done = await source_store.resume(app.db, args.resume)
            print(f"Resumed {args.resume}." if done else f"{args.resume} was not paused.")
            return ExitCode.OK
        if args.status:
            await _print_status(app.db, watcher)
            return ExitCode.OK
        show = _printer(args.json)
        if args.once:
            for alert in await poller.once():
                show(alert)
            await _summary(app.db, watcher)
        else:
            watcher.alert_hooks.append(show)
            print(
                f"Watching {len(await watcher.sources())} sources; Ctrl-C to stop.",
                file=sys.stderr,
            )
            await poller.run()
    return ExitCode.OK


async def _print_status(db: Database, watcher: Watcher) -> None:
    for s in await source_store.status(db, await watcher.sources()):
        state = s.state
        line = f"{s.spec.id:34} {s.health:15} last ok {state.last_ok_at or '-'}"
        if state.failures or state.paused:
            line += f"; {state.failures} failure(s), last: {state.last_error}"
        print(line)


async def _summary(db: Database, watcher: Watcher) -> None:
    statuses = await source_store.status(db, await watcher.sources())
    failing = [s for s in statuses if s.state.failures]
    paused = [s for s in statuses if s.state.paused]
    log.info("polled %d sources: %d failing, %d paused", len(statuses), len(failing), len(paused))
    for s in failing:
        log.info("  %s: %s (%d in a row)", s.spec.id, s.state.last_error, s.state.failures)
