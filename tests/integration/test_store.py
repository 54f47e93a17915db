"""Storage on a real SQLite file: WAL, migrations, refusal of newer schemas, online backup."""

import sqlite3
import subprocess
from pathlib import Path

import aiosqlite
import pytest

from bot.store import guild_config
from bot.store.backup import BackupError
from bot.store.db import Database
from bot.store.migrations import MigrationError, apply_migrations, known_migrations
from tests.conftest import PYTHON, ROOT, clean_env

LATEST = known_migrations()[-1].version


async def test_connect_applies_migrations_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    async with Database(path) as db:
        row = await db.fetchone("PRAGMA journal_mode")
        assert row[0] == "wal"
        row = await db.fetchone("PRAGMA user_version")
        assert row[0] == LATEST
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert {"guild_config", "guild_faq", "faq_audit"} <= tables


async def test_rerunning_migrations_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    async with Database(path) as db:
        await guild_config.set_mod_role(db, 1, 42, actor_id=7)
    async with aiosqlite.connect(path) as conn:
        assert await apply_migrations(conn) == []
    async with Database(path) as db:
        assert await guild_config.mod_role(db, 1) == 42


async def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    with pytest.raises(MigrationError, match="newer than this Fine Print knows"):
        await Database(path).connect()


async def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    async with Database(tmp_path / "f.db") as db:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await guild_config.set_mod_role(db, 5, 99, actor_id=1, conn=conn)
                raise RuntimeError("boom")
        assert await guild_config.mod_role(db, 5) is None


async def test_first_notice_is_true_once(tmp_path: Path) -> None:
    async with Database(tmp_path / "f.db") as db:
        assert await guild_config.first_notice(db, 1, "paused:x")
        assert not await guild_config.first_notice(db, 1, "paused:x")
        await guild_config.clear_notice(db, 1, "paused:x")
        assert await guild_config.first_notice(db, 1, "paused:x")


async def test_online_backup_is_consistent_and_never_overwrites(tmp_path: Path) -> None:
    async with Database(tmp_path / "f.db") as db:
        for guild in range(50):
            await guild_config.set_mod_role(db, guild, guild + 1000, actor_id=1)
        target = await db.backup(tmp_path / "copy.db")
        with pytest.raises(BackupError, match="already exists"):
            await db.backup(target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM guild_config").fetchone()[0] == 50
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def run_bot_cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "bot", *args],
        cwd=ROOT,
        env=clean_env(FINEPRINT_DB=str(db)),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_db_cli_migrate_twice_and_backup(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    first = run_bot_cli("db", "migrate", db=db)
    assert first.returncode == 0, first.stderr
    assert f"from version 0 to {LATEST}" in first.stdout
    again = run_bot_cli("db", "migrate", db=db)
    assert "up to date" in again.stdout
    backup = run_bot_cli("db", "backup", str(tmp_path / "b.db"), db=db)
    assert backup.returncode == 0 and (tmp_path / "b.db").exists()
    refused = run_bot_cli("db", "backup", str(tmp_path / "b.db"), db=db)
    assert refused.returncode == 1 and "already exists" in refused.stderr


def test_db_cli_refuses_newer_schema(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    result = run_bot_cli("db", "migrate", db=db)
    assert result.returncode == 1
    assert "newer than this Fine Print knows" in result.stderr


def test_bad_setting_is_named_at_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "bot", "data", "check"],
        cwd=ROOT,
        env=clean_env(FINEPRINT_LOG_LEVEL="chatty"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "FINEPRINT_LOG_LEVEL" in result.stderr


async def test_db_review_cli_lists_and_resolves_flagged_clauses(tmp_path: Path) -> None:
    from bot.store import reviews

    db_file = tmp_path / "review.db"
    assert "No curated clause needs review" in run_bot_cli("db", "review", db=db_file).stdout
    async with Database(db_file) as db, db.transaction() as conn:
        await reviews.flag(conn, "soundcloud-tou-2025-genai-consent", "soundcloud-terms")
    listed = run_bot_cli("db", "review", db=db_file).stdout
    assert "soundcloud-tou-2025-genai-consent: quote not found in soundcloud-terms" in listed
    done = run_bot_cli("db", "review", "--resolve", "soundcloud-tou-2025-genai-consent", db=db_file)
    assert done.returncode == 0 and "Marked" in done.stdout
    assert "No curated clause needs review" in run_bot_cli("db", "review", db=db_file).stdout
