"""The /alerts and /feeds core on a real database, and what members see when a quote vanished."""

from dataclasses import replace
from pathlib import Path

import pytest

from bot.alerts import manage
from bot.alerts.model import WEEKLY, Alert
from bot.app import App, open_app
from bot.config import Settings
from bot.console import open_console
from bot.present import manage as replies
from bot.present import render
from bot.present.alerts import render_alert, sample_alert
from bot.store import alerts as alert_store
from bot.store import clock, reviews, subscriptions
from bot.store import sources as source_store
from tests.conftest import NO_SOURCES

GUILD, CHANNEL, MOD = 111, 222, 333


@pytest.fixture
async def watching_app(tmp_path: Path):
    settings = Settings(
        db_path=tmp_path / "fp.db", sources_path=NO_SOURCES, allow_private_networks=True
    )
    async with open_app(settings, watch=True) as app:
        yield app


def text_of(result) -> str:
    return replies.render(result).fit().to_text()


async def test_subscribe_parses_platform_names_and_aliases(watching_app: App) -> None:
    reply = await manage.subscribe(
        watching_app,
        GUILD,
        CHANNEL,
        platforms="sc, Instagram , yt",
        only_ai=True,
        mention_role_id=None,
        actor=MOD,
    )
    shown = text_of(reply)
    assert all(name in shown for name in ("SoundCloud", "Instagram", "YouTube"))
    [sub] = await subscriptions.list_subscriptions(watching_app.db, GUILD)
    assert set(sub.platforms) == {"soundcloud", "meta", "youtube"}
    assert sub.only_ai and sub.mention_role_id is None


async def test_subscribe_refuses_unknown_platforms_and_keeps_nothing(watching_app: App) -> None:
    reply = await manage.subscribe(
        watching_app,
        GUILD,
        CHANNEL,
        platforms="soundcloud, myspace",
        only_ai=True,
        mention_role_id=None,
        actor=MOD,
    )
    assert "Unknown platform" in text_of(reply) and "myspace" in text_of(reply)
    assert await subscriptions.list_subscriptions(watching_app.db, GUILD) == []


async def test_list_has_an_empty_state_then_entries(watching_app: App) -> None:
    empty = text_of(await manage.list_subscriptions(watching_app, GUILD))
    assert "No channel in this server gets alerts" in empty and "/alerts subscribe" in empty
    await manage.subscribe(
        watching_app,
        GUILD,
        CHANNEL,
        platforms="all",
        only_ai=False,
        mention_role_id=444,
        actor=MOD,
        warnings=("I am missing Embed Links in #x.",),
    )
    listed = text_of(await manage.list_subscriptions(watching_app, GUILD))
    assert f"<#{CHANNEL}> — every platform · every change · mentions <@&444>" in listed
    gone = text_of(await manage.unsubscribe(watching_app, GUILD, CHANNEL))
    assert "no more alerts" in gone
    again = text_of(await manage.unsubscribe(watching_app, GUILD, CHANNEL))
    assert "was not getting alerts" in again


async def test_sample_alert_shows_the_role_but_pings_nobody(watching_app: App) -> None:
    sample = sample_alert(manage.sample_alert(watching_app), mention_role_id=444)
    assert sample.mention_role_id is None  # shows the role, pings nobody
    assert "<@&444>" in (sample.content or "")
    assert "Sample alert" in sample.cards[0].title
    assert sample_alert(manage.sample_alert(watching_app)).mention_role_id is None


async def test_feeds_add_list_remove_and_cap(watching_app: App) -> None:
    added = text_of(
        await manage.add_feed(
            watching_app,
            GUILD,
            kind="rss",
            url="https://news.example/feed.xml",
            platform="sound cloud",
            select=None,
            actor=MOD,
        )
    )
    assert "Source added" in added and "SoundCloud" in added and "baseline" in added
    dup = text_of(
        await manage.add_feed(
            watching_app,
            GUILD,
            kind="rss",
            url="https://news.example/feed.xml",
            platform=None,
            select=None,
            actor=MOD,
        )
    )
    assert "already watches that URL" in dup
    bad = text_of(
        await manage.add_feed(
            watching_app, GUILD, kind="rss", url="ftp://x", platform=None, select=None, actor=MOD
        )
    )
    assert "not an http(s) URL" in bad
    for n in range(source_store.GUILD_SOURCE_CAP - 1):
        await manage.add_feed(
            watching_app,
            GUILD,
            kind="page",
            url=f"https://p.example/{n}",
            platform=None,
            select="main",
            actor=MOD,
        )
    capped = text_of(
        await manage.add_feed(
            watching_app,
            GUILD,
            kind="page",
            url="https://p.example/one-too-many",
            platform=None,
            select=None,
            actor=MOD,
        )
    )
    assert f"the limit is {source_store.GUILD_SOURCE_CAP}" in capped
    listed = text_of(await manage.list_feeds(watching_app, GUILD))
    assert "https://news.example/feed.xml" in listed
    other_guild = text_of(await manage.list_feeds(watching_app, GUILD + 1))
    assert "(none)" in other_guild
    [first, *_] = await source_store.list_guild_sources(watching_app.db, GUILD)
    assert "no longer watched" in text_of(await manage.remove_feed(watching_app, GUILD, first.id))
    assert "No such source" in text_of(await manage.remove_feed(watching_app, GUILD, first.id))


async def test_resume_refuses_unknown_and_unpaused(watching_app: App) -> None:
    await manage.add_feed(
        watching_app,
        GUILD,
        kind="rss",
        url="https://news.example/a.xml",
        platform=None,
        select=None,
        actor=MOD,
    )
    [spec] = await source_store.list_guild_sources(watching_app.db, GUILD)
    assert "No such source" in text_of(await manage.resume_feed(watching_app, GUILD, "nope"))
    assert "not paused" in text_of(await manage.resume_feed(watching_app, GUILD, spec.id))
    # Another guild cannot resume (or even see) this guild's source.
    assert "No such source" in text_of(await manage.resume_feed(watching_app, GUILD + 1, spec.id))


async def test_a_clause_whose_quote_vanished_is_shown_with_a_note(app: App) -> None:
    clause_id = "soundcloud-tou-2025-genai-consent"
    before = render(await app.terms("soundcloud")).fit().to_text()
    assert "Needs review" not in before
    async with app.db.transaction() as conn:
        await reviews.flag(conn, clause_id, "soundcloud-terms")
    app_fresh = App(replace(app.settings), app.db, app.kb)  # a new process would see it too
    after = render(await app_fresh.terms("soundcloud")).fit().to_text()
    assert "Needs review" in after
    assert "We will not use your content to train generative AI models" in after  # still shown


# -- weekly digests and /alerts preview -------------------------------------------------------
def stored_alert(n: int, detected_at: str, *, platform: str = "soundcloud", guild=None) -> Alert:
    return Alert(
        id=f"preview{n}",
        source="sc-terms" if guild is None else f"guild-{guild}",
        platform=platform,
        kind="terms-change",
        title=f"Alert number {n}",
        url=f"https://soundcloud.com/terms-of-use#{n}",
        relevance=0.9,
        ai_relevant=True,
        added=(f"We may train AI models on your uploads ({n}).",),
        removed=(),
        detected_at=detected_at,
        document="Terms of Use",
        guild_id=guild,
    )


async def store_alerts(app: App, *alerts: Alert) -> None:
    async with app.db.transaction() as conn:
        for alert in alerts:
            await alert_store.record_alert(app.db, alert, conn)


async def test_weekly_subscription_says_when_digests_come_and_lists_what_waits(
    watching_app: App,
) -> None:
    reply = await manage.subscribe(
        watching_app,
        GUILD,
        CHANNEL,
        platforms="soundcloud",
        only_ai=True,
        mention_role_id=444,
        actor=MOD,
        mode=WEEKLY,
    )
    shown = text_of(reply)
    assert "one weekly digest" in shown and "Monday 00:00 UTC" in shown
    assert "a week without alerts posts nothing" in shown
    assert "Each digest mentions <@&444>" in shown
    listed = text_of(await manage.list_subscriptions(watching_app, GUILD))
    assert f"<#{CHANNEL}> — SoundCloud · AI-relevant only · mentions <@&444> · weekly digest" in (
        listed
    )
    assert "waiting" not in listed

    await store_alerts(watching_app, stored_alert(1, clock.now_iso()))
    listed = text_of(await manage.list_subscriptions(watching_app, GUILD))
    assert "· weekly digest (1 alert waiting for Monday)" in listed
    assert await alert_store.counts(watching_app.db) == {}  # no instant outbox row


async def test_preview_shows_the_latest_alert_this_server_could_get(watching_app: App) -> None:
    await store_alerts(
        watching_app,
        stored_alert(1, "2025-03-01T10:00:00.000+00:00"),
        stored_alert(2, "2025-03-04T10:00:00.000+00:00"),
        stored_alert(3, "2025-03-06T10:00:00.000+00:00", guild=GUILD + 1),  # another server's
        stored_alert(4, "2025-03-02T10:00:00.000+00:00", platform="youtube"),
    )
    result = await manage.preview(watching_app, GUILD, "sc")
    assert isinstance(result, manage.AlertPreview) and not result.sample
    reply = replies.alert_preview(result)
    assert reply.ephemeral and reply.mention_role_id is None
    assert reply.content == (
        "Preview: the latest SoundCloud alert, detected 4 March 2025, as it would be posted. Only "
        "you can see this, and nobody was notified."
    )
    assert reply.cards[0].title == "Alert number 2"
    assert "We may train AI models on your uploads (2)." in reply.to_text()
    # The same card a subscribed channel gets, apart from the note.
    posted = render_alert(replace(result.alert, platform_name="SoundCloud"))
    assert reply.cards == posted.cards

    # This server's own source is its own to preview.
    await store_alerts(watching_app, stored_alert(5, "2025-03-07T10:00:00.000+00:00", guild=GUILD))
    mine = await manage.preview(watching_app, GUILD, "SoundCloud")
    assert isinstance(mine, manage.AlertPreview) and mine.alert.title == "Alert number 5"


async def test_preview_without_alerts_shows_a_labelled_sample(watching_app: App) -> None:
    result = await manage.preview(watching_app, GUILD, "youtube")
    assert isinstance(result, manage.AlertPreview) and result.sample
    reply = replies.alert_preview(result)
    assert reply.ephemeral and reply.mention_role_id is None
    assert reply.content is not None
    assert reply.content.startswith("No alert for YouTube yet — here is a sample")
    assert reply.cards[0].title == "Sample: how a YouTube alert looks"
    assert "This is a sample of an added passage" in reply.to_text()

    unknown = replies.alert_preview(await manage.preview(watching_app, GUILD, "myspace"))
    assert unknown.cards[0].title == "Unknown platform" and "myspace" in unknown.to_text()


async def test_console_subscribes_weekly_and_previews(watching_app: App) -> None:
    console = open_console(watching_app, guild_id=GUILD)
    out = await console.handle("/alerts subscribe soundcloud --weekly")
    assert "one weekly digest" in out
    [sub] = await subscriptions.list_subscriptions(watching_app.db, GUILD)
    assert sub.mode == WEEKLY and sub.platforms == ("soundcloud",)
    assert "weekly digest" in await console.handle("/alerts list")
    assert "No alert for SoundCloud yet" in await console.handle("/alerts preview soundcloud")
    await store_alerts(watching_app, stored_alert(1, "2025-03-04T10:00:00.000+00:00"))
    shown = await console.handle("/alerts preview sc")
    assert "Preview: the latest SoundCloud alert" in shown and "Alert number 1" in shown
    assert "preview <platform>" in await console.handle("/alerts preview")  # usage, no crash
    await console.handle("/alerts subscribe soundcloud")
    [sub] = await subscriptions.list_subscriptions(watching_app.db, GUILD)
    assert sub.mode == "instant"
