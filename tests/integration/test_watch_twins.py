"""Twin sources and platforms without curated data (issue 11, items 2 and 3).

Twins: two sources watching the same platform's document (a page and Open Terms Archive's
copy, say) see the same change; it alerts once. A change alerts unless the same change — same
direction, same text — already alerted for that platform and document: a sentence gained on
one and lost on the other are opposite changes, and both are news.

Any platform: a source may name any lowercase slug; a platform Fine Print has no data on is
shown under the name its source gives it, and a channel can subscribe to it.
"""

from __future__ import annotations

from pathlib import Path

from bot.alerts import manage
from bot.app import open_app
from bot.config import Settings
from bot.present import manage as replies
from bot.store import alerts as alert_store
from bot.watch.sources import SourceSpec
from tests.conftest import NO_SOURCES

LICENSE = "By uploading your Content you grant us a worldwide licence to host it."
AI_CLAUSE = "We may use your Content to train artificial intelligence models."
CONTACT = "Write to us at any time."


def doc(*sentences: str) -> str:
    return "# Terms of Use\n\n" + "\n\n".join(sentences) + "\n"


def twin(web, name: str, **kw) -> SourceSpec:
    base = dict(
        id=name,
        kind="page",
        url=web.url(f"/{name}.md"),
        platform="soundcloud",
        document="Terms of Use",
        interval=60,
    )
    base.update(kw)
    return SourceSpec(**base)


def serve(web, name: str, *sentences: str) -> None:
    web.set(f"/{name}.md", doc(*sentences), content_type="text/markdown; charset=utf-8")


async def test_a_gain_and_a_loss_in_one_cycle_are_two_changes(web_server, db, make_watcher):
    serve(web_server, "page", LICENSE, CONTACT)
    serve(web_server, "mirror", LICENSE, AI_CLAUSE, CONTACT)
    watcher = make_watcher(db, [twin(web_server, "page"), twin(web_server, "mirror")])
    assert await watcher.poll_once() == []  # baselines

    serve(web_server, "page", LICENSE, AI_CLAUSE, CONTACT)  # gains the AI sentence
    serve(web_server, "mirror", LICENSE, CONTACT)  # loses it
    alerts = await watcher.poll_once()
    gained = [a for a in alerts if a.added == (AI_CLAUSE,)]
    lost = [a for a in alerts if a.removed == (AI_CLAUSE,)]
    assert len(gained) == 1 and gained[0].ai_relevant and gained[0].source == "page"
    assert len(lost) == 1 and lost[0].ai_relevant and lost[0].source == "mirror"
    [verdict] = gained[0].passages
    assert (verdict.direction, verdict.text, verdict.topic) == ("added", AI_CLAUSE, "ai-training")
    assert lost[0].passages[0].direction == "removed"


async def test_the_same_change_seen_twice_alerts_once(web_server, db, make_watcher):
    serve(web_server, "page", LICENSE, CONTACT)
    serve(web_server, "mirror", LICENSE, CONTACT)
    watcher = make_watcher(db, [twin(web_server, "page"), twin(web_server, "mirror")])
    assert await watcher.poll_once() == []

    serve(web_server, "page", LICENSE, AI_CLAUSE, CONTACT)
    serve(web_server, "mirror", LICENSE, AI_CLAUSE, CONTACT)
    [gain] = await watcher.poll_once()
    assert gain.added == (AI_CLAUSE,)

    # Later both drop it again (in a new version, not a flip back): the opposite change alerts,
    # once; the earlier gain does not hide it.
    serve(web_server, "page", LICENSE, CONTACT, "Version 3.")
    serve(web_server, "mirror", LICENSE, CONTACT, "Version 3.")
    [loss] = await watcher.poll_once()
    assert loss.removed == (AI_CLAUSE,) and loss.ai_relevant
    rows = await db.fetchall("SELECT id FROM alert WHERE kind = 'terms-change'")
    assert len(rows) == 2


async def test_an_uncurated_platform_is_watched_named_and_subscribed(
    web_server, tmp_path: Path, discord
):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nid = "mastodon-terms"\nkind = "page"\nplatform = "mastodon"\n'
        f'document = "Terms of Service"\nurl = "{web_server.url("/mastodon.md")}"\n',
        encoding="utf-8",
    )
    settings = Settings(
        db_path=tmp_path / "fp.db", sources_path=sources, allow_private_networks=True
    )
    async with open_app(settings, watch=True, sender=discord) as app:
        assert "mastodon" not in app.kb.platforms
        typo = await manage.subscribe(
            app, 1, 11, platforms="myspace", only_ai=True, mention_role_id=None, actor=9
        )
        refused = replies.render(typo).fit().to_text()
        assert "myspace" in refused and "Mastodon" in refused  # named among the known ones
        done = await manage.subscribe(
            app, 1, 11, platforms="Mastodon", only_ai=True, mention_role_id=None, actor=9
        )
        assert isinstance(done, manage.Subscribed) and done.platforms == ("Mastodon",)
        listed = await manage.list_subscriptions(app, 1)
        assert listed.lines[0].platforms == ("Mastodon",)

        serve(web_server, "mastodon", LICENSE, CONTACT)
        assert app.watcher is not None and await app.watcher.poll_once() == []
        serve(web_server, "mastodon", LICENSE, AI_CLAUSE, CONTACT)
        [alert] = await app.watcher.poll_once()
        assert alert.platform == "mastodon" and alert.platform_name == "Mastodon"
        assert alert.title == "Mastodon changed its Terms of Service: AI-relevant wording"
        stored = await alert_store.get_alert(app.db, alert.id)
        assert stored is not None and stored.platform_name == "Mastodon"
        assert stored.passages == alert.passages and stored.edits == 1

        assert app.deliverer is not None
        report = await app.deliverer.deliver_due()
        assert report.sent == 1
        [posted] = discord.in_channel(11)
        assert "Mastodon" in posted.reply.to_text()


async def test_a_server_can_add_a_source_for_any_platform_then_subscribe_to_it(
    tmp_path: Path,
) -> None:
    settings = Settings(
        db_path=tmp_path / "fp.db", sources_path=NO_SOURCES, allow_private_networks=True
    )
    async with open_app(settings, watch=True) as app:
        added = await manage.add_feed(
            app,
            5,
            kind="page",
            url="https://cara.example/terms",
            platform="cara",
            select=None,
            actor=9,
        )
        assert isinstance(added, manage.FeedAdded)
        assert added.platform == "Cara" and added.spec.platform == "cara"
        done = await manage.subscribe(
            app, 5, 55, platforms="cara", only_ai=True, mention_role_id=None, actor=9
        )
        assert isinstance(done, manage.Subscribed) and done.platforms == ("Cara",)
        # Another server's source does not make the platform known here.
        other = await manage.subscribe(
            app, 6, 66, platforms="cara", only_ai=True, mention_role_id=None, actor=9
        )
        assert isinstance(other, manage.UnknownPlatforms)
        # A name that is not a slug is still refused.
        bad = await manage.add_feed(
            app, 5, kind="page", url="https://x.example/t", platform="My Space!", select=None,
            actor=9,
        )  # fmt: skip
        assert isinstance(bad, manage.UnknownPlatforms)
