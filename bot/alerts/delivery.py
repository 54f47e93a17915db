"""Delivering the outbox: each (alert, channel) once, after restarts and crashes too.

A row is marked sent only after ``Sender.send`` returned a message id. A crash between the send
and the mark leaves the row pending; the next process sends it again with the SAME nonce, and
Discord's ``enforce_nonce`` returns the message it already created instead of posting twice
(Discord keeps nonces for a few minutes; beyond that a crash at that exact point can repeat one
message, never lose one). 429 / 5xx / network errors are retried with exponential backoff,
respecting ``retry_after``; a channel Discord refuses for good (deleted, missing permission) is
marked failed, stops receiving alerts, and its guild is told once. Any other 4xx means Discord
refused that one message (e.g. a 400 for a malformed embed): sending the same request again
cannot succeed, so the row is failed at once — no retries — and the guild is told once; the
channel keeps its subscription, so one bad item (from a feed anyone can publish) cannot switch
off a server's alerts.

Each row is rendered when it is sent, in its channel's language: the channel's own choice
(``/alerts subscribe … language``), else the server's (``/config language``) — both read with
the row when it is claimed — else the server's language in Discord's settings (``guild_locale``,
which the sender knows for the servers of its own shards; for the others, as the process
running their shard recorded it), else English.

Weekly digests travel the same road: each pass first builds the digests of the weeks that have
closed (``bot.alerts.digest``), which queues their outbox rows, then sends what is due.

**Several processes** (``FINEPRINT_SHARDS`` over one PostgreSQL database) all deliver: sending is
REST, so any process can send any row, whichever shard its server is on. A pass CLAIMS a batch
of due rows (``bot.store.alerts.claim_due``: ``FOR UPDATE SKIP LOCKED`` plus a claim that ends
after ``policy.claim`` seconds by the database's clock), sends them, and marks each one. A
process that dies leaves its claims to expire; another then takes those rows again, with the
same nonce. A claim is used only while it is surely still ours (a margin before its end): a row
whose claim ran out while it waited is left for whoever claims it next, never sent by two
processes at once knowingly. A process that stops cleanly hands its unfinished claims back.
Digests are built by whichever process closes the week first; the others find the digest made
(its id is deterministic) and build nothing.

Within a process, messages go out at the pace of the global budget (``bot.alerts.budget``,
shared by all processes): each takes its turn, then is sent in a task of its own, so as many
are in flight as Discord's round trip needs — one at a time, a 100 ms round trip would use a
fifth of a 50/s budget. A channel has one message in flight at a time, so its rows arrive in
order. Sent rows are marked in batches, one transaction for all those Discord accepted
meanwhile (``_Marks``): a row whose mark a crash lost is like one whose send a crash
interrupted — taken again, same nonce. A claim also stamps its rows' first try
(``first_try_at``, for the nonce window above), so no message costs a write before its send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from bot.alerts import digest as weekly
from bot.alerts.budget import Budget
from bot.errors import FinePrintError
from bot.i18n.languages import Languages
from bot.knowledge.model import KnowledgeBase
from bot.present.alerts import (
    render_alert,
    render_delivery_problem,
    render_delivery_rejected,
    render_digest,
    render_notice,
    with_marker,
)
from bot.present.reply import Reply
from bot.present.texts import Texts
from bot.store import alerts as store
from bot.store import clock, guild_config, processes, subscriptions
from bot.store.db import Database

log = logging.getLogger(__name__)


class DeliveryRetry(FinePrintError):
    """Try again later (429, 5xx, network); ``retry_after`` in seconds when Discord said."""

    def __init__(self, reason: str = "temporary failure", retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class DeliveryPermanent(FinePrintError):
    """This channel will not accept messages (unknown channel, missing permission)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeliveryRejected(DeliveryPermanent):
    """Discord refused this message for good (a 4xx other than 403/404/429); the channel is fine."""


class Sender(Protocol):
    """What the Discord client (and the console) implement to deliver alerts."""

    async def send(self, channel_id: int, reply: Reply, *, nonce: str) -> int:
        """Post ``reply`` in the channel with this nonce (enforced); return the message id.

        Raise ``DeliveryRetry`` for 429/5xx/network errors, ``DeliveryPermanent`` when the
        channel is gone or the bot lacks permission, ``DeliveryRejected`` for any other 4xx.
        ``reply.mention_role_id`` is the only mention allowed; everything else must be sent
        with mentions disabled.
        """
        ...

    async def notify_guild(self, guild_id: int, reply: Reply) -> None:
        """Tell the guild's moderators something once (system channel, or the owner)."""
        ...

    async def find_posted(self, channel_id: int, marker: str) -> int | None:
        """The id of a recent message of ours in the channel carrying ``marker`` (its footer),
        or None. Raise ``DeliveryRetry`` when the channel cannot be read right now."""
        ...


@runtime_checkable
class KnowsGuildLocale(Protocol):
    """A sender that can tell a server's language in Discord's settings (``guild_locale``)."""

    def guild_locale(self, guild_id: int) -> str | None: ...


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    base_delay: float = 5.0
    max_delay: float = 3600.0
    max_attempts: int = 12  # ~ a few hours of retries before giving up on a row
    batch: int = 200  # rows claimed at once (fewer when the budget could not send them in time)
    idle: float = 60.0  # the loop re-checks the outbox at least this often
    shared_idle: float = 2.0  # ... this often when other processes may have queued rows
    concurrency: int = 500  # messages in flight at most (the budget paces them)
    claim: float = 20.0  # seconds a claim lasts (Settings.lease)
    claim_margin: float = 0.25  # the last share of a claim is not used: it may end meanwhile
    # Discord refuses a repeated nonce for a few minutes only; a row first tried longer ago
    # than this is looked for in the channel before it is sent again.
    nonce_window: float = 120.0


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    expired: int = 0  # claims that ran out before their row's turn (left to the next claim)


REPLY_CACHE = 256  # rendered alerts kept: a fan-out renders each (alert, role) once


class _Marks:
    """Rows Discord accepted, written as sent in batches: one transaction for every row that
    came back while the previous batch was being written."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._queued: list[tuple[int, int]] = []
        self._writer: asyncio.Task[None] | None = None

    def add(self, row_id: int, message_id: int) -> None:
        self._queued.append((row_id, message_id))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="outbox-marks")

    async def _write(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, []
            try:
                await store.mark_sent_many(self.db, batch)
            except Exception:  # left claimed: taken again after the claim, same nonce
                log.exception("could not mark %d sent outbox rows", len(batch))

    async def flush(self) -> None:
        """Until everything queued so far is written."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)


def _no_locale(guild_id: int) -> None:
    return None


class Deliverer:
    def __init__(
        self,
        db: Database,
        sender: Sender,
        *,
        kb: KnowledgeBase | None = None,
        policy: DeliveryPolicy | None = None,
        now: weekly.Clock = clock.now,
        holder: str | None = None,
        budget: Budget | None = None,
        languages: Languages | None = None,
    ) -> None:
        self.db = db
        self.sender = sender
        self.kb = kb
        self.policy = policy or DeliveryPolicy()
        self.now = now  # the clock that says which weeks have closed (tests move it)
        self.holder = holder or processes.this_process()  # whose claims these are
        self.budget = budget  # the global request budget (None: unlimited)
        self.languages = languages or Languages()
        # Asked once: a runtime protocol check per row costs a fan-out more than the send.
        self._guild_locale: Callable[[int], str | None] = (
            sender.guild_locale if isinstance(sender, KnowsGuildLocale) else _no_locale
        )
        self._replies: OrderedDict[tuple[str, str, int | None, str], Reply] = OrderedDict()
        self._marks = _Marks(db)

    async def texts_for(self, guild_id: int, channel_id: int | None = None) -> Texts:
        """The language a channel's alerts (or a server's notices) are written in."""
        language: str | None = None
        if channel_id is not None:
            sub = await subscriptions.get(self.db, channel_id)
            language = sub.language if sub else None
        if language is None:
            language = await guild_config.alert_language(self.db, guild_id)
        if language is None:
            language = self._guild_locale(guild_id)
        if language is None:  # a server on another process's shard
            language = await guild_config.discord_locale(self.db, guild_id)
        return self.languages.texts(language)

    def _row_texts(self, row: store.OutboxRow) -> Texts:
        """``texts_for`` a row, from the language read with it (``OutboxRow.language``): no
        query per row, which a fan-out to thousands of channels would notice."""
        language = row.language or self._guild_locale(row.guild_id) or row.discord_locale
        return self.languages.texts(language)

    def _delay(self, attempts: int, retry_after: float | None) -> float:
        delay = min(self.policy.base_delay * 2 ** max(attempts - 1, 0), self.policy.max_delay)
        delay *= random.uniform(0.9, 1.1)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    async def _reply(self, row: store.OutboxRow) -> Reply | None:
        """The row's message in its channel's language, carrying its marker (``with_marker``).
        Alerts and notices are rendered once per (mention role, language): a fan-out renders
        each alert a handful of times, not once per channel."""
        t = self._row_texts(row)
        key: tuple[str, str, int | None, str]
        if row.alert_id is not None:
            key = ("alert", row.alert_id, row.mention_role_id, t.lang)
        elif row.notice_id is not None:
            key = ("notice", row.notice_id, None, t.lang)
        else:  # a digest is one channel's own: nothing to share
            return await self._marked(row, t)
        reply = self._replies.get(key)
        if reply is None:
            reply = await self._marked(row, t)
            if reply is None:
                return None
            self._replies[key] = reply
            while len(self._replies) > REPLY_CACHE:
                self._replies.popitem(last=False)
        return reply

    async def _marked(self, row: store.OutboxRow, t: Texts) -> Reply | None:
        reply = await self._render(row, t)
        return with_marker(reply, row.marker, t) if reply is not None else None

    async def _render(self, row: store.OutboxRow, t: Texts) -> Reply | None:
        if row.alert_id is not None:
            alert = await store.get_alert(self.db, row.alert_id)
            if alert is None:
                return None
            if self.kb is not None and alert.platform in self.kb.platforms:
                alert = replace(alert, platform_name=self.kb.platforms[alert.platform].name)
            return render_alert(alert, row.mention_role_id, t)
        if row.digest_id is not None:
            digest = await weekly.load(self.db, row.digest_id, self.kb)
            return render_digest(digest, row.mention_role_id, t) if digest else None
        notice = await store.get_notice(self.db, row.notice_id or "")
        return render_notice(notice, t) if notice else None

    def _batch(self) -> int:
        """Rows to claim at once: no more than the budget can send well within the claim."""
        if self.budget is None:
            return self.policy.batch
        in_time = int(self.budget.rate * self.policy.claim * (1 - self.policy.claim_margin) / 2)
        return max(1, min(self.policy.batch, in_time))

    async def deliver_due(self) -> DeliveryReport:
        """Build the digests of closed weeks, then claim and send every pending row that is due
        now (each at most once per pass); returns what happened."""
        await weekly.close_weeks(self.db, self.now())
        sending = _Pass(self)
        try:
            await sending.run()
            await self._marks.flush()
        except BaseException:
            # Stopping (Ctrl-C, shutdown) or a bug: what Discord accepted is marked, what this
            # pass did not finish goes back to the other processes now rather than when the
            # claims expire.
            with contextlib.suppress(Exception):
                await self._marks.flush()
                await store.release_claims(self.db, self.holder, sorted(sending.tried))
            raise
        return sending.report

    async def _deliver(
        self, row: store.OutboxRow, report: DeliveryReport, refused: set[int]
    ) -> None:
        reply = await self._reply(row)
        if reply is None:
            await store.mark_failed(self.db, row.id, "alert or notice missing", holder=self.holder)
            report.failed += 1
            return
        try:
            posted = await self._already_posted(row)
            if posted is not None:
                await store.mark_sent(self.db, row.id, posted)
                report.sent += 1
                log.warning(
                    "outbox %s was already posted (message %s); not sent again", row.id, posted
                )
                return
            message_id = await self.sender.send(row.channel_id, reply, nonce=row.nonce)
        except DeliveryRetry as exc:
            attempts = row.attempts + 1
            if attempts >= self.policy.max_attempts:
                await store.mark_failed(
                    self.db, row.id, f"gave up after {attempts} tries: {exc}", holder=self.holder
                )
                report.failed += 1
                log.error("outbox %s: gave up after %d tries (%s)", row.id, attempts, exc)
            else:
                delay = self._delay(attempts, exc.retry_after)
                await store.mark_retry(self.db, row.id, exc.reason, delay, holder=self.holder)
                report.retried += 1
                log.warning("outbox %s: %s; retry in %.1fs", row.id, exc.reason, delay)
            report.errors.append(exc.reason)
        except DeliveryRejected as exc:
            await store.mark_failed(self.db, row.id, exc.reason, holder=self.holder)
            report.failed += 1
            report.errors.append(exc.reason)
            log.error("outbox %s: Discord refused the message: %s", row.id, exc.reason)
            await self._tell_guild_once(
                row.guild_id,
                subscriptions.rejected_key(row.channel_id),
                render_delivery_rejected(
                    row.channel_id, exc.reason, await self.texts_for(row.guild_id)
                ),
            )
        except DeliveryPermanent as exc:
            refused.add(row.channel_id)
            await self._marks.flush()  # a message the channel took before is sent, not failed
            failed = await store.fail_channel(self.db, row.channel_id, exc.reason)
            report.failed += max(failed, 1)
            report.errors.append(exc.reason)
            log.error("channel %s refuses alerts: %s", row.channel_id, exc.reason)
            await self._tell_guild_once(
                row.guild_id,
                subscriptions.refused_key(row.channel_id),
                render_delivery_problem(
                    row.channel_id, exc.reason, await self.texts_for(row.guild_id)
                ),
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a Sender bug: retry later rather than lose the alert
            log.exception("outbox %s: sender error", row.id)
            delay = self._delay(row.attempts + 1, None)
            await store.mark_retry(
                self.db,
                row.id,
                f"sender error ({type(exc).__name__})",
                delay,
                holder=self.holder,
            )
            report.retried += 1
        else:
            self._marks.add(row.id, message_id)
            report.sent += 1

    async def _already_posted(self, row: store.OutboxRow) -> int | None:
        """A crash after Discord accepted a message but before it was marked sent makes the row
        go out again; the nonce stops a duplicate only for a few minutes. Past that window, look
        for the message itself (its marker) among the channel's recent messages."""
        started = clock.parse(row.first_try_at)
        if started is None:
            return None
        if (clock.now() - started).total_seconds() <= self.policy.nonce_window:
            return None
        return await self.sender.find_posted(row.channel_id, row.marker)

    async def _tell_guild_once(self, guild_id: int, key: str, reply: Reply) -> None:
        if not await guild_config.first_notice(self.db, guild_id, key):
            return
        try:
            await self.sender.notify_guild(guild_id, reply)
        except Exception:
            log.exception("could not tell guild %s (%s)", guild_id, key)
            await guild_config.clear_notice(self.db, guild_id, key)  # try again next time

    async def run(self, wake: asyncio.Event | None = None) -> None:
        """Deliver until cancelled: on ``wake`` (new outbox rows) or when a retry is due."""
        wake = wake or asyncio.Event()
        # Another process may queue rows (it polls) or hand some back (it stopped) without
        # waking us: where processes share the database, look more often.
        idle = self.policy.shared_idle if self.db.dialect.concurrent_writers else self.policy.idle
        while True:
            wake.clear()
            timeout = idle
            try:
                await self.deliver_due()
                due_in = await store.next_due_in(self.db)
                if due_in is not None:
                    timeout = min(timeout, max(0.05, due_in))
                now = self.now()
                week_closes = (weekly.next_week_start(now) - now).total_seconds()
                timeout = min(timeout, max(0.05, week_closes))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery pass failed; will try again")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await wake.wait()


class _Pass:
    """One delivery pass: claims rows ahead of need, sends them at the budget's pace.

    The next batch is claimed while the current one is still being sent, so neither the claim
    nor the end of a batch stalls the flow. Each message takes its turn from the budget, then
    goes out in a task of its own — as many in flight as Discord's round trip needs (one at a
    time, a 100 ms round trip would use a fifth of a 50/s budget), at most
    ``policy.concurrency``. A channel has one message in flight at a time, so its rows arrive
    in order, and a channel that refuses stops its other rows.
    """

    def __init__(self, deliverer: Deliverer) -> None:
        self.d = deliverer
        self.report = DeliveryReport()
        self.refused: set[int] = set()
        self.tried: set[int] = set()  # each row at most once per pass, whatever its retry delay
        self.waiting: dict[int, deque[tuple[store.OutboxRow, float]]] = {}
        self.ready: deque[int] = deque()  # channels with rows waiting and nothing in flight
        self.busy: set[int] = set()  # channels with a message in flight
        self.queued = 0
        self.expired: list[int] = []

    async def _claim(self) -> bool:
        """Claim the next batch; False when there was nothing new to claim."""
        d = self.d
        rows = await store.claim_due(d.db, d.holder, limit=d._batch(), seconds=d.policy.claim)
        usable_until = time.monotonic() + d.policy.claim * (1 - d.policy.claim_margin)
        again = [r.id for r in rows if r.id in self.tried]
        if again:  # due again already (a short retry delay): the next pass takes them
            await store.release_claims(d.db, d.holder, again)
        fresh = [r for r in rows if r.id not in self.tried]
        for row in fresh:
            self.tried.add(row.id)
            rows_of = self.waiting.setdefault(row.channel_id, deque())
            if not rows_of and row.channel_id not in self.busy:
                self.ready.append(row.channel_id)
            rows_of.append((row, usable_until))
        self.queued += len(fresh)
        return bool(fresh)

    def _drop(self, channel: int) -> None:
        """A refused channel's other rows: failed with it already."""
        self.queued -= len(self.waiting[channel])
        self.waiting[channel].clear()

    async def run(self) -> None:
        d = self.d
        inflight: dict[asyncio.Task[None], int] = {}
        claiming: asyncio.Task[bool] | None = None
        more = True  # whether a claim may still find rows
        try:
            while True:
                if more and claiming is None and self.queued < d._batch() // 2 + 1:
                    claiming = asyncio.create_task(self._claim())
                if not self.ready or len(inflight) >= d.policy.concurrency:
                    pending: set[asyncio.Task[Any]] = set(inflight)
                    if claiming is not None:
                        pending.add(claiming)
                    if not pending:
                        break  # nothing waiting, nothing in flight, nothing left to claim
                    finished, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for task in finished:
                        if task is claiming:
                            claiming = None
                            more = bool(task.result())
                            continue
                        channel = inflight.pop(task)
                        self.busy.discard(channel)
                        task.result()  # a database error ends the pass (claims released)
                        if channel in self.refused:
                            self._drop(channel)
                        elif self.waiting[channel]:
                            self.ready.append(channel)
                    continue
                channel = self.ready.popleft()
                if channel in self.refused:
                    self._drop(channel)
                    continue
                row, usable_until = self.waiting[channel].popleft()
                self.queued -= 1
                if time.monotonic() >= usable_until:  # the claim may be over: not ours to send
                    self.expired.append(row.id)
                    if self.waiting[channel]:
                        self.ready.append(channel)
                    continue
                if d.budget is not None:
                    await d.budget.acquire(ahead=self.queued + 1)
                self.busy.add(channel)
                task = asyncio.create_task(d._deliver(row, self.report, self.refused))
                inflight[task] = channel
        finally:
            for task in inflight:
                task.cancel()
            await asyncio.gather(*inflight, return_exceptions=True)
            if claiming is not None:
                # A claim is one short transaction: cancelled half-way it could leave the
                # connection inside it, and the release of this pass's claims would then fail.
                # Let it finish; its rows are in ``tried`` and are released with the rest.
                await asyncio.gather(asyncio.shield(claiming), return_exceptions=True)
        if self.expired:
            self.report.expired += len(self.expired)
            await store.release_claims(d.db, d.holder, self.expired)
