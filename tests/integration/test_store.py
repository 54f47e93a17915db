"""Storage on both backends: migrations, refusal of newer schemas, transactions, locks, backups.

Tests taking ``db_target`` run on a SQLite file and on a fresh PostgreSQL database; the rest are
about one backend (SQLite's WAL file and backup API; PostgreSQL's types, row claiming, pg_dump).
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.alerts.model import Alert
from bot.store import alerts as alert_store
from bot.store import clock, guild_config, sources, subscriptions
from bot.store.db import BackupError, Database, DatabaseError, is_postgres_url
from bot.store.db.pg_tools import find_pg_binary
from bot.store.db.postgres import numbered, redact
from bot.store.db.sqlite import apply_migrations
from bot.store.migrations import MigrationError, known_migrations
from tests.conftest import PYTHON, ROOT, clean_env
from tests.pg import Cluster

LATEST = known_migrations("sqlite")[-1].version
TABLES = {"guild_config", "guild_faq", "faq_audit", "alert", "outbox", "subscription"}
BIG_ID = 1_234_567_890_123_456_789  # a Discord snowflake: does not fit in 32 bits


async def set_schema_version(db: Database, version: int) -> None:
    """What a newer Fine Print would have left behind."""
    if db.dialect.name == "sqlite":
        async with db.transaction() as conn:
            await conn.execute(f"PRAGMA user_version = {version}")
    else:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO fineprint_schema (version, name, applied_at) VALUES (?, 'future', ?)",
                (version, clock.now_iso()),
            )


async def table_names(db: Database) -> set[str]:
    if db.dialect.name == "sqlite":
        rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = await db.fetchall(
            "SELECT table_name AS name FROM information_schema.tables "
            "WHERE table_schema = current_schema()"
        )
    return {r["name"] for r in rows}


def make_alert(n: int, *, relevance: float = 0.9) -> Alert:
    return Alert(
        id=f"a{n}",
        source="sc-terms",
        platform="soundcloud",
        kind="terms-change",
        title=f"SoundCloud changed its terms ({n})",
        url="https://soundcloud.com/terms-of-use",
        relevance=relevance,
        ai_relevant=True,
        added=("We may use your Content to train AI models.",),
        removed=(),
        detected_at=clock.now_iso(),
        document="Terms of Use",
    )


# -- both backends ---------------------------------------------------------------------------


async def test_connect_applies_every_migration(db_target: str | Path) -> None:
    async with Database(db_target) as db:
        assert await db.schema_version() == LATEST
        assert await table_names(db) >= TABLES


async def test_rerunning_migrations_is_a_no_op(db_target: str | Path) -> None:
    async with Database(db_target) as db:
        await guild_config.set_mod_role(db, 1, 42, actor_id=7)
    db = await Database(db_target).connect(migrate=False)
    try:
        assert await db.migrate() == []
    finally:
        await db.close()
    async with Database(db_target) as db:
        assert await guild_config.mod_role(db, 1) == 42


async def test_processes_migrating_at_once_apply_each_migration_once(
    db_target: str | Path,
) -> None:
    first, second = Database(db_target), Database(db_target)
    try:
        # SQLite: one writer at a time (busy timeout); PostgreSQL: the migration advisory lock.
        await asyncio.gather(first.connect(), second.connect())
        assert await first.schema_version() == await second.schema_version() == LATEST
    finally:
        await first.close()
        await second.close()


async def test_newer_schema_is_refused_with_a_clear_message(db_target: str | Path) -> None:
    async with Database(db_target) as db:
        await set_schema_version(db, LATEST + 5)
    with pytest.raises(MigrationError, match="newer than this Fine Print knows"):
        await Database(db_target).connect()


async def test_failed_transaction_rolls_back(db_target: str | Path) -> None:
    async with Database(db_target) as db:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await guild_config.set_mod_role(db, 5, 99, actor_id=1, conn=conn)
                raise RuntimeError("boom")
        assert await guild_config.mod_role(db, 5) is None


async def test_first_notice_is_true_once(db_target: str | Path) -> None:
    async with Database(db_target) as db:
        assert await guild_config.first_notice(db, 1, "paused:x")
        assert not await guild_config.first_notice(db, 1, "paused:x")
        await guild_config.clear_notice(db, 1, "paused:x")
        assert await guild_config.first_notice(db, 1, "paused:x")


async def test_discord_ids_and_relevance_round_trip_exactly(db_target: str | Path) -> None:
    async with Database(db_target) as db:
        await subscriptions.subscribe(
            db, BIG_ID, BIG_ID + 1, [], mention_role_id=BIG_ID + 2, actor=BIG_ID
        )
        async with db.transaction() as conn:
            assert await alert_store.record_alert(db, make_alert(1, relevance=0.1 + 0.2), conn) == 1
        [row] = await alert_store.due(db)
        assert (row.guild_id, row.channel_id, row.mention_role_id) == (
            BIG_ID,
            BIG_ID + 1,
            BIG_ID + 2,
        )
        alert = await alert_store.get_alert(db, "a1")
        assert alert is not None and alert.relevance == 0.1 + 0.2  # a double, not a float4


async def test_alert_and_outbox_rows_commit_together_or_not_at_all(db_target: str | Path) -> None:
    async with Database(db_target) as db:
        await subscriptions.subscribe(db, 1, 11, [], actor=9)
        await subscriptions.subscribe(db, 1, 12, [], actor=9)
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                assert await alert_store.record_alert(db, make_alert(2), conn) == 2
                raise RuntimeError("the process dies before the seen item is recorded")
        assert await alert_store.get_alert(db, "a2") is None
        assert await alert_store.counts(db) == {}
        async with db.transaction() as conn:
            assert await alert_store.record_alert(db, make_alert(2), conn) == 2
        assert await alert_store.counts(db) == {"pending": 2}


async def test_a_guild_source_cap_holds_under_concurrent_adds(db_target: str | Path) -> None:
    async with Database(db_target) as db:

        async def add(n: int) -> bool:
            try:
                await sources.add_guild_source(
                    db, 7, kind="rss", url=f"https://feeds.example/{n}.xml", actor=1, cap=3
                )
            except sources.GuildSourceError:
                return False
            return True

        added = await asyncio.gather(*(add(n) for n in range(8)))
        assert sum(added) == 3
        assert len(await sources.list_guild_sources(db, 7)) == 3


# -- SQLite ----------------------------------------------------------------------------------


async def test_sqlite_runs_in_wal_mode_with_user_version(tmp_path: Path) -> None:
    async with Database(tmp_path / "f.db") as db:
        row = await db.fetchone("PRAGMA journal_mode")
        assert row is not None and row[0] == "wal"
        row = await db.fetchone("PRAGMA user_version")
        assert row is not None and row[0] == LATEST


async def test_sqlite_raw_connection_migration_is_a_no_op_when_current(tmp_path: Path) -> None:
    import aiosqlite

    path = tmp_path / "f.db"
    async with Database(path):
        pass
    async with aiosqlite.connect(path) as conn:
        assert await apply_migrations(conn) == []


async def test_online_backup_is_consistent_and_never_overwrites(tmp_path: Path) -> None:
    async with Database(tmp_path / "f.db") as db:
        for guild in range(50):
            await guild_config.set_mod_role(db, guild, guild + 1000, actor_id=1)
        target = await db.backup(tmp_path / "copy.db")
        with pytest.raises(BackupError, match="already exists"):
            await db.backup(target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM guild_config").fetchone()[0] == 50
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def run_bot_cli(*args: str, db: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "bot", *args],
        cwd=ROOT,
        env=clean_env(FINEPRINT_DB=str(db)),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_db_cli_migrate_twice_and_backup(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    first = run_bot_cli("db", "migrate", db=db)
    assert first.returncode == 0, first.stderr
    assert f"from version 0 to {LATEST}" in first.stdout
    again = run_bot_cli("db", "migrate", db=db)
    assert "up to date" in again.stdout
    backup = run_bot_cli("db", "backup", str(tmp_path / "b.db"), db=db)
    assert backup.returncode == 0 and (tmp_path / "b.db").exists()
    refused = run_bot_cli("db", "backup", str(tmp_path / "b.db"), db=db)
    assert refused.returncode == 1 and "already exists" in refused.stderr


def test_db_cli_refuses_newer_schema(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    result = run_bot_cli("db", "migrate", db=db)
    assert result.returncode == 1
    assert "newer than this Fine Print knows" in result.stderr


def test_bad_setting_is_named_at_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "bot", "data", "check"],
        cwd=ROOT,
        env=clean_env(FINEPRINT_LOG_LEVEL="chatty"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "FINEPRINT_LOG_LEVEL" in result.stderr


async def test_db_review_cli_lists_and_resolves_flagged_clauses(tmp_path: Path) -> None:
    from bot.store import reviews

    db_file = tmp_path / "review.db"
    assert "No curated clause needs review" in run_bot_cli("db", "review", db=db_file).stdout
    async with Database(db_file) as db, db.transaction() as conn:
        await reviews.flag(conn, "soundcloud-tou-2025-genai-consent", "soundcloud-terms")
    listed = run_bot_cli("db", "review", db=db_file).stdout
    assert "soundcloud-tou-2025-genai-consent: quote not found in soundcloud-terms" in listed
    done = run_bot_cli("db", "review", "--resolve", "soundcloud-tou-2025-genai-consent", db=db_file)
    assert done.returncode == 0 and "Marked" in done.stdout
    assert "No curated clause needs review" in run_bot_cli("db", "review", db=db_file).stdout


# -- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
async def test_postgres_integers_are_bigint_and_floats_double(postgres_url: str) -> None:
    """SQLite's integers are 64-bit: on PostgreSQL an INTEGER (or REAL) column is a bug waiting
    for the first Discord id (or a relevance that no longer compares equal). A new migration
    that declares one needs a ``.postgres.sql`` override, or BIGINT / DOUBLE PRECISION."""
    async with Database(postgres_url) as db:
        rows = await db.fetchall(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('integer', 'smallint', 'real')"
        )
        assert [dict(r) for r in rows] == []


@pytest.mark.postgres
async def test_postgres_claims_rows_with_skip_locked(postgres_url: str) -> None:
    """What several processes sharing the outbox build on: a claim skips rows another open
    transaction holds, instead of waiting for them or taking them twice."""
    async with Database(postgres_url) as db:
        for channel in (11, 12, 13, 14):
            await subscriptions.subscribe(db, 1, channel, [], actor=9)
        async with db.transaction() as conn:
            await alert_store.record_alert(db, make_alert(3), conn)
        claim = (
            "SELECT id FROM outbox WHERE status = 'pending' ORDER BY id LIMIT ?"
            + db.dialect.skip_locked
        )
        async with db.transaction() as first:
            mine = [r["id"] for r in await first.fetchall(claim, (2,))]
            async with db.transaction() as second:
                theirs = [r["id"] for r in await second.fetchall(claim, (10,))]
        assert len(mine) == 2 and len(theirs) == 2 and not set(mine) & set(theirs)


@pytest.mark.postgres
async def test_postgres_named_lock_serialises_transactions(postgres_url: str) -> None:
    async with Database(postgres_url) as db:
        order: list[str] = []
        held = asyncio.Event()

        async def first() -> None:
            async with db.transaction() as conn:
                await conn.lock("faq:1")
                held.set()
                await asyncio.sleep(0.2)
                order.append("first done")

        async def second() -> None:
            await held.wait()
            async with db.transaction() as conn:
                await conn.lock("faq:1")
                order.append("second locked")

        await asyncio.gather(first(), second())
        assert order == ["first done", "second locked"]


@pytest.mark.postgres
async def test_postgres_backup_with_pg_dump_restores(
    postgres_url: str, postgres_cluster: Cluster, tmp_path: Path
) -> None:
    async with Database(postgres_url) as db:
        for guild in range(50):
            await guild_config.set_mod_role(db, guild, BIG_ID + guild, actor_id=1)
        target = await db.backup(tmp_path / "fineprint.dump")
        with pytest.raises(FileExistsError):
            await db.backup(target)
    restored = postgres_cluster.create_database()
    try:
        pg_restore = find_pg_binary("pg_restore")
        assert pg_restore is not None
        await asyncio.to_thread(
            subprocess.run,
            [str(pg_restore), "--no-owner", f"--dbname={restored}", str(target)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        async with Database(restored) as copy:
            assert await copy.fetchval("SELECT count(*) FROM guild_config") == 50
            assert await guild_config.mod_role(copy, 49) == BIG_ID + 49
    finally:
        postgres_cluster.drop_database(restored)


@pytest.mark.postgres
async def test_postgres_backup_without_pg_dump_says_what_to_use(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.store.db.postgres as pg

    monkeypatch.setattr(pg, "find_pg_binary", lambda name: None)
    async with Database(postgres_url) as db:
        with pytest.raises(BackupError, match="pg_dump is not installed") as caught:
            await db.backup(tmp_path / "x.dump")
    assert "apt-get install postgresql-client" in str(caught.value)
    assert not (tmp_path / "x.dump").exists()


@pytest.mark.postgres
def test_postgres_db_cli_migrate_twice_backup_and_refuse_newer(
    postgres_url: str, postgres_cluster: Cluster, tmp_path: Path
) -> None:
    first = run_bot_cli("db", "migrate", db=postgres_url)
    assert first.returncode == 0, first.stderr
    assert f"from version 0 to {LATEST}" in first.stdout
    assert "up to date" in run_bot_cli("db", "migrate", db=postgres_url).stdout
    backup = run_bot_cli("db", "backup", str(tmp_path / "b.dump"), db=postgres_url)
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "b.dump").stat().st_size > 0
    dbname = postgres_url.split("?")[0].rsplit("/", 1)[-1]
    postgres_cluster.psql(
        "INSERT INTO fineprint_schema VALUES (999, 'future', 'now')", database=dbname
    )
    refused = run_bot_cli("db", "migrate", db=postgres_url)
    assert refused.returncode == 1
    assert "newer than this Fine Print knows" in refused.stderr


@pytest.mark.postgres
def test_postgres_unreachable_is_one_clear_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://fp:s3cret@/fineprint?host={tmp_path}"  # no server on that socket
    result = run_bot_cli("db", "migrate", db=url)
    assert result.returncode == 1
    assert "cannot connect to PostgreSQL at postgresql://fp@/fineprint" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    with pytest.raises(DatabaseError):
        asyncio.run(Database(url).connect())


# -- the SQL translation (no server needed) --------------------------------------------------


def test_placeholders_are_numbered_outside_literals_and_comments() -> None:
    sql = "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = ? AND b IN (?, ?) /* ? */ AND c = 'it''s?'"
    assert numbered(sql) == (
        "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = $1 AND b IN ($2, $3) /* ? */ AND c = 'it''s?'"
    )


def test_numbered_placeholders_keep_their_numbers() -> None:
    assert numbered("WHERE a = ?1 AND b <= ?2 AND c = ?1 LIMIT ?") == (
        "WHERE a = $1 AND b <= $2 AND c = $1 LIMIT $3"
    )


def test_postgres_urls_pick_the_backend_and_hide_passwords() -> None:
    assert is_postgres_url("postgresql://u@h/db") and is_postgres_url("postgres://h/db")
    assert not is_postgres_url("fineprint.db") and not is_postgres_url(Path("postgresql:/x"))
    assert redact("postgresql://u:pw@h:5433/db?sslmode=require") == (
        "postgresql://u@h:5433/db?sslmode=require"
    )
    assert Database("postgresql://u@h/db").dialect.name == "postgres"
    assert Database("x.db").dialect.name == "sqlite"
