"""Normalising document text so that only real wording changes look like changes.

changedetection.io's users' top complaint is false positives from dynamic content; Open Terms
Archive filters tracking parameters and relative dates for the same reason. Here every line of
a document goes through the same steps: Unicode NFKC, typographic quotes and dashes to plain
ones, invisible characters dropped, whitespace collapsed, tracking parameters stripped from
links, signed image URLs dropped (Markdown images keep their alt text), in-page anchor links
reduced to their text (generated anchor ids change on every build), Markdown escapes and
``<br>`` undone, bullets unified, and relative dates ("updated 3 days ago", "il y a 2 jours")
replaced by a fixed marker.
"""

from __future__ import annotations

import re
import unicodedata

from bot.knowledge.text import fold

TRACKING_PARAMS = frozenset(
    """
    fbclid gclid dclid gbraid wbraid msclkid yclid twclid ttclid igshid mc_cid mc_eid _ga _gl
    _hsenc _hsmi hsctatracking mkt_tok oly_anon_id oly_enc_id vero_id wickedid li_fat_id
    ref_src ref_url s_cid scid spm trk trkcampaign si ncid cmpid sr_share __s
    """.split()
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_")

RELATIVE_DATE = "(relative date)"

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
        # invisible characters
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
    }
)
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_MD_ANCHOR_LINK = re.compile(r"\[([^\]]*)\]\(#[^)]*\)")  # in-page anchors: ids churn, text stays
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[*+]\s+|[\u2022\u25cf\u25e6]\s*)")
_BULLET_STARTS = frozenset("*+\u2022\u25cf\u25e6")
_RULE = re.compile(r"^[\s=\-_*#|:.]*$")

_UNITS_EN = r"(?:second|sec|minute|min|hour|hr|day|week|wk|month|mo|year|yr)s?"
_UNITS_FR = r"(?:seconde|minute|heure|jour|semaine|mois|an|ann[ée]e)s?"
_NUMBER_EN = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)"
_NUMBER_FR = r"(?:\d+|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quelques)"
_RELATIVE = re.compile(
    "|".join(
        (
            rf"\b{_NUMBER_EN}\s+{_UNITS_EN}\s+ago\b",
            r"\b(?:just now|moments? ago)\b",
            rf"\bil y a\s+{_NUMBER_FR}\s+{_UNITS_FR}\b",
            r"\b(?:[àa] l'instant|il y a (?:un )?instant)\b",
            r"\bhace\s+(?:\d+|una?|unos|unas)\s+"
            r"(?:segundo|minuto|hora|d[ií]a|semana|mes|a[ñn]o)s?(?:es)?\b",
            r"\bvor\s+(?:\d+|einer?|einem)\s+(?:Sekunden?|Minuten?|Stunden?|Tag(?:en)?|"
            r"Wochen?|Monat(?:en)?|Jahr(?:en)?)\b",
            r"\b(?:\d+|un|una)\s+(?:second[oi]|minut[oi]|or[ae]|giorn[oi]|settiman[ae]|"
            r"mes[ei]|ann[oi])\s+fa\b",
            r"\bh[áa]\s+(?:\d+|um|uma)\s+(?:segundo|minuto|hora|dia|semana|m[eê]s|meses|ano)s?\b",
        )
    ),
    re.IGNORECASE,
)


# Cheap pre-check: only lines containing one of these can hold a relative date.
_RELATIVE_HINT = re.compile(r"ago|now|il y a|instant|hace|vor |\bfa\b|h[\u00e1a] ")


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """Drop utm_* and other click-tracking parameters; the rest is kept byte for byte."""
    q = url.find("?")
    if q < 0:
        return url
    h = url.find("#", q)
    query = url[q + 1 : h] if h >= 0 else url[q + 1 :]
    parts = query.split("&")
    kept = [p for p in parts if not _is_tracking(p.split("=", 1)[0])]
    if len(kept) == len(parts):
        return url
    fragment = url[h:] if h >= 0 else ""
    return url[:q] + ("?" + "&".join(kept) if kept else "") + fragment


def neutralise_relative_dates(text: str) -> str:
    return _RELATIVE.sub(RELATIVE_DATE, text)


def normalize_line(line: str) -> str:
    text = line if line.isascii() else unicodedata.normalize("NFKC", line).translate(_TRANSLATE)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    if "![" in text:
        text = _MD_IMAGE.sub(lambda m: m[1].strip(), text)
    if "](#" in text:
        text = _MD_ANCHOR_LINK.sub(lambda m: m[1], text)
    if "://" in text and "?" in text:
        text = _URL.sub(lambda m: strip_tracking(m[0]), text)
    if _RELATIVE_HINT.search(text.lower()):
        text = neutralise_relative_dates(text)
    text = " ".join(text.split())
    return _BULLET.sub("- ", text) if text[:1] in _BULLET_STARTS else text


def normalize_lines(lines: list[str]) -> list[str]:
    """Normalised, non-empty lines; rules and setext underlines ("=====") carry no text."""
    out: list[str] = []
    for raw in lines:
        for line in _BR.split(raw):  # Markdown tables carry <br> inside cells
            text = normalize_line(line)
            if text and not _RULE.match(text):
                out.append(text)
    return out


def plain(text: str) -> str:
    """Display/scoring form: Markdown links to their text, emphasis markers dropped."""
    text = _MD_LINK.sub(lambda m: m[1], text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    return re.sub(r"^#+\s*", "", text).strip()


def comparable(text: str) -> str:
    """The form in which two texts are "the same words": folded plain text."""
    return fold(plain(text))
