"""``data verify``: check every curated quote against the Open Terms Archive versions in a corpus.

The corpus is a directory ``ota/<Service>/<Document>/`` of versions (``NNN_<date>.md``, oldest
first) with a ``versions.json`` listing each file's capture date (``recorded_at``) and Open
Terms Archive commit, and ``"source"``: the collection (and path, when it is not
``<Service>/<Document>.md``) the versions come from.

For every clause whose ``source_url`` is an Open Terms Archive document present in the corpus:

(a) the quote is verbatim in the version it cites (``confirmed_commit``), after Open Terms
    Archive's Markdown is normalised, and ``confirmed`` is that version's capture date;
    ``confirmed_commit`` is the newest version of the document that contains the quote;
(b) a ``current`` clause's quote is still in the newest version of the document;
(c) a ``superseded`` / ``removed`` clause's quote is absent from the newest version;
(d) ``since_commit``, when given, is the first version containing the quote (present there,
    absent from the version before), and with ``since_basis = "captured"`` ``since`` is its
    capture date; without it, the first version containing the quote may not be captured
    before a captured ``since``, nor on or before ``since_after``;
(e) ``source_url`` names the clause's own service (one of its platform's ``ota`` services), its
    document, the version's collection and commit;
(f) every ``absence`` points at an existing version, the newest one, with its capture date
    (an absence with ``basis = "research"`` cites no archived document: skipped and counted);
(g) an opt-out's supporting ``quote`` is verbatim in the version its ``source_url`` names, when
    that is an Open Terms Archive version in the corpus.

Clauses whose source is not an Open Terms Archive document in the corpus are skipped and
counted. "Verbatim" means: the same characters once links are reduced to their text, Markdown
emphasis, escapes and list/heading markers are dropped, curly quotes are made straight and
whitespace is collapsed — on both sides. Single and double quotes stay different, and so do
case and punctuation. A ``…`` in a quote marks omitted words: each part must appear, in order.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import unquote

from bot.config import PROJECT_ROOT
from bot.knowledge.model import Absence, Clause, KnowledgeBase, OptOut

OTA_URL = re.compile(
    r"^https://github\.com/OpenTermsArchive/(?P<collection>[\w.-]+)/blob/"
    r"(?P<commit>[0-9a-f]{7,40})/(?P<path>[^?#]+)$"
)
_SOURCE = re.compile(r"^OpenTermsArchive/(?P<collection>[\w.-]+)(?:\s*\(path (?P<path>[^,)]+))?")

# -- OTA Markdown normalisation ----------------------------------------------------------------
_LINK_TARGET = r"\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"
_IMAGE = re.compile(r"!\[((?:\\.|[^\]\\])*)\]" + _LINK_TARGET)
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]" + _LINK_TARGET)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~&<\"'])")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LINE_MARKER = re.compile(r"(?m)^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-+][ \t]+(?=\S))")
# Spaces Open Terms Archive's extraction leaves around links: "[AI at Meta](…) ." -> "Meta."
_TIGHT = (*((f" {c}", c) for c in ".,;:!?)]"), ("( ", "("), ("[ ", "["))
_REPLACE = (
    ("\u2018", "'"),
    ("\u2019", "'"),
    ("\u201a", "'"),
    ("\u201b", "'"),
    ("\u2032", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u201e", '"'),
    ("\u201f", '"'),
    ("\u2033", '"'),
    ("\u00a0", " "),
    ("\u202f", " "),
    ("\u2009", " "),
    ("\u200b", ""),
    ("\u200c", ""),
    ("\u200d", ""),
    ("\u2060", ""),
    ("\ufeff", ""),
    ("\u00ad", ""),
    ("*", ""),  # emphasis (and bullets); removed on both sides
    ("_", ""),
    ("|", " "),  # table cells
)
OMISSION = "…"


def normalize(text: str) -> str:
    """Open Terms Archive Markdown (or a curated quote) as comparable plain text."""
    if "](" in text:
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(r"\1", text)
        if "](" in text:  # a link inside a link's text
            text = _LINK.sub(r"\1", text)
    text = _BR.sub(" ", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _LINE_MARKER.sub("", text)
    for char, replacement in _REPLACE:
        if char in text:
            text = text.replace(char, replacement)
    text = " ".join(text.split())
    for tight in _TIGHT:
        text = text.replace(*tight)
    return text


@lru_cache(maxsize=4096)
def _quote_parts(quote: str) -> tuple[str, ...]:
    return tuple(p for p in (normalize(part) for part in quote.split(OMISSION)) if p)


def quote_in(quote: str, normalized_text: str) -> bool:
    """Is ``quote`` verbatim in the (normalised) text? ``…`` separates parts found in order."""
    at = 0
    parts = _quote_parts(quote)
    if not parts:
        return False
    for part in parts:
        found = normalized_text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


# -- the corpus --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Version:
    index: int
    file: str
    captured: date
    commit: str


@dataclass
class Document:
    """One ``ota/<Service>/<Document>`` folder of the corpus."""

    folder: Path
    service: str
    name: str
    collection: str
    path: str  # the file's path in its collection, e.g. "SoundCloud/Terms of Service.md"
    versions: list[Version]
    _texts: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return f"{self.service}/{self.name}"

    @property
    def newest(self) -> Version:
        return self.versions[-1]

    def text(self, version: Version) -> str:
        if version.index not in self._texts:
            raw = (self.folder / version.file).read_text(encoding="utf-8")
            self._texts[version.index] = normalize(raw)
        return self._texts[version.index]

    def has(self, version: Version, quote: str) -> bool:
        return quote_in(quote, self.text(version))

    def containing(self, quote: str) -> list[Version]:
        return [v for v in self.versions if self.has(v, quote)]


class Corpus:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.documents: list[Document] = []
        for listing in sorted((root / "ota").glob("*/*/versions.json")):
            document = _read_document(listing)
            if document is not None:
                self.documents.append(document)
        self.by_path: dict[str, list[Document]] = {}
        for document in self.documents:
            self.by_path.setdefault(document.path, []).append(document)

    @cached_property
    def _commits(self) -> list[tuple[str, Document, Version]]:
        return [(v.commit, d, v) for d in self.documents for v in d.versions]

    def find_commit(self, commit: str) -> list[tuple[Document, Version]]:
        """Versions whose commit starts with ``commit`` (an abbreviated id)."""
        return [(d, v) for full, d, v in self._commits if full.startswith(commit)]


def _read_document(listing: Path) -> Document | None:
    try:
        data = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = listing.parent
    service = str(data.get("service") or folder.parent.name)
    name = str(data.get("terms_type") or folder.name)
    match = _SOURCE.match(str(data.get("source") or ""))
    collection = match["collection"] if match else ""
    path = (match["path"] if match and match["path"] else f"{service}/{name}.md").strip()
    versions = [
        Version(n, str(v["file"]), date.fromisoformat(str(v["recorded_at"])[:10]), v["commit"])
        for n, v in enumerate(data.get("versions") or [])
    ]
    if not versions:
        return None
    return Document(folder, service, name, collection, path, versions)


# -- the report --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class VerifyProblem:
    entry: str
    message: str
    file: Path | None = None
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file else ""
        return f"{where}{self.entry}: {self.message}"


@dataclass
class VerifyReport:
    corpus: Path
    problems: list[VerifyProblem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # clause and absence ids checked
    skipped: dict[str, str] = field(default_factory=dict)  # id -> why it was not checked
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        reasons: dict[str, int] = {}
        for why in self.skipped.values():
            reasons[why] = reasons.get(why, 0) + 1
        skipped = "; ".join(f"{n} {why}" for why, n in sorted(reasons.items()))
        return (
            f"{len(self.problems)} problem(s); checked {len(self.checked)} clauses, absences and "
            "opt-out quotes "
            f"against {self.corpus}; skipped {len(self.skipped)}"
            + (f" ({skipped})" if skipped else "")
        )


@dataclass(frozen=True, slots=True)
class _Url:
    collection: str
    commit: str
    path: str

    @property
    def service(self) -> str:
        return self.path.split("/", 1)[0]


def _parse_url(url: str) -> _Url | None:
    match = OTA_URL.match(url)
    if match is None:
        return None
    return _Url(match["collection"], match["commit"], unquote(match["path"]))


def _same_commit(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


# -- checks ------------------------------------------------------------------------------------
class _Verifier:
    def __init__(self, kb: KnowledgeBase, corpus: Corpus, report: VerifyReport) -> None:
        self.kb, self.corpus, self.report = kb, corpus, report

    def problem(self, entry_id: str, message: str) -> None:
        file, line = self.kb.locations.get(entry_id, (None, 0))
        self.report.problems.append(VerifyProblem(entry_id, message, file, line))

    def locate(
        self, entry_id: str, source_url: str, commit: str | None
    ) -> tuple[_Url | None, Document | None, Version | None]:
        """The corpus document (and cited version) of an entry, or why it is skipped."""
        url = _parse_url(source_url)
        hits = self.corpus.find_commit(commit) if commit else []
        if len(hits) > 1:
            labels = ", ".join(d.label for d, _ in hits)
            self.problem(entry_id, f"commit {commit} is ambiguous in the corpus ({labels})")
            return url, None, None
        if hits:
            document, version = hits[0]
            return url, document, version
        candidates = self.corpus.by_path.get(url.path, []) if url else []
        if url is None:
            if commit:
                self.problem(
                    entry_id,
                    f"commit {commit} is given but source_url is not an Open Terms Archive "
                    "URL (https://github.com/OpenTermsArchive/<collection>/blob/<commit>/…)",
                )
            else:
                self.report.skipped[entry_id] = "not an Open Terms Archive source"
            return None, None, None
        if not candidates:
            self.report.skipped[entry_id] = "document not in the corpus"
            return url, None, None
        same = [d for d in candidates if d.collection == url.collection]
        return url, (same or candidates)[0], None

    def check_url(
        self,
        entry_id: str,
        platform_id: str,
        url: _Url | None,
        doc: Document,
        document_name: str,
        version: Version | None,
        commit: str | None,
    ) -> None:
        platform = self.kb.platforms[platform_id]
        if doc.service not in platform.ota:
            owners = [p.id for p in self.kb.platforms.values() if doc.service in p.ota]
            whose = f" (it is {', '.join(owners)}'s)" if owners else ""
            self.problem(
                entry_id,
                f"cites {doc.label}, but {doc.service!r} is not one of {platform_id}'s "
                f"Open Terms Archive services {list(platform.ota)}{whose}",
            )
        if doc.name != document_name:
            self.problem(
                entry_id,
                f"the document is {document_name!r}, but the version cited belongs to {doc.label}",
            )
        if url is None:
            return
        if (url.collection, url.path) != (doc.collection, doc.path):
            self.problem(
                entry_id,
                f"source_url names {url.collection}/{url.path}, but {doc.label} is "
                f"{doc.collection}/{doc.path} in the corpus",
            )
        if commit and not _same_commit(url.commit, commit):
            self.problem(
                entry_id, f"source_url names commit {url.commit}, not the version cited {commit}"
            )
        if version is None and commit is None:
            self.problem(
                entry_id,
                "source_url is an Open Terms Archive document in the corpus: give the "
                "version's commit (confirmed_commit / checked_commit)",
            )

    # -- clauses -------------------------------------------------------------------------------
    def clause(self, clause: Clause) -> None:
        url, doc, version = self.locate(clause.id, clause.source_url, clause.confirmed_commit)
        if doc is None:
            return
        self.report.checked.append(clause.id)
        self.check_url(
            clause.id,
            clause.platform,
            url,
            doc,
            clause.document_in_archive,
            version,
            clause.confirmed_commit,
        )
        quote = clause.quote
        containing = doc.containing(quote)
        where = _describe(containing)
        if clause.confirmed_commit and version is None:
            if clause.confirmed >= doc.versions[0].captured:
                self.problem(
                    clause.id,
                    f"confirmed_commit {clause.confirmed_commit} is not a version of "
                    f"{doc.label} in the corpus; the quote is {where}",
                )
        elif version is not None:
            # (a) verbatim in the version cited, dated by its capture
            if not doc.has(version, quote):
                self.problem(
                    clause.id,
                    f"the quote is not verbatim in the version it cites ({doc.label} captured "
                    f"{version.captured}, commit {version.commit[:10]}); it is {where}",
                )
            if clause.confirmed != version.captured:
                self.problem(
                    clause.id,
                    f"confirmed {clause.confirmed} is not the capture date of commit "
                    f"{version.commit[:10]} ({version.captured})",
                )
        if containing:
            last = containing[-1]
            later = version.index < last.index if version else clause.confirmed < last.captured
            if later:
                self.problem(
                    clause.id,
                    f"confirmed {clause.confirmed} is stale: the quote is still in the version "
                    f"captured {last.captured} (commit {last.commit[:10]})",
                )
        newest = doc.newest
        in_newest = doc.has(newest, quote)
        if clause.current and not in_newest:  # (b)
            self.problem(
                clause.id,
                f"current, but the quote is not in the newest version of {doc.label} (captured "
                f"{newest.captured}, commit {newest.commit[:10]}); it is {where}",
            )
        if not clause.current and in_newest:  # (c)
            self.problem(
                clause.id,
                f"{clause.status}, but the quote is still in the newest version of {doc.label} "
                f"(captured {newest.captured}, commit {newest.commit[:10]})",
            )
        self.since(clause, doc, containing)

    def since(self, clause: Clause, doc: Document, containing: list[Version]) -> None:
        first = containing[0] if containing else None
        if clause.since_commit:  # (d)
            hits = [v for v in doc.versions if v.commit.startswith(clause.since_commit)]
            if not hits:
                if clause.since >= doc.versions[0].captured:
                    self.problem(
                        clause.id,
                        f"since_commit {clause.since_commit} is not a version of {doc.label} in "
                        "the corpus",
                    )
                return
            start = hits[0]
            if not doc.has(start, clause.quote):
                self.problem(
                    clause.id,
                    f"since_commit {clause.since_commit}: the quote is not in that version "
                    f"(captured {start.captured}); it is {_describe(containing)}",
                )
            elif start.index > 0 and doc.has(doc.versions[start.index - 1], clause.quote):
                before = doc.versions[start.index - 1]
                self.problem(
                    clause.id,
                    f"since_commit {clause.since_commit} is not the first version containing "
                    f"the quote: it is already in the version captured {before.captured} "
                    f"(commit {before.commit[:10]})",
                )
            if clause.since_basis == "captured" and clause.since != start.captured:
                self.problem(
                    clause.id,
                    f"since {clause.since} (captured) is not the capture date of since_commit "
                    f"({start.captured})",
                )
        elif (
            clause.since_basis == "captured" and first is not None and clause.since > first.captured
        ):
            # No commit given: the quote may not be in a capture older than ``since``.
            self.problem(
                clause.id,
                f"since {clause.since} (captured), but the quote is already in the version "
                f"captured {first.captured} (commit {first.commit[:10]})",
            )
        if (
            clause.since_after is not None
            and first is not None
            and first.captured <= clause.since_after
        ):
            self.problem(
                clause.id,
                f"since_after {clause.since_after}: the quote is already in the version "
                f"captured {first.captured} (commit {first.commit[:10]})",
            )

    # -- absences ------------------------------------------------------------------------------
    def absence(self, absence: Absence) -> None:
        if absence.from_research:  # it cites no archived document: nothing to read again
            self.report.skipped[absence.id] = "research absence, no archived document"
            return
        url, doc, version = self.locate(absence.id, absence.source_url, absence.checked_commit)
        if doc is None:
            return
        self.report.checked.append(absence.id)
        self.check_url(
            absence.id,
            absence.platform,
            url,
            doc,
            absence.document_in_archive,
            version,
            absence.checked_commit,
        )
        if version is None:  # (f)
            if absence.checked_commit:
                self.problem(
                    absence.id,
                    f"checked_commit {absence.checked_commit} is not a version of {doc.label} "
                    "in the corpus",
                )
            return
        if absence.checked != version.captured:
            self.problem(
                absence.id,
                f"checked {absence.checked} is not the capture date of commit "
                f"{version.commit[:10]} ({version.captured})",
            )
        if version.index != doc.newest.index:
            self.problem(
                absence.id,
                f"checked in the version captured {version.captured}, but {doc.label} has a "
                f"newer version (captured {doc.newest.captured}, commit "
                f"{doc.newest.commit[:10]}): read it again",
            )

    # -- opt-outs -------------------------------------------------------------------------------
    def optout(self, opt: OptOut) -> None:
        url = _parse_url(opt.source_url)
        if opt.quote is None or url is None:
            return
        hits = self.corpus.find_commit(url.commit)
        if len(hits) != 1:
            return
        doc, version = hits[0]
        self.report.checked.append(opt.id)
        if not doc.has(version, opt.quote):  # (g)
            self.problem(
                opt.id,
                f"the quote is not verbatim in the version source_url names ({doc.label} "
                f"captured {version.captured}); it is {_describe(doc.containing(opt.quote))}",
            )

    def coverage(self) -> None:
        for pid in sorted(self.kb.platforms):
            has_clause = any(c.current for c in self.kb.clauses_for(pid))
            if not has_clause and not self.kb.absences_for(pid):
                self.report.warnings.append(
                    f"{pid}: no current clause and no absence entry (no 'no AI clause found')"
                )


def _describe(versions: list[Version]) -> str:
    if not versions:
        return "in no version of the corpus"
    if len(versions) == 1:
        v = versions[0]
        return f"only in the version captured {v.captured} (commit {v.commit[:10]})"
    first, last = versions[0], versions[-1]
    return (
        f"in {len(versions)} versions, captured {first.captured} (commit {first.commit[:10]}) "
        f"to {last.captured} (commit {last.commit[:10]})"
    )


def verify(kb: KnowledgeBase, corpus_dir: Path) -> VerifyReport:
    """Every problem of the knowledge base's quotes against the corpus (reads files only)."""
    report = VerifyReport(corpus_dir)
    if not (corpus_dir / "ota").is_dir():
        report.problems.append(
            VerifyProblem("corpus", f"{corpus_dir} has no ota/ directory of document versions")
        )
        return report
    verifier = _Verifier(kb, Corpus(corpus_dir), report)
    for clause in kb.clauses.values():
        verifier.clause(clause)
    for absence in kb.absences.values():
        verifier.absence(absence)
    for opt in kb.optouts.values():
        verifier.optout(opt)
    verifier.coverage()
    return report


def default_corpus() -> Path:
    """``FINEPRINT_CORPUS``, else ``../shared/corpus`` beside the project."""
    configured = os.environ.get("FINEPRINT_CORPUS")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "corpus"


def render_report(report: VerifyReport) -> str:
    """The text ``python -m bot data verify`` prints: every problem, then the summary."""
    lines = [str(p) for p in report.problems]
    lines += [f"warning: {w}" for w in report.warnings]
    lines.append(("OK: " if report.ok else "FAILED: ") + report.summary())
    return "\n".join(lines)
