"""One poller and one deliverer per SQLite database: an exclusive lock held for the process's life.

Two processes on one database both polled and both delivered: with the nonce window gone, every
alert went out twice. So a process that polls or delivers (the bot, console mode, ``watch``)
first takes an exclusive ``flock`` on ``<database>.lock``, beside the database, and keeps it
until it exits. A second such process is refused at once with a message naming the database
and the process holding it. The operating system drops the lock when the holder exits in any
way — ``kill -9`` included — so there is no stale lock to clean up. The file itself stays (it
only holds the holder's pid, for the message); deleting it could let two processes lock two
different files of the same name.

Read-only commands (``ask``, ``watch --status``, ``faq list``, ``db backup``…) do not take the
lock: SQLite's WAL lets them read while the bot writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from bot.errors import FinePrintError


class InstanceLocked(FinePrintError, RuntimeError):
    """Another process polls and delivers with this database; ``str()`` says what to do."""

    def __init__(self, db_path: Path, lock_path: Path, holder: str | None) -> None:
        self.db_path = db_path
        self.lock_path = lock_path
        self.holder = holder
        who = f"process {holder}" if holder else "process"
        super().__init__(
            f"Another Fine Print {who} is already polling and delivering alerts with the "
            f"database {db_path} (it holds {lock_path}). Only one may run per database: stop "
            "that one first, or point this one at another database with FINEPRINT_DB. "
            "Read-only commands (ask, watch --status, faq list, db backup) work alongside it."
        )


def lock_path_for(db_path: Path | str) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


class InstanceLock:
    """``with InstanceLock(db_path):`` — or ``acquire()`` / ``release()``."""

    def __init__(self, db_path: Path | str) -> None:
        self.db_path = Path(db_path).resolve()
        self.path = lock_path_for(self.db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> InstanceLock:
        """Take the lock now or raise ``InstanceLocked`` (never waits)."""
        if self._fd is not None:
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise InstanceLocked(self.db_path, self.path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the descriptor releases the flock

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _read_holder(fd: int) -> str | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return text if text.isdigit() else None
