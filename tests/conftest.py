"""Shared fixtures: settings on a temporary database, the shipped knowledge base, a built App.

Everything is real: a SQLite file under tmp_path, the data/ files as shipped.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.config import DEFAULT_DATA_DIR, Settings, load_settings
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child ``python -m bot``: no token, no stray Fine Print settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINEPRINT_", "DISCORD_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


PYTHON = sys.executable


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"FINEPRINT_DB": str(tmp_path / "fineprint.db")})


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(DEFAULT_DATA_DIR)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    built = await build_app(settings)
    try:
        yield built
    finally:
        await built.db.close()
