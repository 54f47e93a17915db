"""Name resolution on threads of its own, with its own time limit.

aiohttp's default resolver calls ``loop.getaddrinfo``, which runs in the event loop's default
thread pool — the same pool ``asyncio.to_thread`` uses. When long parses filled that pool, a
healthy feed's DNS lookup queued behind them and its fetch timed out. Here lookups get a small
pool of their own, and a lookup that takes longer than ``timeout`` fails as "DNS lookup of X
timed out after 5s" instead of eating the whole fetch's time limit.

A ``getaddrinfo`` call cannot be cancelled: a timed-out lookup keeps its thread until the
system resolver gives up. The pool is sized for that (lookups are cheap while they wait), and a
lookup that cannot even start in time times out the same way.
"""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from aiohttp.abc import AbstractResolver, ResolveResult

from bot.watch.errors import WatchError

DNS_THREADS = 8
DNS_TIMEOUT = 5.0
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class DnsTimeout(WatchError, OSError):
    """A lookup that did not finish in time; ``str()`` is the short human reason."""

    def __init__(self, host: str, seconds: float) -> None:
        self.host = host
        self.seconds = seconds
        self.reason = f"DNS lookup of {host} timed out after {seconds:g}s"
        super().__init__(self.reason)

    def __str__(self) -> str:
        return self.reason


class PooledResolver(AbstractResolver):
    """``getaddrinfo`` in a dedicated thread pool, bounded in time (aiohttp's resolver API)."""

    def __init__(self, *, timeout: float = DNS_TIMEOUT, threads: int = DNS_THREADS) -> None:
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="fp-dns")

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.timeout):
                infos = await loop.run_in_executor(
                    self._pool,
                    _getaddrinfo,
                    host,
                    port,
                    family,
                )
        except TimeoutError:
            raise DnsTimeout(host, self.timeout) from None
        results: list[ResolveResult] = []
        for fam, _, proto, _, address in infos:
            if fam == socket.AF_INET6:
                if len(address) < 3:
                    continue  # IPv6 not supported by this Python build
                # a scope id (link-local) stays on the address, as aiohttp's resolver keeps it
                resolved = f"{address[0]}%{address[3]}" if address[3] else address[0]
                resolved_port = address[1]
            else:
                resolved, resolved_port = address[0], address[1]
            results.append(
                ResolveResult(
                    hostname=host,
                    host=resolved,
                    port=resolved_port,
                    family=fam,
                    proto=proto,
                    flags=_NUMERIC,
                )
            )
        return results

    async def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _getaddrinfo(host: str, port: int, family: int) -> list:
    # Looked up at call time so a patched socket.getaddrinfo (the tests' loopback guard) applies.
    return socket.getaddrinfo(
        host, port, family=family, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG
    )
