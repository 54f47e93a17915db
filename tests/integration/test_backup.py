"""``db backup`` is atomic: a complete, checked file under the target name, or nothing there."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import guild_config
from bot.store.db import BackupError, Database
from bot.store.db import sqlite_backup as backup_module
from tests.conftest import ROOT

GUILDS = 200


async def filled(path: Path) -> Database:
    db = await Database(path).connect()
    for guild in range(GUILDS):
        await guild_config.set_mod_role(db, guild, guild + 1000, actor_id=1)
    return db


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial-" in p.name)


async def test_a_backup_is_one_checked_self_contained_file(tmp_path):
    db = await filled(tmp_path / "live.db")
    try:
        target = await db.backup(tmp_path / "copy.db")
    finally:
        await db.close()
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM guild_config").fetchone()[0] == GUILDS
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "copy.db-wal").exists()


async def test_an_existing_target_is_never_overwritten(tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"an older backup")
    db = await filled(tmp_path / "live.db")
    try:
        with pytest.raises(BackupError, match="already exists"):
            await db.backup(target)
    finally:
        await db.close()
    assert target.read_bytes() == b"an older backup"
    assert leftovers(tmp_path) == []


async def test_a_target_created_during_the_backup_is_not_replaced(tmp_path, monkeypatch):
    target = tmp_path / "copy.db"
    real_sync = backup_module._sync

    def sync_then_someone_writes(path: Path) -> None:
        real_sync(path)
        target.write_bytes(b"written meanwhile")

    monkeypatch.setattr(backup_module, "_sync", sync_then_someone_writes)
    db = await filled(tmp_path / "live.db")
    try:
        with pytest.raises(BackupError, match="appeared while backing up"):
            await db.backup(target)
    finally:
        await db.close()
    assert target.read_bytes() == b"written meanwhile"
    assert leftovers(tmp_path) == []


async def test_a_copy_that_fails_its_integrity_check_is_not_published(tmp_path, monkeypatch):
    real_sync = backup_module._sync

    def sync_then_corrupt(path: Path) -> None:  # a fault injected between copy and check
        with open(path, "r+b") as f:
            f.seek(4096)  # page 2 onwards: the tables' b-tree pages
            f.write(os.urandom(8192))
        real_sync(path)

    monkeypatch.setattr(backup_module, "_sync", sync_then_corrupt)
    db = await filled(tmp_path / "live.db")
    try:
        with pytest.raises(BackupError, match="integrity check"):
            await db.backup(tmp_path / "copy.db")
    finally:
        await db.close()
    assert not (tmp_path / "copy.db").exists()
    assert leftovers(tmp_path) == []


CHILD = """
import asyncio, sys, time
from pathlib import Path
import bot.store.db.sqlite_backup as backup
from bot.store.db import Database

async def hold(uri):  # copied and fsynced, not yet checked or published: wait to be killed
    print("copied", flush=True)
    time.sleep(120)

backup._verify = hold

async def main():
    db = await Database(sys.argv[1]).connect()
    await db.backup(Path(sys.argv[2]))

asyncio.run(main())
"""


def kill_9_mid_backup(live: Path, target: Path) -> tuple[int, Path]:
    """Run a backup in a child process, ``kill -9`` it between copy and publish; its exit
    status and the temporary file it was writing."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(live), str(target)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "copied"
        partial = target.with_name(f".{target.name}.partial-{child.pid}")
        assert partial.stat().st_size > 0  # the full copy is there, under its temporary name
        child.send_signal(signal.SIGKILL)
        return child.wait(timeout=10), partial
    finally:
        if child.poll() is None:
            child.kill()


async def test_a_backup_killed_mid_way_leaves_no_target(tmp_path):
    db = await filled(tmp_path / "live.db")
    await db.close()
    target = tmp_path / "copy.db"
    status, partial = kill_9_mid_backup(tmp_path / "live.db", target)
    assert status == -signal.SIGKILL
    assert not target.exists()  # nothing that could be mistaken for a backup
    assert leftovers(tmp_path) == [partial.name]

    # The next backup (another process) works, and never uses the leftover.
    db = await Database(tmp_path / "live.db").connect()
    try:
        await db.backup(target)
    finally:
        await db.close()
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM guild_config").fetchone()[0] == GUILDS
