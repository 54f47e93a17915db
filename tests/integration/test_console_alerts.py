"""Console mode prints alerts as the watcher finds them (a real page on 127.0.0.1 changes)."""

import asyncio
import sqlite3
from pathlib import Path

from aiohttp import web

from tests.conftest import PYTHON, ROOT, clean_env

BEFORE = (
    "<html><body><main><h1>Terms of Use</h1><p>Be nice to other users.</p></main></body></html>"
)
AFTER = (
    "<html><body><main><h1>Terms of Use</h1><p>Be nice to other users.</p>"
    "<p>You agree that we may use your content to train artificial intelligence models.</p>"
    "</main></body></html>"
)


async def test_console_prints_a_new_alert(tmp_path: Path) -> None:
    page = {"html": BEFORE}

    async def terms(_request: web.Request) -> web.Response:
        return web.Response(text=page["html"], content_type="text/html")

    server = web.Application()
    server.router.add_get("/terms", terms)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nid = "sc-terms"\nkind = "page"\nplatform = "soundcloud"\n'
        f'document = "Terms of Use"\nurl = "http://127.0.0.1:{port}/terms"\nselect = "main"\n'
    )
    db = tmp_path / "fp.db"
    env = clean_env(
        FINEPRINT_DB=str(db),
        FINEPRINT_SOURCES=str(sources),
        FINEPRINT_ALLOW_PRIVATE_NETWORKS="1",
    )
    try:
        baseline = await asyncio.create_subprocess_exec(
            PYTHON, "-m", "bot", "watch", "--once", "--json", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, _err = await asyncio.wait_for(baseline.communicate(), 60)
        assert baseline.returncode == 0 and out.strip() == b""  # a baseline alerts nothing

        page["html"] = AFTER
        with sqlite3.connect(db) as conn:  # make the source due now instead of in 6 hours
            conn.execute("UPDATE source_state SET next_poll_at = NULL")

        console = await asyncio.create_subprocess_exec(
            PYTHON, "-m", "bot", cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        seen = b""
        try:
            async with asyncio.timeout(30):
                while b"train artificial intelligence models" not in seen:
                    chunk = await console.stdout.read(4096)
                    assert chunk, f"console exited early: {seen.decode()}"
                    seen += chunk
        finally:
            console.stdin.close()
            await asyncio.wait_for(console.wait(), 30)
        text = seen.decode()
        assert "Watching 1 sources" in text
        assert "SoundCloud · Terms of Use" in text
        # The headline in plain words, then the added sentence in the diff block.
        assert "SoundCloud now allows AI training on your content" in text
        assert (
            "```diff\n+ You agree that we may use your content to train artificial intelligence "
            "models.\n```"
        ) in text
    finally:
        await runner.cleanup()


async def test_console_sets_the_alert_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.app import open_app
    from bot.config import load_settings
    from bot.console import open_console
    from bot.store import guild_config, subscriptions
    from tests.conftest import clean_env

    settings = load_settings(clean_env(FINEPRINT_DB=str(tmp_path / "c.db")))
    async with open_app(settings) as app:
        console = open_console(app)
        out = await console.handle("/config language it")
        assert "Italian" in out
        assert await guild_config.alert_language(app.db, console.guild_id) == "it"
        out = await console.handle("/alerts subscribe soundcloud --lang=de")
        assert "German" in out
        [sub] = await subscriptions.list_subscriptions(app.db, console.guild_id)
        assert sub.language == "de"
        assert "in German" in await console.handle("/alerts list")
        await console.handle("/config language auto")
        assert await guild_config.alert_language(app.db, console.guild_id) is None
