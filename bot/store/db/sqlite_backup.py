"""``python -m bot db backup PATH``: a copy that is either complete and checked, or not there.

Writing straight into PATH meant a killed backup left a full-size file that opened as an empty
database — a backup that looks fine until the day it is needed. So:

1. copy the live database with SQLite's online backup API into a temporary file beside PATH
   (same folder, so the last step is a rename within one filesystem), named
   ``.<name>.partial-<pid>`` so a leftover is recognisable and never mistaken for a backup;
2. switch the copy to a rollback journal (one self-contained file, no ``-wal`` beside it);
3. ``fsync`` it, then ``PRAGMA integrity_check`` it (read-only);
4. publish it under PATH with ``link`` — which refuses to replace an existing file, even one
   that appeared meanwhile — remove the temporary name, and ``fsync`` the folder.

Any failure removes the temporary file; a process killed at any point leaves at most that
temporary file, never PATH. An existing PATH is never overwritten.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

import aiosqlite

from bot.store.db.base import BackupError

# Filesystems without hard links answer link() with one of these; there we rename instead,
# after checking the target is still absent (the only window in which a file created meanwhile
# could be replaced).
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK}


def partial_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


async def write_backup(source: aiosqlite.Connection, target: Path) -> Path:
    """Back ``source`` up to ``target`` through the steps above; raises ``BackupError``."""
    target = Path(target)
    partial = _prepare(target)
    try:
        await _copy(source, partial)
        _sync(partial)
        await _verify(_read_only_uri(partial))
        _publish(partial, target)
    except BaseException:
        _discard(partial)
        raise
    return target


def _prepare(target: Path) -> Path:
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    partial = partial_path(target)
    _discard(partial)  # a leftover of an earlier, killed run with this pid
    return partial


def _discard(partial: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


async def _copy(source: aiosqlite.Connection, partial: Path) -> None:
    dest = await aiosqlite.connect(str(partial))
    try:
        await source.backup(dest)
        await dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        await dest.close()


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


async def _verify(uri: str) -> None:
    try:
        async with (
            aiosqlite.connect(uri, uri=True) as conn,
            conn.execute("PRAGMA integrity_check") as cur,
        ):
            rows = [row[0] for row in await cur.fetchall()]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the copy failed its integrity check: {exc}") from exc
    if rows != ["ok"]:
        raise BackupError(f"the copy failed its integrity check: {'; '.join(rows[:3])}")


def _publish(partial: Path, target: Path) -> None:
    try:
        os.link(partial, target)
    except FileExistsError:
        raise BackupError(f"{target} appeared while backing up; choose a new file name") from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if target.exists():
            raise BackupError(f"{target} appeared while backing up") from None
        os.replace(partial, target)
    else:
        partial.unlink()
    with contextlib.suppress(OSError):  # not every platform can fsync a folder
        _sync(target.parent)
