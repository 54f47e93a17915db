"""Alerts and notices as ``Reply`` objects: the embed the Discord shell sends, the console prints.

Everything that came from a feed or a page is untrusted: it is Markdown-escaped and mention-
neutralised here (a feed title "@everyone" stays text), and a reply never carries a mention
except the role the subscription chose (``Reply.mention_role_id`` with content ``<@&id>``).
Passages are clipped to Discord's limits by ``Card.fit`` / ``Reply.fit``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import limits
from bot.alerts.model import Alert, Notice
from bot.knowledge.text import clip
from bot.present.markdown import escape_markdown
from bot.present.reply import COLOR_ALERT, COLOR_MUTED, COLOR_NOTICE, Card, Field, Reply
from bot.present.texts import ENGLISH, Texts

FIELD_ROOM = limits.EMBED_FIELD_VALUE - 24
PASSAGE_CHARS = 600


def _safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


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


def sample_alert(alert: Alert, mention_role_id: int | None = None, t: Texts = ENGLISH) -> Reply:
    """The sample ``/alerts test`` posts: it shows the role real alerts will mention but pings
    nobody, because testing a channel must not notify thousands of members."""
    alert = replace(
        alert,
        title=t("alert.sample.title"),
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
