"""``python -m bot data verify``: the shipped quotes against the real Open Terms Archive corpus.

The corpus lives beside the project (``FINEPRINT_CORPUS`` or ``../shared/corpus``, as for the
replay tests); the real-corpus test is skipped, with the reason printed, when it is absent.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATA_DIR
from bot.knowledge.loader import load_knowledge
from bot.knowledge.verify import render_report, verify
from tests.conftest import PYTHON, ROOT, clean_env
from tests.integration.test_replay_corpus import corpus_dir


def real_corpus() -> Path:
    root = corpus_dir()
    if not (root / "ota").is_dir():
        reason = f"corpus not found at {root} (set FINEPRINT_CORPUS to verify the quotes)"
        print(f"\nSKIP data verify: {reason}")
        pytest.skip(reason)
    return root


def run_verify(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "bot", "data", "verify", *args],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_shipped_quote_matches_the_corpus() -> None:
    root = real_corpus()
    report = verify(load_knowledge(DEFAULT_DATA_DIR), root)
    print("\n" + render_report(report))
    assert report.ok, render_report(report)
    assert len(report.checked) >= 40  # most clauses cite a corpus version


def test_cli_exits_zero_with_a_summary_on_the_real_corpus() -> None:
    root = real_corpus()
    done = run_verify("--corpus", str(root))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("OK: 0 problem(s); checked ")


def test_cli_lists_every_problem_and_exits_non_zero(tmp_path: Path) -> None:
    # A corpus whose only SoundCloud version (with the commit the data cites) lacks the quotes.
    folder = tmp_path / "ota" / "SoundCloud" / "Terms of Service"
    folder.mkdir(parents=True)
    (folder / "000_2026-08-17.md").write_text("Terms of Use\n\nNothing about AI here.\n")
    kb = load_knowledge(DEFAULT_DATA_DIR)
    commit = kb.clauses["soundcloud-tou-2025-genai-consent"].confirmed_commit
    listing = {
        "service": "SoundCloud",
        "terms_type": "Terms of Service",
        "source": "OpenTermsArchive/pga-versions",
        "versions": [
            {
                "file": "000_2026-08-17.md",
                "recorded_at": "2026-08-17T12:54:25+00:00",
                "commit": commit,
            }
        ],
    }
    (folder / "versions.json").write_text(json.dumps(listing))
    done = run_verify("--corpus", str(tmp_path))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[-1].startswith("FAILED: ")
    wrong = [line for line in lines if "not verbatim in the version it cites" in line]
    assert {line.split(": ")[1] for line in wrong} >= {
        "soundcloud-tou-2025-genai-consent",
        "soundcloud-tou-rightsholder-ai",
        "soundcloud-tou-genai-impersonation",
        "soundcloud-tou-license-grant",
    }
    assert all("data/platforms/soundcloud.toml:" in line for line in wrong)


def test_cli_without_a_corpus_says_so(tmp_path: Path) -> None:
    done = run_verify("--corpus", str(tmp_path / "missing"))
    assert done.returncode == 1
    assert "has no ota/ directory" in done.stderr
