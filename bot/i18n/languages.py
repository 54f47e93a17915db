"""The loaded translations: one ``Texts`` per locale, built once when the App starts.

``load_languages`` reads every ``data/i18n/<locale>/ui.toml`` (required for the six locales
besides English) and, where it exists, ``knowledge.toml`` (translations of the knowledge base's
own words; until a locale has one, those texts show in English). Every problem in every file is
reported at once (``TranslationError``), exactly like bad facts in ``data/``: the bot does not
start half-translated by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import Problem
from bot.i18n.catalog import (
    KnowledgeCatalog,
    TranslationError,
    knowledge_path,
    load_knowledge_catalog,
    load_ui,
    ui_path,
)
from bot.i18n.locales import DEFAULT, LOCALES, locale_for
from bot.knowledge.model import KnowledgeBase
from bot.present.strings import STRINGS
from bot.present.texts import ENGLISH, Texts


@dataclass(slots=True)
class Languages:
    """Each spoken locale's ``Texts``; any tag (``pt-BR``, ``es-419``, ``ja``) finds its own."""

    texts_by_locale: dict[str, Texts] = field(default_factory=lambda: {DEFAULT: ENGLISH})

    def texts(self, tag: object | None) -> Texts:
        """The strings for a member or server whose language tag is ``tag`` (English when
        Fine Print does not speak it)."""
        return self.texts_by_locale.get(locale_for(tag)) or ENGLISH

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(code for code in LOCALES if code in self.texts_by_locale)

    @property
    def knowledge_locales(self) -> tuple[str, ...]:
        """The locales whose knowledge texts are translated (English always is)."""
        return tuple(
            code
            for code, t in self.texts_by_locale.items()
            if code == DEFAULT or t.translates_knowledge
        )


def load_languages(data_dir: Path, kb: KnowledgeBase) -> Languages:
    """Every catalog under ``data_dir/i18n``, checked; ``TranslationError`` lists all problems."""
    problems: list[Problem] = []
    languages = Languages()
    for locale in LOCALES:
        if locale == DEFAULT:
            continue
        path = ui_path(data_dir, locale)
        if not path.exists():
            problems.append(Problem(path, 1, locale, "missing: every locale needs its ui.toml"))
            continue
        ui = load_ui(path, locale, STRINGS, problems)
        knowledge: KnowledgeCatalog | None = None
        kpath = knowledge_path(data_dir, locale)
        if kpath.exists():
            knowledge = load_knowledge_catalog(kpath, locale, kb, problems)
        if ui is not None:
            languages.texts_by_locale[locale] = Texts(locale, ui.strings, knowledge)
    if problems:
        raise TranslationError(problems)
    return languages
