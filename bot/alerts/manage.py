"""What moderators do with alerts and sources, as core calls returning plain results.

``/alerts`` and ``/feeds`` (and their console twins) are thin: each turns one interaction into
one of these calls and the result into a reply (``bot.present.manage``), which says what
happened and what to do next — including the empty states ("no channel gets alerts yet") that
leave moderators guessing in other bots.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from bot.alerts.model import INSTANT, Alert
from bot.store import alerts as alert_store
from bot.store import clock, digests, subscriptions
from bot.store import sources as source_store
from bot.store.sources import GuildSourceError, SourceStatus
from bot.watch.sources import PLATFORM_SLUG, SourceSpec, slug_name

if TYPE_CHECKING:
    from bot.app import App

ALL_WORDS = frozenset({"", "all", "any", "every", "everything", "*"})
SAMPLE_PLATFORM = "soundcloud"


@dataclass(frozen=True, slots=True)
class PlatformChoice:
    platforms: tuple[str, ...]  # empty: every platform
    unknown: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnknownPlatforms:
    typed: tuple[str, ...]
    known: tuple[str, ...]  # the names Fine Print covers, sorted


@dataclass(frozen=True, slots=True)
class Subscribed:
    channel_id: int
    platforms: tuple[str, ...]  # names; empty: every platform
    only_ai: bool
    mention_role_id: int | None
    warnings: tuple[str, ...] = ()  # already written by the shell (missing permissions…)
    mode: str = INSTANT  # instant | weekly
    language: str | None = None  # the channel's own alert language, if it chose one


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    channel_id: int
    done: bool  # False: the channel was not subscribed


@dataclass(frozen=True, slots=True)
class SubscriptionLine:
    channel_id: int
    platforms: tuple[str, ...]  # names; empty: every platform
    only_ai: bool
    mention_role_id: int | None
    paused_reason: str | None
    mode: str = INSTANT
    waiting: int = 0  # weekly: alerts collected for the coming digest
    language: str | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionList:
    lines: tuple[SubscriptionLine, ...]


@dataclass(frozen=True, slots=True)
class AlertPreview:
    """``/alerts preview``: the platform's latest real alert, or a sample when it has none."""

    platform: str  # the platform's name
    alert: Alert  # platform name filled in
    sample: bool  # True: no real alert yet, ``alert`` is a sample


@dataclass(frozen=True, slots=True)
class FeedAdded:
    spec: SourceSpec
    platform: str | None  # the platform's name


@dataclass(frozen=True, slots=True)
class FeedRefused:
    reason: str


@dataclass(frozen=True, slots=True)
class FeedRemoved:
    source_id: str
    done: bool


@dataclass(frozen=True, slots=True)
class FeedList:
    shipped: int  # Fine Print's own sources, watched for every server
    own: tuple[SourceStatus, ...]
    cap: int


@dataclass(frozen=True, slots=True)
class FeedHealth:
    own: tuple[SourceStatus, ...]
    troubled: tuple[SourceStatus, ...]  # Fine Print's own sources that fail or are paused
    shipped: int


@dataclass(frozen=True, slots=True)
class FeedResumed:
    source_id: str
    outcome: Literal["resumed", "not-paused", "unknown"]


def parse_platforms(app: App, text: str | None, watched: Collection[str] = ()) -> PlatformChoice:
    """ "soundcloud, yt, Instagram" -> ids; "all" or nothing -> every platform.

    ``watched``: platforms without curated data that a source watches ("bluesky"); they are
    named by their slug."""
    if text is None or text.strip().lower() in ALL_WORDS:
        return PlatformChoice((), ())
    found: list[str] = []
    unknown: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        pid = app.resolve_platform(part)
        if pid is None and part.lower() in watched:
            pid = part.lower()
        if pid is None:
            unknown.append(part)
        elif pid not in found:
            found.append(pid)
    return PlatformChoice(tuple(found), tuple(unknown))


def _names(app: App, platforms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        app.kb.platforms[p].name if p in app.kb.platforms else slug_name(p) for p in platforms
    )


def _unknown(app: App, typed: tuple[str, ...], watched: Collection[str] = ()) -> UnknownPlatforms:
    names = {p.name for p in app.kb.platforms.values()} | {slug_name(p) for p in watched}
    return UnknownPlatforms(typed, tuple(sorted(names)))


async def watched_platforms(app: App, guild_id: int) -> set[str]:
    """Platforms without curated data that Fine Print's or this server's sources watch."""
    specs = _shipped(app) + await source_store.list_guild_sources(app.db, guild_id)
    return {s.platform for s in specs if s.platform and s.platform not in app.kb.platforms}


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
    mode: str = INSTANT,
    language: str | None = None,
) -> Subscribed | UnknownPlatforms:
    """Set the channel's subscription; ``mode`` is ``instant`` or ``weekly`` (one digest a
    week, ``bot.alerts.digest``)."""
    watched = await watched_platforms(app, guild_id)
    choice = parse_platforms(app, platforms, watched)
    if choice.unknown:
        return _unknown(app, choice.unknown, watched)
    sub = await subscriptions.subscribe(
        app.db,
        guild_id,
        channel_id,
        choice.platforms,
        only_ai=only_ai,
        mention_role_id=mention_role_id,
        mode=mode,
        actor=actor,
        language=language,
    )
    names = _names(app, sub.platforms)
    return Subscribed(
        channel_id,
        names,
        sub.only_ai,
        mention_role_id,
        warnings,
        mode=sub.mode,
        language=sub.language,
    )


async def unsubscribe(app: App, guild_id: int, channel_id: int) -> Unsubscribed:
    return Unsubscribed(channel_id, await subscriptions.unsubscribe(app.db, guild_id, channel_id))


async def list_subscriptions(app: App, guild_id: int) -> SubscriptionList:
    lines = []
    for s in await subscriptions.list_subscriptions(app.db, guild_id):
        waiting = await digests.pending_count(app.db, s.channel_id) if s.weekly else 0
        lines.append(
            SubscriptionLine(
                s.channel_id,
                _names(app, s.platforms),
                s.only_ai,
                s.mention_role_id,
                s.paused_reason,
                mode=s.mode,
                waiting=waiting,
                language=s.language,
            )
        )
    return SubscriptionList(tuple(lines))


async def channel_role(app: App, guild_id: int, channel_id: int) -> int | None:
    """The role a subscribed channel's alerts mention (for ``/alerts test``), if any."""
    for sub in await subscriptions.list_subscriptions(app.db, guild_id):
        if sub.channel_id == channel_id:
            return sub.mention_role_id
    return None


async def is_subscribed(app: App, guild_id: int, channel_id: int) -> bool:
    subs = await subscriptions.list_subscriptions(app.db, guild_id)
    return any(s.channel_id == channel_id for s in subs)


def sample_alert(app: App, platform_id: str = SAMPLE_PLATFORM) -> Alert:
    """A clearly-labelled sample, so moderators can see the format and check permissions."""
    platform = app.kb.platforms.get(platform_id)
    return Alert(
        id="sample",
        source="sample",
        platform=platform.id if platform else platform_id,
        kind="terms-change",
        title="sample",
        url=platform.terms_url if platform and platform.terms_url else "https://example.org/",
        relevance=1.0,
        ai_relevant=True,
        added=(),
        removed=(),
        detected_at=clock.now_iso(),
        document=None,
        platform_name=platform.name if platform else slug_name(platform_id),
        why=("sample",),
    )


async def preview(app: App, guild_id: int, platform: str) -> AlertPreview | UnknownPlatforms:
    """The platform's most recent real alert that this server could receive, as it would be
    posted, so moderators can judge before subscribing; a sample when there is none yet.

    A platform Fine Print does not curate is found by its slug when alerts exist for it (a
    server's own source may watch any platform)."""
    pid = app.resolve_platform(platform)
    slug = platform.strip().lower()
    latest = None
    if pid is not None:
        latest = await alert_store.latest_for_platform(app.db, pid, guild_id)
    elif slug:
        latest = await alert_store.latest_for_platform(app.db, slug, guild_id)
        pid = slug if latest is not None else None
    if pid is None:
        return _unknown(app, (platform,))
    curated = app.kb.platforms.get(pid)
    name = curated.name if curated else slug_name(pid)
    if latest is None:
        return AlertPreview(name, sample_alert(app, pid), sample=True)
    return AlertPreview(name, replace(latest, platform_name=name), sample=False)


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
) -> FeedAdded | FeedRefused | UnknownPlatforms:
    pid = None
    if platform and platform.strip():
        pid = app.resolve_platform(platform)
        if pid is None and PLATFORM_SLUG.match(platform.strip().lower()):
            pid = platform.strip().lower()  # a platform without curated data: any slug
        if pid is None:
            return _unknown(app, (platform,))
    try:
        spec = await source_store.add_guild_source(
            app.db,
            guild_id,
            kind=kind,
            url=url,
            actor=actor,
            platform=pid,
            select=select or None,
        )
    except GuildSourceError as exc:
        return FeedRefused(str(exc))
    if app.watcher is not None:
        app.watcher.wake()
    return FeedAdded(spec, _names(app, (pid,))[0] if pid else None)


async def remove_feed(app: App, guild_id: int, source_id: str) -> FeedRemoved:
    done = await source_store.remove_guild_source(app.db, guild_id, source_id)
    return FeedRemoved(source_id, done)


def _shipped(app: App) -> list[SourceSpec]:
    return list(app.watcher.file_sources) if app.watcher is not None else []


async def list_feeds(app: App, guild_id: int) -> FeedList:
    own = await source_store.guild_status(app.db, guild_id)
    return FeedList(len(_shipped(app)), tuple(own), source_store.GUILD_SOURCE_CAP)


async def feeds_status(app: App, guild_id: int) -> FeedHealth:
    """Health of this server's sources plus any shipped source that is failing or paused."""
    own = await source_store.guild_status(app.db, guild_id)
    shipped = await source_store.status(app.db, _shipped(app))
    troubled = tuple(s for s in shipped if s.state.failures or s.state.paused)
    return FeedHealth(tuple(own), troubled, len(shipped))


async def source_ids(app: App, guild_id: int) -> list[str]:
    """This server's source ids and Fine Print's own (for autocomplete)."""
    own = [s.id for s in await source_store.list_guild_sources(app.db, guild_id)]
    return own + [s.id for s in _shipped(app)]


async def resume_feed(app: App, guild_id: int, source_id: str) -> FeedResumed:
    own = {s.id for s in await source_store.list_guild_sources(app.db, guild_id)}
    shipped = {s.id for s in _shipped(app)}
    if source_id not in own | shipped:
        return FeedResumed(source_id, "unknown")
    done = await source_store.resume(
        app.db, source_id, guild_id=guild_id if source_id in own else None
    )
    if not done:
        return FeedResumed(source_id, "not-paused")
    if app.watcher is not None:
        app.watcher.wake()
    return FeedResumed(source_id, "resumed")
