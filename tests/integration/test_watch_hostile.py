"""Hostile documents on loopback: a page built to stall the parser fails alone, as an error."""

from __future__ import annotations

import pytest

from bot.store import sources as source_store
from bot.watch.fetch import Fetcher, FetchLimits
from bot.watch.markup import MarkupLimits
from bot.watch.sources import SourceSpec
from bot.watch.workers import ParseBudget
from tests.integration.conftest import rss

NESTED = 100_000
HOSTILE = ("<html><body>" + "<div>" * NESTED + "x" + "</div>" * NESTED + "</body></html>").encode()
FLAT = "<html><body><main><h1>Terms</h1><p>You keep the rights to your uploads.</p></main>"
FEED_ITEM = ("n1", "SoundCloud news", "A new app icon.")


@pytest.fixture
async def big_fetcher():
    """The production body cap (5 MB): the hostile page is 1.1 MB."""
    f = Fetcher(allow_private=True, limits=FetchLimits(total_timeout=10, connect_timeout=2))
    try:
        yield f
    finally:
        await f.close()


def _sources(web) -> list[SourceSpec]:
    web.set("/hostile", HOSTILE, content_type="text/html")
    web.set("/flat", FLAT, content_type="text/html")
    web.set("/feed.xml", rss(FEED_ITEM), content_type="application/rss+xml")
    return [
        SourceSpec("hostile", "page", web.url("/hostile"), platform="soundcloud", document="T"),
        SourceSpec("flat", "page", web.url("/flat"), platform="soundcloud", document="U"),
        SourceSpec("feed", "rss", web.url("/feed.xml")),
    ]


async def test_a_deeply_nested_page_is_refused_and_the_others_are_polled(
    web_server, db, make_watcher, big_fetcher
):
    watcher = make_watcher(db, _sources(web_server))
    watcher.fetcher = big_fetcher
    assert len(HOSTILE) > 1_000_000
    await watcher.poll_once()
    states = await source_store.load_states(db)
    assert states["hostile"].failures == 1
    assert states["hostile"].last_error == (
        "the page nests elements more than 512 deep (<div> inside 512 open elements); not parsed"
    )
    for healthy in ("flat", "feed"):
        assert states[healthy].failures == 0 and states[healthy].baseline_at, healthy
    assert watcher.parsers.killed == 0


async def test_a_parse_over_its_time_budget_is_killed_and_recorded(
    web_server, db, make_watcher, big_fetcher
):
    # Caps off: only the time budget stands between this page and a minute of CPU.
    watcher = make_watcher(
        db,
        _sources(web_server),
        parse_budget=ParseBudget(seconds=1.0, workers=1),
        markup_limits=MarkupLimits(max_depth=10**9, max_elements=10**9),
    )
    watcher.fetcher = big_fetcher
    await watcher.poll_once()
    states = await source_store.load_states(db)
    assert states["hostile"].last_error == "took longer than 1s to parse (stopped)"
    assert watcher.parsers.killed == 1
    for healthy in ("flat", "feed"):
        assert states[healthy].failures == 0 and states[healthy].baseline_at, healthy

    # The worker was replaced: the next page parse works.
    web_server.set("/flat", FLAT.replace("keep", "retain"), content_type="text/html")
    web_server.set("/hostile", FLAT, content_type="text/html")
    await watcher.poll_once()
    states = await source_store.load_states(db)
    assert states["flat"].failures == 0 and states["flat"].last_change_at
    assert states["hostile"].failures == 0 and states["hostile"].baseline_at
