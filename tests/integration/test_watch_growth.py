"""Bounded growth: a feed that rewrites its ids on every poll, and a page that keeps changing."""

from __future__ import annotations

from bot.store import seen
from bot.watch.sources import SourceSpec
from tests.integration.conftest import rss

ITEMS = 50
RESETS = 100
DB_LIMIT = 1_000_000  # bytes; measured 0.55 MB (1.66 MB when nothing is pruned)
STABLE = (
    "sc-ai",
    "SoundCloud changes its terms: your uploads may be used to train AI models",
    "The new terms of use let SoundCloud train artificial intelligence on your music.",
)
NEW = ("yt-ai", "YouTube will train AI on your videos", "YouTube may train AI on uploads.")


def reset_feed(n: int, *extra: tuple[str, str, str]) -> str:
    """The feed after its n-th id reset: every item has a new guid and a new link."""
    churn = [(f"r{n}-{i}", f"Story {i}", "A tour and an album.") for i in range(ITEMS)]
    return rss(*extra, STABLE, *churn)


async def count_keys(db, source_id: str) -> int:
    row = await db.fetchone("SELECT count(*) AS n FROM seen_item WHERE source_id = ?", (source_id,))
    return row["n"]


async def test_id_resets_keep_the_database_small_and_current_items_known(
    web_server, db, make_watcher, settings
):
    web_server.set("/feed.xml", reset_feed(0), content_type="application/rss+xml")
    spec = SourceSpec("churn", "rss", web_server.url("/feed.xml"), platform="soundcloud")
    watcher = make_watcher(db, [spec])
    assert await watcher.poll_once() == []  # baseline
    for n in range(1, RESETS + 1):
        web_server.set("/feed.xml", reset_feed(n), content_type="application/rss+xml")
        assert await watcher.poll_once() == []  # a reset, not news
    keys_per_read = 2 * (ITEMS + 1)  # guid + link per item
    assert await count_keys(db, "churn") <= seen.KEEP_POLLS * keys_per_read + seen.KEEP_OLDER

    # The current items are still known: new bytes, same items, nothing to say ...
    same = reset_feed(RESETS) + "\n"
    web_server.set("/feed.xml", same, content_type="application/rss+xml")
    assert await watcher.poll_once() == []
    # ... and one new item is one alert (the long-standing AI item is not re-alerted).
    web_server.set("/feed.xml", reset_feed(RESETS, NEW), content_type="application/rss+xml")
    [alert] = await watcher.poll_once()
    assert alert.title == NEW[1]

    if db.dialect.name == "sqlite":  # the file itself; PostgreSQL's size is its vacuum's job
        await db.close()  # checkpoints the WAL into the file
        size = settings.db_path.stat().st_size
        assert size < DB_LIMIT, size


async def test_a_page_that_keeps_changing_keeps_few_snapshots(web_server, db, make_watcher):
    spec = SourceSpec("page", "page", web_server.url("/terms"), platform="soundcloud")
    watcher = make_watcher(db, [spec])
    for n in range(25):
        body = f"<html><body><main><p>Version {n}: you keep your rights.</p></main></body></html>"
        web_server.set("/terms", body, content_type="text/html")
        await watcher.poll_once()
    row = await db.fetchone("SELECT count(*) AS n FROM snapshot WHERE source_id = 'page'")
    assert row["n"] == seen.KEEP_SNAPSHOTS
    [newest] = await seen.recent_snapshots(db, "page", 1)
    assert "Version 24" in newest.text


async def test_snapshots_are_bounded_in_size_too(db):
    rows = [("big", f"h{n}", f"{n} " + "x" * 400_000, None) for n in range(5)]
    async with db.transaction() as conn:
        await seen.add_snapshots(conn, rows, keep_chars=1_000_000)
    kept = await seen.recent_snapshots(db, "big", 10)
    assert [s.text_hash for s in kept] == ["h4", "h3"]  # 800,000 characters: a third won't fit
    async with db.transaction() as conn:
        await seen.add_snapshots(conn, [("big", "huge", "y" * 2_000_000, None)], keep_chars=10)
    assert [s.text_hash for s in await seen.recent_snapshots(db, "big", 10)] == ["huge"]
