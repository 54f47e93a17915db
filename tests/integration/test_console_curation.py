"""Console mode reaches curation: the ``/faq`` moderator subcommands typed at the terminal.

``Console.handle()`` on a real App and SQLite file, line by line as an operator types them, and
one child ``python -m bot console`` fed the same kind of session on stdin.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest

from bot.app import App
from bot.console import CONSOLE_GUILD, Console, open_console
from bot.curation import LIST_PAGE_SIZE, OPERATOR
from bot.store import faq_audit, faq_entries
from tests.conftest import PYTHON, ROOT, clean_env

GUILD, OTHER = 4242, 77
QUESTION = "Does this server allow AI-generated tracks in the showcase channel?"
ANSWER = "No: the showcase is for human-made music."
ENTRY = f"""
question = "{QUESTION}"
answer = "{ANSWER} @everyone"
topics = ["ai-content"]
phrasings = ["ai tracks in the showcase"]
links = ["https://example.org/server-rules"]
"""


@pytest.fixture
def console(app: App) -> Console:
    return open_console(app, guild_id=GUILD)


@pytest.fixture
def entry_file(tmp_path: Path) -> Path:
    path = tmp_path / "entry.toml"
    path.write_text(ENTRY, encoding="utf-8")
    return path


def attached(text: str, name: str) -> str:
    """The file a reply carries, as the console prints it below the reply."""
    marker = f"--- {name} ---\n"
    assert marker in text, text
    return text.split(marker, 1)[1]


async def live_ids(app: App, guild: int = GUILD) -> list[str]:
    return [s.entry.id for s in await faq_entries.list_stored(app.db, guild)]


async def test_add_from_file_ask_list_history_remove_restore_export(
    app: App, console: Console, entry_file: Path
) -> None:
    added = await console.handle(f"/faq add {entry_file}")
    assert "Entry added" in added and "guild-1 · version 1" in added
    assert "@everyone" not in added  # moderators' text never pings, in the console too

    answer = await console.handle(f"/faq ask {QUESTION}")
    assert ANSWER in answer and "Answer written by this server's moderators" in answer
    assert QUESTION.rstrip("?") not in await open_console(app, guild_id=OTHER).handle(
        f"/faq ask {QUESTION}"
    )  # another server's console does not see it

    listed = await console.handle("/faq list")
    assert "This server's FAQ — 1 entry" in listed and f"guild-1 · {QUESTION}" in listed

    history = await console.handle("/faq history guild-1")
    assert "History of guild-1" in history
    assert "Added by the operator (command line)" in history

    # removal waits for "yes"; anything else keeps the entry
    asked = await console.handle("/faq remove guild-1")
    assert "Remove guild-1?" in asked and asked.endswith(
        "Type yes to confirm the removal; anything else keeps the entry."
    )
    assert await console.handle("no") == "Kept — nothing was removed."
    assert await live_ids(app) == ["guild-1"]
    await console.handle("/faq remove guild-1")
    removed = await console.handle("yes")
    assert "Entry removed" in removed and "/faqmod restore guild-1" in removed
    assert await live_ids(app) == []
    assert "Not sure what you're asking" in await console.handle(f"/faq ask {QUESTION}")

    restored = await console.handle("/faq restore guild-1")
    assert "Entry restored" in restored and "version 3" in restored
    assert ANSWER in await console.handle(f"/faq ask {QUESTION}")

    exported = await console.handle("/faq export")
    assert "FAQ export" in exported
    data = tomllib.loads(attached(exported, f"faq-{GUILD}.toml"))
    assert [(r["id"], r["question"]) for r in data["faq"]] == [("guild-1", QUESTION)]
    as_json = json.loads(attached(await console.handle("/faq export json"), f"faq-{GUILD}.json"))
    assert as_json["faq"] == data["faq"]

    trail = await faq_audit.audit_trail(app.db, GUILD, "guild-1", limit=10, offset=0)
    assert [r.action for r in trail] == ["restore", "remove", "add"]
    assert {r.actor_id for r in trail} == {OPERATOR}  # the console operator


async def test_add_asks_for_each_field_of_the_form(app: App, console: Console) -> None:
    assert (await console.handle("/faq add")).endswith("Question:")
    assert "phrasings" not in await console.handle(QUESTION)  # prompts for other phrasings
    assert await console.handle("ai tracks in the showcase") == ""  # more phrasings...
    assert await console.handle("ai music in the showcase") == ""
    assert (await console.handle("")).startswith("Answer")  # ...until a blank line
    assert (await console.handle(ANSWER)).startswith("Platforms and topics")
    assert (await console.handle("ai-content")).startswith("Source links")
    saved = await console.handle("https://example.org/server-rules")
    assert "Entry added" in saved and "ai music in the showcase" in saved
    [stored] = await faq_entries.list_stored(app.db, GUILD)
    assert stored.entry.phrasings == ("ai tracks in the showcase", "ai music in the showcase")
    assert stored.entry.links == ("https://example.org/server-rules",)

    # the same rules as the Discord form: a duplicate question is refused, nothing is added
    for line in ["/faq add", QUESTION.upper(), "", "Another answer", "ai-content"]:
        await console.handle(line)
    refused = await console.handle("")
    assert "That question already has an entry" in refused
    assert await live_ids(app) == ["guild-1"]

    await console.handle("/faq add")
    assert await console.handle("/cancel") == "Cancelled — nothing was added."
    assert "Unknown command" not in await console.handle("/faq list")


async def test_import_previews_then_applies_only_on_yes(
    app: App, console: Console, entry_file: Path, tmp_path: Path
) -> None:
    await console.handle(f"/faq add {entry_file}")
    changed = tmp_path / "changed.toml"
    changed.write_text(
        '[[faq]]\nid = "guild-1"'
        + ENTRY.replace("No:", "Nope:")
        + '\n[[faq]]\nquestion = "Who runs the AI listening party?"\nanswer = "The mods."\n'
        'topics = ["ai-content"]\n',
        encoding="utf-8",
    )
    preview = await console.handle(f"/faq import {changed}")
    assert "1 to add · 1 to change · 0 unchanged · 0 rejected" in preview
    assert preview.endswith("Type yes to apply the import; anything else cancels it.")
    assert await console.handle("nope") == "Import cancelled — nothing was changed."
    assert await live_ids(app) == ["guild-1"]

    await console.handle(f"/faq import {changed}")
    # a command typed instead of an answer cancels, then runs
    out = await console.handle("/faq list")
    assert out.startswith("Import cancelled") and "1 entry" in out

    await console.handle(f"/faq import {changed}")
    assert "Import applied" in await console.handle("YES")
    assert await live_ids(app) == ["guild-1", "guild-2"]

    assert "already exists as guild-1" in await console.handle(f"/faq add {entry_file}")
    assert "Can't read that file" in await console.handle(f"/faq import {tmp_path / 'no.toml'}")


async def test_list_pages_turn_with_numbers(app: App, console: Console, tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.toml"
    bulk.write_text(
        "".join(
            f'[[faq]]\nquestion = "Server rule question number {n}?"\nanswer = "A."\n'
            'topics = ["ai-content"]\n\n'
            for n in range(LIST_PAGE_SIZE + 1)
        ),
        encoding="utf-8",
    )
    await console.handle(f"/faq import {bulk}")
    await console.handle("yes")
    first = await console.handle("/faq list")
    assert "Page 1 of 2" in first and first.endswith("Buttons: [1] Next page")
    second = await console.handle("1")
    assert "Page 2 of 2" in second and second.endswith("Buttons: [1] Previous page")
    assert "Page 1 of 2" in await console.handle("1")


async def test_hide_unhide_suggest_queue_and_edit_refusal(app: App, console: Console) -> None:
    if not app.kb.faq:
        pytest.skip("no shipped FAQ entries in this data/ checkout")
    shipped = next(iter(app.kb.faq.values()))
    assert "Hidden in this server" in await console.handle(f"/faq hide {shipped.id}")
    assert (await app.ask(shipped.question, guild_id=GUILD)).answer.id != shipped.id
    assert "Already hidden" in await console.handle(f"/faq hide {shipped.id}")
    assert "Shown again" in await console.handle(f"/faq unhide {shipped.id}")

    receipt = await console.handle("/faq suggest Can I sell AI covers here? | Ask the mods")
    assert "Thanks for the suggestion!" in receipt
    queue = await console.handle("/faq queue")
    assert "Suggestion #1" in queue and "Can I sell AI covers here?" in queue
    assert "1 of 1 waiting" in queue

    # editing an entry that does not exist is refused like the cog refuses it
    assert "This server has no entry guild-1" in await console.handle("/faq edit guild-1")
    assert "Usage: `/faqmod remove <entry>`" in await console.handle("/faq remove")
    # anything that is not a subcommand is still a question
    assert "I answer questions about platforms' AI terms" in await console.handle(
        "/faq how do i mix vocals"
    )


async def test_console_defaults_to_its_own_pseudo_server(app: App) -> None:
    console = open_console(app)
    assert console.guild_id == CONSOLE_GUILD
    assert "No entries yet" in await console.handle("/faq list")


def test_console_subprocess_curates_a_server(tmp_path: Path, entry_file: Path) -> None:
    script = "\n".join(
        [
            f"/faq add {entry_file}",
            f"/faq ask {QUESTION}",
            "/faq list",
            "/faq remove guild-1",
            "no",
            "/faq remove guild-1",
            "yes",
            "/faq history guild-1",
            "/faq restore guild-1",
            "/faq export",
        ]
    )
    db = tmp_path / "console.db"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PYTHON, "-m", "bot", *args],
            cwd=ROOT,
            env=clean_env(FINEPRINT_DB=str(db)),
            input=script + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )

    result = run("console", "--guild", str(GUILD))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Server: {GUILD}" in out
    for expected in [
        "Entry added",
        ANSWER,
        f"guild-1 · {QUESTION}",
        "Kept — nothing was removed.",
        "Entry removed",
        "Removed by the operator (command line)",
        "Entry restored",
        f"--- faq-{GUILD}.toml ---",
    ]:
        assert expected in out, expected
    # the CLI sees what the console did: same database, same server
    listed = subprocess.run(
        [PYTHON, "-m", "bot", "faq", "list", "--guild", str(GUILD)],
        cwd=ROOT,
        env=clean_env(FINEPRINT_DB=str(db)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.stdout.startswith("guild-1\tv3\t[ai-content]\t")

    pseudo = run("console")  # no --guild: the console's own server, said in the banner
    assert pseudo.returncode == 0, pseudo.stderr
    assert f"pseudo-server, id {CONSOLE_GUILD}" in pseudo.stdout
    assert "Entry added" in pseudo.stdout  # a fresh server: guild-1 is added there too


async def test_console_edits_with_the_current_text_kept_on_enter(app) -> None:
    from bot.console import open_console

    console = open_console(app, guild_id=4242)
    await console.handle("/faq add")
    for line in ("Is Audius training AI?", "audius ai", "", "Not that we know.", "ai-training", ""):
        out = await console.handle(line)
    assert "Saved" in out or "added" in out.lower()
    [entry] = (await app.guild_view(4242)).index.entries
    shown = await console.handle(f"/faq edit {entry.id}")
    assert "now: Is Audius training AI?" in shown
    for line in ("", "", "We found no such clause as of 2026.", "", ""):
        out = await console.handle(line)
    [edited] = (await app.guild_view(4242)).index.entries
    assert edited.question == "Is Audius training AI?"  # kept by pressing Enter
    assert edited.phrasings == ("audius ai",)
    assert edited.answer == "We found no such clause as of 2026."
    assert edited.version == entry.version + 1


async def test_console_approves_and_rejects_suggestions(app) -> None:
    from bot.console import open_console

    console = open_console(app, guild_id=4343)
    await console.handle("/faq suggest does bandlab train ai | no idea")
    await console.handle("/faq suggest is mixcloud safe")
    queue = await console.handle("/faq queue")
    assert "/faqmod approve 1" in queue and "/faqmod reject 1" in queue
    prompt = await console.handle("/faq approve 1")
    assert "now: does bandlab train ai" in prompt
    for line in ("", "", "We have no verified information about BandLab yet.", "ai-training", ""):
        out = await console.handle(line)
    assert "BandLab" in out
    declined = await console.handle("/faq reject 2 out of scope")
    assert "declined" in declined and "out of scope" in declined
    assert "No suggestions waiting" in await console.handle("/faq queue")


async def test_a_deeply_nested_import_is_a_clear_message(console: Console, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"faq": [' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "]}")
    out = await console.handle(f"/faq import {deep}")
    assert "deep.json is nested too deeply" in out
    assert "failed unexpectedly" not in out
