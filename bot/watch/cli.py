"""``python -m bot watch [--once] [--json] [--sources FILE] [--db FILE]``.

``--once`` polls every enabled source now and prints each NEW alert (one JSON line each with
``--json``, DESIGN.md's shape); the first poll of a source records a baseline and prints
nothing. Source errors go to the log on stderr and are recorded on the source; the exit status
is 0 unless the sources file (or the knowledge data it refers to) is invalid. Without
``--once`` the scheduler runs until Ctrl-C, printing alerts as they are found.

Operator extras, used when the parser offers them: ``--status`` prints every source's health
(last success, last error, failures, paused) and ``--resume ID`` un-pauses a source.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from pathlib import Path

from bot.alerts.model import Alert
from bot.alerts.render import render_alert
from bot.config import Settings
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.platforms import PlatformDetector
from bot.store import sources as source_store
from bot.store.db import Database
from bot.store.lock import InstanceLock
from bot.store.migrations import MigrationError
from bot.watch.service import Watcher
from bot.watch.sources import SourcesError, SourceSpec, load_sources

log = logging.getLogger(__name__)

EXIT_OK, EXIT_INVALID = 0, 1


def _printer(as_json: bool):
    def show(alert: Alert) -> None:
        if as_json:
            print(json.dumps(alert.to_json(), ensure_ascii=False), flush=True)
        else:
            print(render_alert(alert).to_text(), end="\n\n", flush=True)

    return show


async def watch_command(args: argparse.Namespace, settings: Settings) -> int:
    sources_path = Path(args.sources) if args.sources else settings.sources_path
    db_path = Path(args.db) if args.db else settings.db_path
    try:
        kb = load_knowledge(settings.data_dir)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    try:
        specs = load_sources(sources_path, platforms=set(kb.platforms))
    except SourcesError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    # Polling writes and alerts: one such process per database (bot.store.lock). --status and
    # --resume only read or flip a flag, so they work while the bot runs.
    operator_only = getattr(args, "resume", None) or getattr(args, "status", False)
    with contextlib.nullcontext() if operator_only else InstanceLock(db_path):
        return await _run(args, settings, kb, specs, db_path)


async def _run(
    args: argparse.Namespace,
    settings: Settings,
    kb: KnowledgeBase,
    specs: list[SourceSpec],
    db_path: Path,
) -> int:
    try:
        db = await Database(db_path).connect()
    except MigrationError as exc:
        print(f"Database error — {exc}", file=sys.stderr)
        return EXIT_INVALID
    show = _printer(args.json)
    watcher = Watcher(db, kb, PlatformDetector(kb.platforms), settings, specs)
    try:
        if getattr(args, "resume", None):
            done = await source_store.resume(db, args.resume)
            print(f"Resumed {args.resume}." if done else f"{args.resume} was not paused.")
            return EXIT_OK
        if getattr(args, "status", False):
            await _print_status(db, watcher)
            return EXIT_OK
        if args.once:
            alerts = await watcher.poll_once()
            for alert in alerts:
                show(alert)
            await _summary(db, watcher)
        else:
            watcher.alert_hooks.append(show)
            print(
                f"Watching {len(await watcher.sources())} sources; Ctrl-C to stop.",
                file=sys.stderr,
            )
            await watcher.run()
    finally:
        await watcher.close()
        await db.close()
    return EXIT_OK


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
