"""``python -m bot ask "QUERY" [--guild ID] [--lang LOCALE] --json``: one answer, as ``/faq ask``
gives it.

``--json`` prints exactly the object DESIGN.md documents, with ``language``: the language the
answer is written in (``--lang``, else the question's where Fine Print speaks it, else English);
without it, the reply as text, in that language.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot import present
from bot.app import App, open_app
from bot.cli.base import ExitCode, add_lang_option, run_async
from bot.config import Settings
from bot.knowledge.language import answer_language
from bot.knowledge.matcher import AskResult, Match
from bot.present.answers import match_title


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("ask", help="answer one question, as /faq would")
    sp.add_argument("query", help="the question, e.g. 'does soundcloud train ai on my music'")
    sp.add_argument("--guild", type=int, help="include this server's own FAQ entries")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    add_lang_option(sp, "answer")
    sp.set_defaults(handler=handle)


def ask_json(result: AskResult, language: str, app: App) -> dict[str, Any]:
    """DESIGN.md's object: the matcher's result plus the answer's language, titles in it."""
    t = app.languages.texts(language)

    def match(m: Match) -> dict[str, Any]:
        return {**m.to_json(), "title": match_title(m, t)}

    return {
        "query": result.query,
        "platform": result.platform,
        "topic": result.topic,
        "language": language,
        "answer": match(result.answer) if result.answer else None,
        "alternatives": [match(m) for m in result.alternatives],
    }


def handle(args: argparse.Namespace, settings: Settings) -> int:
    return run_async(_ask(args, settings))


async def _ask(args: argparse.Namespace, settings: Settings) -> int:
    async with open_app(settings) as app:
        language = answer_language(args.query, args.lang)
        if args.json:
            result = await app.ask(args.query, guild_id=args.guild)
            print(json.dumps(ask_json(result, language, app), ensure_ascii=False))
        else:
            t = app.languages.texts(language)
            view = await app.answer(args.query, guild_id=args.guild)
            print(present.answer(view, t).fit(t).to_text(t))
    return ExitCode.OK
