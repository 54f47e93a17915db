"""A clock the tests move by hand, injected where the code asks "what time is it?" for weeks.

``open_app(..., clock=...)`` / ``open_bot(..., clock=...)`` / ``Deliverer(..., now=...)`` take
it; nothing sleeps for a week. It stands still until the test moves it, or, with
``ticking=True``, runs at real speed from wherever the test put it (a week can end in 0.2 s).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class MovableClock:
    def __init__(self, start: datetime | None = None, *, ticking: bool = False) -> None:
        self.at = start or datetime.now(UTC)
        self.ticking = ticking
        self._since = time.monotonic()

    def __call__(self) -> datetime:
        if self.ticking:
            return self.at + timedelta(seconds=time.monotonic() - self._since)
        return self.at

    def set(self, when: datetime) -> None:
        self.at = when
        self._since = time.monotonic()

    def advance(self, **delta: float) -> None:
        self.set(self() + timedelta(**delta))
