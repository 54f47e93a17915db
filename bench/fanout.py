"""Fan-out benchmark: ``python bench/fanout.py``.

One alert to 10,000 subscribed channels, delivered by real ``python -m bot`` processes through
the loopback Discord emulator, which enforces a global rate limit scaled down from Discord's 50
requests per second to 500 (so a run takes ~20 s instead of ~200 s; the bot is told the same
limit through ``FINEPRINT_GLOBAL_RATE``). The emulator runs two shards, each with half of the
100 servers (100 channels each).

Runs, each on a fresh database:
1. PostgreSQL, one process running both shards;
2. PostgreSQL, two processes (``FINEPRINT_SHARDS=0-0/2`` and ``1-1/2``) sharing the database,
   the outbox and the global budget;
3. SQLite, one process (the embedded default), for reference.

The alert and its 10,000 outbox rows are committed in one transaction at T0, as the watcher
does; the processes find it on their next look at the outbox (at most ``shared_idle``, 2 s,
later on PostgreSQL — the poller's own process is woken at once, but here nobody polled; on
SQLite the one process looks every ``idle``, 60 s, since the poller in it is what wakes it:
read SQLite's "from T0" with that in mind).

Reported per run: deliveries per second while delivering (first to last message) as a
fraction of the limit — the target is >= 90% (the deliverer budgets itself 93% of the limit
and leaves the rest to the bot's other requests) — and from T0; per-channel latency from T0
(p50, p99, max); 429s; messages posted twice (must be 0); peak RSS of each bot process.
The PostgreSQL server is a throwaway cluster (``tests/pg.py``: needs ``initdb``); without it
only the SQLite run happens.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.alerts.budget import DELIVERY_SHARE  # noqa: E402
from bot.alerts.model import Alert  # noqa: E402
from bot.store import alerts as alert_store  # noqa: E402
from bot.store import clock  # noqa: E402
from bot.store.db import Database  # noqa: E402
from tests.e2e.emulator import DiscordEmulator  # noqa: E402
from tests.pg import Cluster, ClusterUnavailable, start_cluster  # noqa: E402

MESSAGES = re.compile(r"/channels/(\d+)/messages")
SHARDS = 2


@dataclass
class Run:
    name: str
    backend: str  # sqlite | postgres
    shard_args: list[str | None]  # FINEPRINT_SHARDS per process (None: all shards)
    figures: dict[str, float] = field(default_factory=dict)


def build_world(emu: DiscordEmulator, guilds: int, channels: int) -> list[tuple[int, int]]:
    """(guild id, channel id) of every channel to subscribe, servers alternating shards."""
    per_guild = channels // guilds
    out = []
    for g in range(guilds):
        guild = emu.add_guild(f"Server {g}", shard=g % SHARDS)
        for c in range(per_guild):
            out.append((guild.id, emu.add_text_channel(guild, f"alerts-{c}").id))
    return out


async def subscribe_all(db: Database, targets: list[tuple[int, int]]) -> None:
    now = clock.now_iso()
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO subscription (channel_id, guild_id, all_platforms, only_ai, "
            "mention_role_id, mode, paused_reason, updated_by, updated_at) "
            "VALUES (?, ?, 1, 1, NULL, 'instant', NULL, 1, ?)",
            [(channel, guild, now) for guild, channel in targets],
        )


def the_alert() -> Alert:
    return Alert(
        id="bench-fanout-alert",
        source="soundcloud-terms",
        platform="soundcloud",
        kind="terms-change",
        title="SoundCloud changed its Terms of Use",
        url="https://soundcloud.com/terms-of-use",
        relevance=0.93,
        ai_relevant=True,
        added=("We may use your Content to train artificial intelligence models.",),
        removed=(),
        detected_at=clock.now_iso(),
        document="Terms of Use",
        why=("train", "artificial intelligence", "your content"),
    )


def cpu_seconds(pid: int | str = "self") -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def wait_for(predicate, what: str, within: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {within:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


async def one_run(run: Run, args: argparse.Namespace, cluster: Cluster | None, tmp: Path) -> None:
    emu = DiscordEmulator(shard_count=SHARDS)
    await emu.start()
    targets = build_world(emu, args.guilds, args.channels)
    if run.backend == "postgres":
        assert cluster is not None
        target: str = cluster.create_database()
    else:
        target = str(tmp / f"{run.name}.db")
    db = await Database(target).connect()
    await subscribe_all(db, targets)
    sources = tmp / "no-sources.toml"
    sources.write_text("# nothing to poll\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINEPRINT_", "DISCORD_"))} | {
        **emu.env(),
        "PYTHONPATH": str(ROOT),
        "FINEPRINT_DB": target,
        "FINEPRINT_SOURCES": str(sources),
        "FINEPRINT_GLOBAL_RATE": str(args.limit),
        "FINEPRINT_LOG_LEVEL": "INFO",
    }
    procs: list[asyncio.subprocess.Process] = []
    logs: list[Path] = []
    try:
        for n, shards in enumerate(run.shard_args):
            log = tmp / f"{run.name}-{n}.log"
            logs.append(log)
            extra = {"FINEPRINT_SHARDS": shards} if shards else {}
            profile = []
            if args.profile:  # each process's cProfile, written when it stops
                profile = ["-m", "cProfile", "-o", str(Path(args.profile) / f"{run.name}-{n}.prof")]
            with log.open("wb") as err:
                procs.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable, *profile, "-m", "bot", cwd=ROOT, env={**env, **extra},
                        stdout=asyncio.subprocess.DEVNULL, stderr=err,
                    )
                )  # fmt: skip
        await emu.wait_ready(timeout=120)
        await wait_for(
            lambda: all("connected as" in p.read_text(errors="replace") for p in logs),
            "every process to be ready",
            120,
        )
        limit = emu.global_rate_limit(args.limit)
        first_request = len(emu.requests)
        cpu_before = [cpu_seconds(p.pid) for p in procs] + [cpu_seconds()]

        async with db.transaction() as conn:
            queued = await alert_store.record_alert(db, the_alert(), conn)
        t0 = time.monotonic()
        assert queued == len(targets), queued

        def delivered() -> int:
            return sum(
                1
                for r in emu.requests[first_request:]
                if r.status == 200 and r.method == "POST" and MESSAGES.fullmatch(r.path)
            )

        budget = len(targets) / args.limit * 4 + 60
        await wait_for(lambda: len(emu._state.messages_by_id) >= len(targets), "delivery", budget)
        done_at = time.monotonic()
        cpu_after = [cpu_seconds(p.pid) for p in procs] + [cpu_seconds()]
        await asyncio.sleep(1.0)  # anything posted twice would show up now
        rss = [peak_rss_mb(p.pid) for p in procs]
    finally:
        for p in procs:
            if p.returncode is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                await asyncio.wait_for(p.wait(), 30)
            except TimeoutError:
                p.kill()
        await db.close()
        await emu.stop()
        if cluster is not None and run.backend == "postgres":
            cluster.drop_database(target)

    posts = [
        r for r in emu.requests[first_request:] if r.method == "POST" and MESSAGES.fullmatch(r.path)
    ]
    at: dict[int, float] = {}
    for r in posts:
        if r.status == 200:
            channel = int(MESSAGES.fullmatch(r.path).group(1))  # type: ignore[union-attr]
            at.setdefault(channel, r.at)
    per_channel = Counter(m.channel_id for m in emu._state.messages_by_id.values())
    stamps = sorted(at.values())
    latencies = sorted(t - t0 for t in stamps)
    busy = stamps[-1] - stamps[0]
    run.figures = {
        "delivered": len(at),
        "rate": (len(stamps) - 1) / busy if busy > 0 else float("nan"),
        "rate_t0": len(stamps) / (stamps[-1] - t0),
        "start": stamps[0] - t0,
        "p50": statistics.median(latencies),
        "p99": latencies[int(0.99 * (len(latencies) - 1))],
        "max": latencies[-1],
        "limited": limit.limited,
        "twice": sum(1 for n in per_channel.values() if n > 1),
        "attempts": len(posts),
        "busiest": limit.busiest_window(),
        "rss": max(rss),
        "rss_all": rss,  # type: ignore[dict-item]
        # CPU share of each bot process, then of this one (the emulator), while delivering
        "cpu": [(b - a) / (done_at - t0) for a, b in zip(cpu_before, cpu_after, strict=True)],  # type: ignore[dict-item]
    }
    assert delivered() == len(at)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--guilds", type=int, default=100)
    parser.add_argument("--limit", type=int, default=500, help="global requests per second")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--only", help="run just this one (e.g. postgres-1-process)")
    parser.add_argument("--profile", metavar="DIR", help="write each bot process's cProfile here")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the bot processes' logs here")
    args = parser.parse_args()

    runs = [
        Run("postgres-1-process", "postgres", [None]),
        Run("postgres-2-processes", "postgres", [f"{k}-{k}/{SHARDS}" for k in range(SHARDS)]),
    ]
    if not args.skip_sqlite:
        runs.append(Run("sqlite-1-process", "sqlite", [None]))
    if args.only:
        runs = [r for r in runs if r.name == args.only]
    cluster: Cluster | None = None
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        print(f"PostgreSQL runs skipped: {exc}")
        runs = [r for r in runs if r.backend == "sqlite"]
    try:
        with tempfile.TemporaryDirectory(prefix="fineprint-fanout-") as tmp:
            try:
                for run in runs:
                    asyncio.run(one_run(run, args, cluster, Path(tmp)))
            finally:
                if args.keep_logs:
                    shutil.copytree(tmp, args.keep_logs, dirs_exist_ok=True)
    finally:
        if cluster is not None:
            cluster.stop()

    print(
        f"One alert to {args.channels:,} channels ({args.guilds} servers on {SHARDS} shards), "
        f"emulator global limit {args.limit}/s (Discord: 50/s), bot budget "
        f"{DELIVERY_SHARE:.0%} of it"
    )
    header = (
        f"  {'run':22} {'sent':>6} {'rate/s':>7} {'of limit':>8} {'from T0':>8} "
        f"{'p50 s':>6} {'p99 s':>6} {'max s':>6} {'429s':>5} {'twice':>5} {'RSS MB':>14}"
    )
    print(header)
    ok = True
    for run in runs:
        f = run.figures
        share = f["rate"] / args.limit
        rss = "/".join(f"{r:.0f}" for r in f["rss_all"])  # type: ignore[attr-defined]
        print(
            f"  {run.name:22} {int(f['delivered']):6d} {f['rate']:7.0f} {share:8.1%} "
            f"{f['rate_t0'] / args.limit:8.1%} {f['p50']:6.1f} {f['p99']:6.1f} {f['max']:6.1f} "
            f"{int(f['limited']):5d} {int(f['twice']):5d} {rss:>14}"
        )
        cpu = " ".join(f"{c:.0%}" for c in f["cpu"])  # type: ignore[attr-defined]
        print(f"  {'':22} CPU while delivering (bot processes, then emulator): {cpu}")
        ok &= share >= 0.9 and f["twice"] == 0 and f["delivered"] == args.channels
    print(
        "  'of limit': deliveries/s while delivering (first to last message) / the limit; "
        "'from T0': counting the wait for the outbox to be looked at"
    )
    print(f"  {'met' if ok else 'NOT met':7} every run >= 90% of the limit, each channel once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
