"""Fault injection: make Discord fail or stall on purpose, the way it does in production.

``emu.fail(...)`` answers matching requests with a 429 (with Discord's real body and headers)
or any other status; ``emu.hold(...)`` keeps matching requests waiting until the test releases
them, for crashes at the worst moment; ``emu.global_rate_limit(per_second)`` enforces Discord's
global limit on the bot's requests, whichever process sends them. The REST pipeline asks
:meth:`Faults.intercept` about every request before routing it, so a new kind of fault (a slow
route...) is a change to this module only. Gateway faults (a dropped connection, op 7) live in
``gateway.py``.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .model import RecordedRequest
from .rest import bucket, json_response
from .state import State


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    retry_after: float
    times: int | None
    code: int | None
    message: str | None
    is_global: bool
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        return self.method in ("*", method) and bool(self.pattern.fullmatch(path))


class Hold:
    """Requests the emulator keeps waiting (see :meth:`DiscordEmulator.hold`).

    The first ``times`` matching requests stop before Discord handles them, until the test
    calls :meth:`release`: ``process=True`` then handles them as Discord would (a message is
    created even if the client has gone away meanwhile — "Discord accepted it but the bot never
    heard back"), ``process=False`` answers 503 and changes nothing ("it never reached
    Discord").
    """

    def __init__(
        self, state: State, method: str, pattern: re.Pattern[str], times: int | None
    ) -> None:
        self._state = state
        self.method = method
        self.pattern = pattern
        self.times = times
        self.held: list[RecordedRequest] = []  # every request this hold stopped
        self._waiting: list[tuple[RecordedRequest, asyncio.Future[bool]]] = []

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and len(self.held) >= self.times:
            return False
        return self.method in ("*", method) and bool(self.pattern.fullmatch(path))

    async def _wait(self, record: RecordedRequest) -> bool:
        gate: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.held.append(record)
        self._waiting.append((record, gate))
        self._state.notify()
        return await gate

    @property
    def waiting(self) -> list[RecordedRequest]:
        """Requests held now (not released yet)."""
        return [r for r, gate in self._waiting if not gate.done()]

    async def wait_held(self, count: int = 1, timeout: float = 5.0) -> list[RecordedRequest]:
        """Until ``count`` requests have been held (in total)."""
        await self._state.wait_until(
            lambda: len(self.held) >= count,
            timeout,
            lambda: f"{count} held {self.method} {self.pattern.pattern} (have {len(self.held)})",
        )
        return list(self.held)

    def release(self, *, process: bool = True) -> None:
        """Let every waiting request go: handled by Discord, or (``process=False``) a 503."""
        for _record, gate in self._waiting:
            if not gate.done():
                gate.set_result(process)
        self._waiting = [(r, g) for r, g in self._waiting if not g.done()]


# Discord exempts interaction responses (callbacks, follow-ups through the interaction webhook)
# from the global limit.
GLOBAL_EXEMPT = re.compile(r"/(interactions|webhooks)/.*")


@dataclass
class GlobalLimit:
    """Discord's global rate limit, strictly: at most ``per_second`` of the bot's requests in
    any one-second window (``window``); the one over it is answered 429 with
    ``"global": true`` and the ``retry_after`` until a slot frees. Counts what it let through
    (``accepted``, with the times in ``stamps``) and what it refused (``limited``)."""

    per_second: int
    window: float = 1.0
    accepted: int = 0
    limited: int = 0
    stamps: list[float] = field(default_factory=list)  # monotonic time of each accepted request
    _recent: deque[float] = field(default_factory=deque)

    def admit(self, now: float) -> float | None:
        """None: let it through (counted); else the seconds to wait."""
        while self._recent and self._recent[0] <= now - self.window:
            self._recent.popleft()
        if len(self._recent) >= self.per_second:
            self.limited += 1
            return self._recent[0] + self.window - now
        self._recent.append(now)
        self.stamps.append(now)
        self.accepted += 1
        return None

    def busiest_window(self) -> int:
        """The most requests it let through in any one window (never above ``per_second``)."""
        best, start = 0, 0
        for end, stamp in enumerate(self.stamps):
            while self.stamps[start] <= stamp - self.window:
                start += 1
            best = max(best, end - start + 1)
        return best


class Faults:
    """The faults and holds a test set up, consulted for every REST request."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.faults: list[Fault] = []
        self.holds: list[Hold] = []
        self.global_limit: GlobalLimit | None = None

    def global_rate_limit(self, per_second: int, *, window: float = 1.0) -> GlobalLimit:
        """Enforce Discord's global limit from now on: ``per_second`` requests of the bot in any
        one-second window, interaction responses exempt (a scaled-down limit keeps a fan-out
        benchmark short). Returns the limiter, which counts what it let through and refused."""
        self.global_limit = GlobalLimit(per_second, window)
        return self.global_limit

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        *,
        retry_after: float = 0.3,
        times: int | None = 1,
        code: int | None = None,
        message: str | None = None,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next ``times`` matching requests (None = forever) with ``status``.

        ``path_regex`` must match the whole path below the API base (``re.fullmatch``), e.g.
        ``r"/channels/\\d+/messages"``; ``method`` may be ``"*"``.
        """
        fault = Fault(
            method.upper(),
            re.compile(path_regex),
            status,
            retry_after,
            times,
            code,
            message,
            is_global,
        )
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def hold(self, method: str, path_regex: str, *, times: int | None = 1) -> Hold:
        """Keep the next ``times`` matching requests waiting until ``hold.release(...)``.

        For crashes at the worst moment: stop or kill the bot while its request is held, then
        release it with ``process=True`` (Discord got it and created the message; the bot never
        saw the answer) or ``process=False`` (it never reached Discord). ``path_regex`` is
        matched like :meth:`fail`'s.
        """
        hold = Hold(self.state, method.upper(), re.compile(path_regex), times)
        self.holds.append(hold)
        return hold

    def release_all(self) -> None:
        """At shutdown: nothing held reaches Discord any more."""
        for hold in self.holds:
            hold.release(process=False)

    async def intercept(
        self, method: str, path: str, record: RecordedRequest
    ) -> web.Response | None:
        """Before routing: wait if a hold matches, then answer for a matching fault (or None)."""
        for hold in self.holds:
            if hold.matches(method, path):
                if not await hold._wait(record):
                    record.fault = True
                    return json_response({"code": 0, "message": "Service Unavailable"}, 503)
                break
        for fault in self.faults:
            if fault.matches(method, path):
                record.fault = True
                return self._fault_response(fault, f"{method} {path}")
        limit = self.global_limit
        if limit is not None and not GLOBAL_EXEMPT.fullmatch(path):
            wait = limit.admit(time.monotonic())
            if wait is not None:
                record.fault = True
                fault = Fault(method, re.compile(".*"), 429, wait, None, None, None, True)
                return self._fault_response(fault, f"{method} {path}")
        return None

    def _fault_response(self, fault: Fault, route_key: str) -> web.Response:
        fault.hits += 1
        if fault.status == 429:
            body: dict[str, Any] = {
                "message": fault.message or "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": fault.is_global,
            }
            if fault.code is not None:
                body["code"] = fault.code
            headers = {
                "Retry-After": str(max(1, math.ceil(fault.retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                "X-RateLimit-Bucket": bucket(route_key),
                "X-RateLimit-Scope": "global" if fault.is_global else "user",
            }
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            return json_response(body, 429, headers)
        reasons = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        text = fault.message or reasons.get(fault.status, "Error")
        body = {"code": fault.code if fault.code is not None else 0, "message": text}
        return json_response(body, fault.status)
