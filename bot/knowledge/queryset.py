"""Labelled questions: the query files the matcher is fitted and measured on, read and written.

Two formats are read. The members' format (``tests/data/queries/members.toml``, and what
``python -m bot feedback export`` writes) labels each question fully::

    [[query]]
    q = "is reddit selling my posts to google"
    lang = "en"
    platform = "reddit"        # the subject's platform id; "" = none
    also = ["google"]          # other platforms named
    topic = "third-party"      # "" when off-topic
    alt_topic = "license"      # optional: an equally acceptable reading
    intent = "what"            # what | how-opt-out | when | who-owns | can-i ("" if off-topic)
    off_topic = false
    tags = ["two-platform"]

The project's older format (``project.toml``) has ``platform`` as a string or a list of
acceptable ids, ``topic``, and ``answer = false`` for off-topic questions. Unknown keys are kept
out of the way, so a file may carry extra provenance (feedback exports do).

Which rows may be fitted on is decided here, once, by a top-level key of each file::

    split = "hash"   # one question in three (by a hash of its text) measures, the rest is fitted
    split = "dev"    # every question measures; none is ever fitted on
                     # (no key: every question may be fitted on, like the project's own queries)

so the fitting script and the tests agree without a list to keep in sync, and a new file of
blind questions says in its first line what it is for.
"""

from __future__ import annotations

import tomllib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge.text import fold

DEV_SHARE = 3  # with split = "hash": one question in three is kept out of fitting (dev)
SPLITS = ("fit", "hash", "dev")


@dataclass(frozen=True, slots=True)
class LabelledQuery:
    text: str
    platforms: frozenset[str | None]  # acceptable subjects; {None} = no platform
    topics: frozenset[str]  # acceptable topics; empty when off-topic
    lang: str | None = None
    intent: str | None = None
    also: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str = ""
    primary: str | None = None  # the labelled topic (not the alternative one)
    split_rule: str = "fit"  # the file's ``split`` (SPLITS)
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def off_topic(self) -> bool:
        return not self.topics

    @property
    def platform(self) -> str | None:
        """The first acceptable subject (the one a report shows)."""
        named = sorted(p for p in self.platforms if p)
        return named[0] if named else None

    @property
    def split(self) -> str:
        """``dev`` (never fitted on), ``train`` (a hash-split file's fitted part) or ``fit``."""
        if self.split_rule == "hash":
            return "dev" if zlib.crc32(fold(self.text).encode()) % DEV_SHARE == 0 else "train"
        return self.split_rule


def _platforms(raw: object) -> frozenset[str | None]:
    values = raw if isinstance(raw, list) else [raw]
    return frozenset((v or None) for v in values if isinstance(v, str) or v is None)


def parse(
    rows: Iterable[dict[str, object]], source: str, split: str = "fit"
) -> list[LabelledQuery]:
    if split not in SPLITS:
        raise ValueError(f"{source}: split = {split!r}, expected one of {SPLITS}")
    out: list[LabelledQuery] = []
    known = {"q", "lang", "platform", "also", "topic", "alt_topic", "intent", "off_topic", "tags"}
    for row in rows:
        off = bool(row.get("off_topic", False)) or row.get("answer", True) is False
        topics = set()
        if not off:
            for key in ("topic", "alt_topic"):
                value = row.get(key)
                if isinstance(value, str) and value:
                    topics.add(value)
        also = row.get("also") or []
        tags = row.get("tags") or []
        out.append(
            LabelledQuery(
                text=str(row["q"]),
                platforms=_platforms(row.get("platform", "")),
                topics=frozenset(topics),
                lang=str(row["lang"]) if row.get("lang") else None,
                intent=str(row["intent"]) if row.get("intent") else None,
                also=tuple(str(a) for a in also) if isinstance(also, list) else (),
                tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
                source=source,
                primary=str(row["topic"]) if not off and row.get("topic") else None,
                split_rule=split,
                extra={k: v for k, v in row.items() if k not in known | {"answer"}},
            )
        )
    return out


def load(path: Path) -> list[LabelledQuery]:
    """One query file; ``source`` is the file's stem (``members``, ``project``, ``heldout``)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return parse(data.get("query", []), path.stem, str(data.get("split", "fit")))


def load_dir(folder: Path, *, exclude: Iterable[str] = ()) -> list[LabelledQuery]:
    """Every ``*.toml`` query file in ``folder`` except the stems in ``exclude``."""
    skip = set(exclude)
    out: list[LabelledQuery] = []
    for path in sorted(folder.glob("*.toml")):
        if path.stem not in skip:
            out.extend(load(path))
    return out


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def dump(queries: Iterable[LabelledQuery], header: str = "") -> str:
    """Queries in the members' format (what ``load`` reads back unchanged)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for query in queries:
        topics = sorted(query.topics, key=lambda t: (t != query.primary, t))
        row: dict[str, object] = {
            "q": query.text,
            "lang": query.lang or "",
            "platform": query.platform or "",
            "also": list(query.also),
            "topic": topics[0] if topics else "",
        }
        if len(topics) > 1:
            row["alt_topic"] = topics[1]
        row["intent"] = query.intent or ""
        row["off_topic"] = query.off_topic
        row["tags"] = list(query.tags)
        row.update(query.extra)
        lines.append("")
        lines.append("[[query]]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in row.items()]
    return "\n".join(lines) + "\n"
