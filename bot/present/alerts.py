"""Alerts and notices as ``Reply`` objects: the embed the Discord shell sends, the console prints.

A terms change reads top-down in five seconds (issue 11):

- **title**: the headline in plain words (``bot.present.headline``), linking to the full diff
  (or the live page when there is no diff to link to);
- **description**: platform · document, then the AI-relevant sentences as a ```diff block
  (``bot.present.diffblock``; most relevant first, up to ``AI_SHOWN`` and as many as fit), then
  a line for the AI-relevant ones left out and one for the rest ("…and 14 other edits."). A
  change with no AI-relevant sentence says so and shows its first few sentences instead;
- **What Fine Print said**: the curated clauses of that document the change touches — their
  quote removed or reworded, or a sentence next to it changed — each flagged for review;
- **Links**: the full diff (Open Terms Archive's commit, for ``ota`` sources) and the live page;
- **footer**: the kind, the words that made it AI-relevant, and when it was detected.

News keeps its own title (the item's), the summary quoted, and the article as its link.

Everything that came from a feed or a page is untrusted: it is Markdown-escaped (or made safe
for a code block) and mention-neutralised here (a feed title "@everyone" stays text), and a reply
never carries a mention except the role the subscription chose (``Reply.mention_role_id`` with
content ``<@&id>``). Every part is sized here so the embed fits Discord's limits whatever the
input (``Card.fit`` is only the last guard: clipping a code block would break it open).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot import limits
from bot.alerts.model import Alert, Digest, Notice, PassageVerdict
from bot.knowledge.text import clip
from bot.present.diffblock import diff_block
from bot.present.headline import headline, platform_name
from bot.present.markdown import escape_markdown
from bot.present.reply import COLOR_ALERT, COLOR_MUTED, COLOR_NOTICE, Card, Field, Reply
from bot.present.texts import ENGLISH, Texts
from bot.watch.urls import clean_url

FIELD_ROOM = limits.EMBED_FIELD_VALUE - 24
PASSAGE_CHARS = 600
AI_SHOWN = 6  # AI-relevant sentences in the block at most: more is a wall, not a glance
QUIET_SHOWN = 3  # a change with nothing AI-relevant shows this many sentences
WHY_TERMS = 4  # matched words named in the footer
SAID_TITLE_CHARS = 160  # a curated clause's title in "What Fine Print said"
DOCUMENT_CHARS = 120  # a document's name (a server's own source may name it at length)
WHY_CHARS = 40  # one matched word (or phrase) in the footer
# Kept free under Discord's 6,000: delivery appends the alert's id to the footer
# (``with_marker``: " · " and 20 characters), and nothing may tip an embed over.
TOTAL_SLACK = 40
DIGEST_TITLE_CHARS = 120  # an alert's title in a digest line
DIGEST_URL_CHARS = 400  # longer links are left out of the line rather than clipped
DIGEST_ROOM = limits.EMBED_DESCRIPTION - 100  # what is left is for the "and N more" line


def _safe_url(url: str | None) -> str | None:
    """One clean absolute http(s) URL, or none: a feed's link can carry Markdown tricks."""
    return clean_url(url)


def _when(alert: Alert) -> datetime | None:
    try:
        return datetime.fromisoformat(alert.detected_at)
    except ValueError:
        return None


def detected_day(alert: Alert, t: Texts = ENGLISH) -> str:
    """The day an alert was detected, written the way the reader's language writes dates."""
    when = _when(alert)
    return t.date(when.date()) if when else alert.detected_at[:10]


def _footer(alert: Alert, t: Texts) -> str:
    kind = t(f"alert.kind.{alert.kind}")
    detected = t.moment(alert.detected_at)
    if alert.ai_relevant and alert.why:
        terms = ", ".join(clip(" ".join(w.split()), WHY_CHARS) for w in alert.why[:WHY_TERMS])
        return t("alert.footer.why", kind=kind, terms=terms, detected=detected)
    return t("alert.footer", kind=kind, detected=detected)


def _where(alert: Alert, t: Texts) -> str:
    where = escape_markdown(platform_name(alert, t))
    if alert.document:
        where += f" · {escape_markdown(clip(t.document(alert.document), DOCUMENT_CHARS))}"
    return f"**{where}**"


def render_alert(alert: Alert, mention_role_id: int | None = None, t: Texts = ENGLISH) -> Reply:
    card = _news_card(alert, t) if alert.kind == "news" else _change_card(alert, t)
    content = f"<@&{mention_role_id}>" if mention_role_id else None
    return Reply(cards=[card], content=content, mention_role_id=mention_role_id).fit(t)


def _news_card(alert: Alert, t: Texts) -> Card:
    fields: list[Field] = []
    summary = [" ".join(s.split()) for s in alert.added if s.strip()]
    if summary:
        quoted = "\n".join("> " + escape_markdown(clip(s, PASSAGE_CHARS)) for s in summary)
        fields.append(Field(t("alert.summary"), clip(quoted, FIELD_ROOM)))
    url = _safe_url(alert.url)
    if url:
        fields.append(Field(t("answer.source"), url))
    return Card(
        title=escape_markdown(alert.title),
        description=_where(alert, t),
        url=url,
        color=COLOR_ALERT if alert.ai_relevant else COLOR_MUTED,
        fields=fields,
        footer=_footer(alert, t),
        timestamp=_when(alert),
    )


def _legacy_passages(alert: Alert) -> tuple[PassageVerdict, ...]:
    """An alert recorded before per-sentence verdicts (or a sample): its flat lists, as they
    were stored (most relevant first)."""
    return tuple(
        PassageVerdict("added", text, alert.ai_relevant, alert.relevance) for text in alert.added
    ) + tuple(
        PassageVerdict("removed", text, alert.ai_relevant, alert.relevance)
        for text in alert.removed
    )


def _change_card(alert: Alert, t: Texts) -> Card:
    links = _links(alert, t)
    fields = [f for f in (_said(alert, t), links[0]) if f is not None]
    url = links[1]
    title = clip(headline(alert, t) or escape_markdown(alert.title), limits.EMBED_TITLE)
    footer = _footer(alert, t)
    used = len(title) + len(footer) + sum(len(f.name) + len(f.value) for f in fields)
    room = min(limits.EMBED_DESCRIPTION, limits.EMBED_TOTAL - TOTAL_SLACK - used)
    return Card(
        title=title,
        description=_description(alert, t, room),
        url=url,
        color=COLOR_ALERT if alert.ai_relevant else COLOR_MUTED,
        fields=fields,
        footer=footer,
        timestamp=_when(alert),
    )


def _description(alert: Alert, t: Texts, room: int) -> str:
    """Platform · document, the diff block, and the line for everything not in it."""
    lines = [_where(alert, t)]
    if not alert.ai_relevant:
        lines.append(t("alert.changed.other"))
    ai = sorted((p for p in alert.passages if p.ai_relevant), key=lambda p: -p.score)
    if ai:  # the AI-relevant sentences, most relevant first; the rest is counted
        candidates, most = ai, AI_SHOWN
    elif alert.passages:  # nothing about AI: the first few sentences show what changed
        candidates, most = list(alert.passages), QUIET_SHOWN
    else:
        candidates, most = list(_legacy_passages(alert)), None
    tail_room = 2 * 80  # the "…and N more" lines below the block
    block_room = room - len("\n".join(lines)) - 1 - tail_room
    block, shown, distinct = diff_block(candidates, block_room, most=most)
    if block:
        lines.append(block)
    total = alert.edits if alert.passages else distinct
    hidden_ai = distinct - shown if ai else 0
    others = max(total - len(ai) if ai else total - shown, 0)
    if hidden_ai:
        lines.append(t.n("alert.more_ai", hidden_ai))
    if others:
        lines.append(t.n("alert.others", others))
    return "\n".join(lines)


def _said(alert: Alert, t: Texts) -> Field | None:
    """ "What Fine Print said": the curated clauses this change touches, and how."""
    if not alert.clauses:
        return None
    lines: list[str] = []
    for k, clause in enumerate(alert.clauses):
        named = t.kb("clause", clause.id, "title", clause.title)
        title = escape_markdown(clip(" ".join(named.split()), SAID_TITLE_CHARS))
        line = f"• **{title}** — {t(f'alert.said.{clause.how}')}"
        rest = len(alert.clauses) - k - 1
        more = t.n("alert.said.more", rest) if rest else ""
        if len("\n".join([*lines, line, more])) > FIELD_ROOM:
            lines.append(t.n("alert.said.more", len(alert.clauses) - k))
            break
        lines.append(line)
    return Field(t("alert.said"), "\n".join(lines))


def _links(alert: Alert, t: Texts) -> tuple[Field | None, str | None]:
    """The Links field (full diff, live page — or the archived text when the live address is
    unknown) and where the title links: the diff, else the live page, else the alert's URL."""
    diff, page = _link_target(alert.links.diff), _link_target(alert.links.page)
    archived = _link_target(alert.links.archived) if page is None else None
    shown = [
        f"[{t(f'alert.link.{kind}')}]({url})"
        for kind, url in (("diff", diff), ("page", page), ("archived", archived))
        if url
    ]
    url = diff or page or _safe_url(alert.url)
    if shown:
        return Field(t("alert.links"), " · ".join(shown)), url
    source = _safe_url(alert.url)
    return (Field(t("answer.source"), source) if source else None), url


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
    """One alert in a digest: where, its headline (or title) linked, and the day."""
    where = f"**{escape_markdown(platform_name(alert, t))}**"
    if alert.document:
        where += f" · {escape_markdown(alert.document)}"
    title = headline(alert, t) or escape_markdown(
        clip(" ".join(alert.title.split()), DIGEST_TITLE_CHARS)
    )
    target = _link_target(alert.links.diff or alert.links.page or alert.url)
    linked = f"[{title}]({target})" if target else title
    return t("digest.line", where=where, title=linked, day=f" · {detected_day(alert, t)}")


def render_digest(digest: Digest, mention_role_id: int | None = None, t: Texts = ENGLISH) -> Reply:
    """A weekly digest: one embed listing the week's alerts, AI-relevant ones first (headline
    or title, platform, document, link, day), as many as fit, then "and N more"."""
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
