"""Slash commands in seven languages: descriptions, option descriptions and choice names.

Command and option *names* stay English everywhere, so ``/terms soundcloud`` in the README, a
screenshot or a friend's message works for everyone. What Discord shows beside them comes from
the same catalogs as every reply (``bot/present/strings.py`` and ``data/i18n/<locale>/ui.toml``):
a command declares ``L("cmd.terms")`` and discord.py's ``Translator`` hook fills in
``description_localizations`` / ``name_localizations`` (choices) for each Discord locale when
the tree is synced.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n.languages import Languages
from bot.i18n.locales import AUTO, DEFAULT, ENDONYMS, LOCALES, parse
from bot.present.texts import ENGLISH

ENGLISH_NAMES = (
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.group_name,
    app_commands.TranslationContextLocation.parameter_name,
)


def L(key: str) -> app_commands.locale_str:
    """A command text by catalog key: English now, localized when the tree is synced."""
    return app_commands.locale_str(ENGLISH(key), key=key)


class CatalogTranslator(app_commands.Translator):
    """Answers discord.py's "this text in that locale?" from Fine Print's catalogs."""

    def __init__(self, languages: Languages) -> None:
        self.languages = languages

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if context.location in ENGLISH_NAMES:
            return None  # command and option names stay English
        ours = parse(locale.value)
        if ours is None or ours == DEFAULT or ours not in self.languages.locales:
            return None
        key = string.extras.get("key")
        if key is None:
            # A proper name ("JSON", "Deutsch") reads the same in every language: published as
            # is, so every locale has every choice.
            is_choice = context.location is app_commands.TranslationContextLocation.choice_name
            return string.message if is_choice else None
        return self.languages.texts(ours).catalog.get(key)


def language_choices() -> list[app_commands.Choice[str]]:
    """``language:`` options: the server's Discord language, or one of the seven by its own
    name ("Deutsch" reads the same to everyone)."""
    return [app_commands.Choice(name=L("language.auto"), value=AUTO)] + [
        app_commands.Choice(name=ENDONYMS[code], value=code) for code in LOCALES
    ]
