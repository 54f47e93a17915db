"""Hostile-page benchmark: ``python bench/hostile.py``.

What one poll of a page source costs (fetch, parse in the worker process, record) when the page
is built to stall the HTML parser, as a ratio to a flat page of the same size, measured in the
same run against the same loopback server (in another process):

- flat: ~1.1 MB of sibling ``<div>x</div>`` (the most elements per byte an ordinary page has);
- hostile: 10^5 nested ``<div>``s, 1.1 MB (lexbor alone needs 30-100 s of CPU for it);
- worst allowed: ~1.1 MB of subtrees nested 512 deep, just under the nesting cap;
- caps off: the hostile page with the pre-scan disabled, stopped by the 2 s parse budget.

Then the starvation check: a small feed polled alone, and again while two caps-off hostile
parses are running (budget 2 s).

Target: hostile and worst-allowed <= 5x flat; the small feed's poll not slowed by the parses.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = 1_100_000
RUNS = 5
NESTED = 100_000
ALLOWED_DEPTH = 512


def flat_page() -> bytes:
    return b"<html><body>" + b"<div>x</div>" * (SIZE // 12) + b"</body></html>"


def hostile_page() -> bytes:
    return b"<html><body>" + b"<div>" * NESTED + b"x" + b"</div>" * NESTED + b"</body></html>"


def worst_allowed_page() -> bytes:
    # 510 divs inside html and body: 512 open elements, the cap, counted as the scan counts
    depth = ALLOWED_DEPTH - 2
    sub = b"<div>" * depth + b"x" + b"</div>" * depth
    return b"<html><body>" + sub * (SIZE // len(sub)) + b"</body></html>"


def feed_body() -> bytes:
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><guid>a</guid><title>Small feed</title><link>https://news.example/a</link>"
        b"</item></channel></rss>"
    )


def serve(port_queue: multiprocessing.Queue) -> None:
    from aiohttp import web

    bodies = {
        "flat": flat_page(),
        "hostile": hostile_page(),
        "worst": worst_allowed_page(),
    }
    counter = {"n": 0}

    async def page(request: web.Request) -> web.Response:
        # A fresh comment each time, so no poll is skipped as "same bytes as last time".
        counter["n"] += 1
        body = bodies[request.match_info["name"]] + f"<!-- {counter['n']} -->".encode()
        return web.Response(body=body, content_type="text/html")

    async def feed(request: web.Request) -> web.Response:
        counter["n"] += 1
        return web.Response(
            body=feed_body() + f"<!-- {counter['n']} -->".encode(),
            content_type="application/rss+xml",
        )

    async def main() -> None:
        app = web.Application(client_max_size=0)
        app.router.add_get("/page/{name}", page)
        app.router.add_get("/feed", feed)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_queue.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


async def measure(port: int) -> dict[str, float]:
    from bot.config import DEFAULT_DATA_DIR, Settings
    from bot.knowledge.loader import load_knowledge
    from bot.knowledge.platforms import PlatformDetector
    from bot.store import sources as source_store
    from bot.store.db import Database
    from bot.watch.markup import MarkupLimits
    from bot.watch.service import Watcher
    from bot.watch.sources import SourceSpec
    from bot.watch.workers import ParseBudget

    kb = load_knowledge(DEFAULT_DATA_DIR)
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "bench.db", allow_private_networks=True)
        db = await Database(settings.db_path).connect()

        def watcher(specs: list[SourceSpec], **kw: object) -> Watcher:
            return Watcher(db, kb, PlatformDetector(kb.platforms), settings, specs, **kw)

        async def poll_cost(w: Watcher, runs: int = RUNS) -> float:
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                await w.poll_once()
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        try:
            for name in ("flat", "hostile", "worst"):
                spec = SourceSpec(name, "page", f"{base}/page/{name}", platform="soundcloud")
                w = watcher([spec])
                try:
                    await w.poll_once()  # worker start-up is not part of the cost
                    figures[name] = await poll_cost(w)
                finally:
                    await w.close()
            states = await source_store.load_states(db)
            figures["hostile_error"] = states["hostile"].last_error  # type: ignore[assignment]
            figures["worst_failures"] = states["worst"].failures

            budget = ParseBudget(seconds=2.0, workers=2)
            caps_off = MarkupLimits(max_depth=10**9, max_elements=10**9)
            spec = SourceSpec("capsoff", "page", f"{base}/page/hostile", platform="soundcloud")
            w = watcher([spec], parse_budget=budget, markup_limits=caps_off)
            try:
                figures["caps_off"] = await poll_cost(w, runs=1)
            finally:
                await w.close()

            small = SourceSpec("small", "rss", f"{base}/feed")
            w = watcher([small])
            try:
                await w.poll_once()
                figures["feed_alone"] = await poll_cost(w)
            finally:
                await w.close()
            hostile = [
                SourceSpec(f"h{i}", "page", f"{base}/page/hostile", platform="soundcloud")
                for i in range(2)
            ]
            busy = watcher(hostile, parse_budget=budget, markup_limits=caps_off)
            w = watcher([small])
            try:
                await w.poll_once()
                background = asyncio.create_task(busy.poll_once())
                await asyncio.sleep(0.5)  # the parses are running now
                figures["feed_busy"] = await poll_cost(w)
                await background
            finally:
                await w.close()
                await busy.close()
        finally:
            await db.close()
    return figures


def main() -> int:
    logging.disable(logging.WARNING)  # the refused and killed parses log a warning each
    ctx = multiprocessing.get_context("spawn")
    ports: multiprocessing.Queue = ctx.Queue()
    server = ctx.Process(target=serve, args=(ports,), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=30)
        f = asyncio.run(measure(port))
    finally:
        server.terminate()
        server.join(5)
    w = 62
    print(f"One poll of a ~{SIZE / 1e6:.1f} MB page source (median of {RUNS}), loopback server")
    print(f"  {'flat: sibling <div>x</div>':{w}} {f['flat'] * 1000:7.0f} ms")
    ratio_hostile = f["hostile"] / f["flat"]
    ratio_worst = f["worst"] / f["flat"]
    print(
        f"  {f'hostile: {NESTED:,} nested <div>s (refused by the pre-scan)':{w}} "
        f"{f['hostile'] * 1000:7.0f} ms = {ratio_hostile:4.2f}x flat"
    )
    print(f"      recorded error: {f['hostile_error']}")
    print(
        f"  {f'worst allowed: subtrees {ALLOWED_DEPTH} deep (parsed)':{w}} "
        f"{f['worst'] * 1000:7.0f} ms = {ratio_worst:4.2f}x flat"
    )
    print(
        f"  {'hostile with the pre-scan off, 2 s parse budget (killed)':{w}} "
        f"{f['caps_off'] * 1000:7.0f} ms"
    )
    slowdown = f["feed_busy"] / f["feed_alone"]
    print(f"  {'small feed, alone':{w}} {f['feed_alone'] * 1000:7.1f} ms")
    print(
        f"  {'small feed, while 2 runaway parses run':{w}} {f['feed_busy'] * 1000:7.1f} ms "
        f"= {slowdown:4.2f}x"
    )
    checks = {
        "hostile <= 5x flat": ratio_hostile <= 5,
        "worst allowed <= 5x flat": ratio_worst <= 5 and f["worst_failures"] == 0,
        "runaway parse stopped by its budget": f["caps_off"] < 4,
    }
    for name, ok in checks.items():
        print(f"  {'met' if ok else 'NOT met':7} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
