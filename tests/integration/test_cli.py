"""The command line a user (and the project's checks) relies on: `ask --json` and console mode."""

import json
import subprocess
from pathlib import Path

from tests.conftest import PYTHON, ROOT, clean_env

ANSWER_KEYS = {"kind", "id", "platform", "topic", "title", "score"}


def run(
    args: list[str], tmp_path: Path, stdin: str | None = None, *, db: str | Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "bot", *args],
        cwd=ROOT,
        env=clean_env(FINEPRINT_DB=str(db or tmp_path / "cli.db")),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_ask_json_has_exactly_the_documented_shape(tmp_path: Path) -> None:
    result = run(["ask", "does soundcloud train ai on my music", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"query", "platform", "topic", "language", "answer", "alternatives"}
    assert data["query"] == "does soundcloud train ai on my music"
    assert data["language"] == "en"
    assert data["platform"] == "soundcloud"
    assert data["topic"] == "ai-training"
    assert set(data["answer"]) == ANSWER_KEYS
    assert data["answer"]["kind"] in {"clause", "optout", "faq", "event"}
    assert 0 <= data["answer"]["score"] <= 100
    assert data["answer"]["platform"] == "soundcloud"
    assert len(data["alternatives"]) <= 4
    for alt in data["alternatives"]:
        assert set(alt) == ANSWER_KEYS


def test_ask_answers_in_the_questions_language_or_the_one_asked_for(tmp_path: Path) -> None:
    asked = "est-ce que SoundCloud entraîne son IA avec ma musique ?"
    data = json.loads(run(["ask", asked, "--json"], tmp_path).stdout)
    assert data["language"] == "fr" and data["platform"] == "soundcloud"
    forced = json.loads(run(["ask", asked, "--json", "--lang", "pt-BR"], tmp_path).stdout)
    assert forced["language"] == "pt"
    short = json.loads(run(["ask", "sc ai", "--json"], tmp_path).stdout)
    assert short["language"] == "en"  # too short to tell: English
    text = run(["ask", asked, "--lang", "de"], tmp_path)
    assert "Quelle" in text.stdout and "Stand" in text.stdout, text.stdout  # German labels
    bad = run(["ask", asked, "--lang", "ja"], tmp_path)
    assert bad.returncode == 2 and "en, fr, it, es, de, pt, id" in bad.stderr


def test_ask_json_off_topic_has_null_answer(tmp_path: Path) -> None:
    result = run(["ask", "what's the best reverb plugin for vocals", "--json"], tmp_path)
    data = json.loads(result.stdout)
    assert data["answer"] is None
    assert data["platform"] is None


def test_console_mode_without_token(tmp_path: Path) -> None:
    script = "/terms soundcloud ai\n1\n/optout sc\n/faq ask how do i mix vocals\n/nope\n"
    result = run([], tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "console mode" in out
    # /terms soundcloud ai: the quoted clause, its dates and source
    assert "We will not use your content to train generative AI models" in out
    assert "Effective:" in out and "As of:" in out
    assert "Buttons: [1] Opt-out steps" in out
    # pressing 1 shows the opt-out answer
    assert "No opt-out setting" in out
    # an off-topic question is not answered with a guess: it is told what the bot answers
    assert "I answer questions about platforms' AI terms" in out
    assert "Unknown command /nope" in out


def test_data_check_reports_a_bad_translation_at_its_file_and_line(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    ok = subprocess.run(
        [PYTHON, "-m", "bot", "data", "check"],
        cwd=ROOT,
        env=clean_env(FINEPRINT_DATA=str(data)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert "interface in en, fr, it, es, de, pt, id" in ok.stdout
    de = data / "i18n" / "de" / "ui.toml"
    lines = de.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith('"history.title"'))
    lines[n] = '"history.title" = "Was sich wann geändert hat"'  # {platform} dropped
    de.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = subprocess.run(
        [PYTHON, "-m", "bot", "data", "check"],
        cwd=ROOT,
        env=clean_env(FINEPRINT_DATA=str(data)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert f"{de}:{n + 1}: history.title: placeholder(s) missing: {{platform}}" in bad.stderr
