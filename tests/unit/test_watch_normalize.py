"""Normalisation: what must never look like a change."""

from __future__ import annotations

import pytest

from bot.watch.normalize import (
    RELATIVE_DATE,
    comparable,
    normalize_line,
    normalize_lines,
    plain,
    strip_tracking,
)


def test_tracking_parameters_are_stripped_and_others_kept():
    url = "https://ex.com/p?id=7&utm_source=nl&utm_medium=mail&fbclid=abc&gclid=1&lang=fr"
    assert strip_tracking(url) == "https://ex.com/p?id=7&lang=fr"
    assert strip_tracking("https://ex.com/p?id=7") == "https://ex.com/p?id=7"
    line = "See [privacy](https://ex.com/privacy?utm_campaign=x&mc_eid=y) now"
    assert normalize_line(line) == "See [privacy](https://ex.com/privacy) now"


@pytest.mark.parametrize(
    "text",
    [
        "Updated 3 days ago",
        "updated an hour ago",
        "Posted 2 weeks ago",
        "Mis à jour il y a 2 jours",
        "il y a une heure",
        "modifié il y a quelques minutes",
        "actualizado hace 3 días",
        "aktualisiert vor 2 Tagen",
        "aggiornato 3 giorni fa",
        "atualizado há 2 dias",
        "just now",
    ],
)
def test_relative_dates_are_neutralised(text):
    assert RELATIVE_DATE in normalize_line(text)


def test_typography_and_whitespace():
    assert normalize_line("It\u2019s \u201cfine\u201d \u2014 really\u00a0 \u200bnow  ") == (
        'It\'s "fine" - really now'
    )
    assert normalize_line("*   item") == "- item"
    assert normalize_lines(["Title", "=====", "", "---", "text  "]) == ["Title", "text"]


def test_signed_image_urls_are_dropped():
    a = "![](https://scontent.xx.fbcdn.net/v/a.png?oh=111&oe=222)"
    b = "![](https://scontent.xx.fbcdn.net/v/a.png?oh=333&oe=444)"
    assert normalize_line(a) == normalize_line(b) == ""
    assert normalize_line("![Logo](x.png) Terms") == "Logo Terms"


def test_plain_and_comparable():
    assert plain("## **Grant** of [licence](https://x.y/z)") == "Grant of licence"
    assert comparable("L\u2019IA, c\u2019est **quoi**?") == comparable("L'IA, c'est quoi")
