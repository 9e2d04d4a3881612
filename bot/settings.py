"""Settings, read once from the environment and an optional `.env` file.

Nothing reads the environment at import time: `Settings.from_env()` is called by the command
line, so tests and `summitbot ask` never need a token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FACTS_DIR = PROJECT_ROOT / "facts"
DEFAULT_SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_STORE_PATH = PROJECT_ROOT / "var" / "summitbot.sqlite3"
DEFAULT_CACHE_DIR = PROJECT_ROOT / "var" / "cache"
ENV_PREFIX = "SUMMITBOT_"


class SettingsError(ValueError):
    """A setting is present but unusable; the message names the variable."""


@dataclass(frozen=True)
class Secret:
    """A value that never shows itself in a repr, a log line or a traceback."""

    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('********')" if self.value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class Settings:
    token: Secret = Secret("")
    moderator_role_ids: frozenset[int] = frozenset()
    dev_guild_id: int | None = None
    facts_dir: Path = DEFAULT_FACTS_DIR
    seeds_dir: Path = DEFAULT_SEEDS_DIR
    log_level: str = "INFO"
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    ask_cooldown_seconds: float = 3.0
    ask_cooldown_rate: int = 3
    monitor_loop_lag: bool = False
    auto_reload: bool = False
    log_channel_id: int | None = None
    store_path: Path = DEFAULT_STORE_PATH
    # Where parsed fact files and a snapshot of the built base are kept, so that a start or a
    # reload parses and indexes only what changed; None: nothing is kept.
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    retention_days: int = 90
    # Only the tests set these, to point discord.py at a loopback Discord; unset means discord.com.
    api_base: str | None = None
    gateway_url: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
        """Build settings from `.env` (if present) overlaid by the real environment."""
        values = dict(read_env_file(env_file if env_file is not None else Path.cwd() / ".env"))
        values.update(os.environ if environ is None else environ)

        def get(name: str) -> str:
            return values.get(name, "").strip()

        return cls(
            token=Secret(get("DISCORD_TOKEN")),
            moderator_role_ids=frozenset(
                _int_list(get(f"{ENV_PREFIX}MODERATOR_ROLE_IDS"), f"{ENV_PREFIX}MODERATOR_ROLE_IDS")
            ),
            dev_guild_id=_optional_int(get(f"{ENV_PREFIX}DEV_GUILD_ID"), f"{ENV_PREFIX}DEV_GUILD_ID"),
            facts_dir=_path(get(f"{ENV_PREFIX}FACTS_DIR")) or DEFAULT_FACTS_DIR,
            seeds_dir=_path(get(f"{ENV_PREFIX}SEEDS_DIR")) or DEFAULT_SEEDS_DIR,
            log_level=_log_level(get(f"{ENV_PREFIX}LOG_LEVEL") or "INFO"),
            shard_count=_optional_int(get(f"{ENV_PREFIX}SHARD_COUNT"), f"{ENV_PREFIX}SHARD_COUNT"),
            shard_ids=tuple(_int_list(get(f"{ENV_PREFIX}SHARD_IDS"), f"{ENV_PREFIX}SHARD_IDS")) or None,
            ask_cooldown_seconds=_float(get(f"{ENV_PREFIX}COOLDOWN_SECONDS") or "3", f"{ENV_PREFIX}COOLDOWN_SECONDS"),
            ask_cooldown_rate=_optional_int(get(f"{ENV_PREFIX}COOLDOWN_RATE"), f"{ENV_PREFIX}COOLDOWN_RATE") or 3,
            monitor_loop_lag=_flag(get(f"{ENV_PREFIX}MONITOR_LOOP_LAG")),
            auto_reload=_flag(get(f"{ENV_PREFIX}AUTO_RELOAD")),
            log_channel_id=_optional_int(get(f"{ENV_PREFIX}LOG_CHANNEL_ID"), f"{ENV_PREFIX}LOG_CHANNEL_ID"),
            store_path=_path(get(f"{ENV_PREFIX}STORE_PATH")) or DEFAULT_STORE_PATH,
            cache_dir=_cache_dir(get(f"{ENV_PREFIX}CACHE_DIR")),
            retention_days=_optional_int(get(f"{ENV_PREFIX}RETENTION_DAYS"), f"{ENV_PREFIX}RETENTION_DAYS") or 90,
            api_base=get(f"{ENV_PREFIX}API_BASE") or None,
            gateway_url=get(f"{ENV_PREFIX}GATEWAY_URL") or None,
        )


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; blank lines and # comments are skipped, quotes around values removed."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _int_list(text: str, name: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise SettingsError(f"{name} must be a comma-separated list of numeric ids, got {text!r}") from None


def _optional_int(text: str, name: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {text!r}") from None


def _flag(text: str) -> bool:
    return text.lower() in {"1", "true", "yes", "on"}


def _float(text: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {text!r}") from None


def _path(text: str) -> Path | None:
    return Path(text).expanduser().resolve() if text else None


def _cache_dir(text: str) -> Path | None:
    if text.lower() in {"off", "none", "0"}:
        return None
    return _path(text) or DEFAULT_CACHE_DIR


def _log_level(text: str) -> str:
    level = text.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(f"{ENV_PREFIX}LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {text!r}")
    return level
