"""A throwaway PostgreSQL cluster for the tests: ``initdb`` + ``pg_ctl`` on a temporary folder,
reachable only through a unix socket in that folder (no TCP port, nothing shared with a system
cluster), started once per test session and deleted at its end.

``initdb`` and ``postgres`` refuse to run as root, and CI runs as root: then the server runs as
an unprivileged user (``postgres`` when the Debian package created it, else ``nobody``) through
``runuser``, with the folder handed to that user. Run as a normal user, it simply runs as you.
Each test gets a database of its own (``create_database``), dropped after the test.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.store.db.pg_tools import find_pg_binary

SUPERUSER = "fineprint"
INSTALL_HINT = "install it with: apt-get install postgresql"
SERVER_OPTIONS = (
    "-c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=200"
)


class ClusterUnavailable(RuntimeError):
    """No server here, or it would not start; the message is the one-line reason."""


def _server_user() -> tuple[list[str], int | None, int | None]:
    """(command prefix, uid, gid) to run the server as: nothing to change unless we are root."""
    if os.geteuid() != 0:
        return [], None, None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterUnavailable("running as root and runuser is missing: cannot drop privileges")
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        return [runuser, "-u", name, "--"], user.pw_uid, user.pw_gid
    raise ClusterUnavailable("running as root and no unprivileged user (postgres, nobody) exists")


@dataclass
class Cluster:
    root: Path
    bindir: Path
    prefix: list[str]
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.root}"

    def _server(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
        )

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [
                str(self.bindir / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.root),
                "-U",
                SUPERUSER,
                "-d",
                database,
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def start(self) -> None:
        initdb = self._server(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        if initdb.returncode != 0:
            raise ClusterUnavailable(f"initdb failed: {_last_line(initdb.stderr)}")
        started = self._server(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            f"{SERVER_OPTIONS} -c unix_socket_directories='{self.root}'",
            "-w",
            "-t",
            "60",
            "start",
        )
        if started.returncode != 0:
            log = self.root / "server.log"
            detail = log.read_text(errors="replace") if log.exists() else started.stderr
            raise ClusterUnavailable(f"pg_ctl start failed: {_last_line(detail)}")

    def create_database(self) -> str:
        name = f"test_{next(self._names)}"
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        try:
            self._server(
                str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"
            )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def start_cluster() -> Cluster:
    """A running throwaway cluster, or ``ClusterUnavailable`` with a one-line reason."""
    initdb = find_pg_binary("initdb")
    if initdb is None:
        raise ClusterUnavailable(f"PostgreSQL server not installed (no initdb); {INSTALL_HINT}")
    bindir = initdb.resolve().parent
    for tool in ("pg_ctl", "postgres", "psql"):
        if not (bindir / tool).is_file():
            raise ClusterUnavailable(f"{tool} missing next to {initdb}; {INSTALL_HINT}")
    prefix, uid, gid = _server_user()
    root = Path(tempfile.mkdtemp(prefix="fineprint-pg-"))
    if uid is not None and gid is not None:
        os.chown(root, uid, gid)
    cluster = Cluster(root, bindir, prefix)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
