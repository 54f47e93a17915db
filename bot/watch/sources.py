"""The sources file (``data/sources.toml``): what the watcher polls, validated with line numbers.

One ``[[source]]`` table per source (DESIGN.md). ``select`` / ``remove`` follow Open Terms
Archive's declarations: a CSS selector string, or a list whose items are CSS selectors or range
tables ``{startBefore|startAfter = css, endBefore|endAfter = css}``, so a declaration can be
copied from OTA as it is. Every problem is reported at once, as ``file:line: id: problem``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from bot.errors import Problem, ProblemsError
from bot.knowledge.loader import URL, _Entry, _Source

KINDS = ("rss", "page", "ota")
# Any platform may be watched: a lowercase slug. Those in data/platforms get their curated name
# and clauses; the others are shown under the name their slug spells (``slug_name``).
PLATFORM_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
KEYS = ("id", "kind", "platform", "document", "url", "select", "remove", "interval", "enabled")
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_INTERVAL = 60.0
MAX_INTERVAL = 7 * 86400.0
DEFAULT_INTERVAL = {"rss": 1800.0, "page": 6 * 3600.0, "ota": 6 * 3600.0}
RANGE_STARTS = ("startBefore", "startAfter")
RANGE_ENDS = ("endBefore", "endAfter")


@dataclass(frozen=True, slots=True)
class Range:
    """An OTA range selector: from before/after one element to before/after another."""

    start: str
    end: str
    start_after: bool = False  # False: the range starts before ``start``
    end_after: bool = False  # False: the range ends before ``end``


Selector = str | Range


@dataclass(frozen=True, slots=True)
class SourceSpec:
    id: str
    kind: str
    url: str
    platform: str | None = None
    document: str | None = None
    select: tuple[Selector, ...] = ()
    remove: tuple[Selector, ...] = ()
    interval: float = DEFAULT_INTERVAL["page"]
    enabled: bool = True
    guild_id: int | None = None  # set for sources a guild added; their alerts stay in that guild
    line: int = field(default=0, compare=False)


class SourcesError(ProblemsError):
    """The sources file is invalid."""

    what = "the sources file"


class _Collector:
    """What ``_Entry`` needs from a loader: somewhere to put problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.today = date.today()


def parse_interval(value: str) -> float:
    """ "30m" -> 1800.0; raises ValueError with a readable message."""
    match = INTERVAL.match(value)
    if not match:
        raise ValueError(f"interval {value!r} must look like 90s, 30m, 6h or 1d")
    return float(match[1]) * UNIT_SECONDS[match[2]]


def check_css(css: str) -> str | None:
    """The selector's syntax error, if any (lexbor is the engine that will run it)."""
    try:
        LexborHTMLParser("<p></p>").css(css)
    except Exception as exc:
        return str(exc) or "invalid selector"
    return None


def parse_selectors(value: Any) -> tuple[tuple[Selector, ...], list[str]]:
    """OTA ``select``/``remove``: a string or a list of strings and range tables."""
    items = value if isinstance(value, list) else [value]
    found: list[Selector] = []
    errors: list[str] = []
    for item in items:
        if isinstance(item, str) and item.strip():
            problem = check_css(item)
            if problem:
                errors.append(f"invalid CSS selector {item!r}: {problem}")
            else:
                found.append(item.strip())
        elif isinstance(item, dict):
            starts = [k for k in RANGE_STARTS if k in item]
            ends = [k for k in RANGE_ENDS if k in item]
            unknown = set(item) - set(RANGE_STARTS) - set(RANGE_ENDS)
            if unknown or len(starts) != 1 or len(ends) != 1:
                errors.append(
                    "a range needs exactly one of startBefore/startAfter and one of "
                    f"endBefore/endAfter; got {sorted(item)}"
                )
                continue
            start, end = item[starts[0]], item[ends[0]]
            bad = [s for s in (start, end) if not isinstance(s, str) or check_css(s)]
            if bad:
                errors.append(f"invalid CSS selector in range: {bad[0]!r}")
                continue
            found.append(Range(start, end, starts[0] == "startAfter", ends[0] == "endAfter"))
        else:
            errors.append("selectors must be CSS strings or {startBefore, endBefore} tables")
    return tuple(found), errors


def selectors_to_json(selectors: tuple[Selector, ...]) -> list[Any]:
    """The OTA form again (for storing guild sources and showing them)."""
    out: list[Any] = []
    for s in selectors:
        if isinstance(s, Range):
            out.append(
                {
                    "startAfter" if s.start_after else "startBefore": s.start,
                    "endAfter" if s.end_after else "endBefore": s.end,
                }
            )
        else:
            out.append(s)
    return out


def slug_name(slug: str) -> str:
    """A readable name for an uncurated platform's slug: "stack-overflow" -> "Stack Overflow"."""
    return " ".join(part.capitalize() for part in slug.split("-") if part)


def parse_sources_text(
    text: str, path: Path, *, platforms: Collection[str] | None = None
) -> list[SourceSpec]:
    """Validate a sources file's text.

    ``platforms`` (the curated ids) only sharpens the message for a malformed platform: any
    lowercase slug may be watched, curated or not.
    """
    collector = _Collector()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match[1]) if match else 1
        raise SourcesError([Problem(path, line, path.name, f"invalid TOML: {exc}")]) from exc
    src = _Source(path, text)
    for key in raw:
        if key != "source":
            collector.problems.append(
                Problem(path, src.header_line(key, 0), key, f"unknown table [{key}]")
            )
    tables = raw.get("source", [])
    if not isinstance(tables, list):
        collector.problems.append(Problem(path, 1, "source", "use [[source]] tables"))
        tables = []
    specs: list[SourceSpec] = []
    seen_ids: dict[str, int] = {}
    seen_urls: dict[tuple[str, str], str] = {}
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            line = src.header_line("source", index)
            collector.problems.append(Problem(path, line, "source", "use [[source]] tables"))
            continue
        e = _Entry(collector, src, "source", index, table)  # type: ignore[arg-type]
        raw_id = table.get("id")
        if isinstance(raw_id, str) and raw_id in seen_ids:
            e.problem(f"duplicate id {raw_id!r} (first at line {seen_ids[raw_id]})", "id")
            continue
        if isinstance(raw_id, str):
            seen_ids[raw_id] = src.header_line("source", index)
        spec = _parse_one(e, platforms)
        if spec is None:
            continue
        other = seen_urls.get((spec.kind, spec.url))
        if other is not None:
            e.problem(f"{spec.kind} source {other!r} already watches {spec.url}", "url")
            continue
        seen_urls[(spec.kind, spec.url)] = spec.id
        specs.append(spec)
    if collector.problems:
        raise SourcesError(collector.problems)
    return specs


def _parse_one(e: _Entry, platforms: Collection[str] | None) -> SourceSpec | None:
    e.check_keys(KEYS)
    sid = e.text("id")
    if sid is not None and not SOURCE_ID.match(sid):
        e.problem(f"'id' must be a lowercase slug (a-z, 0-9, '.', '_', '-'): {sid!r}", "id")
    kind = e.choice("kind", KINDS)
    url = e.url("url")
    platform = e.text("platform", required=kind in ("page", "ota"))
    if platform is not None and not PLATFORM_SLUG.match(platform):
        known = platform.strip().lower()
        hint = f" (did you mean {known!r}?)" if platforms and known in platforms else ""
        e.problem(
            f"'platform' must be a lowercase slug (a-z, 0-9, '-'): {platform!r}{hint}", "platform"
        )
    document = e.text("document", required=kind in ("page", "ota"))
    select: tuple[Selector, ...] = ()
    remove: tuple[Selector, ...] = ()
    for key in ("select", "remove"):
        if key in e.raw:
            if kind != "page":
                e.problem(f"{key!r} only applies to page sources", key)
                continue
            parsed, errors = parse_selectors(e.raw[key])
            for error in errors:
                e.problem(error, key)
            if key == "select":
                select = parsed
            else:
                remove = parsed
    interval = DEFAULT_INTERVAL.get(kind or "page", DEFAULT_INTERVAL["page"])
    if "interval" in e.raw:
        value = e.raw["interval"]
        try:
            interval = parse_interval(value if isinstance(value, str) else "")
        except ValueError as exc:
            e.problem(str(exc), "interval")
        else:
            if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
                e.problem("interval must be between 1m and 7d", "interval")
    enabled = True
    if "enabled" in e.raw:
        enabled = bool(e.flag("enabled"))
    if not e.ok or sid is None or kind is None or url is None:
        return None
    return SourceSpec(
        id=sid,
        kind=kind,
        url=url,
        platform=platform,
        document=document,
        select=select,
        remove=remove,
        interval=interval,
        enabled=enabled,
        line=e.src.header_line("source", e.index),
    )


def load_sources(path: Path, *, platforms: Collection[str] | None = None) -> list[SourceSpec]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError([Problem(path, 0, path.name, f"cannot read: {exc}")]) from exc
    return parse_sources_text(text, path, platforms=platforms)


def is_http_url(url: str) -> bool:
    return bool(URL.match(url))
