"""Rendering alerts: escaped, mention-free unless a role was chosen, within Discord's limits."""

from __future__ import annotations

from bot import limits
from bot.alerts.model import Alert, Notice, delivery_nonce
from bot.present.alerts import render_alert, render_notice


def alert(**kw) -> Alert:
    base = dict(
        id="a1",
        source="sc-terms",
        platform="soundcloud",
        kind="terms-change",
        title="SoundCloud changed its Terms of Use: AI-relevant wording",
        url="https://soundcloud.com/terms-of-use",
        relevance=0.91,
        ai_relevant=True,
        added=("We may use your Content to train AI models.",),
        removed=("We will not use your content to train generative AI models.",),
        detected_at="2026-08-17T12:54:25.000+00:00",
        document="Terms of Use",
        platform_name="SoundCloud",
        why=("train", "ai", "content"),
    )
    base.update(kw)
    return Alert(**base)


def test_json_line_shape_is_exactly_the_design():
    data = alert().to_json()
    assert list(data) == [
        "id", "source", "platform", "kind", "title", "url", "relevance", "ai_relevant", "added",
        "removed", "detected_at",
    ]  # fmt: skip
    assert data["added"] == ["We may use your Content to train AI models."]


def test_terms_change_card_shows_what_why_where_when():
    reply = render_alert(alert())
    card = reply.cards[0]
    text = reply.to_text()
    assert card.url == "https://soundcloud.com/terms-of-use"
    assert [f.name for f in card.fields] == [
        "Added", "Removed", "Why this is flagged as AI-relevant", "Source",
    ]  # fmt: skip
    assert "> We may use your Content to train AI models." in card.fields[0].value
    assert "matched: train, ai, content" in card.fields[2].value
    assert "SoundCloud · Terms of Use" in card.description
    assert card.timestamp is not None and "17 August 2026, 12:54 UTC" in (card.footer or "")
    assert reply.content is None and reply.mention_role_id is None
    assert "train AI" in text


def test_untrusted_text_cannot_ping_or_inject_markdown():
    evil = alert(
        title="@everyone [click](https://evil.example) **now**",
        added=("@here <@&42> <@123> `code` > quote [link](https://evil.example)",),
    )
    reply = render_alert(evil)
    everything = reply.to_text() + reply.cards[0].title
    for ping in ("@everyone", "@here", "<@&42>", "<@123>"):
        assert ping not in everything
    assert "\\[click\\]" in reply.cards[0].title and "\\*\\*now\\*\\*" in reply.cards[0].title
    assert reply.mention_role_id is None


def test_only_the_chosen_role_is_mentioned():
    reply = render_alert(alert(), 987654321)
    assert reply.content == "<@&987654321>" and reply.mention_role_id == 987654321


def test_long_changes_fit_discord_limits():
    big = alert(
        added=tuple("word " * 300 for _ in range(10)), removed=tuple("x " * 600 for _ in range(10))
    )
    card = render_alert(big).cards[0]
    assert card.total_length() <= limits.EMBED_TOTAL
    assert all(len(f.value) <= limits.EMBED_FIELD_VALUE for f in card.fields)
    assert len(card.fields) <= limits.EMBED_FIELDS


def test_news_and_non_ai_changes():
    news = render_alert(alert(kind="news", document=None, removed=(), title="SoundCloud news"))
    assert news.cards[0].fields[0].name == "Summary"
    quiet = render_alert(alert(ai_relevant=False, why=(), relevance=0.3))
    assert "does not look AI-related" in quiet.cards[0].description
    assert all("Why" not in f.name for f in quiet.cards[0].fields)


def test_notice_and_nonce():
    notice = Notice(
        "n1", "src", "reddit", "Paused a source: @everyone", "Last error: HTTP 500", "t"
    )
    reply = render_notice(notice)
    assert "@everyone" not in reply.cards[0].title and reply.mention_role_id is None
    nonce = delivery_nonce("alert-id", 123456789012345678)
    assert len(nonce) <= 25 and nonce == delivery_nonce("alert-id", 123456789012345678)
    assert nonce != delivery_nonce("alert-id", 123456789012345679)
