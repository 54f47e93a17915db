"""The watcher: polls every source, turns what changed into alerts, never lets one source fail all.

``poll_once`` polls every enabled, unpaused source now (``watch --once``); ``run`` is the
scheduler loop (interval with jitter, backoff after failures). Each poll fetches, then works out
an ``Outcome`` without writing anything; outcomes are written in batched transactions
(``bot.watch.record``). Any error in one source — network, parsing, even a bug — becomes a
recorded failure on that source; the loop and the other sources carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TypeVar

from bot.alerts.model import Alert, AlertLinks, TouchedClause, stable_id
from bot.config import Settings
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.platforms import PlatformDetector
from bot.knowledge.text import clip
from bot.store import clock, seen
from bot.store import sources as source_store
from bot.store.db import Database
from bot.store.sources import SourceState
from bot.watch import clauses, ota
from bot.watch.diff import Change, diff_lines
from bot.watch.fetch import Fetcher, FetchError, FetchResult
from bot.watch.markup import MarkupLimits
from bot.watch.normalize import comparable
from bot.watch.page import PageError
from bot.watch.record import Outcome, Recorded, record
from bot.watch.relevance import judge_change, score_text
from bot.watch.rss import FeedError, FeedItem, parse_feed, scan_items
from bot.watch.scheduler import Batcher, WatchPolicy
from bot.watch.sources import Selector, SourceSpec, selectors_to_json, slug_name
from bot.watch.urls import clean_url
from bot.watch.workers import JobError, ParseBudget, ParseFailed, ParsePool

log = logging.getLogger(__name__)
T = TypeVar("T")

INLINE_PARSE_BYTES = 256 * 1024  # smaller feeds are scanned on the loop, larger in a thread
FEED_THREADS = 2  # feedparser runs here: never in the pool DNS lookups use
PAGE_JOB = "bot.watch.page:page_job"
NEWS_SUMMARY_CHARS = 400
FEED_RESET_SHARE = 0.5  # more than this share of a feed "new" at once: a reset, not news
FEED_RESET_MIN = 6
WRITE_WINDOW = 0.02  # results arriving within this many seconds share one transaction


def _sha(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


class Watcher:
    def __init__(
        self,
        db: Database,
        kb: KnowledgeBase,
        detector: PlatformDetector,
        settings: Settings,
        sources: list[SourceSpec],
        *,
        fetcher: Fetcher | None = None,
        policy: WatchPolicy | None = None,
        parse_budget: ParseBudget | None = None,
        markup_limits: MarkupLimits | None = None,
        parsers: ParsePool | None = None,
    ) -> None:
        self.db = db
        self.kb = kb
        self.detector = detector
        self.settings = settings
        self.file_sources = list(sources)
        self.policy = policy or WatchPolicy()
        self.fetcher = fetcher or Fetcher.from_settings(settings)
        self._own_fetcher = fetcher is None
        # Pages are parsed in killable processes, feeds in threads of their own: a hostile
        # document can use up neither the DNS resolver's threads nor the other's workers.
        self.parsers = parsers or ParsePool(parse_budget)
        self._own_parsers = parsers is None
        self.markup_limits = markup_limits or MarkupLimits()
        self._feed_threads = ThreadPoolExecutor(FEED_THREADS, thread_name_prefix="fp-feeds")
        self.on_new_outbox = asyncio.Event()
        self._wake = asyncio.Event()
        self._states: dict[str, SourceState] = {}
        self._inflight: dict[str, asyncio.Task[list[Alert]]] = {}
        self._working = 0  # polls started whose outcome is not submitted yet
        self._batcher: Batcher[Outcome, Recorded] = Batcher(
            self._write, window=WRITE_WINDOW, more_coming=lambda: self._working > 0
        )
        # Called with each new alert as it is recorded (the CLI prints them as they come).
        self.alert_hooks: list[Callable[[Alert], None]] = []
        # Called with each change found to be one already alerted (the alert it would have
        # been, and the earlier alert's id): nothing is sent, but the change was recognised.
        self.repeat_hooks: list[Callable[[Alert, str], None]] = []

    # -- public API --------------------------------------------------------------------------
    async def sources(self) -> list[SourceSpec]:
        """Shipped sources plus the ones guilds added (read fresh: guilds add them any time)."""
        return self.file_sources + await source_store.all_guild_sources(self.db)

    async def poll_once(self) -> list[Alert]:
        """Poll every enabled, unpaused source once, now; return the alerts recorded."""
        specs = [s for s in await self.sources() if s.enabled]
        self._states = await source_store.load_states(self.db)
        due = [s for s in specs if not self._state(s.id).paused]
        results = await asyncio.gather(*(self._poll(s) for s in due))
        return [alert for alerts in results for alert in alerts]

    async def run(self) -> None:
        """Poll sources when they are due until cancelled."""
        try:
            while True:
                try:
                    specs = [s for s in await self.sources() if s.enabled]
                    self._states = await source_store.load_states(self.db)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("watcher: cannot read sources; retrying")
                    await asyncio.sleep(self.policy.tick)
                    continue
                now = time.time()
                next_due = now + self.policy.tick
                for spec in specs:
                    state = self._state(spec.id)
                    if state.paused or spec.id in self._inflight:
                        continue
                    due_at = _epoch(state.next_poll_at)
                    if due_at <= now:
                        self._inflight[spec.id] = asyncio.create_task(
                            self._poll_tracked(spec), name=f"poll:{spec.id}"
                        )
                    else:
                        next_due = min(next_due, due_at)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(0.05, next_due - time.time())):
                        await self._wake.wait()
        finally:
            tasks = list(self._inflight.values())
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def wake(self) -> None:
        """Re-read sources now (after a guild added or resumed one)."""
        self._wake.set()

    async def close(self) -> None:
        if self._own_parsers:
            await self.parsers.close()
        self._feed_threads.shutdown(wait=False, cancel_futures=True)
        if self._own_fetcher:
            await self.fetcher.close()

    # -- one poll ----------------------------------------------------------------------------
    def _state(self, source_id: str) -> SourceState:
        return self._states.get(source_id) or SourceState(source_id)

    async def _poll_tracked(self, spec: SourceSpec) -> list[Alert]:
        # Its next due time is in the database now; the loop reads it on its next pass.
        try:
            return await self._poll(spec)
        finally:
            self._inflight.pop(spec.id, None)

    async def _poll(self, spec: SourceSpec) -> list[Alert]:
        self._working += 1
        try:
            outcome = await self._outcome(spec)
        finally:
            self._working -= 1
        try:
            result = await self._batcher.submit(outcome)
        except asyncio.CancelledError:
            raise
        except Exception:  # nothing was recorded: the next poll finds the same things again
            log.exception("source %s: could not record the poll", spec.id)
            return []
        for alert in result.alerts:
            for hook in self.alert_hooks:
                hook(alert)
        for alert, earlier in result.repeats:
            for repeat_hook in self.repeat_hooks:
                repeat_hook(alert, earlier)
        return result.alerts

    async def _outcome(self, spec: SourceSpec) -> Outcome:
        state = self._state(spec.id)
        try:
            if spec.kind == "rss":
                outcome = await self._check_feed(spec, state)
            elif spec.kind == "page":
                outcome = await self._check_page(spec, state)
            else:
                outcome = await self._check_ota(spec, state)
        except (FetchError, FeedError, PageError, ParseFailed) as exc:
            outcome = Outcome(spec, error=str(exc), retry_after=getattr(exc, "retry_after", None))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must not take the other sources down
            log.exception("source %s: unexpected error", spec.id)
            outcome = Outcome(spec, error=f"internal error ({type(exc).__name__})")
        return outcome

    async def _write(self, outcomes: list[Outcome]) -> list[Recorded]:
        results = await record(self.db, outcomes, self.policy, dict(self._states))
        if any(r.queued for r in results):
            self.on_new_outbox.set()
        return results

    async def _fetch(self, spec: SourceSpec, state: SourceState) -> FetchResult:
        return await self.fetcher.fetch(
            spec.url, etag=state.etag, last_modified=state.last_modified
        )

    async def _fetch_new(
        self, spec: SourceSpec, state: SourceState, *, known: bool
    ) -> tuple[Outcome, FetchResult | None]:
        """Fetch; no result when there is nothing new to parse (a 304, or the same bytes as
        last time for a source whose content is ``known``)."""
        res = await self._fetch(spec, state)
        if res.not_modified:
            return Outcome(spec), None
        body_hash = _sha(res.body)
        outcome = self._fresh(spec, res, body_hash)
        if body_hash == state.body_hash and known:
            return outcome, None
        return outcome, res

    @staticmethod
    def _fresh(spec: SourceSpec, res: FetchResult, body_hash: str) -> Outcome:
        return Outcome(
            spec,
            fresh=True,
            etag=res.etag,
            last_modified=res.last_modified,
            body_hash=body_hash,
        )

    # -- feeds -------------------------------------------------------------------------------
    async def _check_feed(self, spec: SourceSpec, state: SourceState) -> Outcome:
        outcome, res = await self._fetch_new(spec, state, known=bool(state.has_baseline))
        if res is None:
            return outcome
        refs = await self._feed_cpu(scan_items, len(res.body), res.body, res.url)
        if refs is not None:
            keys = [k for r in refs for k in r.keys]
            if not state.has_baseline:
                outcome.baseline = True
                outcome.keys = keys
                return outcome
            known = await seen.seen_keys(self.db, spec.id, keys)
            if all(set(r.keys) & known for r in refs):
                outcome.keys = list(dict.fromkeys(keys))  # all seen now: refreshed, kept
                return outcome
        items = await self._in_feed_thread(parse_feed, res.body, res.headers, res.url)
        keys = [k for i in items for k in i.keys]
        if refs is not None:
            keys += [k for r in refs for k in r.keys]
        keys = list(dict.fromkeys(keys))
        if not state.has_baseline:
            outcome.baseline = True
            outcome.keys = keys
            return outcome
        known = await seen.seen_keys(self.db, spec.id, keys)
        outcome.keys = keys
        new = [i for i in items if not set(i.keys) & known]
        if len(new) >= FEED_RESET_MIN and len(new) > FEED_RESET_SHARE * len(items):
            log.warning(
                "feed %s: %d of %d items look new at once; treating it as a reset, no alerts",
                spec.id,
                len(new),
                len(items),
            )
            return outcome
        outcome.changed = bool(new)
        outcome.alerts = [a for i in new if (a := self._news_alert(spec, i)) is not None]
        return outcome

    def _news_alert(self, spec: SourceSpec, item: FeedItem) -> Alert | None:
        text = f"{item.title}. {item.summary}"
        platform = spec.platform
        if platform is None:
            hits = self.detector.detect(text, strict=True)
            platform = hits[0].platform if hits else None
        if platform is None and spec.guild_id is None:
            return None
        rel = score_text(text, news=True)
        if not rel.ai_relevant:
            return None
        # The same article in two feeds is one alert: identity is the link when there is one.
        identity: tuple[str, ...] = ("news", item.link) if item.link else (spec.id, item.key)
        if spec.guild_id is not None:
            identity = (str(spec.guild_id), *identity)
        return Alert(
            id=stable_id(*identity),
            source=spec.id,
            platform=platform,
            kind="news",
            title=clip(item.title or item.link or "(untitled)", 250),
            url=item.link or clean_url(spec.url) or "",
            relevance=rel.score,
            ai_relevant=True,
            added=(clip(item.summary, NEWS_SUMMARY_CHARS),) if item.summary else (),
            removed=(),
            detected_at=clock.now_iso(),
            document=None,
            platform_name=self._platform_name(platform),
            why=rel.terms,
            guild_id=spec.guild_id,
        )

    # -- pages -------------------------------------------------------------------------------
    async def _check_page(self, spec: SourceSpec, state: SourceState) -> Outcome:
        outcome, res = await self._fetch_new(spec, state, known=bool(state.content_hash))
        if res is None:
            return outcome
        lines = await self._page_lines(
            res.body, res.content_type, res.charset, spec.select, spec.remove, res.url
        )
        await self._version(spec, state, outcome, lines, spec.url, None)
        return outcome

    async def _version(
        self,
        spec: SourceSpec,
        state: SourceState,
        outcome: Outcome,
        lines: list[str],
        url: str,
        version_url: str | None,
        previous: tuple[str, str] | None = None,
    ) -> tuple[str, str] | None:
        """Compare a document version with the current one; fill ``outcome``.

        ``previous`` is (hash, text) of the version to compare with when several versions are
        processed in one poll (ota); returns the (hash, text) now current, or None if unchanged.
        """
        if not lines:
            raise PageError("the document has no text")
        text = "\n".join(lines)
        text_hash = _sha(text)
        current_hash = previous[0] if previous else (outcome.content_hash or state.content_hash)
        outcome.content_hash = text_hash
        if text_hash == current_hash:
            return None
        # Snapshots are written with the source's state, so no state means no snapshot yet.
        known = previous is not None or state.content_hash or state.has_baseline
        recent = (
            await seen.recent_snapshots(self.db, spec.id, self.policy.recent_versions)
            if known
            else []
        )
        if previous is None and not recent:
            outcome.baseline = True
            outcome.snapshots.append((text_hash, text, version_url))
            self._check_clauses(spec, outcome, text)
            return (text_hash, text)
        # Back to a recent version: a capture flapping between two versions, or a platform
        # reverting a change. Either way it is the opposite of the change that led away from
        # it, so it alerts once; the same change in the same direction never alerts twice
        # (``Outcome.returns``: its twin check has no time limit).
        recent_hashes = {s.text_hash for s in recent} | {h for h, _, _ in outcome.snapshots}
        back = text_hash in recent_hashes
        if back:
            log.info("source %s is back to a recent version", spec.id)
        if previous is not None:
            old_text = previous[1]
        else:
            old = next((s for s in recent if s.text_hash == current_hash), recent[0])
            old_text = old.text
        if not back:
            outcome.snapshots.append((text_hash, text, version_url))
        outcome.changed = True
        self._check_clauses(spec, outcome, text)
        old_lines = old_text.split("\n")
        change = diff_lines(old_lines, lines)
        if change.empty:
            log.info("source %s: only moved or reformatted text; no alert", spec.id)
            return (text_hash, text)
        curated = clauses.clauses_for(self.kb, spec.platform, spec.document)
        touches = clauses.touched(curated, old_lines, lines, change)
        outcome.nearby_clauses += [c.id for c, how in touches if how == "nearby"]
        name = self._platform_name(spec.platform) or "A platform"
        verdict = judge_change(
            change,
            max_passages=self.policy.max_passages,
            names=self._platform_words(spec),
            documents=(old_lines, lines),
        )
        document = spec.document or "terms"
        title = f"{name} changed its {document}"
        if verdict.relevance.ai_relevant:
            title += ": AI-relevant wording"
        fingerprint = change_fingerprint(change)
        alert_id = stable_id(spec.id, current_hash or "", text_hash)
        if back:
            outcome.returns.add(alert_id)
        outcome.alerts.append(
            Alert(
                id=alert_id,
                source=spec.id,
                platform=spec.platform,
                kind="terms-change",
                title=title,
                url=clean_url(url) or clean_url(spec.url) or "",
                relevance=verdict.relevance.score,
                ai_relevant=verdict.relevance.ai_relevant,
                added=tuple(p.text for p in verdict.added),
                removed=tuple(p.text for p in verdict.removed),
                detected_at=clock.now_iso(),
                document=spec.document,
                platform_name=self._platform_name(spec.platform),
                why=verdict.relevance.terms,
                guild_id=spec.guild_id,
                fingerprint=fingerprint,
                passages=verdict.passages,
                edits=verdict.edits,
                links=self._links(spec, version_url),
                clauses=tuple(TouchedClause(c.id, c.title, how) for c, how in touches),
            )
        )
        return (text_hash, text)

    def _links(self, spec: SourceSpec, version_url: str | None) -> AlertLinks:
        """The full diff and the live page (``bot.watch.ota``): a ``page`` source IS the live
        page and has no diff of its own to link to."""
        if spec.kind != "ota":
            return AlertLinks(page=clean_url(spec.url))
        found = ota.links(version_url, self.kb.platforms.get(spec.platform or ""), spec.document)
        return AlertLinks(
            diff=clean_url(found.diff),
            page=clean_url(found.page),
            archived=clean_url(found.archived),
        )

    def _check_clauses(self, spec: SourceSpec, outcome: Outcome, text: str) -> None:
        missing, present = clauses.check(
            clauses.clauses_for(self.kb, spec.platform, spec.document), text
        )
        outcome.missing_clauses = missing
        outcome.present_clauses = present

    # -- Open Terms Archive feeds ------------------------------------------------------------
    async def _check_ota(self, spec: SourceSpec, state: SourceState) -> Outcome:
        outcome, res = await self._fetch_new(spec, state, known=bool(state.has_baseline))
        if res is None:
            return outcome
        items = await self._in_feed_thread(parse_feed, res.body, res.headers, res.url)
        if not items:
            raise FeedError("the change feed has no entries")
        # Oldest first: feeds list newest first unless dates say otherwise.
        dated = all(i.published for i in items)
        items = sorted(items, key=_published) if dated else list(reversed(items))
        keys = [k for i in items for k in i.keys]
        if not state.has_baseline:
            outcome.baseline = True
            outcome.keys = keys
            latest = items[-1]
            version = ota.version_url(spec.url, latest.link)
            lines = await self._version_lines(version)
            await self._version(spec, state, outcome, lines, latest.link or spec.url, version)
            return outcome
        known = await seen.seen_keys(self.db, spec.id, keys)
        outcome.keys = [k for k in keys if k in known]  # refreshed; new ones once processed
        new = [i for i in items if not set(i.keys) & known]
        new = new[: self.policy.max_versions_per_poll]
        previous: tuple[str, str] | None = None
        if new and state.content_hash:
            snap = await seen.snapshot_by_hash(self.db, spec.id, state.content_hash)
            previous = (snap.text_hash, snap.text) if snap else None
        for item in new:
            version = ota.version_url(spec.url, item.link)
            lines = await self._version_lines(version)
            current = await self._version(
                spec, state, outcome, lines, item.link or spec.url, version, previous
            )
            if current is not None:
                previous = current
            outcome.keys += list(item.keys)
        return outcome

    async def _version_lines(self, url: str) -> list[str]:
        res = await self.fetcher.fetch(url)
        return await self._page_lines(res.body, res.content_type, res.charset, (), (), url)

    async def _page_lines(
        self,
        body: bytes,
        content_type: str,
        charset: str | None,
        select: tuple[Selector, ...],
        remove: tuple[Selector, ...],
        base_url: str,
    ) -> list[str]:
        """A document's normalised lines, parsed in a worker process under the time budget."""
        params = {
            "content_type": content_type,
            "charset": charset,
            "select": selectors_to_json(select),
            "remove": selectors_to_json(remove),
            "base_url": base_url,
            "limits": {
                "max_depth": self.markup_limits.max_depth,
                "max_elements": self.markup_limits.max_elements,
            },
        }
        try:
            return await self.parsers.run(PAGE_JOB, params, body)
        except JobError as exc:
            if exc.kind == "PageError":
                raise PageError(exc.message) from None
            raise ParseFailed(f"the parser failed ({exc.kind}: {exc.message[:120]})") from None

    async def _in_feed_thread(self, func: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._feed_threads, func, *args)

    async def _feed_cpu(self, func: Callable[..., T], size: int, *args: object) -> T:
        """Scan a feed inline when it is small, in a feed thread when it is large.

        A worker thread doing CPU-bound Python holds the GIL in 5 ms slices, which stalls every
        socket call of the event loop (the convoy effect): for the usual 10-200 KB feed,
        scanning it right here is faster for everyone. Big feeds still go to a thread so the
        loop (and the Discord gateway sharing it) never blocks for long.
        """
        if size <= INLINE_PARSE_BYTES:
            return func(*args)
        return await self._in_feed_thread(func, *args)

    def _platform_name(self, platform: str | None) -> str | None:
        """The curated name, or for a platform Fine Print has no data on, the name its source
        gives it (the slug written as a name: "bluesky" -> "Bluesky")."""
        found = self.kb.platforms.get(platform or "")
        if found:
            return found.name
        return slug_name(platform) if platform else None

    def _platform_words(self, spec: SourceSpec) -> tuple[str, ...]:
        """How a document may name its own platform ("SoundCloud will not…")."""
        found = self.kb.platforms.get(spec.platform or "")
        if found:
            return (found.name, *found.aliases)
        return (slug_name(spec.platform),) if spec.platform else ()


def change_fingerprint(change: Change) -> tuple[str, ...]:
    """What changed, for recognising the same change seen by two sources: one hash per
    passage, with its direction — a sentence gained and the same sentence lost are opposite
    changes, never twins."""
    return tuple(
        sorted(
            {stable_id("+", comparable(p.text), length=12) for p in change.added}
            | {stable_id("-", comparable(p.text), length=12) for p in change.removed}
        )
    )


def _epoch(iso: str | None) -> float:
    when = clock.parse(iso)
    return when.timestamp() if when else 0.0


def _published(item: FeedItem) -> datetime:
    """Sort key for a feed whose every item is dated (the caller checked)."""
    assert item.published is not None
    return item.published
