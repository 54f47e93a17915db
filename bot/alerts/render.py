"""Alerts and notices as ``Reply`` objects: the embed the Discord shell sends, the console prints.

Everything that came from a feed or a page is untrusted: it is Markdown-escaped and mention-
neutralised here (a feed title "@everyone" stays text), and a reply never carries a mention
except the role the subscription chose (``Reply.mention_role_id`` with content ``<@&id>``).
Passages are clipped to Discord's limits by ``Card.fit`` / ``Reply.fit``.
"""

from __future__ import annotations

from datetime import datetime

from bot import limits
from bot.alerts.model import Alert, Notice
from bot.embeds import (
    COLOR_ALERT,
    COLOR_MUTED,
    COLOR_NOTICE,
    Card,
    Field,
    Reply,
    escape_markdown,
)
from bot.knowledge.text import clip
from bot.watch.urls import clean_url

FIELD_ROOM = limits.EMBED_FIELD_VALUE - 24
PASSAGE_CHARS = 600


def _safe_url(url: str | None) -> str | None:
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


def _stamp(iso: str) -> str:
    return iso[:16].replace("T", " ") + " UTC"


def render_alert(alert: Alert, mention_role_id: int | None = None) -> Reply:
    platform = alert.platform_name or alert.platform or "News"
    where = escape_markdown(platform)
    if alert.document:
        where += f" · {escape_markdown(alert.document)}"
    lines = [f"**{where}**"]
    if alert.kind == "terms-change":
        lines.append(
            "This document changed, and the change is about AI use of your content or data."
            if alert.ai_relevant
            else "This document changed; the change does not look AI-related."
        )
        if alert.added or alert.removed:
            lines.append("Below are the passages that matter most; the link has the full text.")
    fields: list[Field] = []
    for label, passages in (("Added", alert.added), ("Removed", alert.removed)):
        if alert.kind == "news" and label == "Added":
            label = "Summary"
        for i, chunk in enumerate(_quoted(passages)):
            fields.append(Field(label if i == 0 else f"{label} (continued)", chunk))
    if alert.ai_relevant and alert.why:
        terms = ", ".join(escape_markdown(t) for t in alert.why)
        fields.append(
            Field(
                "Why this is flagged as AI-relevant",
                f"Relevance {alert.relevance:.2f}; matched: {terms}",
            )
        )
    url = _safe_url(alert.url)
    if url:
        fields.append(Field("Source", url))
    card = Card(
        title=escape_markdown(alert.title),
        description="\n".join(lines),
        url=url,
        color=COLOR_ALERT if alert.ai_relevant else COLOR_MUTED,
        fields=fields,
        footer=f"Fine Print · {alert.kind} · detected {_stamp(alert.detected_at)}",
        timestamp=_when(alert),
    )
    content = f"<@&{mention_role_id}>" if mention_role_id else None
    return Reply(cards=[card], content=content, mention_role_id=mention_role_id).fit()


def render_notice(notice: Notice) -> Reply:
    card = Card(
        title=escape_markdown(notice.title),
        description=escape_markdown(notice.body),
        color=COLOR_NOTICE,
        footer="Fine Print · source health",
    )
    return Reply(cards=[card]).fit()


def render_delivery_problem(channel_id: int, reason: str) -> Reply:
    """Told once to a guild whose alert channel Discord refuses."""
    card = Card(
        title="Fine Print cannot post alerts",
        description=(
            f"Alerts for <#{channel_id}> could not be delivered: {escape_markdown(reason)}. "
            "I stopped sending alerts there. Fix the channel's permissions (View Channel, "
            "Send Messages, Embed Links) and subscribe the channel again."
        ),
        color=COLOR_NOTICE,
        footer="Fine Print · delivery",
    )
    return Reply(cards=[card]).fit()


def render_delivery_rejected(channel_id: int, reason: str) -> Reply:
    """Told once to a guild when Discord refused an alert message itself (a 4xx, not 403/404)."""
    card = Card(
        title="Fine Print could not post an alert",
        description=(
            f"Discord refused an alert for <#{channel_id}>: {escape_markdown(reason)}. "
            "That alert was dropped; the channel still receives the others. If it happens "
            "again, please tell the bot's operator."
        ),
        color=COLOR_NOTICE,
        footer="Fine Print · delivery",
    )
    return Reply(cards=[card]).fit()
