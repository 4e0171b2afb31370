"""Configuration: `config.toml` (every key documented in `config.example.toml`) plus the token.

The token is read only from `DISCORD_TOKEN` or from a file named in the config, never
from the TOML itself, so a config file can be shared or committed without leaking it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import LOCALES
from store.db import default_path

DEFAULT_CONFIG_PATH = Path("config.toml")


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Config:
    """Every setting the bot reads, with the built-in defaults."""

    store_path: Path = field(default_factory=default_path)
    guild_ids: tuple[int, ...] = ()
    locale: str = "ko"
    timezone: str = "Asia/Seoul"
    admin_user_ids: tuple[int, ...] = ()
    admin_role_ids: tuple[int, ...] = ()
    admin_guild_ids: tuple[int, ...] = ()
    log_level: str = "INFO"
    api_base: str | None = None
    gateway_url: str | None = None
    token_file: Path | None = None
    source: Path | None = None
    digest_catch_up_hours: float = 6.0
    digest_audit_channel_id: int | None = None
    admin_audit_channel_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def token(self) -> str | None:
        """`DISCORD_TOKEN`, else the contents of `discord.token_file`, else None."""
        token = os.environ.get("DISCORD_TOKEN", "").strip()
        if token:
            return token
        if self.token_file and self.token_file.exists():
            return self.token_file.read_text(encoding="utf-8").strip() or None
        return None


def _ids(section: dict[str, Any], key: str, where: str) -> tuple[int, ...]:
    values = section.get(key, [])
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise ConfigError(
            f"{where}.{key} must be a list of numeric Discord ids, e.g. [123456789012345678]"
        )
    return tuple(values)


def _path(base: Path, section: dict[str, Any], key: str, where: str) -> Path | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}.{key} must be a file path in quotes, not {value!r}")
    return base / value


def _catch_up_hours(section: dict[str, Any]) -> float:
    value = section.get("catch_up_hours", 6)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 168:
        raise ConfigError(
            f"digest.catch_up_hours must be a number of hours from 0 to 168, not {value!r}"
        )
    return float(value)


def _optional_id(section: dict[str, Any], key: str, where: str) -> int | None:
    value = section.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where}.{key} must be a numeric Discord id, e.g. 123456789012345678")
    return value


def load_config(path: Path | None = None) -> Config:
    """Read `path` (default `config.toml`); a missing default file means built-in defaults."""
    target = path or DEFAULT_CONFIG_PATH
    if not target.exists():
        if path is not None:
            raise ConfigError(f"config file {target} does not exist (see config.example.toml)")
        return Config()
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target}: {exc}") from exc
    store, discord, bot = data.get("store", {}), data.get("discord", {}), data.get("bot", {})
    admins, logging = data.get("admins", {}), data.get("logging", {})
    digest = data.get("digest", {})
    if "token" in discord:
        raise ConfigError(
            f"{target}: discord.token is not allowed; put the token in DISCORD_TOKEN"
            " or discord.token_file, never in the TOML"
        )
    base = target.parent
    config = Config(
        store_path=_path(base, store, "path", "store") or default_path(),
        guild_ids=_ids(discord, "guild_ids", "discord"),
        locale=bot.get("locale", "ko"),
        timezone=bot.get("timezone", "Asia/Seoul"),
        admin_user_ids=_ids(admins, "user_ids", "admins"),
        admin_role_ids=_ids(admins, "role_ids", "admins"),
        admin_guild_ids=_ids(admins, "guild_ids", "admins"),
        log_level=str(logging.get("level", "INFO")).upper(),
        api_base=discord.get("api_base"),
        gateway_url=discord.get("gateway_url"),
        token_file=_path(base, discord, "token_file", "discord"),
        source=target,
        digest_catch_up_hours=_catch_up_hours(digest),
        digest_audit_channel_id=_optional_id(digest, "audit_channel_id", "digest"),
        admin_audit_channel_id=_optional_id(admins, "audit_channel_id", "admins"),
    )
    if config.locale not in LOCALES:
        raise ConfigError(f"bot.locale must be one of {', '.join(LOCALES)}, not {config.locale!r}")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"bot.timezone {config.timezone!r} is not an IANA time zone such as Asia/Seoul"
        ) from exc
    if config.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(
            f"logging.level must be DEBUG, INFO, WARNING or ERROR, not {config.log_level!r}"
        )
    return config
