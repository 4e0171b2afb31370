"""The operator's commands as real processes: `--version`, `--help`, `check-config` (exit 78
on a configuration error, as the bot itself at start) and `healthcheck` against the bot's
own `/healthz`."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import make_app

from bot.cli import EX_CONFIG, check_config, health_url
from bot.config import Config
from bot.http_server import HttpServer
from bot.monitoring import add_monitoring
from store.fact_store import FactStore

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "briefbot"
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"

Run = Callable[..., subprocess.CompletedProcess[str]]


def bot_environment(tmp_path: Path) -> dict[str, str]:
    """This process's environment without any of the bot's settings or secrets."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BRIEFBOT_", "DISCORD_", "SLACK_", "CREDENTIALS_"))
    }
    base["PYTHONPATH"] = str(ROOT)
    base["BRIEFBOT_DB"] = str(tmp_path / "bot.db")
    return base


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """`python -m bot ARGS` in an empty directory, with only the variables a test gives."""
    base = bot_environment(tmp_path)

    def run_bot(
        *args: str, env: dict[str, str] | None = None, command: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*(command or (sys.executable, "-m", "bot")), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env={**base, **(env or {})},
            timeout=60,
        )

    return run_bot


def test_version_from_the_module_and_the_installed_script(run: Run) -> None:
    module = run("--version")
    assert module.returncode == 0, module.stderr
    assert module.stdout.startswith("briefbot 0.1.0 (Python 3.")
    assert "discord.py 2." in module.stdout and "SQLite 3." in module.stdout
    if not SCRIPT.exists():
        pytest.skip(f"no installed `briefbot` script beside {sys.executable}")
    script = run("--version", command=(str(SCRIPT),))
    assert (script.returncode, script.stdout) == (0, module.stdout)


def test_help_lists_the_modes(run: Run) -> None:
    result = run("--help")
    assert result.returncode == 0
    for mode in ("ask", "check-config", "healthcheck", "--version"):
        assert mode in result.stdout, mode


def test_check_config_passes_the_shipped_example(run: Run) -> None:
    result = run("check-config", "--config", str(ROOT / "config.example.toml"))
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().endswith("config OK")
    assert f"config file: {ROOT / 'config.example.toml'}" in result.stdout


def test_check_config_reports_secrets_by_origin_never_by_value(run: Run, tmp_path: Path) -> None:
    (tmp_path / "slack.txt").write_text("xoxb-1234-5678-abcdefgh\n", encoding="utf-8")
    (tmp_path / "config.toml").write_text(
        '[slack]\nbot_token_file = "slack.txt"\n[http]\nport = 9999\n', encoding="utf-8"
    )
    env = {
        "DISCORD_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-A0-secret",
        "BRIEFBOT_HTTP_HOST": "::",
    }
    result = run("check-config", env=env)
    assert result.returncode == 0, result.stdout
    assert "discord.token: from $DISCORD_TOKEN" in result.stdout
    assert "slack.bot_token: from slack.txt" in result.stdout  # relative to config.toml
    assert "environment: BRIEFBOT_HTTP_HOST" in result.stdout
    assert "http: on, [::]:9999" in result.stdout
    for secret in (TOKEN, "xoxb-1234", "xapp-1"):
        assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("config", "env", "words"),
    [
        ('[bot]\nlocale = "fr"\n', {}, "bot.locale"),
        ("[bot\nlocale =", {}, "config.toml"),
        ('[discord]\ntoken = "MTIz.abc"\n', {}, "discord.token"),
        ("", {"BRIEFBOT_HTTP_PORT": "http"}, "BRIEFBOT_HTTP_PORT (http.port)"),
        ('[discord]\ntoken_file = "missing.txt"\n', {}, "discord.token_file names"),
        ("", {"SLACK_BOT_TOKEN": "xoxb-1-2-3"}, "SLACK_APP_TOKEN"),
        ('[slack]\nmode = "http"\n', {"SLACK_BOT_TOKEN": "xoxb-1-2-3"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_check_config_refuses_naming_the_problem(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    config: str,
    env: dict[str, str],
    words: str,
) -> None:
    """In-process, the same function the command runs (its exit code is tested below)."""
    for name in os.environ:
        if name.startswith(("BRIEFBOT_", "DISCORD_", "SLACK_", "CREDENTIALS_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    out = io.StringIO()
    assert check_config(None, out) == EX_CONFIG, out.getvalue()
    assert "config error: " in out.getvalue() and words in out.getvalue()
    assert "MTIz.abc" not in out.getvalue()


def test_check_config_exits_78_as_a_process(run: Run, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[discord]\ntoken = "MTIz.abc"\n', encoding="utf-8")
    result = run("check-config")
    assert result.returncode == EX_CONFIG, result.stdout
    assert result.stdout.startswith("config error: ") and "discord.token" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr and "MTIz.abc" not in result.stdout


def test_check_config_warns_about_an_unknown_key_but_passes(run: Run, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[admins]\nuser_idz = [1]\n", encoding="utf-8")
    result = run("check-config")
    assert result.returncode == 0, result.stdout
    assert "warning: " in result.stdout and "did you mean admins.user_ids?" in result.stdout


def test_the_bot_exits_78_on_a_bad_environment_variable(run: Run) -> None:
    result = run("ask", "/about", env={"BRIEFBOT_BOT_LOCALE": "fr"})
    assert result.returncode == EX_CONFIG
    assert result.stderr.startswith("config error: BRIEFBOT_BOT_LOCALE (bot.locale)")
    assert result.stdout == ""


async def healthcheck_process(env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """`python -m bot healthcheck` without blocking the event loop that serves /healthz."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "healthcheck",
        stdout=asyncio.subprocess.PIPE, cwd=cwd, env=env,
    )  # fmt: skip
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode("utf-8")


async def test_healthcheck_follows_the_bots_healthz(store: FactStore, tmp_path: Path) -> None:
    """The container's HEALTHCHECK command against the bot's own HTTP application: 0 while
    /healthz says 200, 1 once it says 503 (the store file is gone)."""
    app = make_app(store)
    http = HttpServer("127.0.0.1", 0)
    add_monitoring(http, app, [])
    await http.start()
    try:
        # As in the container: listening on every interface, checked over loopback.
        env = {
            **bot_environment(tmp_path),
            "BRIEFBOT_HTTP_HOST": "0.0.0.0",
            "BRIEFBOT_HTTP_PORT": str(http.port),
        }
        healthy, healthy_out = await healthcheck_process(env, tmp_path)
        store.path.rename(tmp_path / "moved.db")
        sick, sick_out = await healthcheck_process(env, tmp_path)
    finally:
        await http.stop()
        await app.close()
    assert healthy == 0, healthy_out
    assert healthy_out.startswith(f"http://127.0.0.1:{http.port}/healthz: 200 {{")
    assert '"status": "ok"' in healthy_out
    assert sick == 1 and ": 503 " in sick_out and '"status": "unhealthy"' in sick_out


def test_healthcheck_of_nothing_listening_is_unhealthy(run: Run) -> None:
    with socket.socket() as probe:  # a port just released: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("healthcheck", "--url", f"http://127.0.0.1:{port}/healthz", "--timeout", "5")
    assert result.returncode == 1 and "unreachable" in result.stdout


def test_healthcheck_with_a_bad_config_is_unhealthy_not_78(run: Run) -> None:
    """A container health check may only exit 0 or 1."""
    result = run("healthcheck", env={"BRIEFBOT_HTTP_PORT": "x"})
    assert result.returncode == 1 and "config error" in result.stdout


def test_health_url_uses_loopback_for_any_address() -> None:
    assert health_url(Config(http_host="0.0.0.0", http_port=81)) == "http://127.0.0.1:81/healthz"
    assert health_url(Config(http_host="::", http_port=81)) == "http://[::1]:81/healthz"
    assert health_url(Config(http_host="10.0.0.5")) == "http://10.0.0.5:8080/healthz"
