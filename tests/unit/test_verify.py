"""``data verify`` on a tiny synthetic Open Terms Archive corpus: every kind of wrong quote."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.knowledge.model import Absence, Clause, KnowledgeBase, OptOut, Platform
from bot.knowledge.verify import normalize, quote_in, render_report, verify

V0, V1, V2 = "a0a0a0a0a0a0", "b1b1b1b1b1b1", "c2c2c2c2c2c2"
OTHER = "d3d3d3d3d3d3"
DEMO_URL = "https://github.com/OpenTermsArchive/pga-versions/blob/{}/Demo/Terms%20of%20Service.md"
OTHER_URL = "https://github.com/OpenTermsArchive/contrib-versions/blob/{}/Other/Privacy%20Policy.md"

BASE = (
    "Terms\n=====\n\nWe may use [your content](https://demo.example/c) to *improve* the Service.\n"
)
PROMISE = "We will **not** train AI on your \u201cuploads\u201d.\n"
LATER = "\nUpdated: the [Help Centre](https://demo.example/help) explains the settings.\n"
VERSIONS = [
    ("000_2025-01-01.md", "2025-01-01T10:00:00+00:00", V0, BASE),
    ("001_2025-06-01.md", "2025-06-01T10:00:00+00:00", V1, BASE + PROMISE),
    ("002_2026-01-01.md", "2026-01-01T10:00:00+00:00", V2, BASE + PROMISE + LATER),
]


def write_document(root: Path, service: str, name: str, source: str, versions) -> None:
    folder = root / "ota" / service / name
    folder.mkdir(parents=True)
    listing = []
    for file, recorded, commit, text in versions:
        (folder / file).write_text(text, encoding="utf-8")
        listing.append({"file": file, "recorded_at": recorded, "commit": commit + "0" * 28})
    (folder / "versions.json").write_text(
        json.dumps({"service": service, "terms_type": name, "source": source, "versions": listing})
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_document(tmp_path, "Demo", "Terms of Service", "OpenTermsArchive/pga-versions", VERSIONS)
    write_document(
        tmp_path,
        "Other",
        "Privacy Policy",
        "OpenTermsArchive/contrib-versions",
        [("000_2026-02-01.md", "2026-02-01T00:00:00+00:00", OTHER, PROMISE)],
    )
    return tmp_path


GOOD = Clause(
    id="demo-no-training",
    platform="demo",
    topic="ai-training",
    document="Terms of Service",
    title="No training",
    quote='We will not train AI on your "uploads".',
    summary="They promise not to train.",
    since=date(2025, 6, 1),
    since_basis="captured",
    since_commit=V1,
    source_url=DEMO_URL.format(V2),
    confirmed=date(2026, 1, 1),
    confirmed_commit=V2,
)


def kb_with(*clauses: Clause, absences: tuple[Absence, ...] = (), optouts=()) -> KnowledgeBase:
    kb = KnowledgeBase()
    kb.platforms["demo"] = Platform("demo", "Demo", ota=("Demo",))
    kb.platforms["other"] = Platform("other", "Other", ota=("Other",))
    kb.clauses = {c.id: c for c in clauses}
    kb.absences = {a.id: a for a in absences}
    kb.optouts = {o.id: o for o in optouts}
    return kb


def messages(kb: KnowledgeBase, corpus: Path) -> list[str]:
    return [str(p) for p in verify(kb, corpus).problems]


def test_normalisation_keeps_words_and_quote_kinds() -> None:
    text = normalize("We may use [your content](https://x/y_(z)) to *improve* it \\- **now** .")
    assert text == "We may use your content to improve it - now."
    assert quote_in("your \u2018content\u2019", normalize("your 'content'"))
    assert not quote_in('your "content"', normalize("your 'content'"))
    assert quote_in("We may use … improve", normalize(BASE))  # … marks omitted words
    assert not quote_in("improve … We may use", normalize(BASE))  # parts keep their order


def test_a_good_clause_passes_and_is_counted(corpus: Path) -> None:
    report = verify(kb_with(GOOD), corpus)
    assert report.ok, render_report(report)
    assert report.checked == ["demo-no-training"]
    *warnings, summary = render_report(report).splitlines()
    assert summary.startswith("OK: 0 problem(s); checked 1 ")
    # A platform with no current clause and no "no AI clause found" entry is worth a warning.
    assert warnings == [
        "warning: other: no current clause and no absence entry (no 'no AI clause found')"
    ]


def test_a_stale_clause_is_reported(corpus: Path) -> None:
    gone = replace(
        GOOD,
        id="demo-old-wording",
        quote="We may use your content to improve the Service and to train AI.",
        since=date(2025, 1, 1),
        since_basis="effective",
        since_commit=None,
        confirmed=date(2025, 1, 1),
        confirmed_commit=V0,
        source_url=DEMO_URL.format(V0),
    )
    found = messages(kb_with(gone), corpus)
    assert any("not verbatim in the version it cites" in m for m in found)
    assert any("current, but the quote is not in the newest version" in m for m in found)


def test_an_old_confirmed_date_is_stale_when_the_quote_is_still_there(corpus: Path) -> None:
    old = replace(GOOD, confirmed=date(2025, 6, 1), confirmed_commit=V1)
    old = replace(old, source_url=DEMO_URL.format(V1))
    [message] = messages(kb_with(old), corpus)
    assert (
        "confirmed 2025-06-01 is stale: the quote is still in the version captured 2026-01-01"
        in (message)
    )


def test_a_wrong_commit_is_reported(corpus: Path) -> None:
    wrong = replace(GOOD, confirmed_commit=V0, source_url=DEMO_URL.format(V0))
    found = messages(kb_with(wrong), corpus)
    assert any(
        "not verbatim in the version it cites (Demo/Terms of Service captured 2025-01-01" in m
        for m in found
    )
    assert any(
        "confirmed 2026-01-01 is not the capture date of commit a0a0a0a0a0" in m for m in found
    )


def test_a_commit_missing_from_the_corpus_is_reported(corpus: Path) -> None:
    missing = replace(GOOD, confirmed_commit="e4e4e4e4e4", source_url=DEMO_URL.format("e4e4e4e4e4"))
    assert any(
        "is not a version of Demo/Terms of Service" in m for m in messages(kb_with(missing), corpus)
    )


def test_a_wrong_service_is_reported(corpus: Path) -> None:
    other = replace(GOOD, confirmed_commit=OTHER, confirmed=date(2026, 2, 1), since_commit=None)
    other = replace(other, source_url=OTHER_URL.format(OTHER), document="Privacy Policy")
    found = messages(kb_with(other), corpus)
    assert any(
        "cites Other/Privacy Policy, but 'Other' is not one of demo's Open Terms Archive "
        "services ['Demo'] (it is other's)" in m
        for m in found
    )


def test_source_url_must_name_the_cited_document_collection_and_commit(corpus: Path) -> None:
    elsewhere = replace(GOOD, source_url=OTHER_URL.format(V2))
    assert any(
        "source_url names contrib-versions/Other/Privacy Policy.md, but Demo/Terms of Service is "
        "pga-versions/Demo/Terms of Service.md" in m
        for m in messages(kb_with(elsewhere), corpus)
    )
    other_commit = replace(GOOD, source_url=DEMO_URL.format(V1))
    assert any(
        "source_url names commit b1b1b1b1b1b1, not the version cited c2c2c2c2c2c2" in m
        for m in messages(kb_with(other_commit), corpus)
    )
    renamed = replace(GOOD, document="Terms of Use")
    assert any("the document is 'Terms of Use'" in m for m in messages(kb_with(renamed), corpus))
    assert messages(kb_with(replace(renamed, ota_document="Terms of Service")), corpus) == []


def test_superseded_clause_must_be_gone_from_the_newest_version(corpus: Path) -> None:
    still = replace(GOOD, status="superseded", ended=date(2026, 1, 1))
    assert any(
        "superseded, but the quote is still in the newest version" in m
        for m in messages(kb_with(still), corpus)
    )


def test_since_commit_is_the_first_version_with_the_quote(corpus: Path) -> None:
    late = replace(GOOD, since_commit=V2, since=date(2026, 1, 1))
    assert any(
        "since_commit c2c2c2c2c2c2 is not the first version containing the quote: it is already "
        "in the version captured 2025-06-01" in m
        for m in messages(kb_with(late), corpus)
    )
    early = replace(GOOD, since_commit=V0, since=date(2025, 1, 1))
    assert any("the quote is not in that version" in m for m in messages(kb_with(early), corpus))
    no_commit = replace(GOOD, since_commit=None, since=date(2025, 12, 1))
    assert any(
        "since 2025-12-01 (captured), but the quote is already in the version captured 2025-06-01"
        in m
        for m in messages(kb_with(no_commit), corpus)
    )
    gap = replace(GOOD, since_commit=None, since_after=date(2025, 7, 1))
    assert any("since_after 2025-07-01" in m for m in messages(kb_with(gap), corpus))


def test_absence_points_at_the_newest_existing_version(corpus: Path) -> None:
    absence = Absence(
        id="demo-tos-no-ai",
        platform="demo",
        document="Terms of Service",
        topics=("third-party",),
        checked=date(2026, 1, 1),
        checked_commit=V2,
        source_url=DEMO_URL.format(V2),
    )
    assert messages(kb_with(GOOD, absences=(absence,)), corpus) == []
    old = replace(absence, checked=date(2025, 6, 1), checked_commit=V1)
    old = replace(old, source_url=DEMO_URL.format(V1))
    assert any("has a newer version" in m for m in messages(kb_with(GOOD, absences=(old,)), corpus))
    ghost = replace(absence, checked_commit="f5f5f5f5f5", source_url=DEMO_URL.format("f5f5f5f5f5"))
    assert any(
        "is not a version of" in m for m in messages(kb_with(GOOD, absences=(ghost,)), corpus)
    )


def test_research_absence_is_skipped_counted_and_covers_its_platform(corpus: Path) -> None:
    # "Other" has no clause: without an absence it is a coverage warning. A research absence
    # (its terms are not archived) cites no corpus version, so there is nothing to read again.
    research = Absence(
        id="other-terms-no-verified-clause",
        platform="other",
        document="terms",
        topics=("ai-training",),
        checked=None,
        source_url="https://press.example/other-terms",
        note="Commentators say Other may train on uploads; unverified.",
        basis="research",
    )
    report = verify(kb_with(GOOD, absences=(research,)), corpus)
    assert report.ok and report.warnings == []
    assert report.skipped == {research.id: "research absence, no archived document"}
    assert render_report(report).endswith("skipped 1 (1 research absence, no archived document)")


def test_optout_quote_is_checked_in_its_source_version(corpus: Path) -> None:
    opt = OptOut(
        id="demo-nothing-to-switch-off",
        platform="demo",
        title="No opt-out needed",
        exists="no",
        controls="Training needs consent.",
        verified=date(2026, 1, 1),
        source_url=DEMO_URL.format(V2),
        quote="We will not train AI on your 'uploads'.",
    )
    assert any(
        "demo-nothing-to-switch-off: the quote is not verbatim" in m
        for m in messages(kb_with(GOOD, optouts=(opt,)), corpus)
    )


def test_other_sources_are_skipped_and_counted(corpus: Path) -> None:
    press = replace(
        GOOD,
        id="demo-press",
        source_url="https://news.example/demo",
        confirmed_commit=None,
        since_commit=None,
        quote_source="secondary",
    )
    not_held = replace(
        GOOD,
        id="demo-faq-page",
        source_url=DEMO_URL.replace("Terms%20of%20Service", "FAQ").format(V2),
        confirmed_commit="9999999999",
        since_commit=None,
    )
    report = verify(kb_with(GOOD, press, not_held), corpus)
    assert report.ok, render_report(report)
    assert report.skipped == {
        "demo-press": "not an Open Terms Archive source",
        "demo-faq-page": "document not in the corpus",
    }
    assert "skipped 2 (1 document not in the corpus; 1 not an Open Terms Archive source)" in (
        report.summary()
    )


def test_a_missing_corpus_is_one_problem(tmp_path: Path) -> None:
    report = verify(kb_with(GOOD), tmp_path / "nowhere")
    assert not report.ok and "has no ota/ directory" in render_report(report)
