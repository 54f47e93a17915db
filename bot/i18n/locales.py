"""The locales Fine Print speaks, and how anyone's language tag maps onto one of them.

Discord sends ``interaction.locale`` / ``guild_locale`` as tags such as ``fr``, ``pt-BR``,
``es-ES`` or ``es-419``; the command line takes ``--lang``; ``/config language`` stores one. All
of them go through ``locale_for`` so the same tag always means the same catalog. A language
Fine Print does not speak falls back to English rather than to a neighbour (a Catalan member
reads English, not Spanish): guessing wrong is worse than the lingua franca.
"""

from __future__ import annotations

LOCALES: tuple[str, ...] = ("en", "fr", "it", "es", "de", "pt", "id")
DEFAULT = "en"

# Babel's locale for each: English dates as "17 August 2026" (the catalog's spelling is
# British), Portuguese as Brazil writes it (Discord's pt-BR is the Portuguese it offers).
BABEL: dict[str, str] = {
    "en": "en_GB",
    "fr": "fr",
    "it": "it",
    "es": "es",
    "de": "de",
    "pt": "pt_BR",
    "id": "id",
}

# The Discord locale each of ours is published under (command localizations).
DISCORD: dict[str, tuple[str, ...]] = {
    "fr": ("fr",),
    "it": ("it",),
    "es": ("es-ES", "es-419"),
    "de": ("de",),
    "pt": ("pt-BR",),
    "id": ("id",),
}

# Each language named in itself, as a menu of languages shows it (never translated).
ENDONYMS: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "it": "Italiano",
    "es": "Español",
    "de": "Deutsch",
    "pt": "Português (Brasil)",
    "id": "Bahasa Indonesia",
}
AUTO = "auto"  # a language setting that follows the server's language in Discord

# Language names as people type them after --lang or in /config language.
_NAMES: dict[str, str] = {
    "english": "en",
    "français": "fr",
    "francais": "fr",
    "french": "fr",
    "italiano": "it",
    "italian": "it",
    "español": "es",
    "espanol": "es",
    "spanish": "es",
    "deutsch": "de",
    "german": "de",
    "português": "pt",
    "portugues": "pt",
    "portuguese": "pt",
    "bahasa indonesia": "id",
    "indonesia": "id",
    "indonesian": "id",
    # Discord's Portuguese is Brazil's; Portugal's tag still reads Portuguese best.
    "pt-pt": "pt",
}


def locale_for(tag: object | None) -> str:
    """The locale to answer in for a language tag (Discord's, a CLI flag, a stored setting).

    ``pt-BR`` → ``pt``; ``es-ES`` and ``es-419`` → ``es``; ``en-US``/``en-GB`` → ``en``; anything
    Fine Print does not speak (or nothing) → ``en``. Accepts discord.py's ``Locale`` enum too
    (its ``value`` is the tag).
    """
    return parse(tag) or DEFAULT


def parse(tag: object | None) -> str | None:
    """Like ``locale_for`` but ``None`` for a tag that names no spoken language."""
    if tag is None:
        return None
    text = str(getattr(tag, "value", tag)).strip().lower().replace("_", "-")
    if not text:
        return None
    if text in _NAMES:
        return _NAMES[text]
    primary = text.split("-", 1)[0]
    if primary == "in":  # the old ISO code for Indonesian, still sent by some systems
        primary = "id"
    return primary if primary in LOCALES else None
