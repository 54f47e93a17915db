"""A timeout says which phase ran out of time and after how long: DNS, connect, or the response."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from bot.watch.fetch import Fetcher, FetchError, FetchLimits

LIMITS = FetchLimits(total_timeout=1.5, connect_timeout=0.5, dns_timeout=0.5)


@pytest.fixture
async def fetcher():
    f = Fetcher(allow_private=True, limits=LIMITS)
    try:
        yield f
    finally:
        await f.close()


async def reason(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url)
    return caught.value.reason


async def test_a_server_that_accepts_and_never_answers(fetcher):
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        got = await reason(fetcher, f"http://127.0.0.1:{port}/feed.xml")
    finally:
        server.close()
    assert got == (
        f"reading the response timed out after 1.5s: connected to 127.0.0.1:{port}, "
        "but the server sent nothing"
    )


async def test_a_server_that_sends_part_of_the_body_then_stalls(fetcher):
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 2048)
        await writer.drain()
        await reader.read()

    server = await asyncio.start_server(trickle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        got = await reason(fetcher, f"http://127.0.0.1:{port}/page")
    finally:
        server.close()
    assert got == "reading the response timed out after 1.5s (2 KB of the body received)"


async def test_a_server_that_is_slow_to_accept(fetcher):
    # A listening socket that never accepts, its accept queue full: Linux drops further SYNs,
    # so a new connection hangs in the TCP handshake.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(s)
    await asyncio.sleep(0.2)
    try:
        got = await reason(fetcher, f"http://127.0.0.1:{port}/feed.xml")
    finally:
        for s in (*fillers, listener):
            s.close()
    assert got == f"connecting to 127.0.0.1:{port} timed out after 0.5s", got


async def test_a_dns_lookup_that_hangs(fetcher, monkeypatch):
    real = socket.getaddrinfo

    def slow(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "slow-dns.test":
            time.sleep(2)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    got = await reason(fetcher, "http://slow-dns.test/feed.xml")
    assert got == "DNS lookup of slow-dns.test timed out after 0.5s"
