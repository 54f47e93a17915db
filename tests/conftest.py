"""Shared fixtures: settings on a temporary database, the shipped knowledge base, a built App.

Everything is real: a SQLite file under tmp_path, the data/ files as shipped. ``db_target`` is
the database of a test that runs on both backends: a SQLite file, then (marked ``postgres``) a
fresh database in a throwaway PostgreSQL cluster (``tests/pg.py``) — skipped with a one-line
reason where the server is not installed, and an error under CI, which always installs it.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.config import DEFAULT_DATA_DIR, Settings, load_settings
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase
from tests.pg import Cluster, ClusterUnavailable, start_cluster

ROOT = Path(__file__).resolve().parent.parent
NO_SOURCES = ROOT / "tests" / "data" / "no_sources.toml"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child ``python -m bot``: no token, no stray Fine Print settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINEPRINT_", "DISCORD_"))}
    env["PYTHONPATH"] = str(ROOT)
    env["FINEPRINT_SOURCES"] = str(NO_SOURCES)
    env.update(extra)
    return env


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run on loopback only: resolving any other host name fails loudly."""
    real = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in LOOPBACK_NAMES and not name.startswith("127."):
            raise OSError(f"tests must not reach the internet (tried to resolve {name!r})")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


PYTHON = sys.executable
BACKENDS = ("sqlite", pytest.param("postgres", marks=pytest.mark.postgres))


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI runs the PostgreSQL tests, but: {exc}")
        pytest.skip(str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A new, empty database of its own for this test."""
    url = postgres_cluster.create_database()
    try:
        yield url
    finally:
        postgres_cluster.drop_database(url)


@pytest.fixture(params=BACKENDS)
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """What ``Database(...)`` opens, once per backend: a SQLite file, a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "fineprint.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        {"FINEPRINT_DB": str(tmp_path / "fineprint.db"), "FINEPRINT_SOURCES": str(NO_SOURCES)}
    )


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(DEFAULT_DATA_DIR)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    async with open_app(settings) as built:
        yield built
