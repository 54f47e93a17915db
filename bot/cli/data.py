"""``python -m bot data check|verify|skeleton``: the shipped knowledge base in ``data/``.

``check`` validates the files and their translations (every problem as
``file:line: entry: problem``); ``verify`` checks every curated quote against the Open Terms
Archive versions in the corpus: verbatim in the version it cites, still in the newest version
when it is current, and cited from its own service and document; ``skeleton LOCALE`` writes the
knowledge translations file for translators.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

from bot.cli.base import ExitCode, locale_arg
from bot.config import Settings
from bot.i18n.catalog import knowledge_path, skeleton
from bot.i18n.languages import load_languages
from bot.i18n.locales import DEFAULT, LOCALES
from bot.knowledge.loader import load_knowledge
from bot.knowledge.verify import default_corpus, render_report, verify


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("data", help="the shipped knowledge base and its translations")
    actions = sp.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate data/ (facts and translations)")
    check.set_defaults(handler=check_data)
    skel = actions.add_parser(
        "skeleton",
        help="print data/i18n/LOCALE/knowledge.toml for translators: every entry, its English "
        "as comments, existing translations kept",
    )
    skel.add_argument("locale", type=locale_arg, help="fr, it, es, de, pt or id")
    skel.add_argument("--out", type=Path, help="write here instead of printing")
    skel.set_defaults(handler=write_skeleton)
    check_quotes = actions.add_parser("verify", help="check every quote against the OTA corpus")
    check_quotes.add_argument(
        "--corpus", type=Path, help="default: FINEPRINT_CORPUS or ../shared/corpus"
    )
    check_quotes.set_defaults(handler=verify_data)


def check_data(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_knowledge(settings.data_dir)  # a KnowledgeError lists every problem (exit 1)
    languages = load_languages(settings.data_dir, kb)  # so does a TranslationError
    print(
        f"OK: {len(kb.platforms)} platforms, {len(kb.clauses)} clauses, "
        f"{len(kb.optouts)} opt-outs, {len(kb.events)} events, {len(kb.absences)} absences, "
        f"{len(kb.faq)} FAQ entries; oldest 'last verified': {kb.oldest_verified()}"
    )
    others = [code for code in LOCALES if code != DEFAULT]
    translated = [code for code in languages.knowledge_locales if code != DEFAULT]
    print(
        f"Translations: interface in {', '.join(languages.locales)}; knowledge texts in "
        f"{', '.join([DEFAULT, *translated])}"
        + (
            f" (still English in {', '.join(c for c in others if c not in translated)})"
            if len(translated) < len(others)
            else ""
        )
    )
    return ExitCode.OK


def write_skeleton(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_knowledge(settings.data_dir)
    existing = knowledge_path(settings.data_dir, args.locale)
    raw: dict[str, Any] = {}
    if existing.exists():
        raw = tomllib.loads(existing.read_text(encoding="utf-8"))
    text = skeleton(kb, raw=raw)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"Wrote {args.out}", file=sys.stderr)
    else:
        print(text, end="")
    return ExitCode.OK


def verify_data(args: argparse.Namespace, settings: Settings) -> int:
    kb = load_knowledge(settings.data_dir)
    report = verify(kb, args.corpus or default_corpus())
    print(render_report(report), file=sys.stdout if report.ok else sys.stderr)
    return ExitCode.OK if report.ok else ExitCode.FAILED
