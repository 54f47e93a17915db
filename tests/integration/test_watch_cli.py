"""``python -m bot watch --once --json`` as a real subprocess, twice, on one database file."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from bot.alerts.delivery import Deliverer
from bot.store import alerts as alert_store
from bot.store import subscriptions
from bot.store.db import Database
from bot.watch.relevance_lexicon import model
from tests.integration.conftest import REPO, rss

KEYS = [
    "id", "source", "platform", "kind", "title", "url", "relevance", "ai_relevant", "added",
    "removed", "detected_at",
]  # fmt: skip
OLD = ("old", "SoundCloud AI terms explained", "Old news about training AI on your uploads.")
NEW = ("new", "SoundCloud may train AI on your uploads", "The terms let it train AI on content.")


async def run_cli(*args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINEPRINT_", "DISCORD_"))}
    env["FINEPRINT_ALLOW_PRIVATE_NETWORKS"] = "1"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        cwd=REPO, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_watch_once_json_twice(web_server, tmp_path, discord):
    web_server.set("/feed.xml", rss(OLD), content_type="application/rss+xml")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nid = "news"\nkind = "rss"\nurl = "{web_server.url("/feed.xml")}"\n'
        f'[[source]]\nid = "down"\nkind = "rss"\nurl = "{web_server.url("/missing.xml")}"\n'
    )
    db_path = tmp_path / "cli.db"
    args = ("watch", "--once", "--json", "--sources", str(sources), "--db", str(db_path))

    code, out, err = await run_cli(*args)
    assert (code, out) == (0, "")  # baseline prints nothing
    assert "HTTP 404" in err  # the broken source is reported, not fatal

    db = await Database(db_path).connect()
    await subscriptions.subscribe(db, 1, 11, ["soundcloud"], actor=3)
    await db.close()

    web_server.set("/feed.xml", rss(NEW, OLD), content_type="application/rss+xml")
    code, out, err = await run_cli(*args)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1
    alert = json.loads(lines[0])
    assert list(alert) == KEYS
    assert alert["source"] == "news" and alert["platform"] == "soundcloud"
    assert alert["kind"] == "news" and alert["ai_relevant"] is True
    assert model().threshold <= alert["relevance"] <= 1 and alert["removed"] == []
    assert alert["url"] == "https://news.example/new"

    code, out, _ = await run_cli(*args)
    assert (code, out) == (0, "")  # seen: no second alert from a second process

    # The alert is waiting in the outbox for the subscribed channel; delivery sends it once.
    db = await Database(db_path).connect()
    try:
        assert await alert_store.counts(db) == {"pending": 1}
        assert (await Deliverer(db, discord).deliver_due()).sent == 1
        assert (await Deliverer(db, discord).deliver_due()).sent == 0
        assert len(discord.posted) == 1
    finally:
        await db.close()


async def test_invalid_sources_file_exits_non_zero(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nid = "x"\nkind = "carrier-pigeon"\nurl = "https://example.com"\n')
    code, out, err = await run_cli(
        "watch", "--once", "--json", "--sources", str(bad), "--db", str(tmp_path / "x.db")
    )
    assert code == 1 and out == ""
    assert f"{bad}:3: x: 'kind' must be one of rss, page, ota" in err


async def test_watch_runs_until_interrupted(web_server, tmp_path):
    import signal

    from bot.store import sources as source_store

    web_server.set("/feed.xml", rss(OLD), content_type="application/rss+xml")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nid = "news"\nkind = "rss"\nurl = "{web_server.url("/feed.xml")}"\n'
        'interval = "1m"\n'
    )
    db_path = tmp_path / "run.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINEPRINT_", "DISCORD_"))}
    env["FINEPRINT_ALLOW_PRIVATE_NETWORKS"] = "1"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "watch", "--sources", str(sources), "--db", str(db_path),
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(100):  # until the first poll recorded its baseline
            await asyncio.sleep(0.1)
            if db_path.exists():
                db = await Database(db_path).connect()
                state = await source_store.get_state(db, "news")
                await db.close()
                if state.baseline_at:
                    break
        assert state.baseline_at
        proc.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    finally:
        if proc.returncode is None:
            proc.kill()
    assert proc.returncode == 0
    assert "Watching 1 sources" in err.decode()
    assert web_server.hits["/feed.xml"] == 1
