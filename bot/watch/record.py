"""Recording what a poll found: one transaction for the state, what was seen, alerts and outbox.

A poll produces an ``Outcome`` (pure data, no database writes). ``record`` writes a batch of
outcomes in ONE transaction: the source state, seen keys / snapshots, the alerts and their outbox
rows, clause reviews, and — after repeated failures — the pause and its notice. So either a new
item is both "seen" and queued for every subscribed channel, or neither (a crash in between
leaves it unseen, and the next poll finds it again, under the same alert id).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.alerts.model import Alert, Notice, stable_id
from bot.store import alerts as alert_store
from bot.store import clock, reviews, seen
from bot.store.db import Connection, Database
from bot.store.sources import SourceState
from bot.watch.scheduler import WatchPolicy, backoff, jittered
from bot.watch.sources import SourceSpec

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Outcome:
    spec: SourceSpec
    # success
    fresh: bool = False  # a 200 response: its validators replace the stored ones
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    content_hash: str | None = None
    baseline: bool = False
    changed: bool = False
    # A read of the feed: the keys of the items it showed that are now seen (new or known; an
    # OTA feed's unprocessed versions left out). Recording them numbers the read and refreshes
    # them; older keys are pruned (bot.store.seen).
    keys: list[str] = field(default_factory=list)
    snapshots: list[tuple[str, str, str | None]] = field(default_factory=list)  # hash, text, url
    alerts: list[Alert] = field(default_factory=list)
    # Alerts (ids) that bring a source back to one of its recent versions: a flapping capture
    # or a revert. The same change in the same direction has alerted at most once, however long
    # ago, so their twin check has no time limit.
    returns: set[str] = field(default_factory=set)
    missing_clauses: list[str] = field(default_factory=list)
    present_clauses: list[str] = field(default_factory=list)
    # still quoted, but a sentence of the quote's paragraph changed (bot.watch.clauses.touched)
    nearby_clauses: list[str] = field(default_factory=list)
    # failure
    error: str | None = None
    retry_after: float | None = None


@dataclass(slots=True)
class Recorded:
    alerts: list[Alert] = field(default_factory=list)  # newly recorded (not duplicates)
    # Changes already alerted (twins): the alert each would have been, and the earlier one's id.
    repeats: list[tuple[Alert, str]] = field(default_factory=list)
    queued: int = 0  # outbox rows written
    paused: bool = False


def _label(spec: SourceSpec) -> str:
    what = spec.document or "feed"
    return f"{spec.platform + ' ' if spec.platform else ''}{what} ({spec.id})"


async def record(
    db: Database, outcomes: list[Outcome], policy: WatchPolicy, previous: dict[str, SourceState]
) -> list[Recorded]:
    """Write a batch of outcomes in one transaction; ``previous``: the states polls started from."""
    results = [Recorded() for _ in outcomes]
    async with db.transaction() as conn:
        now = clock.now()
        now_iso = clock.iso(now)
        ok_rows = []
        reads: dict[str, list[str]] = {}
        snapshot_rows: list[tuple[str, str, str, str | None]] = []
        for outcome, result in zip(outcomes, results, strict=True):
            spec = outcome.spec
            if outcome.error is not None:
                await _failure(db, conn, outcome, result, policy, now_iso)
                continue
            state = previous.get(spec.id)
            delay = jittered(spec.interval, policy.jitter)
            ok_rows.append(
                (
                    spec.id,
                    outcome.etag if outcome.fresh else getattr(state, "etag", None),
                    outcome.last_modified
                    if outcome.fresh
                    else getattr(state, "last_modified", None),
                    outcome.body_hash or getattr(state, "body_hash", None),
                    outcome.content_hash or getattr(state, "content_hash", None),
                    now_iso if outcome.baseline else None,
                    now_iso,
                    now_iso,
                    now_iso if outcome.changed else None,
                    clock.iso(now + timedelta(seconds=delay)),
                    1 if outcome.keys else 0,
                )
            )
            if outcome.keys:
                reads[spec.id] = outcome.keys
            snapshot_rows += [(spec.id, h, text, url) for h, text, url in outcome.snapshots]
            for clause_id in outcome.missing_clauses:
                if await reviews.flag(conn, clause_id, spec.id):
                    log.warning(
                        "curated clause %s: its quote is no longer in %s; flagged for review",
                        clause_id,
                        _label(spec),
                    )
            for clause_id in outcome.present_clauses:
                await reviews.resolve_in(conn, clause_id, "quote found again", only=reviews.MISSING)
            for clause_id in outcome.nearby_clauses:
                if await reviews.flag(conn, clause_id, spec.id, reason=reviews.NEARBY):
                    log.warning(
                        "curated clause %s: the text around its quote changed in %s; flagged "
                        "for review",
                        clause_id,
                        _label(spec),
                    )
            for alert in outcome.alerts:
                await _alert(db, conn, alert, result, policy, back=alert.id in outcome.returns)
        if ok_rows:
            await conn.executemany(
                "INSERT INTO source_state (source_id, etag, last_modified, body_hash, "
                "content_hash, baseline_at, last_checked_at, last_ok_at, last_change_at, "
                "failures, next_poll_at, key_polls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) "
                "ON CONFLICT (source_id) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, body_hash = excluded.body_hash, "
                "content_hash = excluded.content_hash, "
                "baseline_at = coalesce(source_state.baseline_at, excluded.baseline_at), "
                "last_checked_at = excluded.last_checked_at, last_ok_at = excluded.last_ok_at, "
                "last_change_at = coalesce(excluded.last_change_at, source_state.last_change_at), "
                "failures = 0, next_poll_at = excluded.next_poll_at, "
                "key_polls = source_state.key_polls + excluded.key_polls",
                ok_rows,
            )
        await _record_reads(conn, reads)
        await seen.add_snapshots(conn, snapshot_rows)
    return results


async def _record_reads(conn: Connection, reads: dict[str, list[str]]) -> None:
    """Mark each read's keys seen under the read's number, then prune that source's keys."""
    if not reads:
        return
    numbers: dict[str, int] = {}
    ids = list(reads)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await conn.fetchall(
            "SELECT source_id, key_polls FROM source_state WHERE source_id IN "
            f"({','.join('?' * len(chunk))})",
            tuple(chunk),
        )
        numbers.update({row["source_id"]: int(row["key_polls"]) for row in rows})
    await seen.add_keys(
        conn, [(sid, key, numbers[sid]) for sid, keys in reads.items() for key in keys]
    )
    for sid in ids:
        await seen.prune_keys(conn, sid, numbers[sid])


async def _alert(
    db: Database,
    conn: Connection,
    alert: Alert,
    result: Recorded,
    policy: WatchPolicy,
    *,
    back: bool = False,
) -> None:
    if alert.kind == "terms-change":
        since = "" if back else clock.iso(clock.now() - timedelta(days=policy.dedupe_days))
        twin = await alert_store.similar_recent(
            db, alert.platform, alert.document, alert.fingerprint, since=since, conn=conn
        )
        if twin is not None:
            log.info("change from %s already alerted as %s; not alerting twice", alert.source, twin)
            result.repeats.append((alert, twin))
            return
    queued = await alert_store.record_alert(db, alert, conn)
    if queued is None:
        return
    result.alerts.append(alert)
    result.queued += queued


async def _failure(
    db: Database,
    conn: Connection,
    outcome: Outcome,
    result: Recorded,
    policy: WatchPolicy,
    now_iso: str,
) -> None:
    spec = outcome.spec
    row = await conn.fetchone(
        "INSERT INTO source_state (source_id, failures, last_error, last_error_at, "
        "last_checked_at) VALUES (?, 1, ?, ?, ?) ON CONFLICT (source_id) DO UPDATE SET "
        "failures = source_state.failures + 1, last_error = excluded.last_error, "
        "last_error_at = excluded.last_error_at, last_checked_at = excluded.last_checked_at "
        "RETURNING failures, paused_at",
        (spec.id, outcome.error, now_iso, now_iso),
    )
    assert row is not None  # the upsert above always returns its row
    failures, paused_at = int(row[0]), row[1]
    delay = backoff(failures, policy, outcome.retry_after)
    log.warning(
        "source %s failed (%d in a row): %s; next try in %.0fs",
        spec.id,
        failures,
        outcome.error,
        delay,
    )
    pause = paused_at is None and failures >= policy.pause_after
    await conn.execute(
        "UPDATE source_state SET next_poll_at = ?, paused_at = coalesce(paused_at, ?), "
        "paused_reason = coalesce(paused_reason, ?) WHERE source_id = ?",
        (
            clock.later_iso(delay),
            now_iso if pause else None,
            outcome.error if pause else None,
            spec.id,
        ),
    )
    if not pause:
        return
    result.paused = True
    log.error("source %s paused after %d failures: %s", spec.id, failures, outcome.error)
    notice = Notice(
        id=stable_id("paused", spec.id, now_iso),
        source=spec.id,
        platform=spec.platform,
        title=f"Paused a source: {_label(spec)}",
        body=(
            f"I could not read {spec.url} {failures} times in a row, so I stopped checking it. "
            f"Last error: {outcome.error}. Until it is resumed, changes there will not be "
            f"alerted. Resume it with /feeds resume {spec.id}"
            + (" (a bot operator can do it for shipped sources)." if spec.guild_id is None else ".")
        ),
        created_at=now_iso,
        guild_id=spec.guild_id,
    )
    queued = await alert_store.record_notice(db, notice, conn)
    result.queued += queued
