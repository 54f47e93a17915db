"""Load and validate ``data/`` (schema v2, see ``data/README.md``): refuse bad facts with file,
line, entry and problem.

A wrong or unsourced "fact" shown to 20,000 members is worse than no answer, so the loader is
strict: unknown keys (typos), missing quotes/sources/dates, unknown topics, regions, apps or
platforms, a superseded clause without the date it ended, dangling ``supersedes`` and FAQ
references, an FAQ answer that retypes a clause's quote instead of referencing the clause, and
duplicate ids all stop the load, and every problem is reported at once so the curator can fix
them in one pass. Whether each quote is verbatim in the document version it cites is checked
against the Open Terms Archive corpus by ``bot.knowledge.verify`` (``python -m bot data verify``).
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
    ABSENCE_BASES,
    CLAUSE_STATUSES,
    DATE_BASES,
    GLOBAL,
    GUILD_ID_PREFIX,
    OPTOUT_EXISTS,
    QUOTE_SOURCES,
    REGIONS,
    Absence,
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
COMMIT = re.compile(r"^[0-9a-f]{10,40}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
OTA_PREFIX = "https://github.com/OpenTermsArchive/"
REQUIRED_FAQ_LANGUAGES = ("en", "fr", "it", "es", "de", "pt", "id")

MAX_TITLE = 100
MAX_QUOTE = 1000
MAX_SUMMARY = 700
MAX_ANSWER = 1800
MAX_QUESTION = 200
MAX_STEP = 300
# An FAQ answer may not carry this many consecutive characters of a clause's quote: quotes are
# rendered from the referenced clauses, so an answer cannot drift away from its clause.
RETYPED_SPAN = 40


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

    def commit(self, key: str) -> str | None:
        value = self.text(key, required=False)
        if value is not None and not COMMIT.match(value):
            self.problem(
                f"{key!r} must be an Open Terms Archive commit id (10 to 40 lowercase hex "
                f"digits): {value!r}",
                key,
            )
            return None
        return value

    def regions(self, key: str = "region") -> tuple[str, ...]:
        if key not in self.raw:
            return (GLOBAL,)
        values = self.strings(key)
        if not values:
            self.problem(f'{key!r} must list at least one region, e.g. ["global"]', key)
            return ()
        for value in values:
            if value not in REGIONS:
                self.problem(f"unknown region {value!r} (known: {', '.join(REGIONS)})", key)
        if GLOBAL in values and len(values) > 1:
            self.problem(f'{key!r}: "global" cannot be combined with other regions', key)
        if len(set(values)) != len(values):
            self.problem(f"{key!r} lists a region twice", key)
        return values

    def apps(self, platform: Platform, key: str = "apps") -> tuple[str, ...]:
        if key not in self.raw:
            return ()
        values = self.strings(key)
        if not platform.apps:
            self.problem(
                f"{key!r} is only for platforms that list their apps; {platform.id!r} has none",
                key,
            )
            return ()
        for value in values:
            if value not in platform.apps:
                self.problem(
                    f"unknown app {value!r} of {platform.id!r} (its apps: "
                    f"{', '.join(platform.apps)})",
                    key,
                )
        return values


class Loader:
    def __init__(self, data_dir: Path, *, today: date | None = None) -> None:
        self.data_dir = data_dir
        self.today = today or date.today()
        self.problems: list[Problem] = []
        self.kb = KnowledgeBase()
        self._where: dict[str, tuple[str, Path]] = {}
        self._pending_supersedes: list[tuple[_Entry, Clause]] = []
        self._pending_events: list[tuple[_Entry, Event]] = []
        self._pending_faq: list[tuple[_Entry, FaqEntry]] = []

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
        self.kb.locations[entry_id] = (
            entry.src.path,
            entry.src.header_line(entry.table, entry.index),
        )
        return True

    # -- platforms ---------------------------------------------------------------------------
    def _platform(self, src: _Source, raw: dict[str, Any], path: Path) -> None:
        table = raw.get("platform")
        if not isinstance(table, dict):
            self.problems.append(Problem(path, 1, path.name, "missing the [platform] table"))
            return
        e = _Entry(self, src, "platform", 0, table)
        e.check_keys(
            (
                "id",
                "name",
                "aliases",
                "apps",
                "terms_url",
                "privacy_url",
                "ai_policy_url",
                "description",
                "ota",
            )
        )
        pid, name = e.slug(), e.text("name", limit=60)
        aliases = tuple(a.lower() for a in e.strings("aliases", limit=40))
        apps = e.strings("apps", limit=40)
        for app in apps:
            if not SLUG.match(app):
                e.problem(f"an app must be a lowercase slug: {app!r}", "apps")
        ota = e.strings("ota", limit=80)
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
            apps=apps,
            ota=ota,
        )

    def _platform_items(self, src: _Source, raw: dict[str, Any]) -> None:
        pid = (raw.get("platform") or {}).get("id")
        platform = self.kb.platforms.get(pid) if isinstance(pid, str) else None
        if platform is None:
            return
        allowed_tables = {"platform", "clause", "optout", "event", "absence"}
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
            self._clause(_Entry(self, src, "clause", index, item), platform)
        for index, item in enumerate(raw.get("optout", [])):
            self._optout(_Entry(self, src, "optout", index, item), platform)
        for index, item in enumerate(raw.get("event", [])):
            self._event(_Entry(self, src, "event", index, item), platform)
        for index, item in enumerate(raw.get("absence", [])):
            self._absence(_Entry(self, src, "absence", index, item), platform)

    def _clause(self, e: _Entry, platform: Platform) -> None:
        e.check_keys(
            (
                "id",
                "topic",
                "document",
                "ota_document",
                "region",
                "apps",
                "title",
                "quote",
                "language",
                "summary",
                "note",
                "since",
                "since_basis",
                "since_after",
                "since_commit",
                "confirmed",
                "confirmed_commit",
                "source_url",
                "status",
                "ended",
                "supersedes",
                "quote_source",
            )
        )
        cid = e.slug()
        topic = e.choice("topic", TOPIC_IDS)
        language = e.text("language", required=False) or "en"
        if not LANGUAGE.match(language):
            e.problem(f"'language' must be an ISO 639 code like 'en': {language!r}", "language")
        values: dict[str, Any] = dict(
            document=e.text("document", limit=80),
            ota_document=e.text("ota_document", required=False, limit=80),
            region=e.regions(),
            apps=e.apps(platform),
            title=e.text("title", limit=MAX_TITLE),
            quote=e.text("quote", limit=MAX_QUOTE),
            language=language,
            summary=e.text("summary", limit=MAX_SUMMARY),
            note=e.text("note", required=False, limit=400),
            since=e.day("since"),
            since_basis=e.choice("since_basis", DATE_BASES),
            since_after=e.day("since_after", required=False),
            since_commit=e.commit("since_commit"),
            confirmed=e.day("confirmed"),
            confirmed_commit=e.commit("confirmed_commit"),
            source_url=e.url("source_url"),
            status=e.choice("status", CLAUSE_STATUSES, default="current"),
            ended=e.day("ended", required=False),
            quote_source=e.choice("quote_source", QUOTE_SOURCES, default="primary"),
        )
        supersedes = e.slug("supersedes") if "supersedes" in e.raw else None
        if not e.ok or cid is None or topic is None or not self._claim(e, "clause", cid):
            return
        clause = Clause(id=cid, platform=platform.id, topic=topic, supersedes=supersedes, **values)
        self.kb.clauses[cid] = clause
        if supersedes:
            self._pending_supersedes.append((e, clause))
        self._clause_dates(e, clause)

    def _clause_dates(self, e: _Entry, clause: Clause) -> None:
        """Consistency of a well-formed clause's dates and status (reported, not blocking, so
        that checks needing the clause, like ``supersedes``, still run)."""
        if clause.since_after and clause.since_after >= clause.since:
            e.problem(
                f"'since_after' {clause.since_after} must be before 'since' {clause.since}",
                "since_after",
            )
        if clause.status in ("superseded", "removed") and clause.ended is None:
            e.problem(
                f"a {clause.status} clause needs 'ended' (the date of the first version without it)"
            )
        if clause.current and clause.ended is not None:
            e.problem("a current clause cannot have 'ended'", "ended")
        if clause.ended and clause.ended < clause.since:
            e.problem(f"'ended' {clause.ended} is before 'since' {clause.since}", "ended")
        if clause.quote_source == "secondary" and clause.confirmed_commit:
            e.problem(
                "a secondary quote (quoted by the press) has no Open Terms Archive "
                "'confirmed_commit'",
                "confirmed_commit",
            )

    def _optout(self, e: _Entry, platform: Platform) -> None:
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
                "region",
                "apps",
                "verified",
                "source_url",
                "quote",
                "note",
            )
        )
        oid = e.slug()
        exists: str | None
        if isinstance(e.raw.get("exists"), bool):
            e.problem(
                '\'exists\' is now "yes", "no" (the platform says there is none) or '
                '"unknown" (none found), not true/false',
                "exists",
            )
            exists = None
        else:
            exists = e.choice("exists", OPTOUT_EXISTS)
        steps = e.strings("steps", limit=MAX_STEP)
        url = e.url("url", required=False)
        values: dict[str, Any] = dict(
            title=e.text("title", limit=MAX_TITLE),
            controls=e.text("controls", limit=MAX_SUMMARY),
            who=e.text("who", required=False, limit=400),
            not_covered=e.text("not_covered", required=False, limit=MAX_SUMMARY),
            region=e.regions(),
            apps=e.apps(platform),
            verified=e.day("verified"),
            source_url=e.url("source_url"),
            quote=e.text("quote", required=False, limit=MAX_QUOTE),
            note=e.text("note", required=False, limit=400),
        )
        if exists == "yes" and not (steps or url):
            e.problem("an opt-out that exists needs 'steps' (a settings path) or a form 'url'")
        if exists in ("no", "unknown") and steps:
            e.problem(f"'exists = \"{exists}\"' (no opt-out) cannot have steps", "steps")
        if not e.ok or oid is None or exists is None or not self._claim(e, "opt-out", oid):
            return
        self.kb.optouts[oid] = OptOut(
            id=oid, platform=platform.id, exists=exists, steps=steps, url=url, **values
        )

    def _event(self, e: _Entry, platform: Platform) -> None:
        e.check_keys(
            (
                "id",
                "date",
                "date_basis",
                "date_after",
                "title",
                "summary",
                "source_url",
                "quote",
                "clause",
            )
        )
        eid = e.slug()
        values: dict[str, Any] = dict(
            date=e.day("date"),
            date_basis=e.choice("date_basis", DATE_BASES),
            date_after=e.day("date_after", required=False),
            title=e.text("title", limit=MAX_TITLE),
            summary=e.text("summary", limit=MAX_SUMMARY),
            source_url=e.url("source_url"),
            quote=e.text("quote", required=False, limit=MAX_QUOTE),
            clause=e.slug("clause") if "clause" in e.raw else None,
        )
        day, after = values["date"], values["date_after"]
        if day and after and after >= day:
            e.problem(f"'date_after' {after} must be before 'date' {day}", "date_after")
        if not e.ok or eid is None or not self._claim(e, "event", eid):
            return
        event = Event(id=eid, platform=platform.id, **values)
        self.kb.events[eid] = event
        if event.clause:
            self._pending_events.append((e, event))

    def _absence(self, e: _Entry, platform: Platform) -> None:
        e.check_keys(
            (
                "id",
                "document",
                "ota_document",
                "topics",
                "checked",
                "checked_commit",
                "source_url",
                "note",
                "basis",
            )
        )
        aid = e.slug()
        basis = e.choice("basis", ABSENCE_BASES, default="archive")
        research = basis == "research"
        topics = e.strings("topics")
        if not topics:
            e.problem("needs at least one topic it found no clause about", "topics")
        for t in topics:
            if t not in TOPIC_IDS:
                e.problem(f"unknown topic {t!r} (known: {', '.join(TOPIC_IDS)})", "topics")
        if research:
            # Nothing archived was read: no capture date or commit to give, and the note carries
            # what the sources did say (marked unverified), since it is all the member gets.
            for key in ("checked", "checked_commit", "ota_document"):
                if key in e.raw:
                    e.problem(
                        f"a research absence read no archived version: no {key!r} "
                        '(an absence from an archived document has basis = "archive")',
                        key,
                    )
        values: dict[str, Any] = dict(
            document=e.text("document", limit=80),
            ota_document=None if research else e.text("ota_document", required=False, limit=80),
            checked=None if research else e.day("checked"),
            checked_commit=None if research else e.commit("checked_commit"),
            source_url=e.url("source_url"),
            note=e.text("note", required=research, limit=400),
        )
        if research and (values["source_url"] or "").startswith(OTA_PREFIX):
            e.problem(
                "a research absence cites an Open Terms Archive version: an absence read in an "
                'archived document has basis = "archive", with checked and checked_commit',
                "source_url",
            )
        if not e.ok or aid is None or basis is None or not self._claim(e, "absence", aid):
            return
        self.kb.absences[aid] = Absence(
            id=aid, platform=platform.id, topics=topics, basis=basis, **values
        )

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
                references=True,
            )
            if entry is not None and self._claim(e, "faq", entry.id):
                self.kb.faq[entry.id] = entry
                self._pending_faq.append((e, entry))

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
        for e, event in self._pending_events:
            target = self.kb.clauses.get(event.clause or "")
            if target is None:
                e.problem(f"'clause' names an unknown clause {event.clause!r}", "clause")
            elif target.platform != event.platform:
                e.problem("'clause' must name a clause of the same platform", "clause")
        for e, entry in self._pending_faq:
            self._check_faq_references(e, entry)

    def _check_faq_references(self, e: _Entry, entry: FaqEntry) -> None:
        for cid in entry.clauses:
            if cid not in self.kb.clauses:
                e.problem(f"'clauses' names an unknown clause {cid!r}", "clauses")
        for oid in entry.optouts:
            if oid not in self.kb.optouts:
                e.problem(f"'optouts' names an unknown opt-out {oid!r}", "optouts")
        quotes: dict[str, str] = {}
        for clause in self.kb.clauses.values():
            if clause.id in entry.clauses or clause.platform in entry.platforms:
                quotes[f"clause {clause.id!r}"] = clause.quote
        for oid in entry.optouts:
            opt = self.kb.optouts.get(oid)
            if opt is not None and opt.quote:
                quotes[f"opt-out {oid!r}"] = opt.quote
        answer = _RetypeIndex(entry.answer)
        for what, quote in quotes.items():
            span = answer.retyped(quote)
            if span is not None:
                e.problem(
                    f"the answer retypes {len(span)}+ characters of the quote of {what} "
                    f"(“{span}”): reference the clause in 'clauses' instead, it is shown with "
                    "the answer",
                    "answer",
                )


def _retype_fold(text: str) -> str:
    text = text.translate(_RETYPE_TRANSLATE)
    return re.sub(r"\s+", " ", text).strip().casefold()


_RETYPE_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
    }
)


class _RetypeIndex:
    """Every ``RETYPED_SPAN``-character window of an answer, to find a retyped quote fast."""

    def __init__(self, answer: str) -> None:
        folded = _retype_fold(answer)
        self.windows = {folded[i : i + RETYPED_SPAN] for i in range(len(folded) - RETYPED_SPAN + 1)}

    def retyped(self, quote: str) -> str | None:
        for part in quote.split("…"):
            folded = _retype_fold(part)
            for i in range(len(folded) - RETYPED_SPAN + 1):
                window = folded[i : i + RETYPED_SPAN]
                if window in self.windows:
                    return window
        return None


def parse_faq(
    e: _Entry,
    platforms: dict[str, Platform],
    *,
    require_languages: tuple[str, ...] = (),
    require_links: bool = False,
    references: bool = False,
) -> FaqEntry | None:
    """Validate one FAQ table; shared by the shipped data and moderators' imports.

    ``references``: the shipped schema, where ``clauses`` / ``optouts`` name the clauses and
    opt-outs the answer rests on (checked by the loader once everything is loaded); a source is
    then any of those or a link. Moderators' entries have links only.
    """
    keys = ["id", "question", "answer", "platforms", "topics", "links", "phrasings", "verified"]
    if references:
        keys += ["clauses", "optouts"]
    e.check_keys(keys)
    fid = e.slug()
    question = e.text("question", limit=MAX_QUESTION)
    answer = e.text("answer", limit=MAX_ANSWER)
    plats = e.strings("platforms")
    topics = e.strings("topics")
    links = e.strings("links")
    clauses = e.strings("clauses") if references else ()
    optouts = e.strings("optouts") if references else ()
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
    if require_links and not (links or clauses or optouts):
        what = "a clause, an opt-out or a source link" if references else "a source link"
        e.problem(f"needs at least one source: {what}", "links")
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
        clauses=clauses,
        optouts=optouts,
    )


def _phrasings(e: _Entry) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Phrasings are either a plain list or a table of language -> list."""
    raw = e.raw.get("phrasings", [])
    if isinstance(raw, list):
        return e.strings("phrasings", limit=MAX_QUESTION), ()
    if not isinstance(raw, dict):
        e.problem("'phrasings' must be a list or a table of language = [phrasings]", "phrasings")
        return (), ()
    found: list[str] = []
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
        found.extend(v.strip() for v in values)
        languages.append(lang)
    return tuple(found), tuple(languages)


def load_knowledge(data_dir: Path, *, today: date | None = None) -> KnowledgeBase:
    return Loader(data_dir, today=today).load()
