"""``python -m bot data check|verify``: the shipped knowledge base in ``data/``.

``check`` validates the files (every problem as ``file:line: entry: problem``); ``verify``
checks every curated quote against the Open Terms Archive versions in the corpus: verbatim in
the version it cites, still in the newest version when it is current, and cited from its own
service and document.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.base import ExitCode
from bot.config import Settings
from bot.knowledge.loader import load_knowledge
from bot.knowledge.verify import default_corpus, render_report, verify


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("data", help="the shipped knowledge base")
    actions = sp.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate data/ and print a summary")
    check.set_defaults(handler=check_data)
    check_quotes = actions.add_parser("verify", help="check every quote against the OTA corpus")
    check_quotes.add_argument(
        "--corpus", type=Path, help="default: FINEPRINT_CORPUS or ../shared/corpus"
    )
    check_quotes.set_defaults(handler=verify_data)


def check_data(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_knowledge(settings.data_dir)  # a KnowledgeError lists every problem (exit 1)
    print(
        f"OK: {len(kb.platforms)} platforms, {len(kb.clauses)} clauses, "
        f"{len(kb.optouts)} opt-outs, {len(kb.events)} events, {len(kb.absences)} absences, "
        f"{len(kb.faq)} FAQ entries; oldest 'last verified': {kb.oldest_verified()}"
    )
    return ExitCode.OK


def verify_data(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_knowledge(settings.data_dir)
    report = verify(kb, args.corpus or default_corpus())
    print(render_report(report), file=sys.stdout if report.ok else sys.stderr)
    return ExitCode.OK if report.ok else ExitCode.FAILED
