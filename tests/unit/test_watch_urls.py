"""``clean_url``: what an alert may link to is one clean absolute http(s) URL, or nothing."""

from __future__ import annotations

import pytest

from bot.watch.urls import clean_url

MASKED = "https://x/a [SoundCloud official terms](https://evil.example)"


@pytest.mark.parametrize(
    "raw",
    [
        MASKED,
        "https://x/a\t[terms](https://evil.example)",
        "https://x/a\nb",
        "https://x/a\u2028b",
        "javascript:alert(1)",
        "data:text/html,hi",
        "//evil.example/x",
        "/relative/path",
        "https:///no-host",
        "https://x:99999/",
        "ftp://files.example/a",
        "https://x/" + "a" * 3000,
        "",
        None,
    ],
)
def test_refused(raw):
    assert clean_url(raw) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("https://news.example/a?b=1#c", "https://news.example/a?b=1#c"),
        ("  https://news.example/a  ", "https://news.example/a"),
        ("https://Example.COM:443/A", "https://example.com/A"),
        ("http://127.0.0.1:8080/feed.xml", "http://127.0.0.1:8080/feed.xml"),
        ("https://soundcloud.com@evil.example/x", "https://evil.example/x"),  # shown honestly
        ("https://user:pw@news.example/", "https://news.example/"),
        ("https://bücher.de/ä", "https://xn--bcher-kva.de/%C3%A4"),
        ("https://en.wikipedia.org/wiki/A_(b)", "https://en.wikipedia.org/wiki/A_%28b%29"),
        ("https://x/a)[b](https://e)", "https://x/a%29%5Bb%5D%28https://e%29"),
        ("https://x/<b>*'\"`", "https://x/%3Cb%3E%2A%27%22%60"),
    ],
)
def test_cleaned(raw, clean):
    assert clean_url(raw) == clean


def test_a_clean_url_cannot_form_a_markdown_link():
    for raw in ("https://x/a](https://e)", "https://x/[a](b)", "https://x/?q=[a](https://e)"):
        out = clean_url(raw)
        assert out is not None
        assert not set("[]()<> ") & set(out)
