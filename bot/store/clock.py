"""Timestamps as the store keeps them: ISO-8601 UTC text, which sorts and compares as text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now() -> datetime:
    return datetime.now(UTC)


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def now_iso() -> str:
    return iso(now())


def later_iso(seconds: float) -> str:
    return iso(now() + timedelta(seconds=seconds))


def parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
