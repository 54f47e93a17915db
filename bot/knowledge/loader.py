"""Load and validate ``data/``: refuse bad facts with file, line, entry and problem.

A wrong or unsourced "fact" shown to 20,000 members is worse than no answer, so the loader is
strict: unknown keys (typos), missing quotes/sources/dates, unknown topics or platforms,
dangling ``supersedes`` and duplicate ids all stop the load, and every problem is reported at
once so the curator can fix them in one pass.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from bot.errors import Problem, ProblemsError
from bot.knowledge.model import (
    CLAUSE_STATUSES,
    GUILD_ID_PREFIX,
    QUOTE_SOURCES,
    Clause,
    Event,
    FaqEntry,
    KnowledgeBase,
    OptOut,
    Platform,
)
from bot.knowledge.topics import TOPIC_IDS

SLUG = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
REQUIRED_FAQ_LANGUAGES = ("en", "fr", "it", "es", "de", "pt", "id")
QUOTE_LANGUAGES = (*REQUIRED_FAQ_LANGUAGES, "ja", "ko", "zh", "nl", "sv", "pl")  # a quote's

MAX_TITLE = 100
MAX_QUOTE = 1000
MAX_SUMMARY = 700
MAX_ANSWER = 1800
MAX_QUESTION = 200
MAX_STEP = 300


class KnowledgeError(ProblemsError):
    """``data/`` is invalid."""

    what = "the knowledge data"


class _Source:
    """One TOML file: its parsed content plus where each table header sits, for line numbers."""

    HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z_.]+)\s*\]\]?\s*(#.*)?$")

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines, start=1):
            match = self.HEADER.match(line)
            if match:
                self.headers.setdefault(match[1], []).append(number)

    def header_line(self, table: str, index: int) -> int:
        lines = self.headers.get(table, [])
        return lines[index] if index < len(lines) else 1

    def key_line(self, table: str, index: int, key: str) -> int:
        start = self.header_line(table, index)
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if (
                number > start
                and self.HEADER.match(line)
                and not line.strip().startswith(f"[{table}.")
            ):
                break
            if pattern.match(line):
                return number
        return start


class _Entry:
    """Typed access to one table's fields that records problems instead of raising."""

    def __init__(
        self, loader: Loader, src: _Source, table: str, index: int, raw: dict[str, Any]
    ) -> None:
        self.loader, self.src, self.table, self.index, self.raw = loader, src, table, index, raw
        self.name = str(raw.get("id") or f"{table} #{index + 1}")
        self.ok = True

    def problem(self, message: str, key: str | None = None) -> None:
        line = (
            self.src.key_line(self.table, self.index, key)
            if key
            else self.src.header_line(self.table, self.index)
        )
        self.loader.problems.append(Problem(self.src.path, line, self.name, message))
        self.ok = False

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.raw:
            if key not in allowed:
                self.problem(f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})", key)

    def text(self, key: str, *, required: bool = True, limit: int | None = None) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.problem(f"missing {key!r}")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{key!r} must be a non-empty string", key)
            return None
        value = value.strip()
        if limit and len(value) > limit:
            self.problem(f"{key!r} is {len(value)} characters; the limit is {limit}", key)
        return value

    def slug(self, key: str = "id") -> str | None:
        value = self.text(key)
        if value is not None and not SLUG.match(value):
            self.problem(f"{key!r} must be a lowercase slug (a-z, 0-9, '.', '-'): {value!r}", key)
            return None
        return value

    def url(self, key: str, *, required: bool = True) -> str | None:
        value = self.text(key, required=required)
        if value is not None and not URL.match(value):
            self.problem(f"{key!r} is not an http(s) URL: {value!r}", key)
            return None
        return value

    def day(self, key: str, *, required: bool = True) -> date | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.problem(f"missing {key!r} (a date such as 2025-05-21)")
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                self.problem(f"{key!r} is not a date (YYYY-MM-DD): {value!r}", key)
                return None
        if not isinstance(value, date):
            self.problem(f"{key!r} must be a date (YYYY-MM-DD)", key)
            return None
        if value > self.loader.today:
            self.problem(f"{key!r} {value} is in the future", key)
        return value

    def flag(self, key: str) -> bool | None:
        value = self.raw.get(key)
        if not isinstance(value, bool):
            self.problem(f"{key!r} must be true or false", key)
            return None
        return value

    def strings(self, key: str, *, limit: int | None = None) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(f"{key!r} must be a list of non-empty strings", key)
            return ()
        items = tuple(v.strip() for v in value)
        if limit:
            for item in items:
                if len(item) > limit:
                    self.problem(f"an item of {key!r} is over {limit} characters", key)
        return items

    def choice(self, key: str, choices: Iterable[str], *, default: str | None = None) -> str | None:
        value = self.raw.get(key, default)
        choices = tuple(choices)
        if value not in choices:
            self.problem(f"{key!r} must be one of {', '.join(choices)}; got {value!r}", key)
            return None
        return value


class Loader:
    def __init__(self, data_dir: Path, *, today: date | None = None) -> None:
        self.data_dir = data_dir
        self.today = today or date.today()
        self.problems: list[Problem] = []
        self.kb = KnowledgeBase()
        self._where: dict[str, tuple[str, Path]] = {}
        self._pending_supersedes: list[tuple[_Entry, Clause]] = []

    # -- files -------------------------------------------------------------------------------
    def _read(self, path: Path) -> tuple[_Source, dict[str, Any]] | None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(path, 1, path.name, f"cannot read: {exc}"))
            return None
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            line = int(match[1]) if match else 1
            self.problems.append(Problem(path, line, path.name, f"invalid TOML: {exc}"))
            return None
        return _Source(path, text), raw

    def load(self) -> KnowledgeBase:
        platform_files = sorted((self.data_dir / "platforms").glob("*.toml"))
        if not platform_files:
            self.problems.append(
                Problem(self.data_dir / "platforms", 0, "platforms", "no platform files found")
            )
        parsed = [(p, self._read(p)) for p in platform_files]
        # Platforms first, so clauses in any file may refer to any platform.
        for path, result in parsed:
            if result is not None:
                self._platform(*result, path)
        for _path, result in parsed:
            if result is not None:
                self._platform_items(*result)
        for path in sorted(self.data_dir.glob("faq*.toml")) + sorted(
            (self.data_dir / "faq").glob("*.toml")
        ):
            result = self._read(path)
            if result is not None:
                self._faq_file(*result)
        self._resolve()
        if self.problems:
            raise KnowledgeError(self.problems)
        return self.kb

    # -- identity ----------------------------------------------------------------------------
    def _claim(self, entry: _Entry, kind: str, entry_id: str | None) -> bool:
        if entry_id is None:
            return False
        if entry_id.startswith(GUILD_ID_PREFIX):
            entry.problem(f"ids starting with {GUILD_ID_PREFIX!r} are reserved for guild entries")
            return False
        if entry_id in self._where:
            other_kind, other_path = self._where[entry_id]
            entry.problem(f"duplicate id {entry_id!r} (also a {other_kind} in {other_path})", "id")
            return False
        self._where[entry_id] = (kind, entry.src.path)
        return True

    # -- platforms ---------------------------------------------------------------------------
    def _platform(self, src: _Source, raw: dict[str, Any], path: Path) -> None:
        table = raw.get("platform")
        if not isinstance(table, dict):
            self.problems.append(Problem(path, 1, path.name, "missing the [platform] table"))
            return
        e = _Entry(self, src, "platform", 0, table)
        e.check_keys(
            ("id", "name", "aliases", "terms_url", "privacy_url", "ai_policy_url", "description")
        )
        pid, name = e.slug(), e.text("name", limit=60)
        aliases = tuple(a.lower() for a in e.strings("aliases", limit=40))
        if pid and path.stem != pid:
            e.problem(f"file name {path.name!r} must match the platform id {pid!r}", "id")
        urls = {k: e.url(k, required=k == "terms_url") for k in ("terms_url", "privacy_url")}
        ai_url = e.url("ai_policy_url", required=False)
        description = e.text("description", required=False, limit=300)
        if not (pid and name and e.ok and self._claim(e, "platform", pid)):
            return
        for alias in (pid, *aliases):
            for other in self.kb.platforms.values():
                if alias == other.id or alias in other.aliases:
                    e.problem(
                        f"alias {alias!r} is already used by platform {other.id!r}", "aliases"
                    )
        self.kb.platforms[pid] = Platform(
            pid,
            name,
            aliases,
            urls["terms_url"],
            urls["privacy_url"],
            ai_url,
            description,
        )

    def _platform_items(self, src: _Source, raw: dict[str, Any]) -> None:
        pid = (raw.get("platform") or {}).get("id")
        if pid not in self.kb.platforms:
            return
        allowed_tables = {"platform", "clause", "optout", "event"}
        for key in raw:
            if key not in allowed_tables:
                self.problems.append(
                    Problem(
                        src.path,
                        src.header_line(key, 0),
                        key,
                        f"unknown table [{key}] (allowed: {', '.join(sorted(allowed_tables))})",
                    )
                )
        for index, item in enumerate(raw.get("clause", [])):
            self._clause(_Entry(self, src, "clause", index, item), pid)
        for index, item in enumerate(raw.get("optout", [])):
            self._optout(_Entry(self, src, "optout", index, item), pid)
        for index, item in enumerate(raw.get("event", [])):
            self._event(_Entry(self, src, "event", index, item), pid)

    def _clause(self, e: _Entry, pid: str) -> None:
        e.check_keys(
            (
                "id",
                "topic",
                "document",
                "title",
                "quote",
                "summary",
                "effective",
                "source_url",
                "verified",
                "status",
                "supersedes",
                "quote_source",
                "note",
                "language",
            )
        )
        cid = e.slug()
        topic = e.choice("topic", TOPIC_IDS)
        values = dict(
            document=e.text("document", limit=80),
            title=e.text("title", limit=MAX_TITLE),
            quote=e.text("quote", limit=MAX_QUOTE),
            summary=e.text("summary", limit=MAX_SUMMARY),
            effective=e.day("effective"),
            source_url=e.url("source_url"),
            verified=e.day("verified"),
            status=e.choice("status", CLAUSE_STATUSES, default="current"),
            quote_source=e.choice("quote_source", QUOTE_SOURCES, default="primary"),
            note=e.text("note", required=False, limit=400),
            language=e.choice("language", QUOTE_LANGUAGES, default="en"),
        )
        supersedes = e.slug("supersedes") if "supersedes" in e.raw else None
        if not e.ok or cid is None or topic is None or not self._claim(e, "clause", cid):
            return
        clause = Clause(id=cid, platform=pid, topic=topic, supersedes=supersedes, **values)
        self.kb.clauses[cid] = clause
        if supersedes:
            self._pending_supersedes.append((e, clause))

    def _optout(self, e: _Entry, pid: str) -> None:
        e.check_keys(
            (
                "id",
                "title",
                "exists",
                "controls",
                "steps",
                "url",
                "who",
                "not_covered",
                "verified",
                "source_url",
                "note",
            )
        )
        oid = e.slug()
        exists = e.flag("exists")
        steps = e.strings("steps", limit=MAX_STEP)
        url = e.url("url", required=False)
        values = dict(
            title=e.text("title", limit=MAX_TITLE),
            controls=e.text("controls", limit=MAX_SUMMARY),
            who=e.text("who", required=False, limit=400),
            not_covered=e.text("not_covered", required=False, limit=MAX_SUMMARY),
            verified=e.day("verified"),
            source_url=e.url("source_url"),
            note=e.text("note", required=False, limit=400),
        )
        if exists and not (steps or url):
            e.problem("an opt-out that exists needs 'steps' (a settings path) or a form 'url'")
        if exists is False and steps:
            e.problem("'exists = false' (no opt-out) cannot have steps", "steps")
        if not e.ok or oid is None or exists is None or not self._claim(e, "opt-out", oid):
            return
        self.kb.optouts[oid] = OptOut(
            id=oid, platform=pid, exists=exists, steps=steps, url=url, **values
        )

    def _event(self, e: _Entry, pid: str) -> None:
        e.check_keys(("id", "date", "title", "summary", "source_url", "quote"))
        eid = e.slug()
        values = dict(
            date=e.day("date"),
            title=e.text("title", limit=MAX_TITLE),
            summary=e.text("summary", limit=MAX_SUMMARY),
            source_url=e.url("source_url"),
            quote=e.text("quote", required=False, limit=MAX_QUOTE),
        )
        if not e.ok or eid is None or not self._claim(e, "event", eid):
            return
        self.kb.events[eid] = Event(id=eid, platform=pid, **values)

    # -- FAQ ---------------------------------------------------------------------------------
    def _faq_file(self, src: _Source, raw: dict[str, Any]) -> None:
        for key in raw:
            if key != "faq":
                self.problems.append(
                    Problem(src.path, src.header_line(key, 0), key, f"unknown table [{key}]")
                )
        for index, item in enumerate(raw.get("faq", [])):
            e = _Entry(self, src, "faq", index, item)
            entry = parse_faq(
                e,
                self.kb.platforms,
                require_languages=REQUIRED_FAQ_LANGUAGES,
                require_links=True,
            )
            if entry is not None and self._claim(e, "faq", entry.id):
                self.kb.faq[entry.id] = entry

    def _resolve(self) -> None:
        for e, clause in self._pending_supersedes:
            target = self.kb.clauses.get(clause.supersedes or "")
            if target is None:
                e.problem(
                    f"'supersedes' names an unknown clause {clause.supersedes!r}", "supersedes"
                )
            elif target.platform != clause.platform:
                e.problem("'supersedes' must name a clause of the same platform", "supersedes")
            elif target.status != "superseded":
                e.problem(
                    f"clause {target.id!r} is superseded by this one, so its status must be "
                    "'superseded'",
                    "supersedes",
                )


def parse_faq(
    e: _Entry,
    platforms: dict[str, Platform],
    *,
    require_languages: tuple[str, ...] = (),
    require_links: bool = False,
) -> FaqEntry | None:
    """Validate one FAQ table; shared by the shipped data and moderators' imports."""
    e.check_keys(
        ("id", "question", "answer", "platforms", "topics", "links", "phrasings", "verified")
    )
    fid = e.slug()
    question = e.text("question", limit=MAX_QUESTION)
    answer = e.text("answer", limit=MAX_ANSWER)
    plats = e.strings("platforms")
    topics = e.strings("topics")
    links = e.strings("links")
    verified = e.day("verified", required=require_links)
    for p in plats:
        if p not in platforms:
            e.problem(f"unknown platform {p!r}", "platforms")
    for t in topics:
        if t not in TOPIC_IDS:
            e.problem(f"unknown topic {t!r} (known: {', '.join(TOPIC_IDS)})", "topics")
    if not topics:
        e.problem("needs at least one topic", "topics")
    for link in links:
        if not URL.match(link):
            e.problem(f"link is not an http(s) URL: {link!r}", "links")
    if require_links and not links:
        e.problem("needs at least one source link", "links")
    phrasings, languages = _phrasings(e)
    missing = [lang for lang in require_languages if lang not in languages]
    if missing:
        e.problem(f"phrasings missing for language(s): {', '.join(missing)}", "phrasings")
    if not e.ok or fid is None or question is None or answer is None:
        return None
    return FaqEntry(
        id=fid,
        question=question,
        answer=answer,
        platforms=plats,
        topics=topics,
        links=links,
        phrasings=phrasings,
        languages=languages,
        verified=verified,
    )


def _phrasings(e: _Entry) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Phrasings are either a plain list or a table of language -> list."""
    raw = e.raw.get("phrasings", [])
    if isinstance(raw, list):
        items = e.strings("phrasings", limit=MAX_QUESTION)
        return items, ()
    if not isinstance(raw, dict):
        e.problem("'phrasings' must be a list or a table of language = [phrasings]", "phrasings")
        return (), ()
    items: list[str] = []
    languages: list[str] = []
    for lang, values in raw.items():
        if not re.fullmatch(r"[a-z]{2,3}", lang):
            e.problem(f"phrasings language {lang!r} must be an ISO 639 code like 'fr'", "phrasings")
            continue
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() for v in values
        ):
            e.problem(f"phrasings.{lang} must be a list of non-empty strings", "phrasings")
            continue
        for value in values:
            if len(value) > MAX_QUESTION:
                e.problem(f"a phrasing in {lang!r} is over {MAX_QUESTION} characters", "phrasings")
        items.extend(v.strip() for v in values)
        languages.append(lang)
    return tuple(items), tuple(languages)


def load_knowledge(data_dir: Path, *, today: date | None = None) -> KnowledgeBase:
    return Loader(data_dir, today=today).load()
