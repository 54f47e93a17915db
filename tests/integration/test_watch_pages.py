"""Terms pages and OTA change feeds: versions, noise, flapping, curated clause reviews."""

from __future__ import annotations

from bot.store import alerts as alert_store
from bot.store import reviews, seen
from bot.store import sources as source_store
from bot.watch.relevance_lexicon import model
from bot.watch.sources import Range, SourceSpec

HEAD = "<html><body><nav>Home | Help</nav><main><h1>Terms of Use</h1>"
FOOT = "</main><footer>© Example</footer></body></html>"
LICENSE = (
    "<p>By uploading your Content you grant us a worldwide, royalty-free licence to host and "
    "distribute it.</p>"
)
AI_CLAUSE = (
    "<p>We may use your Content to train artificial intelligence and machine learning models.</p>"
)
SC_QUOTE = (
    "We will not use your content to train generative AI models that aim to replicate or "
    "synthesize your voice, music, or likeness without your explicit consent, which must be "
    "affirmatively provided through an opt-in mechanism."
)


def page(*parts: str, extra: str = "") -> str:
    return HEAD + "".join(parts) + extra + FOOT


def page_spec(web, path="/terms", **kw) -> SourceSpec:
    base = dict(
        id="sc-terms",
        kind="page",
        url=web.url(path),
        platform="soundcloud",
        document="Terms of Use",
        select=("main",),
        remove=("nav",),
        interval=60,
    )
    base.update(kw)
    return SourceSpec(**base)


async def test_ai_change_alerts_once_and_flapping_does_not_realert(web_server, db, make_watcher):
    web_server.set("/terms", page(LICENSE), content_type="text/html")
    watcher = make_watcher(db, [page_spec(web_server)])
    assert await watcher.poll_once() == []  # baseline

    web_server.set("/terms", page(LICENSE, AI_CLAUSE), content_type="text/html")  # A -> B
    [alert] = await watcher.poll_once()
    assert alert.kind == "terms-change" and alert.ai_relevant
    assert alert.added == (
        "We may use your Content to train artificial intelligence and machine learning models.",
    )
    assert alert.removed == ()
    assert alert.title == "SoundCloud changed its Terms of Use: AI-relevant wording"
    assert {"train", "artificial intelligence"} <= set(alert.why)

    for body in (page(LICENSE), page(LICENSE, AI_CLAUSE), page(LICENSE)):  # B -> A -> B -> A
        web_server.set("/terms", body, content_type="text/html")
        assert await watcher.poll_once() == []
    assert len(await alert_store.recent_alerts(db)) == 1


async def test_noise_does_not_alert(web_server, db, make_watcher):
    def version(ago: str, tracking: str, footer: str) -> str:
        return page(
            LICENSE,
            f"<p>Updated {ago}. See our <a href='/privacy?{tracking}'>Privacy Policy</a>.</p>",
            "<p>It\u2019s simple \u2014 really.</p>",
            extra=f"<div class='promo'>{footer}</div>",
        )

    spec = page_spec(web_server, remove=("nav", ".promo"))
    web_server.set(
        "/terms", version("3 days ago", "utm_source=a&x=1", "Deal A"), content_type="text/html"
    )
    watcher = make_watcher(db, [spec])
    await watcher.poll_once()
    for ago, tracking, footer in (
        ("4 days ago", "x=1&utm_campaign=b&fbclid=zz", "Deal B"),
        ("il y a 2 jours", "gclid=1&x=1", "Deal C"),
        ("an hour ago", "x=1", "Deal D"),
    ):
        body = version(ago, tracking, footer).replace("It\u2019s simple \u2014", "It's simple -")
        web_server.set("/terms", body, content_type="text/html")
        assert await watcher.poll_once() == [], (ago, tracking)


async def test_non_ai_change_alerts_but_is_not_ai_relevant(web_server, db, make_watcher):
    web_server.set(
        "/terms", page(LICENSE, "<p>Last amended: May 21, 2025</p>"), content_type="text/html"
    )
    watcher = make_watcher(db, [page_spec(web_server)])
    await watcher.poll_once()
    web_server.set(
        "/terms",
        page(LICENSE, "<p>Last amended: September 10, 2025</p><p>You must be 16 to register.</p>"),
        content_type="text/html",
    )
    [alert] = await watcher.poll_once()
    assert not alert.ai_relevant and alert.relevance < model().threshold and alert.why == ()
    assert "You must be 16 to register." in alert.added


async def test_markdown_responses_and_ranges(web_server, db, make_watcher):
    md = "Terms\n=====\n\n**Grant of license**\n\nBy uploading you grant us a licence.\n"
    web_server.set("/terms.md", md, content_type="text/markdown; charset=utf-8")
    spec = page_spec(web_server, "/terms.md", select=(), remove=())
    watcher = make_watcher(db, [spec])
    await watcher.poll_once()
    web_server.set(
        "/terms.md",
        md + "\nYou agree your Content may be used to train AI models.\n",
        content_type="text/markdown",
    )
    [alert] = await watcher.poll_once()
    assert alert.ai_relevant and alert.added == (
        "You agree your Content may be used to train AI models.",
    )

    html = page("<h2 id='start'>Start</h2>", LICENSE, "<h2 id='end'>End</h2>", AI_CLAUSE)
    web_server.set("/ranged", html, content_type="text/html")
    ranged = page_spec(web_server, "/ranged", id="ranged", select=(Range("#start", "#end"),))
    watcher = make_watcher(db, [ranged])
    await watcher.poll_once()
    [snapshot] = await seen.recent_snapshots(db, "ranged")
    assert snapshot.text.startswith("## Start\nBy uploading")
    assert "train" not in snapshot.text  # after endBefore


async def test_selector_that_matches_nothing_is_an_error(web_server, db, make_watcher):
    web_server.set(
        "/terms", "<html><body><p>Redesigned page</p></body></html>", content_type="text/html"
    )
    watcher = make_watcher(db, [page_spec(web_server)])
    assert await watcher.poll_once() == []
    state = await source_store.get_state(db, "sc-terms")
    assert state.last_error == "select 'main' matched nothing" and state.failures == 1


async def test_vanished_quote_flags_the_curated_clause(web_server, db, make_watcher):
    curly = SC_QUOTE.replace(", or likeness", ", or\u00a0likeness")  # still the same words
    with_quote = page(LICENSE, f"<p>{curly}</p>")
    web_server.set("/terms", with_quote, content_type="text/html")
    watcher = make_watcher(db, [page_spec(web_server)])
    await watcher.poll_once()
    assert "soundcloud-tou-2025-genai-consent" not in {
        p.clause_id for p in await reviews.pending(db)
    }

    reworded = SC_QUOTE.replace("We will not use", "We may use")
    web_server.set("/terms", page(LICENSE, f"<p>{reworded}</p>"), content_type="text/html")
    [alert] = await watcher.poll_once()
    assert alert.ai_relevant
    pending = {p.clause_id: p for p in await reviews.pending(db)}
    assert pending["soundcloud-tou-2025-genai-consent"].source_id == "sc-terms"
    assert pending["soundcloud-tou-2025-genai-consent"].flagged_at
    assert await reviews.resolve(db, "soundcloud-tou-2025-genai-consent") is True
    assert await reviews.resolve(db, "soundcloud-tou-2025-genai-consent") is False
    assert "soundcloud-tou-2025-genai-consent" not in {
        p.clause_id for p in await reviews.pending(db)
    }


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>SoundCloud Terms of Service</title>
<id>tag:ota</id><updated>2025-09-10T00:00:00Z</updated>{entries}</feed>"""
ENTRY = """<entry><id>tag:ota:{n}</id><title>Record new changes {n}</title>
<updated>2025-0{n}-01T00:00:00Z</updated><link href="{url}"/></entry>"""


async def test_ota_feed_versions_are_diffed(web_server, db, make_watcher):
    def feed(*numbers: int) -> str:
        entries = "".join(
            ENTRY.format(n=n, url=web_server.url(f"/v/{n}.md")) for n in reversed(numbers)
        )
        return ATOM.format(entries=entries)

    v1 = "# Terms\n\nBy uploading you grant us a licence.\n"
    v2 = v1 + "\nYour Content may be used to train AI models.\n"
    v3 = v2 + "\nYou must be 16.\n"
    web_server.set("/v/1.md", v1, content_type="text/markdown")
    web_server.set("/v/2.md", v2, content_type="text/markdown")
    web_server.set("/v/3.md", v3, content_type="text/markdown")
    web_server.set("/ota.atom", feed(1), content_type="application/atom+xml")
    spec = SourceSpec(
        id="sc-ota",
        kind="ota",
        url=web_server.url("/ota.atom"),
        platform="soundcloud",
        document="Terms of Service",
        interval=60,
    )
    watcher = make_watcher(db, [spec])
    assert await watcher.poll_once() == []  # baseline: feed keys + latest version text
    assert web_server.hits["/v/1.md"] == 1

    web_server.set("/ota.atom", feed(1, 2, 3), content_type="application/atom+xml")
    alerts = await watcher.poll_once()
    assert [a.ai_relevant for a in alerts] == [True, False]
    assert alerts[0].added == ("Your Content may be used to train AI models.",)
    assert alerts[0].url == web_server.url("/v/2.md")
    assert alerts[1].added == ("You must be 16.",)
    assert await watcher.poll_once() == []
