"""Alerts and notices as ``Reply`` objects: the embed the Discord shell sends, the console prints.

Everything that came from a feed or a page is untrusted: it is Markdown-escaped and mention-
neutralised here (a feed title "@everyone" stays text), and a reply never carries a mention
except the role the subscription chose (``Reply.mention_role_id`` with content ``<@&id>``).
Passages are clipped to Discord's limits by ``Card.fit`` / ``Reply.fit``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot import limits
from bot.alerts.model import Alert, Digest, Notice
from bot.knowledge.text import clip
from bot.present.markdown import escape_markdown
from bot.present.reply import COLOR_ALERT, COLOR_MUTED, COLOR_NOTICE, Card, Field, Reply
from bot.present.texts import ENGLISH, Texts
from bot.watch.urls import clean_url

FIELD_ROOM = limits.EMBED_FIELD_VALUE - 24
PASSAGE_CHARS = 600
DIGEST_TITLE_CHARS = 120  # an alert's title in a digest line
DIGEST_URL_CHARS = 400  # longer links are left out of the line rather than clipped
DIGEST_ROOM = limits.EMBED_DESCRIPTION - 100  # what is left is for the "and N more" line


def _safe_url(url: str | None) -> str | None:
    """One clean absolute http(s) URL, or none: a feed's link can carry Markdown tricks."""
    return clean_url(url)


def _quoted(passages: tuple[str, ...]) -> list[str]:
    """Passages as escaped quote lines, packed into field-sized chunks."""
    chunks: list[str] = []
    current = ""
    for passage in passages:
        line = "> " + escape_markdown(clip(" ".join(passage.split()), PASSAGE_CHARS))
        if current and len(current) + 1 + len(line) > FIELD_ROOM:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def _when(alert: Alert) -> datetime | None:
    try:
        return datetime.fromisoformat(alert.detected_at)
    except ValueError:
        return None


def detected_day(alert: Alert, t: Texts = ENGLISH) -> str:
    """The day an alert was detected, written the way the reader's language writes dates."""
    when = _when(alert)
    return t.date(when.date()) if when else alert.detected_at[:10]


def render_alert(alert: Alert, mention_role_id: int | None = None, t: Texts = ENGLISH) -> Reply:
    platform = alert.platform_name or alert.platform or t("alert.news")
    where = escape_markdown(platform)
    if alert.document:
        where += f" · {escape_markdown(alert.document)}"
    lines = [f"**{where}**"]
    if alert.kind == "terms-change":
        lines.append(t("alert.changed.ai") if alert.ai_relevant else t("alert.changed.other"))
        if alert.added or alert.removed:
            lines.append(t("alert.passages"))
    fields: list[Field] = []
    for key, passages in (("alert.added", alert.added), ("alert.removed", alert.removed)):
        if alert.kind == "news" and key == "alert.added":
            key = "alert.summary"
        for i, chunk in enumerate(_quoted(passages)):
            fields.append(Field(t(key) if i == 0 else t(f"{key}.more"), chunk))
    if alert.ai_relevant and alert.why:
        terms = ", ".join(escape_markdown(w) for w in alert.why)
        fields.append(
            Field(
                t("alert.why"),
                t("alert.why.text", relevance=t.number(round(alert.relevance, 2)), terms=terms),
            )
        )
    url = _safe_url(alert.url)
    if url:
        fields.append(Field(t("answer.source"), url))
    card = Card(
        title=escape_markdown(alert.title),
        description="\n".join(lines),
        url=url,
        color=COLOR_ALERT if alert.ai_relevant else COLOR_MUTED,
        fields=fields,
        footer=t(
            "alert.footer",
            kind=t(f"alert.kind.{alert.kind}"),
            detected=t.moment(alert.detected_at),
        ),
        timestamp=_when(alert),
    )
    content = f"<@&{mention_role_id}>" if mention_role_id else None
    return Reply(cards=[card], content=content, mention_role_id=mention_role_id).fit(t)


def sample_alert(
    alert: Alert,
    mention_role_id: int | None = None,
    t: Texts = ENGLISH,
    *,
    title: str | None = None,
) -> Reply:
    """The sample ``/alerts test`` posts: it shows the role real alerts will mention but pings
    nobody, because testing a channel must not notify thousands of members."""
    alert = replace(
        alert,
        title=title or t("alert.sample.title"),
        document=t("alert.sample.document"),
        added=(t("alert.sample.added"),),
        removed=(t("alert.sample.removed"),),
    )
    reply = render_alert(alert, t=t)
    if mention_role_id:
        reply.content = t("alert.sample.role", role=mention_role_id)
    return reply


def render_notice(notice: Notice, t: Texts = ENGLISH) -> Reply:
    card = Card(
        title=escape_markdown(notice.title),
        description=escape_markdown(notice.body),
        color=COLOR_NOTICE,
        footer=t("alert.notice.footer"),
    )
    return Reply(cards=[card]).fit(t)


def render_delivery_problem(channel_id: int, reason: str, t: Texts = ENGLISH) -> Reply:
    """Told once to a guild whose alert channel Discord refuses."""
    card = Card(
        title=t("alert.refused.title"),
        description=t("alert.refused.text", channel=channel_id, reason=escape_markdown(reason)),
        color=COLOR_NOTICE,
        footer=t("alert.refused.footer"),
    )
    return Reply(cards=[card]).fit(t)


def _link_target(url: str | None) -> str | None:
    """A URL safe inside a Markdown link ``[text](url)``: http(s), no spaces or brackets that
    would end the link early, and not absurdly long."""
    url = _safe_url(url)
    if url is None or len(url) > DIGEST_URL_CHARS or any(c.isspace() for c in url):
        return None
    return url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def _digest_line(alert: Alert, t: Texts) -> str:
    platform = alert.platform_name or alert.platform or t("alert.news")
    where = f"**{escape_markdown(platform)}**"
    if alert.document:
        where += f" · {escape_markdown(alert.document)}"
    title = escape_markdown(clip(" ".join(alert.title.split()), DIGEST_TITLE_CHARS))
    target = _link_target(alert.url)
    linked = f"[{title}]({target})" if target else title
    return t("digest.line", where=where, title=linked, day=f" · {detected_day(alert, t)}")


def render_digest(digest: Digest, mention_role_id: int | None = None, t: Texts = ENGLISH) -> Reply:
    """A weekly digest: one embed listing the week's alerts, AI-relevant ones first (title,
    platform, document, link, day), as many as fit, then "and N more"."""
    ai = [a for a in digest.alerts if a.ai_relevant]
    other = [a for a in digest.alerts if not a.ai_relevant]
    lines = [t.n("digest.count", len(digest.alerts), ai=len(ai))]
    shown = 0
    for key, group in (("digest.section.ai", ai), ("digest.section.other", other)):
        if not group:
            continue
        header = f"\n**{t(key, count=len(group))}**"
        for i, alert in enumerate(group):
            line = _digest_line(alert, t)
            added = ([header] if i == 0 else []) + [line]
            if len("\n".join(lines + added)) > DIGEST_ROOM:
                break
            lines += added
            shown += 1
        else:
            continue
        break
    if shown < len(digest.alerts):
        lines.append(t.n("digest.more", len(digest.alerts) - shown))
    last_day = (digest.week_end - timedelta(days=1)).date()
    card = Card(
        title=t("digest.title", start=t.date(digest.first_day.date()), end=t.date(last_day)),
        description="\n".join(lines),
        color=COLOR_ALERT if ai else COLOR_MUTED,
        footer=t("digest.footer"),
        timestamp=digest.week_end,
    )
    content = f"<@&{mention_role_id}>" if mention_role_id else None
    return Reply(cards=[card], content=content, mention_role_id=mention_role_id).fit(t)


def render_delivery_rejected(channel_id: int, reason: str, t: Texts = ENGLISH) -> Reply:
    """Told once to a guild when Discord refused an alert message itself (a 4xx, not 403/404)."""
    card = Card(
        title=t("alert.rejected.title"),
        description=t("alert.rejected.text", channel=channel_id, reason=escape_markdown(reason)),
        color=COLOR_NOTICE,
        footer=t("alert.refused.footer"),
    )
    return Reply(cards=[card]).fit(t)


def with_marker(reply: Reply, marker: str, t: Texts = ENGLISH) -> Reply:
    """The posted message carries its alert (or notice, or digest) id in its footer, so after a
    long crash the bot can find what it already posted instead of posting it twice."""
    if not reply.cards:
        return reply
    last = reply.cards[-1]
    footer = f"{last.footer} · {marker}" if last.footer else marker
    cards = [*reply.cards[:-1], replace(last, footer=footer)]
    return replace(reply, cards=cards).fit(t)


def carries_marker(footer: str | None, marker: str) -> bool:
    return footer is not None and footer.rsplit(" · ", 1)[-1] == marker
