from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def test_defaults_mean_console_mode(tmp_path: Path) -> None:
    s = load_settings({"FINEPRINT_DB": str(tmp_path / "x.db")})
    assert s.console_mode
    assert s.log_level == "INFO"
    assert not s.allow_private_networks
    assert s.sources_path.name == "sources.toml"


def test_a_postgresql_url_selects_postgresql_and_stays_out_of_repr(tmp_path: Path) -> None:
    url = "postgresql://fineprint:s3cret@db.internal:5432/fineprint"
    s = load_settings({"FINEPRINT_DB": url})
    assert s.db_url == url and s.database == url
    assert "s3cret" not in repr(s)
    sqlite = load_settings({"FINEPRINT_DB": str(tmp_path / "x.db")})
    assert sqlite.db_url is None and sqlite.database == tmp_path / "x.db"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"FINEPRINT_DEV_GUILD": "my server"}, "FINEPRINT_DEV_GUILD"),
        ({"FINEPRINT_LOG_LEVEL": "loud"}, "FINEPRINT_LOG_LEVEL"),
        ({"DISCORD_API_BASE": "discord.local/api"}, "DISCORD_API_BASE"),
        ({"DISCORD_GATEWAY_URL": "http://127.0.0.1:1/"}, "DISCORD_GATEWAY_URL"),
        ({"FINEPRINT_ALLOW_PRIVATE_NETWORKS": "maybe"}, "FINEPRINT_ALLOW_PRIVATE_NETWORKS"),
        ({"DISCORD_TOKEN": "short"}, "DISCORD_TOKEN"),
        ({"FINEPRINT_DB": "/no/such/folder/x.db"}, "FINEPRINT_DB"),
        ({"FINEPRINT_SOURCES": "/no/such/sources.toml"}, "FINEPRINT_SOURCES"),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(env)
    assert err.value.setting == setting
    assert setting in str(err.value)


def test_config_file_holds_non_secrets_and_env_wins(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('log_level = "debug"\ndev_guild = "123456789012345678"\n')
    s = load_settings({"FINEPRINT_CONFIG": str(cfg), "FINEPRINT_LOG_LEVEL": "warning"})
    assert s.dev_guild == 123456789012345678
    assert s.log_level == "WARNING"


def test_config_file_refuses_secrets(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('discord_token = "abc"\n')
    with pytest.raises(ConfigError) as err:
        load_settings({"FINEPRINT_CONFIG": str(cfg)})
    assert err.value.setting == "DISCORD_TOKEN"


def test_config_file_unknown_key(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('databse = "x.db"\n')
    with pytest.raises(ConfigError, match="unknown key 'databse'"):
        load_settings({"FINEPRINT_CONFIG": str(cfg)})


PG = "postgresql://fineprint@/fineprint?host=/run/postgresql"


@pytest.mark.parametrize(
    ("value", "ids", "count"),
    [("0-3/8", (0, 1, 2, 3), 8), ("2/8", (2,), 8), ("0-0/2", (0,), 2), ("0-1/2", (0, 1), 2)],
)
def test_shards_name_this_process_s_range(value: str, ids: tuple[int, ...], count: int) -> None:
    s = load_settings({"FINEPRINT_DB": PG, "FINEPRINT_SHARDS": value})
    assert s.shards is not None and s.shards.ids == ids and s.shards.count == count


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0-3", "expected FIRST-LAST/COUNT such as 0-3/8"),
        ("three/8", "expected FIRST-LAST/COUNT"),
        ("0-8/8", "shard 8 does not exist; the 8 shards are numbered 0 to 7"),
        ("3-1/8", "the first shard is after the last"),
        ("0/0", "the shard count must be at least 1"),
    ],
)
def test_a_malformed_shard_range_says_what_is_wrong(value: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({"FINEPRINT_DB": PG, "FINEPRINT_SHARDS": value})
    assert err.value.setting == "FINEPRINT_SHARDS" and says in str(err.value)


def test_part_of_the_shards_on_a_sqlite_file_is_refused(tmp_path: Path) -> None:
    """The other shards' processes could not share a SQLite file: say so at start."""
    db = str(tmp_path / "x.db")
    with pytest.raises(ConfigError) as err:
        load_settings({"FINEPRINT_DB": db, "FINEPRINT_SHARDS": "0-0/2"})
    assert "PostgreSQL" in str(err.value)
    every = load_settings({"FINEPRINT_DB": db, "FINEPRINT_SHARDS": "0-1/2"})
    assert every.shards is not None and every.shards.ids == (0, 1)


def test_lease_and_global_rate_have_defaults_and_bounds(tmp_path: Path) -> None:
    s = load_settings({"FINEPRINT_DB": str(tmp_path / "x.db")})
    assert (s.lease, s.global_rate, s.shards) == (20.0, 50.0, None)
    tuned = load_settings({"FINEPRINT_LEASE": "5", "FINEPRINT_GLOBAL_RATE": "500"})
    assert (tuned.lease, tuned.global_rate) == (5.0, 500.0)
    for setting, value in (("FINEPRINT_LEASE", "0"), ("FINEPRINT_GLOBAL_RATE", "fast")):
        with pytest.raises(ConfigError) as err:
            load_settings({setting: value})
        assert err.value.setting == setting
