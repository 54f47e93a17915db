"""Replay real terms histories (Open Terms Archive versions) through a ``page`` source.

Each document's versions are served in order, as Markdown, by a loopback server; the watcher
polls after each one. The table records which steps alert and which are judged AI-relevant.

SoundCloud: the corpus starts at the May 2025 text (OTA's first capture, 2025-05-27), which
already holds the new AI clause, so the February 2024 → May 2025 step is constructed: the first
version with its May 2025 AI sentence replaced by the February 2024 sentence quoted in the
research (ai-terms-facts.md), served before the real versions.

The corpus lives beside the project: ``FINEPRINT_CORPUS`` or ``../shared/corpus``; the tests are
skipped when it is absent. ``python -m tests.integration.test_replay_corpus`` prints the table.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATA_DIR, Settings
from bot.knowledge.loader import load_knowledge
from bot.knowledge.platforms import PlatformDetector
from bot.store.db import Database
from bot.watch.fetch import Fetcher
from bot.watch.scheduler import WatchPolicy
from bot.watch.service import Watcher
from bot.watch.sources import SourceSpec
from bot.watch.workers import ParsePool
from tests.integration.conftest import REPO, FakeWeb

PLATFORMS = {
    "SoundCloud": "soundcloud",
    "Reddit": "reddit",
    "Instagram": "meta",
    "Spotify": "spotify",
    "TikTok": "tiktok",
    "Tumblr": "tumblr",
    "Discord": "discord",
}
FEB_2024 = (
    "In the absence of a separate agreement that states otherwise, You explicitly agree that "
    "your Content may be used to inform, train, develop or serve as input to artificial "
    "intelligence or machine intelligence technologies or services as part of and for "
    "providing the services."
)
MAY_2025 = (
    "We will not use your content to train generative AI models that aim to replicate or "
    "synthesize your voice, music, or likeness without your explicit consent, which must be "
    "affirmatively provided through an opt-in mechanism."
)
CONSTRUCTED = "constructed Feb 2024"


def corpus_dir() -> Path:
    return Path(os.environ.get("FINEPRINT_CORPUS") or REPO.parent / "shared" / "corpus")


@dataclass(frozen=True)
class Step:
    document: str  # "Service/Terms Type"
    index: int
    date: str
    label: str  # file name, or how the version was made
    alert: bool
    ai_relevant: bool
    terms: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def versions(doc_dir: Path) -> list[tuple[str, str, str]]:
    """(date, label, text) oldest first, with the constructed SoundCloud step in front."""
    listed = json.loads((doc_dir / "versions.json").read_text(encoding="utf-8"))["versions"]
    out = [
        (v["recorded_at"][:10], v["file"], (doc_dir / v["file"]).read_text(encoding="utf-8"))
        for v in listed
    ]
    if doc_dir.parent.name == "SoundCloud" and out and MAY_2025 in out[0][2]:
        first = out[0][2].replace(MAY_2025, FEB_2024)
        out.insert(0, ("2024-02-07", CONSTRUCTED, first))
    return out


async def replay(root: Path, documents: list[str] | None = None) -> list[Step]:
    kb = load_knowledge(DEFAULT_DATA_DIR)
    web = FakeWeb()
    await web.start()
    fetcher = Fetcher(allow_private=True)
    parsers = ParsePool()  # one pool for all the documents' watchers, as one bot has one
    steps: list[Step] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "replay.db", allow_private_networks=True)
        db = await Database(settings.database).connect()
        try:
            doc_dirs = sorted(p for p in (root / "ota").glob("*/*") if p.is_dir())
            for doc_dir in doc_dirs:
                name = f"{doc_dir.parent.name}/{doc_dir.name}"
                if documents and name not in documents:
                    continue
                path = "/" + name.replace(" ", "_") + ".md"
                spec = SourceSpec(
                    id=name.lower().replace("/", "-").replace(" ", "-"),
                    kind="page",
                    url=web.url(path),
                    platform=PLATFORMS.get(doc_dir.parent.name),
                    document=doc_dir.name,
                )
                watcher = Watcher(
                    db, kb, PlatformDetector(kb.platforms), settings, [spec],
                    fetcher=fetcher, policy=WatchPolicy(jitter=0), parsers=parsers,
                )  # fmt: skip
                try:
                    for index, (date, label, text) in enumerate(versions(doc_dir)):
                        web.set(path, text, content_type="text/markdown; charset=utf-8")
                        alerts = await watcher.poll_once()
                        a = alerts[0] if alerts else None
                        steps.append(
                            Step(
                                name, index, date, label, a is not None,
                                bool(a and a.ai_relevant), a.why[:4] if a else (),
                                a.added if a else (), a.removed if a else (),
                            )
                        )  # fmt: skip
                finally:
                    await watcher.close()
        finally:
            await db.close()
            await fetcher.close()
            await parsers.close()
            await web.stop()
    return steps


def table(steps: list[Step]) -> str:
    lines = [f"{'document':32} {'step':>4} {'date':10} {'alert':5} {'AI':3} top terms"]
    for s in steps:
        lines.append(
            f"{s.document:32} {s.index:>4} {s.date:10} {'yes' if s.alert else '-':5} "
            f"{'AI' if s.ai_relevant else '-':3} {', '.join(s.terms)}"
            + (f"   ({s.label})" if s.label == CONSTRUCTED else "")
        )
    alerts = sum(s.alert for s in steps)
    relevant = sum(s.ai_relevant for s in steps)
    lines.append(f"{len(steps)} versions replayed: {alerts} alerts, {relevant} AI-relevant")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def replayed() -> list[Step]:
    root = corpus_dir()
    if not (root / "ota").is_dir():
        pytest.skip(f"corpus not found at {root} (set FINEPRINT_CORPUS to replay it)")
    steps = asyncio.run(replay(root))
    print("\n" + table(steps))
    return steps


def _steps(steps: list[Step], document: str) -> list[Step]:
    return [s for s in steps if s.document == document]


def test_first_version_of_each_document_is_a_silent_baseline(replayed):
    for document in {s.document for s in replayed}:
        assert not _steps(replayed, document)[0].alert, document


def test_soundcloud_may_2025_revision_is_ai_relevant(replayed):
    sc = _steps(replayed, "SoundCloud/Terms of Service")
    assert sc[0].label == CONSTRUCTED
    may = sc[1]
    assert may.label == "000_2025-05-27.md" and may.alert and may.ai_relevant
    assert any("We will not use your content to train generative AI" in p for p in may.added)
    assert any("inform, train, develop or serve as input" in p for p in may.removed)


def test_reddit_training_clause_is_ai_relevant(replayed):
    reddit = _steps(replayed, "Reddit/Terms of Service")
    step = next(
        s for s in reddit if any("train AI and machine learning models" in p for p in s.added)
    )
    assert step.date.startswith("2024-0") and step.alert and step.ai_relevant
    assert "train" in step.terms


def test_instagram_changes_that_do_not_touch_ai_are_not_flagged(replayed):
    insta = _steps(replayed, "Instagram/Terms of Service")
    flagged = [s for s in insta if s.ai_relevant]
    for s in flagged:  # anything flagged must have changed AI wording
        text = " ".join(s.added + s.removed).lower()
        assert "train" in text or "artificial intelligence" in text or "machine learning" in text
    assert len(flagged) <= 2
    # The January 2025 version mentions the "Meta AI Terms" without any data use: not flagged.
    jan_2025 = next(s for s in insta if s.label == "056_2025-01-03.md")
    assert jan_2025.alert and not jan_2025.ai_relevant
    # Many steps differ only in signed image URLs: those are not even changes.
    assert sum(s.alert for s in insta) < len(insta) / 2


def main() -> int:
    root = corpus_dir()
    if not (root / "ota").is_dir():
        print(f"corpus not found at {root}; set FINEPRINT_CORPUS", file=sys.stderr)
        return 1
    print(table(asyncio.run(replay(root, sys.argv[1:] or None))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
