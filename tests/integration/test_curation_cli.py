"""``python -m bot faq list|add|export|import --guild ID`` as an operator runs it: a child process
on a temporary database, with a clean environment (no token, no stray settings)."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

from bot import present
from bot.app import App
from bot.store import faq_entries
from tests.conftest import PYTHON, ROOT, clean_env

GUILD = "4242"
QUESTION = "Does this server allow AI-generated tracks in the showcase channel?"
ENTRY = f"""
question = "{QUESTION}"
answer = "No: the showcase is for human-made music. <@&1> @everyone"
topics = ["ai-content"]
phrasings = ["ai tracks in showcase"]
links = ["https://example.org/server-rules"]
"""


def faq(db: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "bot", "faq", *args],
        cwd=ROOT,
        env=clean_env(FINEPRINT_DB=str(db)),
        capture_output=True,
        text=True,
        timeout=60,
    )


def ask(db: Path, question: str, guild: str = GUILD) -> dict:
    result = subprocess.run(
        [PYTHON, "-m", "bot", "ask", question, "--guild", guild, "--json"],
        cwd=ROOT,
        env=clean_env(FINEPRINT_DB=str(db)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_add_list_export_import_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "fp.db"
    empty = faq(db, "list", "--guild", GUILD)
    assert empty.returncode == 0 and "no entries of its own yet" in empty.stdout

    (tmp_path / "one.toml").write_text(ENTRY, encoding="utf-8")
    added = faq(db, "add", "--guild", GUILD, str(tmp_path / "one.toml"), "--actor", "77")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"Added guild-1: {QUESTION}"
    again = faq(db, "add", "--guild", GUILD, str(tmp_path / "one.toml"))
    assert again.returncode == 1 and "already exists as guild-1" in again.stderr

    listed = faq(db, "list", "--guild", GUILD)
    assert listed.stdout.startswith("guild-1\tv1\t[ai-content]\t")
    assert "no entries of its own yet" in faq(db, "list", "--guild", "1").stdout  # isolation

    answer = ask(db, QUESTION)["answer"]
    assert answer is not None and answer["id"] == "guild-1" and answer["kind"] == "faq"
    assert ask(db, QUESTION, guild="1")["answer"] is None

    exported = faq(db, "export", "--guild", GUILD)
    assert exported.returncode == 0
    data = tomllib.loads(exported.stdout)
    assert data["faq"][0]["id"] == "guild-1" and "@everyone" in data["faq"][0]["answer"]
    as_json = json.loads(faq(db, "export", "--guild", GUILD, "--format", "json").stdout)
    assert as_json["faq"] == data["faq"]

    edited = tmp_path / "edited.toml"
    edited.write_text(
        exported.stdout.replace("No: the showcase", "No — the showcase")
        + '\n[[faq]]\nquestion = "Who runs the AI listening party?"\n'
        'answer = "The events team."\ntopics = ["ai-content"]\n',
        encoding="utf-8",
    )
    dry = faq(db, "import", "--guild", GUILD, str(edited))
    assert dry.returncode == 0, dry.stderr
    assert "1 to add · 1 to change" in dry.stdout and "Dry run" in dry.stdout
    assert "No: the showcase" in faq(db, "export", "--guild", GUILD).stdout  # nothing applied

    applied = faq(db, "import", "--guild", GUILD, str(edited), "--apply", "--actor", "78")
    assert applied.returncode == 0, applied.stderr
    assert "Applied: 1 added, 1 changed, 0 unchanged." in applied.stdout
    listed = faq(db, "list", "--guild", GUILD).stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["guild-1", "v2"], ["guild-2", "v1"]]


def test_import_with_a_bad_row_changes_nothing_even_with_apply(tmp_path: Path) -> None:
    db = tmp_path / "fp.db"
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {"question": "First good row about AI?", "answer": "a", "topics": ["license"]},
                {
                    "question": "Bad row",
                    "answer": "b",
                    "topics": ["nope"],
                    "platforms": ["myspace"],
                },
                {"question": "Last good row about AI?", "answer": "c", "topics": ["license"]},
            ]
        ),
        encoding="utf-8",
    )
    result = faq(db, "import", "--guild", GUILD, str(bad), "--apply")
    assert result.returncode == 1
    assert "REJECT    entry 2" in result.stderr
    assert "unknown platform 'myspace'" in result.stderr and "unknown topic 'nope'" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert "no entries of its own yet" in faq(db, "list", "--guild", GUILD).stdout


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    db = tmp_path / "fp.db"
    missing = faq(db, "import", "--guild", GUILD, str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "Cannot read" in missing.stderr
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (1024 * 1024 + 1))
    too_big = faq(db, "add", "--guild", GUILD, str(big))
    assert too_big.returncode == 2 and "the limit is 1 MB" in too_big.stderr
    nothing = faq(db, "export", "--guild", GUILD)
    assert nothing.returncode == 1 and "Nothing to export" in nothing.stderr


async def test_cli_change_reaches_a_running_app_without_restart(app: App, tmp_path: Path) -> None:
    """The bot (``app``, same database file) picks up what the operator's CLI writes."""
    guild = int(GUILD)
    assert (await app.ask(QUESTION, guild_id=guild)).answer is None  # view cached, generation 0
    (tmp_path / "one.toml").write_text(ENTRY, encoding="utf-8")
    result = faq(app.settings.database, "add", "--guild", GUILD, str(tmp_path / "one.toml"))
    assert result.returncode == 0, result.stderr
    answer = (await app.ask(QUESTION, guild_id=guild)).answer
    assert answer is not None and answer.id == "guild-1"
    assert await faq_entries.generation(app.db, guild) == 1
    reply = present.answer(await app.answer(QUESTION, guild_id=guild))
    assert "@everyone" not in reply.cards[0].description  # moderators' text never pings


def test_a_deeply_nested_file_is_refused_by_name(tmp_path: Path) -> None:
    db = tmp_path / "fp.db"
    deep_json = tmp_path / "deep.json"
    deep_json.write_text("[" * 100_000 + "]" * 100_000)
    deep_toml = tmp_path / "deep.toml"
    deep_toml.write_text("question = " + "[" * 100_000 + "]" * 100_000 + "\n")
    for path, command in ((deep_json, "import"), (deep_toml, "add")):
        result = faq(db, command, "--guild", GUILD, str(path))
        assert result.returncode == 1, result.stderr
        assert f"{path.name} is nested too deeply" in result.stderr
        assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
