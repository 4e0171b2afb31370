"""Configuration: `config.toml`, `BRIEFBOT_<SECTION>_<KEY>` variables, and the secrets.

Every key is declared once, in `SETTINGS`, with the `Config` field it fills and the kind
of value it takes. The same declaration reads the TOML file and the environment, so a key
has one validation and one error message wherever it is given; the environment wins over
the file (a container or a service unit overrides a shared file without editing it).

Secrets (the Discord token, Slack's tokens and signing secret) are read only from their
environment variable, a file named in the config (`*_file`) or a systemd credential
(`$CREDENTIALS_DIRECTORY`), never from the TOML itself, so a config file can be shared or
committed without leaking them.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import LOCALES
from store.db import default_path

DEFAULT_CONFIG_PATH = Path("config.toml")
ENV_PREFIX = "BRIEFBOT_"
# Environment variables with the prefix that are not keys: the store's own default path.
ENV_NOT_KEYS = frozenset({"BRIEFBOT_DB"})


class ConfigError(ValueError):
    """A configuration that cannot be used; the one-line message names the key."""


@dataclass(frozen=True)
class Secret:
    """Where one secret may come from, in this order: variable, `*_file`, systemd credential."""

    key: str
    env: str
    file_key: str
    credential: str
    file: Callable[[Config], Path | None]


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
    digest_sweep_seconds: float = 60.0
    admin_audit_channel_id: int | None = None
    discord_mode: str = "gateway"
    discord_public_key: str | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    slack_admin_user_ids: tuple[str, ...] = ()
    slack_workspace_admins: bool = False
    slack_mode: str = "socket"
    slack_api_base: str | None = None
    slack_bot_token_file: Path | None = None
    slack_app_token_file: Path | None = None
    slack_signing_secret_file: Path | None = None
    slack_command_prefix: str = ""
    slack_audit_channel: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    http_enabled: bool = True
    web_base_url: str | None = None
    stale_after_days: int = 180
    store_upgrade_on_start: bool = True
    log_format: str = "text"
    # Unknown keys and variables: ignored, but said (check-config prints them, the bot logs them).
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def secret(self, secret: Secret) -> str | None:
        """The secret's value, from the first place that has one, else None."""
        found = self.find_secret(secret)
        return found[0] if found else None

    def find_secret(self, secret: Secret) -> tuple[str, str] | None:
        """The secret and where it came from (for check-config, which never shows the value)."""
        value = os.environ.get(secret.env, "").strip()
        if value:
            return value, f"${secret.env}"
        named = secret.file(self)
        credentials = os.environ.get("CREDENTIALS_DIRECTORY")
        candidates = [named] if named else []
        if credentials:
            candidates.append(Path(credentials) / secret.credential)
        for path in candidates:
            if path.is_file():
                value = path.read_text(encoding="utf-8").strip()
                if value:
                    return value, str(path)
        return None

    def token(self) -> str | None:
        """`DISCORD_TOKEN`, else `discord.token_file`, else the `discord-token` credential."""
        return self.secret(DISCORD_TOKEN)

    def slack_bot_token(self) -> str | None:
        """`SLACK_BOT_TOKEN` (xoxb-…), else `slack.bot_token_file`, else the credential."""
        return self.secret(SLACK_BOT_TOKEN)

    def slack_app_token(self) -> str | None:
        """`SLACK_APP_TOKEN` (xapp-…, Socket Mode), else `slack.app_token_file`, else the credential."""
        return self.secret(SLACK_APP_TOKEN)

    def slack_signing_secret(self) -> str | None:
        """`SLACK_SIGNING_SECRET` (HTTP mode), else `slack.signing_secret_file`, else the credential."""
        return self.secret(SLACK_SIGNING_SECRET)


DISCORD_TOKEN = Secret(
    "discord.token",
    "DISCORD_TOKEN",
    "discord.token_file",
    "discord-token",
    attrgetter("token_file"),
)
SLACK_BOT_TOKEN = Secret(
    "slack.bot_token",
    "SLACK_BOT_TOKEN",
    "slack.bot_token_file",
    "slack-bot-token",
    attrgetter("slack_bot_token_file"),
)
SLACK_APP_TOKEN = Secret(
    "slack.app_token",
    "SLACK_APP_TOKEN",
    "slack.app_token_file",
    "slack-app-token",
    attrgetter("slack_app_token_file"),
)
SLACK_SIGNING_SECRET = Secret(
    "slack.signing_secret",
    "SLACK_SIGNING_SECRET",
    "slack.signing_secret_file",
    "slack-signing-secret",
    attrgetter("slack_signing_secret_file"),
)
SECRETS = (DISCORD_TOKEN, SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET)


def _refuse(name: str, expected: str, value: Any) -> ConfigError:
    return ConfigError(f"{name} must be {expected}, not {value!r}")


def _int_or_raw(raw: str) -> Any:
    return int(raw) if re.fullmatch(r"[+-]?\d+", raw.strip()) else raw


def _list_from_env(raw: str) -> list[Any]:
    """`1,2,3` or `[1, 2, 3]` (or quoted strings): an environment variable holds one line."""
    inner = raw.strip().removeprefix("[").removesuffix("]")
    items = [item.strip().strip("'\"") for item in inner.split(",")]
    return [_int_or_raw(item) for item in items if item]


class Kind(ABC):
    """One kind of value: how to read it from an environment string and how to check it.

    `check` receives what TOML gave (or what `from_env` made of the variable) and returns
    the typed value, or raises a ConfigError naming the key.
    """

    def from_env(self, raw: str) -> Any:
        """What an environment string stands for; text unless the kind says otherwise."""
        return raw

    @abstractmethod
    def check(self, value: Any, name: str, base: Path) -> Any:
        """The typed value, or a ConfigError naming the key."""


@dataclass(frozen=True)
class Text(Kind):
    """A string, optionally matching a pattern (Slack ids, hex keys, command prefixes)."""

    expected: str = "text in quotes"
    pattern: str = r".+"

    def check(self, value: Any, name: str, base: Path) -> str:
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            raise _refuse(name, self.expected, value)
        return value


@dataclass(frozen=True)
class Url(Kind):
    """An absolute URL with one of the given schemes (a typo such as `htp:` fails at load)."""

    schemes: tuple[str, ...] = ("http", "https")

    def check(self, value: Any, name: str, base: Path) -> str:
        if not isinstance(value, str) or not re.fullmatch(
            rf"({'|'.join(self.schemes)})://[^\s/]+\S*", value
        ):
            example = f"{self.schemes[0]}://127.0.0.1:8080/…"
            raise _refuse(name, f"a URL ({' or '.join(self.schemes)}) such as {example}", value)
        return value


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few words; `upper` accepts any case and stores upper case (log levels)."""

    options: tuple[str, ...] = ()
    upper: bool = False

    def check(self, value: Any, name: str, base: Path) -> str:
        word = value.upper() if self.upper and isinstance(value, str) else value
        if word not in self.options:
            raise _refuse(name, f"one of {', '.join(self.options)}", value)
        return word


@dataclass(frozen=True)
class Integer(Kind):
    """A whole number in a range (TOML booleans are not numbers here)."""

    low: int = 0
    high: int = 2**63 - 1
    expected: str = "a whole number"

    def from_env(self, raw: str) -> Any:
        return _int_or_raw(raw)

    def check(self, value: Any, name: str, base: Path) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.low <= value <= self.high
        ):
            raise _refuse(name, f"{self.expected} from {self.low} to {self.high}", value)
        return value


@dataclass(frozen=True)
class Number(Kind):
    """A number of hours or the like, whole or not."""

    low: float = 0
    high: float = 168
    expected: str = "a number"

    def from_env(self, raw: str) -> Any:
        try:
            return float(raw)
        except ValueError:
            return raw

    def check(self, value: Any, name: str, base: Path) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not self.low <= value <= self.high
        ):
            raise _refuse(name, f"{self.expected} from {self.low:g} to {self.high:g}", value)
        return float(value)


class Flag(Kind):
    """true or false (`1`/`0`, `yes`/`no`, `on`/`off` too in the environment)."""

    WORDS: ClassVar[Mapping[str, bool]] = {
        "true": True,
        "1": True,
        "yes": True,
        "on": True,
        "false": False,
        "0": False,
        "no": False,
        "off": False,
    }

    def from_env(self, raw: str) -> Any:
        return self.WORDS.get(raw.strip().lower(), raw)

    def check(self, value: Any, name: str, base: Path) -> bool:
        if not isinstance(value, bool):
            raise _refuse(name, "true or false", value)
        return value


class DiscordId(Kind):
    """One numeric Discord id (a snowflake)."""

    def from_env(self, raw: str) -> Any:
        return _int_or_raw(raw)

    def check(self, value: Any, name: str, base: Path) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name} must be a numeric Discord id, e.g. 123456789012345678")
        return value


@dataclass(frozen=True)
class Many(Kind):
    """A list of values of one kind, kept as a tuple."""

    item: Kind = field(default_factory=DiscordId)
    expected: str = "a list of numeric Discord ids, e.g. [123456789012345678]"

    def from_env(self, raw: str) -> Any:
        return _list_from_env(raw)

    def check(self, value: Any, name: str, base: Path) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise _refuse(name, self.expected, value)
        try:
            return tuple(self.item.check(item, name, base) for item in value)
        except ConfigError:
            raise _refuse(name, self.expected, value) from None


class FilePath(Kind):
    """A file path; relative to the config file (from TOML) or the working directory (env)."""

    def check(self, value: Any, name: str, base: Path) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{name} must be a file path in quotes, not {value!r}")
        return base / value


class Zone(Kind):
    """An IANA time zone name."""

    def check(self, value: Any, name: str, base: Path) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ConfigError(
                f"{name} {value!r} is not an IANA time zone such as Asia/Seoul"
            ) from exc
        return value


@dataclass(frozen=True)
class Setting:
    """One key: `[section] key` (and old spellings of it) fills `Config.<field>`."""

    section: str
    key: str
    field: str
    kind: Kind
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)


def env_name(section: str, key: str) -> str:
    """`BRIEFBOT_<SECTION>_<KEY>`: `[digest] catch_up_hours` is BRIEFBOT_DIGEST_CATCH_UP_HOURS."""
    return f"{ENV_PREFIX}{section}_{key}".upper()


DISCORD_IDS = Many()
SLACK_USER_IDS = Many(
    Text(pattern=r"[UW][A-Z0-9]{2,}"), 'a list of Slack user ids, e.g. ["U012ABCDEF"]'
)
SETTINGS: tuple[Setting, ...] = (
    Setting("store", "path", "store_path", FilePath()),
    Setting("store", "upgrade_on_start", "store_upgrade_on_start", Flag()),
    Setting("discord", "mode", "discord_mode", Choice(("gateway", "http"))),
    Setting("discord", "guild_ids", "guild_ids", DISCORD_IDS),
    Setting("discord", "token_file", "token_file", FilePath()),
    Setting("discord", "api_base", "api_base", Url()),
    Setting("discord", "gateway_url", "gateway_url", Url(("ws", "wss"))),
    Setting(
        "discord",
        "public_key",
        "discord_public_key",
        Text("the application's public key: 64 hex digits", r"[0-9a-fA-F]{64}"),
    ),
    Setting("discord", "shard_count", "shard_count", Integer(1, 65535)),
    Setting(
        "discord", "shard_ids", "shard_ids", Many(Integer(), "a list of shard numbers, e.g. [0, 1]")
    ),
    Setting("bot", "locale", "locale", Choice(LOCALES)),
    Setting("bot", "timezone", "timezone", Zone()),
    Setting("bot", "stale_after_days", "stale_after_days", Integer(1, 36500, "a number of days")),
    Setting("admins", "discord_user_ids", "admin_user_ids", DISCORD_IDS, ("user_ids",)),
    Setting("admins", "discord_role_ids", "admin_role_ids", DISCORD_IDS, ("role_ids",)),
    Setting("admins", "discord_guild_ids", "admin_guild_ids", DISCORD_IDS, ("guild_ids",)),
    Setting("admins", "audit_channel_id", "admin_audit_channel_id", DiscordId()),
    Setting("admins", "slack_user_ids", "slack_admin_user_ids", SLACK_USER_IDS),
    Setting("admins", "slack_workspace_admins", "slack_workspace_admins", Flag()),
    Setting("slack", "mode", "slack_mode", Choice(("socket", "http"))),
    Setting("slack", "api_base", "slack_api_base", Url()),
    Setting("slack", "bot_token_file", "slack_bot_token_file", FilePath()),
    Setting("slack", "app_token_file", "slack_app_token_file", FilePath()),
    Setting("slack", "signing_secret_file", "slack_signing_secret_file", FilePath()),
    Setting(
        "slack",
        "command_prefix",
        "slack_command_prefix",
        # Slack command names are lower case, at most 32 characters with the slash.
        Text(
            'lower-case letters, digits, "-" or "_", at most 16, e.g. "brief-"', r"[a-z0-9_-]{0,16}"
        ),
    ),
    Setting(
        "slack",
        "audit_channel",
        "slack_audit_channel",
        Text('a Slack channel id, e.g. "C012ABCDEF"', r"[CGD][A-Z0-9]{2,}"),
    ),
    Setting("http", "host", "http_host", Text("a host name or address, e.g. 127.0.0.1", r"\S+")),
    Setting("http", "port", "http_port", Integer(0, 65535, "a port number (0: any free port)")),
    Setting("http", "enabled", "http_enabled", Flag()),
    Setting("web", "base_url", "web_base_url", Url()),
    Setting(
        "digest", "catch_up_hours", "digest_catch_up_hours", Number(0, 168, "a number of hours")
    ),
    Setting("digest", "audit_channel_id", "digest_audit_channel_id", DiscordId()),
    Setting(
        "digest", "sweep_seconds", "digest_sweep_seconds", Number(0.1, 3600, "a number of seconds")
    ),
    Setting("logging", "level", "log_level", Choice(("DEBUG", "INFO", "WARNING", "ERROR"), True)),
    Setting("logging", "format", "log_format", Choice(("text", "json"))),
)
SECTIONS = tuple(dict.fromkeys(setting.section for setting in SETTINGS))


def _secret_refusal(secret: Secret, where: str) -> ConfigError:
    # Names the key and where to put the secret instead; never echoes the value.
    return ConfigError(
        f"{where}: {secret.key} is not allowed; put it in {secret.env}"
        f" or {secret.file_key}, never in the configuration itself"
    )


def _did_you_mean(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f"; did you mean {close[0]}?" if close else ""


@dataclass
class _Given:
    """The raw values one source gave, by field, with the name each was given under."""

    where: str
    base: Path
    values: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def give(self, setting: Setting, name: str, value: Any) -> None:
        if setting.field in self.values:
            earlier = self.values[setting.field][0]
            raise ConfigError(
                f"{self.where}: {earlier} and {name} are the same setting; keep only"
                f" {setting.section}.{setting.key}"
            )
        self.values[setting.field] = (name, value)


def _from_file(target: Path, warnings: list[str]) -> _Given:
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target}: {exc}") from exc
    given = _Given(str(target), target.parent)
    by_name = {(s.section, name): s for s in SETTINGS for name in s.names()}
    for section, table in data.items():
        if section not in SECTIONS:
            hint = _did_you_mean(section, list(SECTIONS))
            warnings.append(f"{target}: unknown section or key {section} (ignored){hint}")
            continue
        if not isinstance(table, dict):
            raise ConfigError(f"{target}: {section} must be a table ([{section}]), not {table!r}")
        for key, value in table.items():
            secret = next((s for s in SECRETS if s.key == f"{section}.{key}"), None)
            if secret:
                raise _secret_refusal(secret, str(target))
            setting = by_name.get((section, key))
            if setting is None:
                known = [f"{sec}.{name}" for (sec, name) in by_name if sec == section]
                hint = _did_you_mean(f"{section}.{key}", known)
                warnings.append(f"{target}: unknown key {section}.{key} (ignored){hint}")
                continue
            given.give(setting, f"{section}.{key}", value)
    return given


def _from_environment(environ: Mapping[str, str], warnings: list[str]) -> _Given:
    given = _Given("environment", Path())
    by_env = {env_name(s.section, name): s for s in SETTINGS for name in s.names()}
    secrets = {env_name(*s.key.split(".")): s for s in SECRETS}
    for variable, raw in environ.items():
        if not variable.startswith(ENV_PREFIX) or variable in ENV_NOT_KEYS:
            continue
        if variable in secrets:
            raise _secret_refusal(secrets[variable], variable)
        setting = by_env.get(variable)
        if setting is None:
            hint = _did_you_mean(variable, list(by_env))
            warnings.append(f"unknown environment variable {variable} (ignored){hint}")
            continue
        if not raw.strip():
            continue  # An empty variable means "not set", as `${VAR:-}` in compose files gives.
        key = variable.removeprefix(env_name(setting.section, ""))
        given.give(
            setting, f"{variable} ({setting.section}.{key.lower()})", setting.kind.from_env(raw)
        )
    return given


def _check_together(config: Config) -> None:
    """Rules that involve two keys."""
    if config.shard_ids is not None:
        if config.shard_count is None:
            raise ConfigError("discord.shard_ids needs discord.shard_count")
        if any(shard >= config.shard_count for shard in config.shard_ids):
            raise ConfigError(
                f"discord.shard_ids must each be below discord.shard_count"
                f" ({config.shard_count}), not {list(config.shard_ids)!r}"
            )
    if config.discord_mode == "http" and not config.discord_public_key:
        raise ConfigError(
            'discord.mode = "http" needs discord.public_key (the application\'s public key'
            " from the Discord developer portal) to verify each request"
        )


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read `path` (default `config.toml`; a missing default file means built-in defaults),
    then the `BRIEFBOT_*` variables of `environ` (default: this process's environment)."""
    environ = os.environ if environ is None else environ
    target = path or DEFAULT_CONFIG_PATH
    warnings: list[str] = []
    sources = []
    if target.exists():
        sources.append(_from_file(target, warnings))
    elif path is not None:
        raise ConfigError(f"config file {target} does not exist (see config.example.toml)")
    sources.append(_from_environment(environ, warnings))
    fields = {s.field: s for s in SETTINGS}
    values: dict[str, Any] = {}
    for given in sources:
        for name, (shown, raw) in given.values.items():
            values[name] = fields[name].kind.check(raw, shown, given.base)
    config = Config(**values, source=target if target.exists() else None, warnings=tuple(warnings))
    _check_together(config)
    return config
