"""Feeds end to end: baseline, new items, restarts, conditional GET, and failing sources."""

from __future__ import annotations

import gzip

from bot.knowledge.platforms import PlatformDetector
from bot.store import alerts as alert_store
from bot.store import sources as source_store
from bot.store import subscriptions
from bot.store.db import Database
from bot.watch.fetch import Fetcher
from bot.watch.relevance_lexicon import model
from bot.watch.service import Watcher
from bot.watch.sources import SourceSpec
from tests.integration.conftest import TEST_LIMITS, TEST_POLICY, rss

AI_ITEM = (
    "sc-ai",
    "SoundCloud changes its terms: your uploads may be used to train AI models",
    "The new terms of use let SoundCloud train artificial intelligence on your music.",
)
OTHER_ITEM = ("sc-app", "SoundCloud launches a new app icon", "A fresh look for the mobile app.")
OLD_ITEM = ("old-1", "Old news about SoundCloud AI training on uploads", "old terms and AI.")


def feed_spec(web, path="/feed.xml", sid="news", platform=None) -> SourceSpec:
    return SourceSpec(id=sid, kind="rss", url=web.url(path), platform=platform, interval=60)


async def test_baseline_then_one_alert_and_no_duplicate_after_restart(
    web_server, db, make_watcher, settings
):
    web_server.set("/feed.xml", rss(OLD_ITEM), content_type="application/rss+xml")
    spec = feed_spec(web_server)
    await subscriptions.subscribe(db, 1, 11, ["soundcloud"], actor=5)

    watcher = make_watcher(db, [spec])
    assert await watcher.poll_once() == []  # baseline: the old AI item is not news to us

    web_server.set(
        "/feed.xml", rss(AI_ITEM, OTHER_ITEM, OLD_ITEM), content_type="application/rss+xml"
    )
    alerts = await watcher.poll_once()
    assert [a.kind for a in alerts] == ["news"]
    alert = alerts[0]
    assert alert.platform == "soundcloud"  # detected from the title
    assert alert.ai_relevant and alert.relevance >= model().threshold
    assert "train" in alert.why
    assert watcher.on_new_outbox.is_set()
    assert await alert_store.counts(db) == {"pending": 1}

    # Restart: a new Database object and a new Watcher on the same file.
    await db.close()
    db2 = await Database(settings.database).connect()
    try:
        again = make_watcher(db2, [spec])
        assert await again.poll_once() == []
        web_server.set(
            "/feed.xml",
            rss(AI_ITEM, OTHER_ITEM, OLD_ITEM) + "\n",
            content_type="application/rss+xml",
        )
        assert await again.poll_once() == []  # new bytes, same items
        assert await alert_store.counts(db2) == {"pending": 1}
    finally:
        await db2.close()


async def test_guid_churn_is_not_news(web_server, db, make_watcher):
    web_server.set("/feed.xml", rss(AI_ITEM), content_type="application/rss+xml")
    watcher = make_watcher(db, [feed_spec(web_server)])
    await watcher.poll_once()
    churned = (AI_ITEM[0] + "-v2", AI_ITEM[1], AI_ITEM[2])
    # Same link (built from the old guid), new guid: the link key blocks a repost.
    body = rss(churned).replace("news.example/sc-ai-v2", "news.example/sc-ai")
    web_server.set("/feed.xml", body, content_type="application/rss+xml")
    assert await watcher.poll_once() == []


async def test_conditional_get_answered_304(web_server, db, make_watcher):
    web_server.set(
        "/feed.xml",
        rss(OLD_ITEM),
        content_type="application/rss+xml",
        etag='"v1"',
        last_modified="Wed, 21 Oct 2026 07:28:00 GMT",
    )
    watcher = make_watcher(db, [feed_spec(web_server)])
    await watcher.poll_once()
    await watcher.poll_once()
    await watcher.poll_once()
    assert web_server.hits["/feed.xml"] == 3
    assert web_server.not_modified["/feed.xml"] == 2
    sent = web_server.requests["/feed.xml"]
    assert "If-None-Match" not in sent[0] and "If-Modified-Since" not in sent[0]
    assert sent[1]["If-None-Match"] == '"v1"'
    assert sent[1]["If-Modified-Since"] == "Wed, 21 Oct 2026 07:28:00 GMT"
    state = await source_store.get_state(db, "news")
    assert state.failures == 0 and state.last_ok_at


async def test_never_sends_an_empty_validator(web_server, db, make_watcher):
    web_server.set(
        "/feed.xml", rss(OLD_ITEM), content_type="application/rss+xml", headers={"ETag": ""}
    )
    watcher = make_watcher(db, [feed_spec(web_server)])
    await watcher.poll_once()
    await watcher.poll_once()
    second = web_server.requests["/feed.xml"][1]
    assert "If-None-Match" not in second and "If-Modified-Since" not in second


async def test_each_broken_source_fails_alone(web_server, db, kb, settings):
    web_server.set("/good.xml", rss(OLD_ITEM), content_type="application/rss+xml")
    web_server.set(
        "/broken.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Tom & Jerry</titl',
        content_type="application/rss+xml",
    )
    web_server.set("/huge.xml", b"<rss>" + b" " * (300 * 1024), content_type="application/rss+xml")
    bomb = gzip.compress(b"<rss>" + b"\0" * (20 * 1024 * 1024))
    web_server.set(
        "/bomb.xml", bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    web_server.set("/slow.xml", rss(OLD_ITEM), content_type="application/rss+xml", delay=5)
    web_server.set("/hop", "", status=302, headers={"Location": "http://10.0.0.5/feed"})
    web_server.set("/error.xml", "oops", status=503, headers={"Retry-After": "120"})
    paths = [
        "/good.xml",
        "/broken.xml",
        "/huge.xml",
        "/bomb.xml",
        "/slow.xml",
        "/hop",
        "/error.xml",
    ]
    specs = [feed_spec(web_server, p, sid=f"s{i}") for i, p in enumerate(paths)]
    # The SSRF guard is ON; only the test server's own address is exempted.
    guarded = Fetcher(
        allow_private=False, limits=TEST_LIMITS, exempt_addresses=frozenset({"127.0.0.1"})
    )
    watcher = Watcher(
        db, kb, PlatformDetector(kb.platforms), settings, specs, fetcher=guarded, policy=TEST_POLICY
    )
    try:
        assert await watcher.poll_once() == []
        await _check_failures(db, watcher, web_server)
    finally:
        await watcher.close()
        await guarded.close()


async def _check_failures(db, watcher, web_server) -> None:
    states = await source_store.load_states(db)
    errors = {sid: states[sid].last_error for sid in states}
    assert states["s0"].failures == 0 and states["s0"].baseline_at
    assert "not a readable feed" in errors["s1"]
    assert errors["s2"] == "body over 256 KB"
    assert errors["s3"] == "body over 256 KB (decompressed)"
    assert errors["s4"] == (
        f"reading the response timed out after 1.5s: connected to 127.0.0.1:{web_server.port}, "
        "but the server sent nothing"
    )
    assert errors["s5"] == "refused private address 10.0.0.5"
    assert errors["s6"] == "HTTP 503"
    for sid in ("s1", "s2", "s3", "s4", "s5", "s6"):
        assert states[sid].failures == 1, sid
        assert states[sid].next_poll_at
    # The good source carries on polling normally.
    web_server.routes["/slow.xml"].delay = 0
    web_server.set("/good.xml", rss(AI_ITEM, OLD_ITEM), content_type="application/rss+xml")
    alerts = await watcher.poll_once()
    assert [a.source for a in alerts] == ["s0"]


async def test_at_everyone_in_a_feed_title_does_not_ping(web_server, db, make_watcher):
    from bot.present.alerts import render_alert

    web_server.set("/feed.xml", rss(OLD_ITEM), content_type="application/rss+xml")
    watcher = make_watcher(db, [feed_spec(web_server, platform="soundcloud")])
    await watcher.poll_once()
    evil = ("evil", "@everyone SoundCloud will train AI on your uploads <@&123>", "@here terms")
    web_server.set("/feed.xml", rss(evil, OLD_ITEM), content_type="application/rss+xml")
    [alert] = await watcher.poll_once()
    reply = render_alert(alert, None)
    assert reply.mention_role_id is None and reply.content is None
    text = reply.cards[0].title + reply.to_text()
    assert "@everyone" not in text and "@here" not in text and "<@&123>" not in text
    assert "@\u200beveryone" in text


MASKED_LINK = "https://x/a [SoundCloud official terms](https://evil.example)"


async def test_a_masked_link_in_a_feed_item_never_reaches_the_alert(web_server, db, make_watcher):
    from bot.present.alerts import render_alert

    web_server.set("/feed.xml", rss(OLD_ITEM), content_type="application/rss+xml")
    spec = feed_spec(web_server, platform="soundcloud")
    watcher = make_watcher(db, [spec])
    await watcher.poll_once()
    body = rss(AI_ITEM, OLD_ITEM).replace("https://news.example/sc-ai", MASKED_LINK)
    assert MASKED_LINK in body
    web_server.set("/feed.xml", body, content_type="application/rss+xml")
    [alert] = await watcher.poll_once()
    assert alert.url == spec.url  # the item's link is not a URL: the feed's own instead
    card = render_alert(alert).cards[0]
    assert card.url == spec.url
    shown = card.title + card.description + "".join(f.name + f.value for f in card.fields)
    assert "evil.example" not in shown and "](" not in shown
    [source] = [f.value for f in card.fields if f.name == "Source"]
    assert source == spec.url


async def test_a_tricky_but_real_link_is_cleaned_not_dropped(web_server, db, make_watcher):
    web_server.set("/feed.xml", rss(OLD_ITEM), content_type="application/rss+xml")
    watcher = make_watcher(db, [feed_spec(web_server, platform="soundcloud")])
    await watcher.poll_once()
    tricky = "https://soundcloud.com@evil.example/terms_(2024)"
    body = rss(AI_ITEM, OLD_ITEM).replace("https://news.example/sc-ai", tricky)
    web_server.set("/feed.xml", body, content_type="application/rss+xml")
    [alert] = await watcher.poll_once()
    assert alert.url == "https://evil.example/terms_%282024%29"  # where it really goes
