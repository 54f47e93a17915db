"""``Texts``: every user-facing string, looked up by key in one language.

The English catalog (``bot.present.strings``) is the source of every sentence Fine Print writes
in its own words; renderers never hold literal sentences, they ask ``texts("key", **params)``.
That is what lets a reply come out in the member's language by swapping the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.present.strings import STRINGS
from bot.present.topics import TOPIC_LABELS


class Texts:
    """The strings of one language, with English as the fallback for anything missing."""

    def __init__(self, lang: str = "en", catalog: Mapping[str, str] | None = None) -> None:
        self.lang = lang
        self.catalog: Mapping[str, str] = catalog if catalog is not None else STRINGS

    def __call__(self, key: str, /, **params: Any) -> str:
        template = self.catalog.get(key) or STRINGS[key]
        return template.format(**params) if params else template

    def n(self, key: str, count: int, /, **params: Any) -> str:
        """A string that depends on a number: ``key.one`` for 1, ``key.other`` otherwise."""
        form = "one" if count == 1 else "other"
        return self(f"{key}.{form}", count=count, **params)

    def date(self, day: date) -> str:
        return day.isoformat()

    def topic(self, topic: str | None) -> str:
        """A topic as members read it ("AI training"); "AI terms" when there is none."""
        return self(TOPIC_LABELS.get(topic or "", "topic.none"))


ENGLISH = Texts()
