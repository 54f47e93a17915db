"""``Texts``: every user-facing string, looked up by key in one language.

The English catalog (``bot.present.strings``) is the source of every sentence Fine Print writes
in its own words; renderers never hold literal sentences, they ask ``texts("key", **params)``.
A reply comes out in the member's language by handing the renderer that language's ``Texts``
(``bot.i18n.languages.Languages.texts``): its interface strings (``data/i18n/<locale>/ui.toml``),
its translations of the knowledge base's own words where they exist (``knowledge.toml``), and
Babel's way of writing that locale's dates, numbers and plurals.

Quotes are never translated: a renderer labels them with the document's language instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Protocol

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from bot.i18n.locales import BABEL, DEFAULT
from bot.present.strings import STRINGS
from bot.present.topics import TOPIC_LABELS


class KnowledgeTexts(Protocol):
    """A locale's translations of the shipped knowledge (``bot.i18n.catalog.KnowledgeCatalog``)."""

    @property
    def documents(self) -> Mapping[str, str]: ...

    def get(self, kind: str, item_id: str, name: str) -> str | tuple[str, ...] | None: ...


@lru_cache(maxsize=16)
def babel_locale(lang: str) -> Locale:
    return Locale.parse(BABEL.get(lang, lang))


@lru_cache(maxsize=4096)
def _long_date(lang: str, day: date) -> str:
    return format_date(day, "long", locale=babel_locale(lang))


class Texts:
    """The strings of one language, with English as the fallback for anything missing."""

    def __init__(
        self,
        lang: str = DEFAULT,
        catalog: Mapping[str, str] | None = None,
        knowledge: KnowledgeTexts | None = None,
    ) -> None:
        self.lang = lang
        self.catalog: Mapping[str, str] = catalog if catalog is not None else STRINGS
        self.knowledge = knowledge
        self._locale = babel_locale(lang)

    def __repr__(self) -> str:
        return f"Texts({self.lang!r})"

    def __call__(self, key: str, /, **params: Any) -> str:
        template = self.catalog.get(key) or STRINGS[key]
        return template.format(**params) if params else template

    # -- numbers, plurals, dates -------------------------------------------------------------
    def number(self, value: int | float) -> str:
        """``1,234`` / ``1 234`` / ``1.234``, as the locale writes it."""
        return format_decimal(value, locale=self._locale)

    def plural_form(self, count: int) -> str:
        """The CLDR plural category of ``count`` in this language (``one``, ``many``…)."""
        return str(self._locale.plural_form(abs(count)))

    def n(self, key: str, count: int, /, **params: Any) -> str:
        """A string that depends on a number: ``key.one``, ``key.other``… by the language's
        plural rules (French says "1 entrée" and "0 entrée"; Indonesian has one form)."""
        chosen = f"{key}.{self.plural_form(count)}"
        if chosen not in self.catalog and chosen not in STRINGS:
            chosen = f"{key}.other"
        return self(chosen, count=self.number(count), **params)

    def date(self, day: date) -> str:
        """A day as the locale writes it in full: "17 August 2026", "17 août 2026"."""
        return _long_date(self.lang, day)

    def moment(self, when: datetime | str) -> str:
        """A moment in UTC: "17 August 2026, 09:30 UTC" (alerts' detection time)."""
        if isinstance(when, str):
            text = when
            try:
                when = datetime.fromisoformat(text)
            except ValueError:
                return text
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        when = when.astimezone(UTC)
        clock = format_time(when, "short", tzinfo=UTC, locale=self._locale)
        return f"{self.date(when.date())}, {clock} UTC"

    def language(self, code: str) -> str:
        """A language's name in this language ("anglais" in French)."""
        return str(self._locale.languages.get(code) or code)

    def topic(self, topic: str | None) -> str:
        """A topic as members read it ("AI training"); "AI terms" when there is none."""
        return self(TOPIC_LABELS.get(topic or "", "topic.none"))

    # -- the knowledge base's own words ------------------------------------------------------
    def kb(self, kind: str, item_id: str, name: str, english: str) -> str:
        """A knowledge text (a clause's summary, an FAQ answer…) in this language when it has
        been translated, else the English from ``data/``."""
        if self.knowledge is None:
            return english
        found = self.knowledge.get(kind, item_id, name)
        return found if isinstance(found, str) else english

    def kb_list(
        self, kind: str, item_id: str, name: str, english: tuple[str, ...]
    ) -> tuple[str, ...]:
        if self.knowledge is None:
            return english
        found = self.knowledge.get(kind, item_id, name)
        return found if isinstance(found, tuple) else english

    def document(self, name: str) -> str:
        """A document's name as cited ("Terms of Use"), translated where the catalog has it."""
        if self.knowledge is None:
            return name
        return self.knowledge.documents.get(name, name)

    @property
    def translates_knowledge(self) -> bool:
        return self.knowledge is not None


ENGLISH = Texts()
