"""One poller and deliverer per database: a second process is refused, read-only ones are not."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.store.lock import InstanceLock, InstanceLocked
from tests.conftest import NO_SOURCES, clean_env
from tests.integration.conftest import REPO


async def run(*args: str, db: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        cwd=REPO, env=clean_env(FINEPRINT_DB=str(db)),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, out.decode(), err.decode()


async def start_watcher(db: Path) -> asyncio.subprocess.Process:
    """``python -m bot watch`` (the scheduler loop), once it holds the database."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "watch", "--db", str(db), "--sources", str(NO_SOURCES),
        cwd=REPO, env=clean_env(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    async with asyncio.timeout(60):
        while b"Ctrl-C to stop" not in (line := await proc.stderr.readline()):
            assert line, "the watcher exited before it started"
    return proc


async def test_a_second_process_on_the_same_database_is_refused(tmp_path):
    db = tmp_path / "fp.db"
    first = await start_watcher(db)
    try:
        for args in (("watch", "--once", "--db", str(db)), ("console",)):
            code, out, err = await run(*args, db=db)
            assert code == 1, (args, out, err)
            assert str(db.resolve()) in err and "already polling and delivering" in err, err
            assert f"process {first.pid}" in err
            assert "Traceback" not in err

        # Read-only commands still work while it runs.
        code, out, err = await run("watch", "--status", "--db", str(db), db=db)
        assert code == 0, err
        code, out, err = await run("db", "backup", str(tmp_path / "copy.db"), db=db)
        assert code == 0 and (tmp_path / "copy.db").exists(), err
        code, out, err = await run("ask", "does soundcloud train ai", "--json", db=db)
        assert code == 0, err
    finally:
        first.send_signal(signal.SIGKILL)  # kill -9: the OS drops the lock with the process
        await first.wait()

    code, out, err = await run("watch", "--once", "--db", str(db), db=db)
    assert code == 0, err


def test_the_lock_is_exclusive_within_a_process_too_and_released(tmp_path):
    db = tmp_path / "fp.db"
    with InstanceLock(db) as held:
        assert held.held and held.path == tmp_path / "fp.db.lock"
        assert held.path.read_text().strip() == str(os.getpid())
        with pytest.raises(InstanceLocked) as refused:
            InstanceLock(db).acquire()
        assert str(db) in str(refused.value) and "FINEPRINT_DB" in str(refused.value)
    with InstanceLock(db):
        pass
