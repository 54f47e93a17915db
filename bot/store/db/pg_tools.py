"""Where PostgreSQL's programs are: on PATH, or where Debian puts them
(``/usr/lib/postgresql/<version>/bin``, not on PATH for the server binaries)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

DEBIAN_ROOT = Path("/usr/lib/postgresql")


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name))


def find_pg_binary(name: str) -> Path | None:
    """``pg_dump``, ``initdb``, ``pg_ctl``…: PATH first, else the newest Debian install."""
    found = shutil.which(name)
    if found:
        return Path(found)
    if DEBIAN_ROOT.is_dir():
        for version in sorted(DEBIAN_ROOT.iterdir(), key=_version_key, reverse=True):
            candidate = version / "bin" / name
            if candidate.is_file():
                return candidate
    return None
