"""Where a fetch was when it ran out of time, so its error says which phase and after how long.

"timed out after 15s" for a DNS lookup that hung for 5 s, or a server that never accepted the
connection, sent moderators looking in the wrong place. aiohttp's request tracing reports when
a connection is being created, when its host name is being resolved and when it is ready; the
fetcher notes when the response headers arrived and how much of the body came. From those,
``Progress.timeout_reason`` words the error: "connecting to news.example:443 timed out after
5s", "reading the response timed out after 15s: connected to news.example:443, but the server
sent nothing", "… after 15s (1.2 MB of the body received)". (A DNS lookup has its own limit
and message, ``bot.watch.dns``.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import aiohttp

DNS, CONNECT, WAIT, READ = "dns", "connect", "wait", "read"


def seconds(value: float) -> str:
    """A duration as people read it: ``5s``, ``1.5s``, ``0.2s``."""
    return f"{max(round(value, 1), 0.1):g}s"


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


@dataclass(slots=True)
class Progress:
    """One fetch's current phase (one per request, redirect hops included)."""

    host: str = ""
    port: int | None = None
    phase: str = CONNECT
    since: float = field(default_factory=time.monotonic)  # the current phase
    received: int = 0  # body bytes read so far

    def enter(self, phase: str) -> None:
        self.phase = phase
        self.since = time.monotonic()

    def timeout_reason(self, limit: float, *, connect_limit: bool = False) -> str:
        """Why the fetch stopped: ``limit`` is the limit that ran out — the whole fetch's, or
        (``connect_limit``) the socket connect's."""
        where = f"{self.host}:{self.port}" if self.port else self.host
        if connect_limit:
            return f"connecting to {where} timed out after {seconds(limit)}"
        in_phase = seconds(time.monotonic() - self.since)
        if self.phase == DNS:  # the total ran out during the lookup
            return f"DNS lookup of {self.host} timed out after {in_phase}"
        if self.phase == CONNECT:
            return f"connecting to {where} timed out after {in_phase}"
        if self.phase == WAIT:
            return (
                f"reading the response timed out after {seconds(limit)}: connected to {where}, "
                "but the server sent nothing"
            )
        return (
            f"reading the response timed out after {seconds(limit)} "
            f"({_size(self.received)} of the body received)"
        )


def _progress(ctx: SimpleNamespace) -> Progress | None:
    found = getattr(ctx, "trace_request_ctx", None)
    return found if isinstance(found, Progress) else None


async def _on_connection_create_start(_s: Any, ctx: SimpleNamespace, _p: Any) -> None:
    if (progress := _progress(ctx)) is not None:
        progress.enter(CONNECT)


async def _on_dns_start(_s: Any, ctx: SimpleNamespace, _p: Any) -> None:
    if (progress := _progress(ctx)) is not None:
        progress.enter(DNS)


async def _on_dns_end(_s: Any, ctx: SimpleNamespace, _p: Any) -> None:
    if (progress := _progress(ctx)) is not None:
        progress.enter(CONNECT)


async def _on_connected(_s: Any, ctx: SimpleNamespace, _p: Any) -> None:
    if (progress := _progress(ctx)) is not None:
        progress.enter(WAIT)


def trace_config() -> aiohttp.TraceConfig:
    """The hooks that move a request's ``Progress`` (pass it as ``trace_request_ctx``)."""
    config = aiohttp.TraceConfig()
    config.on_connection_create_start.append(_on_connection_create_start)
    config.on_dns_resolvehost_start.append(_on_dns_start)
    config.on_dns_resolvehost_end.append(_on_dns_end)
    config.on_connection_create_end.append(_on_connected)
    config.on_connection_reuseconn.append(_on_connected)
    return config
