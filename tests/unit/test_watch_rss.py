"""Feed keys: the fast scan and feedparser agree; bozo feeds are handled like lemon24/reader."""

from __future__ import annotations

import pytest

from bot.watch.rss import FeedError, item_keys, parse_feed, scan_items

RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>A &amp; B</title><link>https://ex.com/a?utm_source=x</link><guid> g1 </guid>
<description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;</description>
<pubDate>Mon, 06 Sep 2021 16:45:00 +0000</pubDate></item>
<item><title>No guid</title><link>/rel/b</link></item>
<item><guid isPermaLink="false">123</guid><title>Numbered</title></item>
<item><guid>https://ex.com/?p=5</guid></item>
<item><title>Only a title</title></item></channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><id>tag:1</id><title>E1</title><link rel="self" href="https://ex.com/self"/>
<link href="https://ex.com/e1"/><updated>2025-01-01T00:00:00Z</updated></entry></feed>"""
RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://ex.com/"><title>t</title></channel>
<item rdf:about="https://ex.com/i1"><title>I1</title><link>https://ex.com/i1</link></item></rdf:RDF>"""


@pytest.mark.parametrize("body", [RSS, ATOM, RDF])
def test_fast_scan_and_feedparser_make_the_same_keys(body):
    fast = [r.keys for r in scan_items(body, "https://ex.com/feed")]
    full = [i.keys for i in parse_feed(body, {}, "https://ex.com/feed")]
    assert fast == full and len(fast) >= 1


def test_item_fields():
    first = parse_feed(RSS, {"Content-Type": "application/rss+xml"}, "https://ex.com/feed")[0]
    assert first.title == "A & B" and first.summary == "Hello world"
    assert first.published is not None and first.published.year == 2021


def test_key_rules():
    assert item_keys("g", "https://x/a", "t")[0].startswith("id:")
    assert item_keys(None, "https://x/a", "t")[0].startswith("link:")
    assert item_keys(None, None, "t")[0].startswith("hash:")
    # Tracking parameters do not make a different item.
    assert item_keys(None, "https://x/a?utm_source=1", "t") == item_keys(None, "https://x/a", "t")


def test_html_entities_fall_back_to_feedparser():
    body = RSS.replace(b"A &amp; B", b"A&nbsp;B")
    assert scan_items(body, "https://ex.com/feed") is None
    assert len(parse_feed(body, {}, "https://ex.com/feed")) == 5


def test_bozo_rules():
    # Survivable: declared encoding is wrong, entries are fine.
    wrong_charset = RSS.replace(b'encoding="utf-8"', b'encoding="us-ascii"').replace(
        b"B</title>", b"\xc3\xa9</title>"
    )
    assert parse_feed(wrong_charset, {}, "https://ex.com/feed")
    with pytest.raises(FeedError, match="not a readable feed"):
        parse_feed(b'<?xml version="1.0"?><rss><channel><title>Tom & Jerry</titl', {}, "u")
    with pytest.raises(FeedError):
        parse_feed(b"<html><body>Not a feed</body></html>", {"content-type": "text/html"}, "u")


def test_a_summary_built_to_stall_the_html_parser_is_stripped_instead():
    nested = "<div>" * 50_000 + "SoundCloud trains AI" + "</div>" * 50_000
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        "<guid>g</guid><title>Hostile</title><link>https://news.example/g</link>"
        f"<description><![CDATA[{nested}]]></description></item></channel></rss>"
    ).encode()
    [item] = parse_feed(body, {}, "https://news.example/feed")
    assert item.summary == "SoundCloud trains AI"
