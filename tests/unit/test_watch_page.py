"""Extraction: OTA select/remove (CSS and ranges) to Markdown-ish lines; text passes through."""

from __future__ import annotations

import pytest

from bot.watch.page import PageError, extract
from bot.watch.sources import Range

HTML = b"""<html><head><title>T</title><style>p{}</style><script>x()</script></head><body>
<nav>Menu</nav><main>
<h1>Terms</h1><p>Hello <a href="/privacy">Privacy Policy</a> &amp; more.</p>
<div class="cookie">Cookies!</div>
<h2 id="ai">AI</h2><ul><li>one</li><li>two <b>bold</b></li></ul>
<table><tr><th>a</th><td>b</td></tr></table><p>Last<br>line</p>
<h2 id="end">End</h2><p>After the end</p>
</main><footer>foot</footer></body></html>"""


def lines(**kw):
    return extract(HTML, content_type="text/html", base_url="https://ex.com/terms", **kw)


def test_whole_page_as_block_lines():
    assert lines() == [
        "Menu", "# Terms", "Hello [Privacy Policy](https://ex.com/privacy) & more.", "Cookies!",
        "## AI", "- one", "- two bold", "a | b", "Last", "line", "## End", "After the end", "foot",
    ]  # fmt: skip


def test_remove_then_select():
    assert lines(select=("main",), remove=(".cookie", "table")) == [
        "# Terms", "Hello [Privacy Policy](https://ex.com/privacy) & more.", "## AI", "- one",
        "- two bold", "Last", "line", "## End", "After the end",
    ]  # fmt: skip


def test_range_selectors():
    assert lines(select=(Range("#ai", "#end"),)) == [
        "## AI", "- one", "- two bold", "a | b", "Last", "line",
    ]  # fmt: skip
    assert lines(select=(Range("#ai", "#end", start_after=True, end_after=True),))[:2] == [
        "- one", "- two bold",
    ]  # fmt: skip
    assert lines(select=(Range("#ai", "#end", start_after=True, end_after=True),))[-1] == "## End"
    assert lines(select=("main",), remove=(Range("h1", "#ai"),))[0] == "## AI"


def test_selectors_that_match_nothing_are_errors():
    with pytest.raises(PageError, match="select '#gone' matched nothing"):
        lines(select=("#gone",))
    with pytest.raises(PageError, match="range selector '#gone' matched nothing"):
        lines(select=(Range("#gone", "footer"),))
    with pytest.raises(PageError, match="no text left"):
        extract(b"<html><body><script>1</script></body></html>", content_type="text/html")


def test_text_and_markdown_pass_through():
    md = b"# Terms\n\nUse [this](https://ex.com).\n"
    assert extract(md, content_type="text/markdown") == [
        "# Terms",
        "",
        "Use [this](https://ex.com).",
    ]
    assert extract("caf\u00e9".encode("latin-1"), content_type="text/plain", charset="latin-1") == [
        "caf\u00e9"
    ]
    with pytest.raises(PageError, match="empty"):
        extract(b"  \n", content_type="text/plain")


def test_meta_charset_is_honoured():
    body = '<html><head><meta charset="windows-1252"></head><body><p>na\u00efve</p></body></html>'
    assert extract(body.encode("cp1252"), content_type="text/html") == ["na\u00efve"]
