"""Answers as ``Reply`` objects: the same content for Discord embeds and console text.

Every answer shows where it comes from: our own plain-language summary, the exact quoted clause,
its effective date, the source link and the "as of" date, because terms change and members
should be able to check. Buttons carry compact custom ids (``fp:<action>:…``) that the Discord
shell routes back to the core, so they keep working after a restart.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot import limits
from bot.embeds import (
    COLOR_ANSWER,
    COLOR_MUTED,
    COLOR_NOTICE,
    Button,
    Card,
    Field,
    Reply,
    escape_markdown,
    neutralize_mentions,
    quote_block,
)
from bot.knowledge.matcher import AskResult, Match
from bot.knowledge.model import Clause, Event, FaqEntry, OptOut, Platform
from bot.knowledge.text import clip
from bot.knowledge.topics import TOPIC_BY_ID, TOPICS

if TYPE_CHECKING:
    from bot.app import App

CHECK_LIVE = "Terms change often: check the live page before acting."
FAQ_CLAUSES_SHOWN = 3
FAQ_OPTOUTS_SHOWN = 2


# -- custom ids ------------------------------------------------------------------------------
def optout_button(platform: str) -> Button:
    return Button("Opt-out steps", custom_id=f"fp:optout:{platform}", style="primary")


def history_button(platform: str) -> Button:
    return Button("History", custom_id=f"fp:history:{platform}")


def alternatives_button(query: str, guild_id: int | None) -> Button:
    prefix = f"fp:alts:{guild_id or 0}:"
    return Button(
        "Not what I asked", custom_id=prefix + query[: limits.CUSTOM_ID - len(prefix)].strip()
    )


def terms_alternatives_button(platform: str, topic: str | None) -> Button:
    """ "Not what I asked" under /terms: other answers than the clauses /terms showed."""
    return Button("Not what I asked", custom_id=f"fp:more:{platform}:{topic or ''}")


def show_button(match: Match, label: str | None = None) -> Button:
    return Button(
        clip(label or match.title, limits.BUTTON_LABEL),
        custom_id=f"fp:show:{match.kind}:{match.id}"[: limits.CUSTOM_ID],
    )


def _domain(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url


def _topic_label(topic: str | None) -> str:
    return TOPIC_BY_ID[topic].label if topic in TOPIC_BY_ID else "AI terms"


def _live_link(platform: Platform) -> str:
    return f"[Live terms]({platform.terms_url})" if platform.terms_url else ""


SINCE_LABELS = {
    "effective": "Effective",
    "captured": "First recorded",
    "announced": "Announced",
    "reported": "Reported",
}
REGION_NAMES = {
    "eu": "EU",
    "eea": "EEA",
    "efta": "EFTA",
    "uk": "UK",
    "ch": "Switzerland",
    "us": "US",
    "ca": "Canada",
    "br": "Brazil",
    "in": "India",
    "jp": "Japan",
    "kr": "South Korea",
    "au": "Australia",
    "hk": "Hong Kong",
    "sg": "Singapore",
    "rest-of-world": "other regions (see the note)",
}
# How the member is told whether an opt-out exists: "there is none" is not "I found none".
OPTOUT_EXISTS_LABELS = {"yes": "Opt-out", "no": "No opt-out", "unknown": "No opt-out found"}


def _since(clause: Clause) -> tuple[str, str]:
    """The field that dates a wording: its label says what kind of date it is."""
    if clause.since_after is not None:  # a gap between two captures: no exact day known
        return (
            "Appeared",
            f"between {clause.since_after.isoformat()} and {clause.since.isoformat()}",
        )
    return SINCE_LABELS.get(clause.since_basis, "Since"), clause.since.isoformat()


def _scope(region: tuple[str, ...], apps: tuple[str, ...]) -> str:
    """ "EEA, UK · Instagram" for a clause or opt-out that does not apply everywhere."""
    parts = []
    if region and region != ("global",):
        parts.append(", ".join(REGION_NAMES.get(r, r) for r in region))
    if apps:
        parts.append(", ".join(a.capitalize() for a in apps))
    return " · ".join(parts)


# -- cards -----------------------------------------------------------------------------------
def clause_card(app: App, clause: Clause, *, review: frozenset[str] = frozenset()) -> Card:
    platform = app.kb.platforms[clause.platform]
    description = clause.summary
    if not clause.current:
        description += "\n\n**This wording has since been replaced** — see History."
    live = _live_link(platform)
    if live:
        description += f"\n\n{live} · {CHECK_LIVE}"
    label, when = _since(clause)
    fields = [
        Field(f"What the {clause.document} say", quote_block(clip(clause.quote, 1000))),
        Field(label, when, inline=True),
        Field("As of", clause.verified.isoformat(), inline=True),
        Field("Source", f"[{_domain(clause.source_url)}]({clause.source_url})", inline=True),
    ]
    scope = _scope(clause.region, clause.apps)
    if scope:
        fields.append(Field("Applies to", scope, inline=True))
    if clause.id in review:
        fields.append(
            Field(
                "Needs review",
                "This quote was not found in the latest copy of the page we watch: the "
                "platform may have changed it. Check the live page.",
            )
        )
    if clause.quote_source == "secondary":
        fields.append(
            Field("Quoted via the press", "The platform's original text is not archived.")
        )
    if clause.note:
        fields.append(Field("Note", clause.note))
    return Card(
        title=clause.title,
        author=f"{platform.name} · {_topic_label(clause.topic)}",
        description=description,
        url=clause.source_url,
        color=COLOR_ANSWER if clause.current else COLOR_MUTED,
        fields=fields,
        footer=f"Fine Print · {clause.document} · as of {clause.verified.isoformat()}",
    )


def optout_card(app: App, opt: OptOut) -> Card:
    platform = app.kb.platforms[opt.platform]
    fields: list[Field] = []
    if opt.steps:
        steps = "\n".join(f"{n}. {step}" for n, step in enumerate(opt.steps, start=1))
        fields.append(Field("Steps", steps))
    if opt.url:
        fields.append(Field("Link", opt.url))
    if opt.who:
        fields.append(Field("Who can use it", opt.who))
    if opt.not_covered:
        fields.append(Field("What it does not cover", opt.not_covered))
    if opt.quote:
        fields.append(Field("In the source's words", quote_block(clip(opt.quote, 900))))
    if opt.note:
        fields.append(Field("Note", opt.note))
    scope = _scope(opt.region, opt.apps)
    if scope:
        fields.append(Field("Applies to", scope, inline=True))
    fields.append(Field("As of", opt.verified.isoformat(), inline=True))
    fields.append(Field("Source", f"[{_domain(opt.source_url)}]({opt.source_url})", inline=True))
    return Card(
        title=opt.title,
        author=f"{platform.name} · {OPTOUT_EXISTS_LABELS.get(opt.exists, 'Opt-out')}",
        description=opt.controls,
        url=opt.source_url,
        color=COLOR_ANSWER if opt.available else COLOR_NOTICE,
        fields=fields,
        footer=f"Fine Print · as of {opt.verified.isoformat()} · {CHECK_LIVE}",
    )


def faq_card(app: App, entry: FaqEntry, *, topic: str | None = None) -> Card:
    if entry.is_guild:
        # Moderators' text: kept as written (they may format it) but it can never ping.
        question = neutralize_mentions(entry.question)
        answer = neutralize_mentions(entry.answer)
        footer = "Answer written by this server's moderators"
    else:
        question, answer = entry.question, entry.answer
        verified = f" · as of {entry.verified.isoformat()}" if entry.verified else ""
        footer = f"Fine Print FAQ{verified}"
    fields: list[Field] = []
    if entry.links:
        fields.append(Field("Sources", "\n".join(f"<{link}>" for link in entry.links[:6])))
    # The quotes an answer rests on are shown from its clauses, never retyped in the answer.
    referenced = [app.kb.clauses[c] for c in entry.clauses if c in app.kb.clauses]
    related = referenced[:FAQ_CLAUSES_SHOWN] or [
        c for c in [_related_clause(app, entry, topic)] if c is not None
    ]
    quote_room = 900 if len(related) < 2 else 700
    for clause in related:
        label, when = _since(clause)
        fields.append(
            Field(
                f"The clause ({app.kb.platforms[clause.platform].name}, {clause.document}, "
                f"{label.lower()} {when})",
                quote_block(clip(clause.quote, quote_room)) + f"\n[source]({clause.source_url})",
            )
        )
    for oid in entry.optouts[:FAQ_OPTOUTS_SHOWN]:
        opt = app.kb.optouts.get(oid)
        if opt is not None:
            label = OPTOUT_EXISTS_LABELS.get(opt.exists, "Opt-out")
            fields.append(Field(opt.title, f"{label} · [source]({opt.source_url})"))
    names = ", ".join(app.kb.platforms[p].name for p in entry.platforms if p in app.kb.platforms)
    url = entry.links[0] if entry.links else (related[0].source_url if related else None)
    return Card(
        title=question,
        author=f"{names or 'All platforms'} · {_topic_label(topic or entry.topics[0])}",
        description=answer,
        url=url,
        fields=fields,
        footer=footer,
    )


def _related_clause(app: App, entry: FaqEntry, topic: str | None) -> Clause | None:
    if len(entry.platforms) != 1:
        return None
    wanted = topic or entry.topics[0]
    clauses = [c for c in app.kb.clauses_for(entry.platforms[0], wanted) if c.current]
    return clauses[0] if clauses else None


def history_card(app: App, platform_id: str) -> Card:
    platform = app.kb.platforms[platform_id]
    items = app.kb.timeline(platform_id)
    lines: list[str] = []
    for item in items:
        if isinstance(item, Clause):
            state = "" if item.current else " · *replaced*"
            lines.append(
                f"**{item.effective.isoformat()}** — {item.title} ({item.document}){state} · "
                f"[source]({item.source_url})"
            )
        elif isinstance(item, Event):
            lines.append(
                f"**{item.date.isoformat()}** — {item.title} · [source]({item.source_url})"
            )
    if not lines:
        description = f"I have no dated changes on record for {platform.name} yet."
    else:
        description = _join_within(lines, limits.EMBED_DESCRIPTION - 200)
    live = _live_link(platform)
    if live:
        description += f"\n\n{live}"
    return Card(
        title=f"{platform.name}: what changed and when",
        author=f"{platform.name} · History",
        description=description,
        url=platform.terms_url,
        footer="Fine Print · oldest first · dates are effective or announcement dates",
    )


def _join_within(lines: list[str], budget: int) -> str:
    """Whole lines only; when they do not all fit, say how many were left out."""
    out: list[str] = []
    used = 0
    for n, line in enumerate(lines):
        if used + len(line) + 1 > budget:
            out.append(f"… and {len(lines) - n} earlier/later entries not shown.")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def platform_buttons(platform: str | None) -> list[Button]:
    return [optout_button(platform), history_button(platform)] if platform else []


# -- replies ---------------------------------------------------------------------------------
async def answer(app: App, result: AskResult, *, guild_id: int | None = None) -> Reply:
    found = result.answer
    if found is None:
        return not_sure(app, result)
    if found.topic == "history" and found.platform and found.kind == "clause":
        reply = history(app, found.platform)
    else:
        reply = await item(app, found.kind, found.id, guild_id=guild_id, topic=found.topic)
    reply.buttons = [b for b in reply.buttons if not (b.custom_id or "").startswith("fp:alts:")] + [
        alternatives_button(result.query, guild_id)
    ]
    return reply


async def item(
    app: App,
    kind: str,
    item_id: str,
    *,
    guild_id: int | None = None,
    topic: str | None = None,
) -> Reply:
    """One clause, opt-out or FAQ entry by id (answers and the "show" buttons)."""
    if kind == "clause" and item_id in app.kb.clauses:
        clause = app.kb.clauses[item_id]
        review = await app.needs_review()
        return Reply(
            [clause_card(app, clause, review=review)], buttons=platform_buttons(clause.platform)
        )
    if kind == "optout" and item_id in app.kb.optouts:
        opt = app.kb.optouts[item_id]
        return Reply([optout_card(app, opt)], buttons=[history_button(opt.platform)])
    if kind == "faq":
        entry = app.kb.faq.get(item_id)
        view = await app.guild_view(guild_id)
        if entry is None and view and view.index:
            entry = next((e for e in view.index.entries if e.id == item_id), None)
        if entry is not None and not (view and entry.id in view.hidden):
            platform = entry.platforms[0] if len(entry.platforms) == 1 else None
            return Reply([faq_card(app, entry, topic=topic)], buttons=platform_buttons(platform))
    return Reply(
        [
            Card(
                "That answer is no longer available",
                "It may have been removed or edited. Ask again with `/faq ask`.",
                color=COLOR_NOTICE,
            )
        ],
        ephemeral=True,
    )


def not_sure(app: App, result: AskResult) -> Reply:
    lines = ["I couldn't match that to a platform's AI terms with confidence."]
    if result.platform:
        lines.append(f"It sounds like **{app.kb.platforms[result.platform].name}**.")
    if result.alternatives:
        lines.append("\n**Did you mean:**")
        lines += [f"{n}. {m.title}" for n, m in enumerate(result.alternatives, start=1)]
    lines.append(
        "\nTry `/terms <platform>`, `/optout <platform>` or rephrase, e.g. "
        "`/faq ask does spotify train ai on my songs`. Moderators can add this server's own "
        "answers with `/faq add`."
    )
    return Reply(
        [Card("Not sure what you're asking", "\n".join(lines), color=COLOR_NOTICE)],
        buttons=[
            show_button(m, f"{n}. {m.title}")
            for n, m in enumerate(result.alternatives[: limits.BUTTONS_PER_ROW - 1], start=1)
        ],
    )


def alternatives(app: App, result: AskResult, *, shown: Collection[str] | None = None) -> Reply:
    """The other matches for a question: all but the one answered, or, when ``shown`` lists the
    clause ids the member was shown instead (by /terms), all but those."""
    picks = ([result.answer] if result.answer else []) + result.alternatives
    if shown is None:
        others = picks[1:] if result.answer else picks
    else:
        others = [m for m in picks if not (m.kind == "clause" and m.id in shown)]
    if not others:
        return Reply(
            [
                Card(
                    "No other answers",
                    "I have nothing else close to that question. Try "
                    "rephrasing, or ask your moderators to add an answer with `/faq add`.",
                    color=COLOR_NOTICE,
                )
            ],
            ephemeral=True,
        )
    lines = [f"{n}. {m.title} ({_topic_label(m.topic)})" for n, m in enumerate(others, start=1)]
    return Reply(
        [Card("Other answers that might fit", "\n".join(lines), color=COLOR_MUTED)],
        buttons=[show_button(m, f"{n}. {m.title}") for n, m in enumerate(others, start=1)],
        ephemeral=True,
    )


async def terms(app: App, platform_id: str, topic: str | None = None) -> Reply:
    platform = app.kb.platforms.get(platform_id)
    if platform is None:
        return unknown_platform(app, platform_id)
    if topic == "opt-out":
        return await optouts(app, platform_id)
    if topic == "history":
        return history(app, platform_id)
    review = await app.needs_review()
    clauses = _terms_clauses(app, platform_id, topic)
    if not clauses:
        other = sorted({c.topic for c in app.kb.clauses_for(platform_id) if c.current})
        hint = f" I do have: {', '.join(_topic_label(t) for t in other)}." if other else ""
        absent = "".join(
            f"\nNo AI clause found in the [{a.document}]({a.source_url}) as of "
            f"{a.checked.isoformat()}." + (f" {a.note}\n" if a.note else "\n")
            for a in app.kb.absences_for(platform_id, topic or "ai-training")
        )
        card = Card(
            f"{platform.name}: nothing on {_topic_label(topic)}",
            f"I have no quoted clause about {_topic_label(topic).lower()} for {platform.name}."
            f"{absent}{hint} See History for dated changes, or the live page: "
            f"{platform.terms_url}",
            color=COLOR_NOTICE,
        )
        return Reply([card], buttons=platform_buttons(platform_id))
    cards = [clause_card(app, c, review=review) for c in clauses]
    return Reply(
        cards,
        buttons=[*platform_buttons(platform_id), terms_alternatives_button(platform_id, topic)],
    )


def _terms_clauses(app: App, platform_id: str, topic: str | None) -> list[Clause]:
    """The current clauses /terms shows for a platform and topic (AI training by default)."""
    clauses = [c for c in app.kb.clauses_for(platform_id, topic or "ai-training") if c.current]
    if not clauses and topic is None:
        clauses = [c for c in app.kb.clauses_for(platform_id) if c.current]
    return clauses[:3]


async def terms_alternatives(
    app: App, platform_id: str, topic: str | None, *, guild_id: int | None = None
) -> Reply:
    """ "Not what I asked" under /terms: what else matches, minus the clauses already shown."""
    platform = app.kb.platforms.get(platform_id)
    if platform is None:
        return unknown_platform(app, platform_id)
    query = f"{platform.name} {_topic_label(topic or 'ai-training')}"
    result = await app.ask(query, guild_id=guild_id)
    shown = {c.id for c in _terms_clauses(app, platform_id, topic)}
    return alternatives(app, result, shown=shown)


async def optouts(app: App, platform_id: str) -> Reply:
    platform = app.kb.platforms.get(platform_id)
    if platform is None:
        return unknown_platform(app, platform_id)
    opts = app.kb.optouts_for(platform_id)
    if not opts:
        return Reply(
            [
                Card(
                    f"{platform.name}: no opt-out on record",
                    "I have no verified opt-out information for this platform yet.",
                    color=COLOR_NOTICE,
                )
            ],
            buttons=[history_button(platform_id)],
        )
    return Reply([optout_card(app, o) for o in opts[:3]], buttons=[history_button(platform_id)])


def history(app: App, platform_id: str) -> Reply:
    if platform_id not in app.kb.platforms:
        return unknown_platform(app, platform_id)
    return Reply([history_card(app, platform_id)], buttons=[optout_button(platform_id)])


def unknown_platform(app: App, typed: str) -> Reply:
    names = ", ".join(sorted(p.name for p in app.kb.platforms.values()))
    return Reply(
        [
            Card(
                "Unknown platform",
                f"I don't know a platform called “{escape_markdown(clip(typed, 60))}”.\n"
                f"I cover: {names}.",
                color=COLOR_NOTICE,
            )
        ],
        ephemeral=True,
    )


async def about(app: App) -> Reply:
    kb = app.kb
    oldest = kb.oldest_verified()
    fields = [
        Field("Version", app.version, inline=True),
        Field("Platforms", str(len(kb.platforms)), inline=True),
        Field(
            "Knowledge",
            f"{len(kb.clauses)} clauses · {len(kb.optouts)} opt-outs · {len(kb.faq)} FAQ",
            inline=True,
        ),
        Field(
            "Database freshness",
            f"Oldest 'last verified' date: **{oldest.isoformat() if oldest else 'n/a'}**. "
            'Each answer shows its own "as of" date.',
        ),
    ]
    if app.watcher is not None and hasattr(app.watcher, "status_line"):
        fields.append(Field("Watcher", await app.watcher.status_line()))
    return Reply(
        [
            Card(
                "About Fine Print",
                "Fine Print watches platforms' terms of service and answers questions about how "
                "they may use your uploads for AI. Facts come from the platforms' own terms "
                "(via Open Terms Archive) and reputable reporting, each with its source and date. "
                "It is not legal advice.",
                fields=fields,
            )
        ]
    )


def help_card(app: App) -> Reply:
    topics = ", ".join(f"`{t.id}`" for t in TOPICS)
    lines = [
        "**Ask**",
        "`/terms platform [topic]` — the quoted clause, e.g. `/terms soundcloud ai-training`",
        "`/optout platform` — how to opt out (or that you can't), e.g. `/optout youtube`",
        "`/faq ask question` — any question, e.g. `/faq ask does spotify train ai on my songs`",
        "`/faq suggest question` — suggest a question for the moderators to answer",
        "",
        "**Alerts** (Manage Server)",
        "`/alerts subscribe channel [platforms] [only_ai] [mention_role]` — post alerts here",
        "`/alerts list` · `/alerts unsubscribe` · `/alerts test`",
        "`/feeds add|remove|list|status|resume` — this server's own RSS feeds and pages",
        "",
        "**Curate** (Manage Server or the moderator role)",
        "`/faq add|edit|remove|restore|hide|unhide|list|history|export|import|queue`",
        "`/config modrole role` — who besides Manage Server may curate",
        "",
        f"Topics: {topics}.",
        'Every answer shows its source and an "as of" date. `/about` shows how fresh the '
        "database is.",
    ]
    return Reply([Card("Fine Print — help", "\n".join(lines))], ephemeral=True)
