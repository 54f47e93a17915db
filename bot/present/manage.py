"""Replies to the moderators' settings commands: ``/alerts``, ``/feeds`` and ``/config``.

Each says what happened and what to do next, including the empty states. Everything here is
ephemeral: only the moderator who asked sees it.
"""

from __future__ import annotations

from dataclasses import replace

from bot.alerts.manage import (
    AlertPreview,
    FeedAdded,
    FeedHealth,
    FeedList,
    FeedRefused,
    FeedRemoved,
    FeedResumed,
    Subscribed,
    SubscriptionList,
    UnknownPlatforms,
    Unsubscribed,
)
from bot.alerts.model import WEEKLY
from bot.knowledge.text import clip
from bot.present.alerts import detected_day, render_alert, sample_alert
from bot.present.markdown import escape_markdown, neutralize_mentions
from bot.present.reply import COLOR_MUTED, COLOR_NOTICE, COLOR_OK, Card, Field, Reply
from bot.present.texts import ENGLISH, Texts
from bot.store.sources import SourceStatus

HEALTH_KEYS = {
    "ok": "feeds.health.ok",
    "failing": "feeds.health.failing",
    "paused": "feeds.health.paused",
    "not polled yet": "feeds.health.new",
}


def notice(text: str, *, title: str | None = None, ok: bool = False, t: Texts = ENGLISH) -> Reply:
    """A short ephemeral message (a refusal, a confirmation)."""
    color = COLOR_OK if ok else COLOR_NOTICE
    return Reply([Card(title or t("notice.title"), text, color=color)], ephemeral=True)


def _platforms(names: tuple[str, ...], t: Texts) -> str:
    return ", ".join(names) if names else t("alerts.every_platform")


def unknown_platforms(view: UnknownPlatforms, t: Texts = ENGLISH) -> Reply:
    shown = ", ".join(f"“{escape_markdown(clip(u, 40))}”" for u in view.typed)
    text = t("alerts.unknown", typed=shown, known=", ".join(view.known))
    return notice(text, title=t("unknown_platform.title"), t=t)


def subscribed(view: Subscribed | UnknownPlatforms, t: Texts = ENGLISH) -> Reply:
    if isinstance(view, UnknownPlatforms):
        return unknown_platforms(view, t)
    what = t("alerts.what.ai") if view.only_ai else t("alerts.what.all")
    lines = [
        t(
            "alerts.subscribed.text",
            channel=view.channel_id,
            what=what,
            platforms=_platforms(view.platforms, t),
        )
    ]
    weekly = view.mode == WEEKLY
    if weekly:
        lines.append(t("alerts.subscribed.weekly"))
    if view.mention_role_id:
        key = "alerts.subscribed.weekly_role" if weekly else "alerts.subscribed.role"
        lines.append(t(key, role=view.mention_role_id))
    if view.language:
        lines.append(t("alerts.subscribed.language", language=t.language(view.language)))
    lines.append(t("alerts.subscribed.test"))
    card = Card(t("alerts.subscribed.title"), "\n".join(lines), color=COLOR_OK)
    if view.warnings:
        card.fields.append(
            Field(t("alerts.check_this"), "\n".join(f"• {w}" for w in view.warnings))
        )
    return Reply([card], ephemeral=True)


def unsubscribed(view: Unsubscribed, t: Texts = ENGLISH) -> Reply:
    if view.done:
        text = t("alerts.unsubscribed.text", channel=view.channel_id)
        return notice(text, title=t("alerts.unsubscribed.title"), ok=True, t=t)
    text = t("alerts.not_subscribed.text", channel=view.channel_id)
    return notice(text, title=t("alerts.not_subscribed.title"), t=t)


def subscriptions(view: SubscriptionList, t: Texts = ENGLISH) -> Reply:
    if not view.lines:
        return notice(t("alerts.none.text"), title=t("alerts.none.title"), t=t)
    out = []
    for s in view.lines:
        line = f"<#{s.channel_id}> — {_platforms(s.platforms, t)}"
        line += t("alerts.line.ai") if s.only_ai else t("alerts.line.all")
        if s.mention_role_id:
            line += t("alerts.line.role", role=s.mention_role_id)
        if s.mode == WEEKLY:
            line += t("alerts.line.weekly")
            if s.waiting:
                line += t.n("alerts.line.waiting", s.waiting)
        if s.language:
            line += t("alerts.line.language", language=t.language(s.language))
        if s.paused_reason:
            line += t("alerts.line.paused", reason=escape_markdown(s.paused_reason))
        out.append(line)
    return Reply([Card(t("alerts.list.title"), "\n".join(out), color=COLOR_MUTED)], ephemeral=True)


def missing_permissions(channel_id: int, missing: list[str], t: Texts = ENGLISH) -> str:
    return t("alerts.missing", missing=", ".join(missing), channel=channel_id)


def role_not_mentionable(role_id: int, t: Texts = ENGLISH) -> str:
    return t("alerts.role_not_mentionable", role=role_id)


def test_posted(channel_id: int, subscribed: bool, t: Texts = ENGLISH) -> Reply:
    text = t("alerts.test.posted", channel=channel_id)
    if not subscribed:
        text += " " + t("alerts.test.not_subscribed")
    return notice(text, title=t("alerts.test.title"), t=t)


def test_refused(channel_id: int, missing: list[str], t: Texts = ENGLISH) -> Reply:
    missing = missing or [t("alerts.a_permission")]
    text = t("alerts.test.refused", channel=channel_id, missing=", ".join(missing))
    return notice(text, title=t("alerts.test.refused.title"), t=t)


def alert_preview(view: AlertPreview | UnknownPlatforms, t: Texts = ENGLISH) -> Reply:
    """The latest alert exactly as a channel would get it (or a sample), shown only to the
    moderator who asked and pinging nobody, with a line saying which it is."""
    if isinstance(view, UnknownPlatforms):
        return unknown_platforms(view, t)
    name = escape_markdown(view.platform)
    if view.sample:
        title = t("alerts.preview.sample.title", platform=view.platform)
        reply = sample_alert(view.alert, t=t, title=title)
        note = t("alerts.preview.empty", platform=name)
    else:
        reply = render_alert(view.alert, t=t)
        detected = detected_day(view.alert, t)
        note = t("alerts.preview.latest", platform=name, detected=detected)
    return replace(reply, content=note, ephemeral=True, mention_role_id=None).fit(t)


# -- /feeds ----------------------------------------------------------------------------------
def health(status: SourceStatus, t: Texts) -> str:
    return t(HEALTH_KEYS.get(status.health, "feeds.health.ok"))


def feed_added(view: FeedAdded | FeedRefused | UnknownPlatforms, t: Texts = ENGLISH) -> Reply:
    if isinstance(view, UnknownPlatforms):
        return unknown_platforms(view, t)
    if isinstance(view, FeedRefused):
        return notice(neutralize_mentions(view.reason), title=t("feeds.refused.title"), t=t)
    about = t("feeds.added.about", platform=view.platform) if view.platform else ""
    text = t("feeds.added.text", source=view.spec.id, about=about, url=view.spec.url)
    return notice(text, title=t("feeds.added.title"), ok=True, t=t)


def feed_removed(view: FeedRemoved, t: Texts = ENGLISH) -> Reply:
    source = escape_markdown(clip(view.source_id, 80))
    if view.done:
        return notice(t("feeds.removed.text", source=source), title=t("feeds.removed.title"), t=t)
    return notice(t("feeds.no_such.text", source=source), title=t("feeds.no_such.title"), t=t)


def feed_list(view: FeedList, t: Texts = ENGLISH) -> Reply:
    header = t("feeds.list.header", shipped=view.shipped)
    if not view.own:
        text = f"{header}\n" + t("feeds.list.none", cap=view.cap)
        return notice(text, title=t("feeds.list.none.title"), t=t)
    lines = [header]
    for st in view.own:
        spec = st.spec
        lines.append(f"`{spec.id}` · {spec.kind} · {health(st, t)} · <{spec.url}>")
    return Reply([Card(t("feeds.list.title"), "\n".join(lines), color=COLOR_MUTED)], ephemeral=True)


def feed_health(view: FeedHealth, t: Texts = ENGLISH) -> Reply:
    fields = []
    for st in view.own + view.troubled:
        state = st.state
        value = t(
            "feeds.status.line", health=health(st, t), last_ok=state.last_ok_at or t("feeds.never")
        )
        if state.failures:
            value += t("feeds.status.failures", count=state.failures)
        if state.last_error:
            value += "\n" + t(
                "feeds.status.error", error=escape_markdown(clip(state.last_error, 300))
            )
        if state.paused:
            value += "\n" + t("feeds.status.paused", source=st.spec.id)
        owner = "" if st.spec.guild_id else t("feeds.status.shipped")
        fields.append(Field(f"{st.spec.id}{owner}", value))
    healthy = view.shipped - len(view.troubled)
    description = t("feeds.status.summary", healthy=healthy, shipped=view.shipped)
    if not view.own:
        description += " " + t("feeds.status.no_own")
    card = Card(t("feeds.status.title"), description, color=COLOR_MUTED, fields=fields[:25])
    return Reply([card], ephemeral=True)


def feed_resumed(view: FeedResumed, t: Texts = ENGLISH) -> Reply:
    source = escape_markdown(view.source_id)
    if view.outcome == "unknown":
        return notice(t("feeds.resume.unknown"), title=t("feeds.no_such.title"), t=t)
    if view.outcome == "not-paused":
        return notice(
            t("feeds.resume.not_paused", source=source),
            title=t("feeds.resume.not_paused.title"),
            t=t,
        )
    text = t("feeds.resume.done", source=source)
    return notice(text, title=t("feeds.resume.done.title"), ok=True, t=t)


Result = (
    AlertPreview
    | Subscribed
    | UnknownPlatforms
    | Unsubscribed
    | SubscriptionList
    | FeedAdded
    | FeedRefused
    | FeedRemoved
    | FeedList
    | FeedHealth
    | FeedResumed
)


def render(result: Result, t: Texts = ENGLISH) -> Reply:
    """Any result of ``bot.alerts.manage``."""
    match result:
        case AlertPreview():
            return alert_preview(result, t)
        case Subscribed() | UnknownPlatforms():
            return subscribed(result, t)
        case Unsubscribed():
            return unsubscribed(result, t)
        case SubscriptionList():
            return subscriptions(result, t)
        case FeedAdded() | FeedRefused():
            return feed_added(result, t)
        case FeedRemoved():
            return feed_removed(result, t)
        case FeedList():
            return feed_list(result, t)
        case FeedHealth():
            return feed_health(result, t)
        case FeedResumed():
            return feed_resumed(result, t)


# -- /config ---------------------------------------------------------------------------------
def language_set(language: str | None, effective: str, t: Texts = ENGLISH) -> Reply:
    """``/config language``: what alerts are written in now (``effective``: the language in
    use, the server's Discord one when ``language`` is None)."""
    name = t.language(effective)
    text = (
        t("config.language.set", language=name)
        if language
        else t("config.language.auto", language=name)
    )
    return notice(text, title=t("config.language.title"), ok=True, t=t)


def language_shown(language: str | None, effective: str, t: Texts = ENGLISH) -> Reply:
    """``/config language`` with no choice: the current setting."""
    name = t.language(effective)
    text = (
        t("config.language.set", language=name)
        if language
        else t("config.language.auto", language=name)
    )
    return notice(text, title=t("config.language.current"), t=t)


def modrole_set(role_id: int | None, t: Texts = ENGLISH) -> Reply:
    text = t("config.modrole.set", role=role_id) if role_id else t("config.modrole.cleared")
    return notice(text, title=t("config.modrole.title"), t=t)
