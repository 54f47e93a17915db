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
