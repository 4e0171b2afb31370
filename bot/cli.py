"""The operator's commands: `--version`, `check-config` and `healthcheck`.

They run before the store is opened or logging is set up, so that a service manager, a
container's health check or a deploy script gets an answer even when the configuration
is wrong. A configuration error exits 78 (EX_CONFIG from sysexits.h): systemd's
`RestartPreventExitStatus=78` then stops restarting a bot that cannot start.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO

from bot.config import (
    ENV_NOT_KEYS,
    ENV_PREFIX,
    SECRETS,
    SLACK_APP_TOKEN,
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    Config,
    ConfigError,
    Secret,
    load_config,
)

EX_CONFIG = 78
HEALTHY, UNHEALTHY = 0, 1
# Addresses that mean "every interface" when listening; a client on the same host uses loopback.
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def _installed(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def version_text() -> str:
    """`briefbot 0.1.0 (Python …, discord.py …, SQLite …)`: what a bug report needs first."""
    return (
        f"briefbot {_installed('briefbot')} (Python {platform.python_version()},"
        f" discord.py {_installed('discord.py')}, SQLite {sqlite3.sqlite_version})"
    )


def _secret_problem(config: Config, secret: Secret) -> str | None:
    """A `*_file` that is named but cannot give the secret: the bot would silently lack it."""
    path = secret.file(config)
    if path is None or os.environ.get(secret.env, "").strip():
        return None
    if not path.is_file():
        return f"{secret.file_key} names {path}, which is not a file"
    try:
        if not path.read_text(encoding="utf-8").strip():
            return f"{secret.file_key} names {path}, which is empty"
    except (OSError, UnicodeDecodeError) as exc:
        return f"{secret.file_key} names {path}, which cannot be read: {exc}"
    return None


def _slack_problem(config: Config) -> str | None:
    """Slack starts with its bot token; each mode then needs one more secret."""
    if not config.slack_bot_token():
        return None
    if config.slack_mode == "socket" and not config.slack_app_token():
        return f"{SLACK_BOT_TOKEN.env} is set but Socket Mode needs {SLACK_APP_TOKEN.env} too"
    if config.slack_mode == "http" and not config.slack_signing_secret():
        return f'slack.mode = "http" needs {SLACK_SIGNING_SECRET.env} to verify requests'
    return None


def _address(host: str, port: int) -> str:
    """`host:port`, with an IPv6 address in brackets as URLs write it."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _report(config: Config, environ: Mapping[str, str]) -> list[str]:
    """What the bot would run with, one line per part; secrets by origin only, never value."""
    variables = sorted(k for k in environ if k.startswith(ENV_PREFIX) and k not in ENV_NOT_KEYS)
    store = config.store_path
    lines = [
        f"config file: {config.source or 'none (built-in defaults)'}",
        f"environment: {', '.join(variables) or 'no BRIEFBOT_* variables'}",
        f"store: {store} ({'exists' if store.exists() else 'created on first start'})",
        f"discord: {config.discord_mode} mode; slack: {config.slack_mode} mode",
        f"http: {'on' if config.http_enabled else 'off'},"
        f" {_address(config.http_host, config.http_port)}",
        f"logging: {config.log_level}, {config.log_format}",
    ]
    for secret in SECRETS:
        found = config.find_secret(secret)
        lines.append(f"{secret.key}: {f'from {found[1]}' if found else 'not set'}")
    return lines


def check_config(path: Path | None, out: IO[str] | None = None) -> int:
    """Validate the file and this process's environment as the bot would; 0 when usable, else 78."""
    out = out or sys.stdout
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(f"config error: {exc}", file=out)
        return EX_CONFIG
    for line in _report(config, os.environ):
        print(line, file=out)
    for warning in config.warnings:
        print(f"warning: {warning}", file=out)
    problems = [p for s in SECRETS if (p := _secret_problem(config, s))]
    problems += [p for p in [_slack_problem(config)] if p]
    for problem in problems:
        print(f"config error: {problem}", file=out)
    if problems:
        return EX_CONFIG
    print("config OK", file=out)
    return 0


def health_url(config: Config) -> str:
    """Where this host's bot answers /healthz, from `[http] host`/`port`."""
    host = ANY_ADDRESS.get(config.http_host, config.http_host)
    return f"http://{_address(host, config.http_port)}/healthz"


def healthcheck(url: str, timeout: float, out: IO[str] | None = None) -> int:
    """GET the health endpoint: 0 on 200, else 1 (the only two codes a container check may use)."""
    out = out or sys.stdout
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read(2000).decode("utf-8", "replace")
            print(f"{url}: {response.status} {body}".rstrip(), file=out)
            return HEALTHY if response.status == 200 else UNHEALTHY
    except urllib.error.HTTPError as exc:
        body = exc.read(2000).decode("utf-8", "replace")
        print(f"{url}: {exc.code} {body}".rstrip(), file=out)
    except (urllib.error.URLError, OSError) as exc:
        print(f"{url}: unreachable ({exc})", file=out)
    return UNHEALTHY


def _run_check_config(args: argparse.Namespace) -> int:
    return check_config(args.config)


def _run_healthcheck(args: argparse.Namespace) -> int:
    if args.url:
        return healthcheck(args.url, args.timeout)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"config error: {exc}")
        return UNHEALTHY
    return healthcheck(health_url(config), args.timeout)


MODES: dict[str, Callable[[argparse.Namespace], int]] = {
    "check-config": _run_check_config,
    "healthcheck": _run_healthcheck,
}


def add_modes(modes: argparse._SubParsersAction) -> None:
    """Add the operator's modes to the bot's parser (dispatched through `MODES`)."""
    config = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    config.add_argument("--config", type=Path, help="config file (default: config.toml if present)")
    modes.add_parser(
        "check-config",
        parents=[config],
        help="validate the config file and BRIEFBOT_* variables; exit 78 when wrong",
    )
    check = modes.add_parser(
        "healthcheck",
        parents=[config],
        help="GET the running bot's /healthz ([http] host and port); exit 0 when healthy",
    )
    check.add_argument("--url", help="the health URL (default: from [http] host and port)")
    check.add_argument("--timeout", type=float, default=5.0, help="seconds (default: 5)")
