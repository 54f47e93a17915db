"""What moderators do with alerts and sources, as core calls returning ``Reply`` objects.

``/alerts`` and ``/feeds`` (and their console twins) are thin: each turns one interaction into
one of these calls. Every reply says what happened and what to do next — including the empty
states ("no channel gets alerts yet") that leave moderators guessing in other bots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.alerts.model import Alert
from bot.alerts.render import render_alert
from bot.embeds import (
    COLOR_MUTED,
    COLOR_NOTICE,
    COLOR_OK,
    Card,
    Field,
    Reply,
    escape_markdown,
    neutralize_mentions,
)
from bot.knowledge.text import clip
from bot.store import clock, subscriptions
from bot.store import sources as source_store
from bot.store.sources import GuildSourceError

if TYPE_CHECKING:
    from bot.app import App

ALL_WORDS = frozenset({"", "all", "any", "every", "everything", "*"})


@dataclass(frozen=True, slots=True)
class PlatformChoice:
    platforms: tuple[str, ...]  # empty: every platform
    unknown: tuple[str, ...]


def parse_platforms(app: App, text: str | None) -> PlatformChoice:
    """ "soundcloud, yt, Instagram" -> ids; "all" or nothing -> every platform."""
    if text is None or text.strip().lower() in ALL_WORDS:
        return PlatformChoice((), ())
    found: list[str] = []
    unknown: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        pid = app.resolve_platform(part)
        if pid is None:
            unknown.append(part)
        elif pid not in found:
            found.append(pid)
    return PlatformChoice(tuple(found), tuple(unknown))


def _names(app: App, platforms: tuple[str, ...]) -> str:
    if not platforms:
        return "every platform"
    return ", ".join(app.kb.platforms[p].name for p in platforms if p in app.kb.platforms)


def _notice(title: str, text: str, *, ok: bool = False) -> Reply:
    color = COLOR_OK if ok else COLOR_NOTICE
    return Reply([Card(title, text, color=color)], ephemeral=True)


def _unknown_platforms(app: App, unknown: tuple[str, ...]) -> Reply:
    names = ", ".join(sorted(p.name for p in app.kb.platforms.values()))
    shown = ", ".join(f"“{escape_markdown(clip(u, 40))}”" for u in unknown)
    return _notice("Unknown platform", f"I don't know {shown}. I cover: {names}.")


async def subscribe(
    app: App,
    guild_id: int,
    channel_id: int,
    *,
    platforms: str | None,
    only_ai: bool,
    mention_role_id: int | None,
    actor: int,
    warnings: tuple[str, ...] = (),
) -> Reply:
    choice = parse_platforms(app, platforms)
    if choice.unknown:
        return _unknown_platforms(app, choice.unknown)
    sub = await subscriptions.subscribe(
        app.db,
        guild_id,
        channel_id,
        choice.platforms,
        only_ai=only_ai,
        mention_role_id=mention_role_id,
        actor=actor,
    )
    what = "AI-relevant changes and news" if sub.only_ai else "every change and news item"
    lines = [f"<#{channel_id}> will get alerts about {what} for **{_names(app, sub.platforms)}**."]
    if mention_role_id:
        lines.append(f"Each alert mentions <@&{mention_role_id}>; nothing else ever pings.")
    lines.append("Use `/alerts test` to post a sample here and check my permissions.")
    card = Card("Alerts subscribed", "\n".join(lines), color=COLOR_OK)
    if warnings:
        card.fields.append(Field("Check this", "\n".join(f"• {w}" for w in warnings)))
    return Reply([card], ephemeral=True)


async def unsubscribe(app: App, guild_id: int, channel_id: int) -> Reply:
    if await subscriptions.unsubscribe(app.db, guild_id, channel_id):
        return _notice("Unsubscribed", f"<#{channel_id}> will get no more alerts.", ok=True)
    return _notice(
        "Not subscribed",
        f"<#{channel_id}> was not getting alerts. `/alerts list` shows the channels that are.",
    )


async def list_subscriptions(app: App, guild_id: int) -> Reply:
    subs = await subscriptions.list_subscriptions(app.db, guild_id)
    if not subs:
        return _notice(
            "No alert channels yet",
            "No channel in this server gets alerts. Run `/alerts subscribe` in the channel that "
            "should get them (you can pick platforms, AI-only, and a role to mention).",
        )
    lines = []
    for s in subs:
        line = f"<#{s.channel_id}> — {_names(app, s.platforms)}"
        line += " · AI-relevant only" if s.only_ai else " · every change"
        if s.mention_role_id:
            line += f" · mentions <@&{s.mention_role_id}>"
        if s.paused_reason:
            line += f"\n  ⚠ paused: {escape_markdown(s.paused_reason)} — subscribe again to resume"
        lines.append(line)
    return Reply([Card("Alert channels", "\n".join(lines), color=COLOR_MUTED)], ephemeral=True)


def sample_alert(app: App, mention_role_id: int | None = None) -> Reply:
    """A clearly-labelled sample so moderators can see the format and check permissions.

    It shows the role real alerts will mention but pings nobody: testing a channel must not
    notify thousands of members.
    """
    platform = app.kb.platforms.get("soundcloud")
    alert = Alert(
        id="sample",
        source="sample",
        platform=platform.id if platform else None,
        kind="terms-change",
        title="Sample alert — Fine Print is set up in this channel",
        url=platform.terms_url if platform and platform.terms_url else "https://example.org/",
        relevance=1.0,
        ai_relevant=True,
        added=("This is a sample of an added passage. Real alerts quote what changed.",),
        removed=("This is a sample of a removed passage.",),
        detected_at=clock.now_iso(),
        document="Terms of Use (sample)",
        platform_name=platform.name if platform else None,
        why=("sample",),
    )
    reply = render_alert(alert)  # a sample never pings, even when real alerts mention a role
    if mention_role_id:
        reply.content = f"Sample: real alerts here mention <@&{mention_role_id}>."
    return reply


# -- guild sources (/feeds) ------------------------------------------------------------------
async def add_feed(
    app: App,
    guild_id: int,
    *,
    kind: str,
    url: str,
    platform: str | None,
    select: str | None,
    actor: int,
) -> Reply:
    pid = None
    if platform and platform.strip():
        pid = app.resolve_platform(platform)
        if pid is None:
            return _unknown_platforms(app, (platform,))
    try:
        spec = await source_store.add_guild_source(
            app.db,
            guild_id,
            kind=kind,
            url=url,
            actor=actor,
            platform=pid,
            select=select or None,
            known_platforms=set(app.kb.platforms),
        )
    except GuildSourceError as exc:
        return _notice("Source not added", neutralize_mentions(str(exc)))
    if app.watcher is not None:
        app.watcher.wake()
    about = f" about **{app.kb.platforms[pid].name}**" if pid else ""
    return _notice(
        "Source added",
        f"Watching `{spec.id}`{about}: <{spec.url}>.\nThe first check records a baseline and "
        "posts nothing; later changes and new items alert the subscribed channels. "
        "`/feeds status` shows how it is doing.",
        ok=True,
    )


async def remove_feed(app: App, guild_id: int, source_id: str) -> Reply:
    if await source_store.remove_guild_source(app.db, guild_id, source_id):
        return _notice("Source removed", f"`{escape_markdown(source_id)}` is no longer watched.")
    return _notice(
        "No such source",
        f"This server has no source `{escape_markdown(clip(source_id, 80))}`. "
        "`/feeds list` shows its sources.",
    )


async def list_feeds(app: App, guild_id: int) -> Reply:
    statuses = await source_store.guild_status(app.db, guild_id)
    shipped = len(app.watcher.file_sources) if app.watcher is not None else 0
    header = (
        f"Fine Print watches {shipped} platform pages and news feeds for every server. "
        "These are this server's own:"
    )
    if not statuses:
        return _notice(
            "No server sources yet",
            f"{header}\n(none) — add an RSS feed or a page with `/feeds add`, up to "
            f"{source_store.GUILD_SOURCE_CAP}.",
        )
    lines = [header]
    for st in statuses:
        spec = st.spec
        lines.append(f"`{spec.id}` · {spec.kind} · {st.health} · <{spec.url}>")
    return Reply([Card("Watched sources", "\n".join(lines), color=COLOR_MUTED)], ephemeral=True)


async def feeds_status(app: App, guild_id: int) -> Reply:
    """Health of this server's sources plus any shipped source that is failing or paused."""
    own = await source_store.guild_status(app.db, guild_id)
    shipped = (
        await source_store.status(app.db, app.watcher.file_sources)
        if app.watcher is not None
        else []
    )
    troubled = [s for s in shipped if s.state.failures or s.state.paused]
    fields = []
    for st in own + troubled:
        state = st.state
        value = f"{st.health}; last ok {state.last_ok_at or 'never'}"
        if state.failures:
            value += f"; {state.failures} failure(s) in a row"
        if state.last_error:
            value += f"\nLast error: {escape_markdown(clip(state.last_error, 300))}"
        if state.paused:
            value += f"\nPaused — `/feeds resume {st.spec.id}` to try again"
        owner = "" if st.spec.guild_id else " (Fine Print's)"
        fields.append(Field(f"{st.spec.id}{owner}", value))
    healthy = len(shipped) - len(troubled)
    description = f"{healthy} of {len(shipped)} of Fine Print's own sources are healthy."
    if not own:
        description += " This server has no sources of its own (`/feeds add`)."
    return Reply(
        [Card("Source status", description, color=COLOR_MUTED, fields=fields[:25])],
        ephemeral=True,
    )


async def resume_feed(app: App, guild_id: int, source_id: str) -> Reply:
    own = {s.id for s in await source_store.list_guild_sources(app.db, guild_id)}
    shipped = {s.id for s in app.watcher.file_sources} if app.watcher is not None else set()
    if source_id not in own | shipped:
        return _notice("No such source", "`/feeds status` lists the sources and their ids.")
    done = await source_store.resume(
        app.db, source_id, guild_id=guild_id if source_id in own else None
    )
    if not done:
        return _notice("Not paused", f"`{escape_markdown(source_id)}` is not paused.")
    if app.watcher is not None:
        app.watcher.wake()
    return _notice("Resumed", f"`{escape_markdown(source_id)}` will be checked again now.", ok=True)
