"""The sources file: OTA-style selectors, intervals, and errors with file, line and id."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_DATA_DIR
from bot.knowledge.loader import load_knowledge
from bot.watch.sources import (
    Range,
    SourcesError,
    load_sources,
    parse_interval,
    parse_sources_text,
    selectors_to_json,
    slug_name,
)

# The platform ids the knowledge base will hold (the shipped sources file refers to them).
PLATFORM_IDS = set(
    "soundcloud youtube google x linkedin meta spotify bandcamp tiktok adobe tumblr wordpress "
    "reddit deviantart deezer suno udio discord vimeo "
    # added in issue 12
    "wetransfer zoom twitch dailymotion artstation sketchfab pixiv grammarly substack roblox "
    "github quora apple amazon-music stackoverflow distrokid pinterest snapchat bluesky grok "
    "meta-ai".split()
)

GOOD = """
[[source]]
id = "sc-terms"
kind = "page"
platform = "soundcloud"
document = "Terms of Use"
url = "https://soundcloud.com/terms-of-use"
select = ["main", { startBefore = "h1", endBefore = "footer" }]
remove = ".cookie-banner"
interval = "30m"

[[source]]
id = "news"
kind = "rss"
url = "https://example.com/feed.xml"
"""


def parse(text: str, platforms=None):
    return parse_sources_text(text, Path("sources.toml"), platforms=platforms)


def test_parses_design_example():
    page, news = parse(GOOD, {"soundcloud"})
    assert page.select == ("main", Range("h1", "footer"))
    assert page.remove == (".cookie-banner",)
    assert page.interval == 1800 and page.line == 2
    assert news.platform is None and news.interval == 1800  # rss default: 30 minutes
    assert selectors_to_json(page.select) == ["main", {"startBefore": "h1", "endBefore": "footer"}]


@pytest.mark.parametrize(
    ("value", "seconds"), [("90s", 90), ("30m", 1800), ("6h", 21600), ("1d", 86400), ("1.5h", 5400)]
)
def test_intervals(value, seconds):
    assert parse_interval(value) == seconds


def test_every_problem_reported_with_line_and_id():
    text = """
[[source]]
id = "a"
kind = "page"
url = "ftp://example.com"
select = ["main[", { startBefore = "h1" }]

[[source]]
id = "b"
kind = "rss"
platform = "SoundCloud"
url = "https://example.com/feed"
interval = "often"
colour = "red"

[[source]]
id = "b"
kind = "rss"
url = "https://example.com/other"
"""
    with pytest.raises(SourcesError) as info:
        parse(text, {"soundcloud"})
    shown = [str(p) for p in info.value.problems]
    assert "sources.toml:5: a: 'url' is not an http(s) URL: 'ftp://example.com'" in shown
    assert any(s.startswith("sources.toml:2: a: missing 'platform'") for s in shown)
    assert any(s.startswith("sources.toml:6: a: invalid CSS selector 'main['") for s in shown)
    assert any("a range needs exactly one of startBefore" in s for s in shown)
    assert (
        "sources.toml:11: b: 'platform' must be a lowercase slug (a-z, 0-9, '-'): 'SoundCloud' "
        "(did you mean 'soundcloud'?)" in shown
    )
    assert any(s.startswith("sources.toml:13: b: interval 'often'") for s in shown)
    assert any(s.startswith("sources.toml:14: b: unknown key 'colour'") for s in shown)
    assert any(s.startswith("sources.toml:17: b: duplicate id 'b'") for s in shown)


def test_any_lowercase_slug_is_a_platform_curated_or_not():
    text = """
[[source]]
id = "bluesky-terms"
kind = "page"
platform = "bluesky"
document = "Terms of Service"
url = "https://bsky.social/about/support/tos"
"""
    [spec] = parse(text, {"soundcloud"})
    assert spec.platform == "bluesky"
    assert slug_name("bluesky") == "Bluesky" and slug_name("stack-overflow") == "Stack Overflow"


def test_invalid_toml_names_the_line():
    with pytest.raises(SourcesError, match=r"sources.toml:3: sources.toml: invalid TOML"):
        parse('[[source]]\nid = "x"\nkind = \n')


def test_shipped_sources_are_valid():
    path = DEFAULT_DATA_DIR / "sources.toml"
    specs = load_sources(path, platforms=PLATFORM_IDS)
    kinds = {s.kind for s in specs}
    assert kinds == {"rss", "page", "ota"}
    assert all(s.url.startswith("https://") for s in specs)
    kb = load_knowledge(DEFAULT_DATA_DIR)
    watched = {s.platform for s in specs}
    assert "soundcloud" in watched and len(watched) >= 15
    known = set(kb.platforms) | PLATFORM_IDS
    assert {s.platform for s in specs if s.platform} <= known
    # At most one source per (platform, document): one change, one alert.
    docs = [(s.platform, s.document) for s in specs if s.kind != "rss"]
    assert len(docs) == len(set(docs))
