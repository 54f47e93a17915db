"""The watcher's errors: what a source can do wrong, recorded on that source, never a crash."""

from __future__ import annotations

from bot.errors import FinePrintError


class WatchError(FinePrintError):
    """A source could not be fetched, parsed or understood this time."""
