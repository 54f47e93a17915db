"""``python -m bot data check``: validate the shipped knowledge base in ``data/``."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.base import ExitCode
from bot.config import Settings
from bot.knowledge.loader import load_knowledge


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("data", help="the shipped knowledge base")
    actions = sp.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate data/ and print a summary")
    check.set_defaults(handler=check_data)


def check_data(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_knowledge(settings.data_dir)  # a KnowledgeError lists every problem (exit 1)
    print(
        f"OK: {len(kb.platforms)} platforms, {len(kb.clauses)} clauses, "
        f"{len(kb.optouts)} opt-outs, {len(kb.events)} events, {len(kb.faq)} FAQ entries; "
        f"oldest 'last verified': {kb.oldest_verified()}"
    )
    return ExitCode.OK
