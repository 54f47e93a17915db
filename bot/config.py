"""Settings from the environment (and an optional ``config.toml`` for the non-secret ones).

Everything is validated once at start so a typo in a setting fails loudly with the setting's name,
instead of surfacing hours later as an odd network error.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import FinePrintError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"

# Settings a config.toml may hold (lower-case keys map to these names). DISCORD_TOKEN is absent
# on purpose: secrets come only from the environment.
FILE_SETTINGS = {
    "db": "FINEPRINT_DB",
    "dev_guild": "FINEPRINT_DEV_GUILD",
    "sources": "FINEPRINT_SOURCES",
    "log_level": "FINEPRINT_LOG_LEVEL",
    "data_dir": "FINEPRINT_DATA",
    "api_base": "DISCORD_API_BASE",
    "gateway_url": "DISCORD_GATEWAY_URL",
    "allow_private_networks": "FINEPRINT_ALLOW_PRIVATE_NETWORKS",
    "shards": "FINEPRINT_SHARDS",
    "lease": "FINEPRINT_LEASE",
    "global_rate": "FINEPRINT_GLOBAL_RATE",
}
SECRET_SETTINGS = ("DISCORD_TOKEN",)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")
POSTGRES_SCHEMES = ("postgresql", "postgres")
SHARDS_FORMAT = re.compile(r"^(\d+)(?:-(\d+))?/(\d+)$")
DEFAULT_LEASE = 20.0  # seconds: see Settings.lease
LEASE_RANGE = (1.0, 600.0)
DISCORD_GLOBAL_RATE = 50.0  # requests per second Discord allows a bot, all processes together


class ConfigError(FinePrintError, ValueError):
    """A setting is missing or malformed; the message names it."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """Which of the bot's shards this process runs: ``first``..``last`` of ``count``.

    Discord splits a bot's servers into ``count`` shards (a server's shard is
    ``(guild_id >> 22) % count``), each a gateway connection of its own; ``FINEPRINT_SHARDS``
    gives each process its range, so several processes (or machines) run one bot together.
    """

    first: int
    last: int
    count: int

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))

    @property
    def partial(self) -> bool:
        """Whether other processes must run the remaining shards."""
        return len(self.ids) < self.count

    def __str__(self) -> str:
        span = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{span}/{self.count}"


def parse_shards(value: str) -> ShardPlan:
    """``"0-3/8"`` (shards 0 to 3 of 8) or ``"2/8"`` (shard 2 of 8); ``ConfigError`` otherwise."""
    match = SHARDS_FORMAT.match(value.strip())
    if match is None:
        raise ConfigError(
            "FINEPRINT_SHARDS",
            f"expected FIRST-LAST/COUNT such as 0-3/8 (this process runs shards 0 to 3 of 8) "
            f"or ONE/COUNT such as 2/8, got {value!r}",
        )
    first, count = int(match[1]), int(match[3])
    last = int(match[2]) if match[2] is not None else first
    if count < 1:
        raise ConfigError("FINEPRINT_SHARDS", f"the shard count must be at least 1, got {value!r}")
    if first > last:
        raise ConfigError("FINEPRINT_SHARDS", f"{value!r}: the first shard is after the last")
    if last >= count:
        raise ConfigError(
            "FINEPRINT_SHARDS",
            f"{value!r}: shard {last} does not exist; the {count} shards are numbered "
            f"0 to {count - 1}",
        )
    return ShardPlan(first, last, count)


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None = field(default=None, repr=False)
    db_path: Path = Path("fineprint.db")
    # FINEPRINT_DB=postgresql://…: PostgreSQL instead of the SQLite file (may hold a password)
    db_url: str | None = field(default=None, repr=False)
    dev_guild: int | None = None
    sources_path: Path = DEFAULT_DATA_DIR / "sources.toml"
    data_dir: Path = DEFAULT_DATA_DIR
    log_level: str = "INFO"
    api_base: str | None = None
    gateway_url: str | None = None
    allow_private_networks: bool = False
    # FINEPRINT_SHARDS: the shards this process runs (None: all of them, as many as Discord
    # recommends)
    shards: ShardPlan | None = None
    # FINEPRINT_LEASE: seconds a process keeps the poller role and the outbox rows it claimed
    # without renewing them; after that, another process sharing the database takes them over
    lease: float = DEFAULT_LEASE
    # FINEPRINT_GLOBAL_RATE: requests per second Discord allows this bot (all processes together)
    global_rate: float = DISCORD_GLOBAL_RATE

    @property
    def console_mode(self) -> bool:
        return not self.token

    @property
    def database(self) -> str | Path:
        """What ``Database(...)`` opens: the PostgreSQL URL if one is set, else the SQLite file."""
        return self.db_url or self.db_path


def _read_config_file(path: Path) -> dict[str, str]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("FINEPRINT_CONFIG", f"{path} is not valid TOML ({exc})") from exc
    except OSError as exc:
        raise ConfigError("FINEPRINT_CONFIG", f"cannot read {path} ({exc.strerror})") from exc
    values: dict[str, str] = {}
    for key, value in raw.items():
        upper = key.upper()
        if upper in SECRET_SETTINGS or key.lower() == "token":
            raise ConfigError(
                upper if upper in SECRET_SETTINGS else "DISCORD_TOKEN",
                f"secrets belong in the environment, not in {path}",
            )
        name = FILE_SETTINGS.get(key.lower())
        if name is None:
            known = ", ".join(sorted(FILE_SETTINGS))
            raise ConfigError("FINEPRINT_CONFIG", f"unknown key {key!r} in {path} (known: {known})")
        values[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return values


def _url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigError(name, f"expected a {' or '.join(schemes)} URL, got {value!r}")
    return value.rstrip("/")


def _seconds(name: str, value: str, default: float, low: float, high: float) -> float:
    if not value.strip():
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(name, f"expected a number, got {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(name, f"expected a number from {low:g} to {high:g}, got {value!r}")
    return number


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ConfigError(name, f"expected 1/0 or true/false, got {value!r}")


def load_settings(
    env: Mapping[str, str] | None = None, *, config_file: Path | None = None
) -> Settings:
    """Read settings: ``config.toml`` (if any) first, then the environment, which wins."""
    env = dict(os.environ if env is None else env)
    merged: dict[str, str] = {}
    cfg_path = Path(env["FINEPRINT_CONFIG"]) if env.get("FINEPRINT_CONFIG") else config_file
    if cfg_path is None and Path("config.toml").is_file():
        cfg_path = Path("config.toml")
    if cfg_path is not None:
        if not cfg_path.is_file():
            raise ConfigError("FINEPRINT_CONFIG", f"{cfg_path} does not exist")
        merged.update(_read_config_file(cfg_path))
    merged.update({k: v for k, v in env.items() if v is not None})

    token = merged.get("DISCORD_TOKEN", "").strip() or None
    if token is not None and (any(c.isspace() for c in token) or len(token) < 20):
        raise ConfigError("DISCORD_TOKEN", "does not look like a bot token (too short or spaces)")

    dev_guild: int | None = None
    if merged.get("FINEPRINT_DEV_GUILD", "").strip():
        raw = merged["FINEPRINT_DEV_GUILD"].strip()
        if not raw.isdigit() or not 15 <= len(raw) <= 21:
            raise ConfigError("FINEPRINT_DEV_GUILD", f"expected a Discord guild id, got {raw!r}")
        dev_guild = int(raw)

    level = merged.get("FINEPRINT_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError("FINEPRINT_LOG_LEVEL", f"expected one of {', '.join(LOG_LEVELS)}")

    data_dir = Path(merged.get("FINEPRINT_DATA") or DEFAULT_DATA_DIR)
    if not data_dir.is_dir():
        raise ConfigError("FINEPRINT_DATA", f"{data_dir} is not a directory")

    sources = Path(merged.get("FINEPRINT_SOURCES") or data_dir / "sources.toml")
    if merged.get("FINEPRINT_SOURCES") and not sources.is_file():
        raise ConfigError("FINEPRINT_SOURCES", f"{sources} does not exist")

    db_raw = merged.get("FINEPRINT_DB", "fineprint.db").strip() or "fineprint.db"
    db_path, db_url = Path("fineprint.db"), None
    if urlsplit(db_raw).scheme.lower() in POSTGRES_SCHEMES:
        db_url = db_raw
    else:
        db_path = Path(db_raw)
        if db_path.exists() and db_path.is_dir():
            raise ConfigError("FINEPRINT_DB", f"{db_path} is a directory, expected a database file")
        if not db_path.parent.exists():
            raise ConfigError("FINEPRINT_DB", f"folder {db_path.parent} does not exist")

    api_base = merged.get("DISCORD_API_BASE", "").strip() or None
    if api_base:
        api_base = _url("DISCORD_API_BASE", api_base, ("http", "https"))
    gateway = merged.get("DISCORD_GATEWAY_URL", "").strip() or None
    if gateway:
        gateway = _url("DISCORD_GATEWAY_URL", gateway, ("ws", "wss"))

    shards = None
    if merged.get("FINEPRINT_SHARDS", "").strip():
        shards = parse_shards(merged["FINEPRINT_SHARDS"])
        if shards.partial and db_url is None:
            raise ConfigError(
                "FINEPRINT_SHARDS",
                f"{shards} leaves the other shards to other processes, which must share this "
                "process's database: set FINEPRINT_DB to a PostgreSQL URL (a SQLite file serves "
                "one process only)",
            )
    lease = _seconds(
        "FINEPRINT_LEASE", merged.get("FINEPRINT_LEASE", ""), DEFAULT_LEASE, *LEASE_RANGE
    )
    global_rate = _seconds(
        "FINEPRINT_GLOBAL_RATE",
        merged.get("FINEPRINT_GLOBAL_RATE", ""),
        DISCORD_GLOBAL_RATE,
        1.0,
        100_000.0,
    )

    return Settings(
        token=token,
        db_path=db_path,
        db_url=db_url,
        dev_guild=dev_guild,
        sources_path=sources,
        data_dir=data_dir,
        log_level=level,
        api_base=api_base,
        gateway_url=gateway,
        allow_private_networks=_flag(
            "FINEPRINT_ALLOW_PRIVATE_NETWORKS", merged.get("FINEPRINT_ALLOW_PRIVATE_NETWORKS", "")
        ),
        shards=shards,
        lease=lease,
        global_rate=global_rate,
    )


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
