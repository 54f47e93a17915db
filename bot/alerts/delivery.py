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
(``/alerts subscribe … language``), else the server's (``/config language``), else the server's
language in Discord's settings (``guild_locale``, which the sender knows), else English.

Weekly digests travel the same road: each pass first builds the digests of the weeks that have
closed (``bot.alerts.digest``), which queues their outbox rows, then sends what is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from bot.alerts import digest as weekly
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
from bot.store import clock, guild_config, subscriptions
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
    batch: int = 100
    idle: float = 60.0  # the loop re-checks the outbox at least this often
    # Discord refuses a repeated nonce for a few minutes only; a row first tried longer ago
    # than this is looked for in the channel before it is sent again.
    nonce_window: float = 120.0


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class Deliverer:
    def __init__(
        self,
        db: Database,
        sender: Sender,
        *,
        kb: KnowledgeBase | None = None,
        policy: DeliveryPolicy | None = None,
        now: weekly.Clock = clock.now,
        languages: Languages | None = None,
    ) -> None:
        self.db = db
        self.sender = sender
        self.kb = kb
        self.policy = policy or DeliveryPolicy()
        self.now = now  # the clock that says which weeks have closed (tests move it)
        self.languages = languages or Languages()

    async def texts_for(self, guild_id: int, channel_id: int | None = None) -> Texts:
        """The language a channel's alerts (or a server's notices) are written in."""
        language: str | None = None
        if channel_id is not None:
            sub = await subscriptions.get(self.db, channel_id)
            language = sub.language if sub else None
        if language is None:
            language = await guild_config.alert_language(self.db, guild_id)
        if language is None and isinstance(self.sender, KnowsGuildLocale):
            language = self.sender.guild_locale(guild_id)
        return self.languages.texts(language)

    def _delay(self, attempts: int, retry_after: float | None) -> float:
        delay = min(self.policy.base_delay * 2 ** max(attempts - 1, 0), self.policy.max_delay)
        delay *= random.uniform(0.9, 1.1)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    async def _reply(self, row: store.OutboxRow) -> Reply | None:
        """The row's message in its channel's language, carrying its marker (``with_marker``)."""
        t = await self.texts_for(row.guild_id, row.channel_id)
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

    async def deliver_due(self) -> DeliveryReport:
        """Build the digests of closed weeks, then send every pending row that is due now (in
        order); returns what happened."""
        await weekly.close_weeks(self.db, self.now())
        report = DeliveryReport()
        refused: set[int] = set()
        tried: set[int] = set()  # each row at most once per pass, whatever its retry delay
        while True:
            rows = await store.due(self.db, limit=self.policy.batch)
            rows = [r for r in rows if r.channel_id not in refused and r.id not in tried]
            if not rows:
                return report
            for row in rows:
                tried.add(row.id)
                if row.channel_id not in refused:  # its other rows were failed with it
                    await self._deliver(row, report, refused)

    async def _deliver(
        self, row: store.OutboxRow, report: DeliveryReport, refused: set[int]
    ) -> None:
        reply = await self._reply(row)
        if reply is None:
            await store.mark_failed(self.db, row.id, "alert or notice missing")
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
            await store.mark_trying(self.db, row.id)
            message_id = await self.sender.send(row.channel_id, reply, nonce=row.nonce)
        except DeliveryRetry as exc:
            attempts = row.attempts + 1
            if attempts >= self.policy.max_attempts:
                await store.mark_failed(self.db, row.id, f"gave up after {attempts} tries: {exc}")
                report.failed += 1
                log.error("outbox %s: gave up after %d tries (%s)", row.id, attempts, exc)
            else:
                delay = self._delay(attempts, exc.retry_after)
                await store.mark_retry(self.db, row.id, exc.reason, delay)
                report.retried += 1
                log.warning("outbox %s: %s; retry in %.1fs", row.id, exc.reason, delay)
            report.errors.append(exc.reason)
        except DeliveryRejected as exc:
            await store.mark_failed(self.db, row.id, exc.reason)
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
            await store.mark_retry(self.db, row.id, f"sender error ({type(exc).__name__})", delay)
            report.retried += 1
        else:
            await store.mark_sent(self.db, row.id, message_id)
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
        while True:
            wake.clear()
            timeout = self.policy.idle
            try:
                await self.deliver_due()
                next_at = clock.parse(await store.next_due_at(self.db))
                if next_at is not None:
                    timeout = min(timeout, max(0.05, (next_at - clock.now()).total_seconds()))
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
