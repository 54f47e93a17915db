"""The /alerts and /feeds core on a real database, and what members see when a quote vanished."""

from dataclasses import replace
from pathlib import Path

import pytest

from bot.alerts import manage
from bot.app import App, open_app
from bot.config import Settings
from bot.present import manage as replies
from bot.present import render
from bot.present.alerts import sample_alert
from bot.store import reviews, subscriptions
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
