"""The deployment files, checked without Docker or systemd running: the Dockerfile's rules
(hadolint-style), its entry command and health check run as plain processes with the
image's environment (the bot itself against the loopback Discord), compose.yaml and
litestream.yml agree with it, and the systemd units pass `systemd-analyze verify`."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from loopback.server import TOKEN, LoopbackDiscord

from bot.config import DISCORD_TOKEN

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
IMAGE_PREFIX = "/opt/briefbot/bin"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n(\s*#.*\n)*", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
    return found


DOCKERFILE = instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
STAGES: list[list[tuple[str, str]]] = []
for _instruction in DOCKERFILE:
    if _instruction[0] == "FROM":
        STAGES.append([])
    if STAGES:
        STAGES[-1].append(_instruction)
FINAL = STAGES[-1]


def _one(stage: list[tuple[str, str]], instruction: str) -> str:
    (value,) = [args for word, args in stage if word == instruction]
    return value


def image_env() -> dict[str, str]:
    """The final stage's ENV, as `KEY=value` pairs."""
    pairs = re.findall(r"(\w+)=(\S+)", " ".join(a for w, a in FINAL if w == "ENV"))
    return dict(pairs)


def test_the_base_is_a_slim_python_311_by_tag() -> None:
    default = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", (ROOT / "Dockerfile").read_text(), re.M)
    assert default and re.fullmatch(r"python:3\.11(\.\d+)?-slim-\w+", default[1]), default
    assert all(_one(stage, "FROM").startswith("${PYTHON_IMAGE}") for stage in STAGES)


def test_the_image_runs_as_a_user_not_root() -> None:
    words = [word for word, _ in FINAL]
    user = _one(FINAL, "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert words.index("USER") < words.index("ENTRYPOINT")
    assert words.index("USER") < words.index("HEALTHCHECK")


def test_the_store_is_on_the_data_volume() -> None:
    assert json.loads(_one(FINAL, "VOLUME")) == ["/data"]
    assert image_env()["BRIEFBOT_STORE_PATH"].startswith("/data/")
    assert _one(FINAL, "WORKDIR") == "/data"


def test_commands_are_in_exec_form_and_no_add() -> None:
    """hadolint DL3025 (JSON form, so signals reach the bot), DL3020 (COPY, not ADD),
    DL3000 (absolute WORKDIR)."""
    assert isinstance(json.loads(_one(FINAL, "ENTRYPOINT")), list)
    health = _one(FINAL, "HEALTHCHECK")
    assert isinstance(json.loads(health.split(" CMD ", 1)[1]), list)
    assert "ADD" not in {word for word, _ in DOCKERFILE}
    assert all(args.startswith("/") for word, args in DOCKERFILE if word == "WORKDIR")


def test_only_the_lock_is_installed_with_its_hashes() -> None:
    """Every pip install takes the hashed lock or installs the project without dependencies."""
    installs = re.findall(r"pip install ([^&]*)", " ".join(a for w, a in DOCKERFILE if w == "RUN"))
    assert installs
    for install in installs:
        assert "--require-hashes -r requirements.lock" in install or "--no-deps" in install
    assert ("COPY", "requirements.lock ./") in DOCKERFILE


def test_no_secret_is_baked_into_the_image() -> None:
    names = re.findall(r"(\w+)=", " ".join(a for w, a in DOCKERFILE if w in ("ENV", "ARG")))
    assert not [n for n in names if re.search("TOKEN|SECRET|PASSWORD|KEY", n)]


def _ignored(path: str, patterns: list[str]) -> bool:
    """.dockerignore: the last pattern matching the path or one of its parents decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.removeprefix("!").rstrip("/")
        anywhere = pattern.removeprefix("**/")
        for candidate in candidates:
            tail = candidate.rsplit("/", 1)[-1] if pattern.startswith("**/") else candidate
            if fnmatch.fnmatch(candidate, pattern) or fnmatch.fnmatch(tail, anywhere):
                verdict = not negate
    return verdict


def test_the_build_context_holds_what_copy_needs_and_no_secrets() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    copies = [a.split()[:-1] for w, a in DOCKERFILE if w == "COPY" and "--from" not in a]
    for source in (s for sources in copies for s in sources):
        assert (ROOT / source).exists(), source
        assert not _ignored(source, patterns), source
    for kept in ("bot/config.py", "store/data/dataset.yaml", "requirements.lock"):
        assert not _ignored(kept, patterns), kept
    for secret in (
        "config.toml",
        "discord-token.txt",
        ".env",
        ".venv/bin/python",
        "var/briefbot.db",
        "bot/__pycache__/cli.cpython-311.pyc",
        "store/x.db-wal",
        "tests/test_cli.py",
    ):
        assert _ignored(secret, patterns), secret


def _as_in_the_image(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The image's environment, with /opt/briefbot/bin and /data mapped onto this machine."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BRIEFBOT_", "DISCORD_", "SLACK_", "CREDENTIALS_"))
    }
    for key, value in image_env().items():
        value = value.replace("$PATH", env.get("PATH", ""))
        env[key] = value.replace(IMAGE_PREFIX, str(VENV_BIN)).replace("/data", str(data))
    env["PYTHONPATH"] = str(ROOT)
    return {**env, **overrides}


def _installed(command: str) -> str:
    """The image's command (on its PATH, /opt/briefbot/bin) as installed beside this Python."""
    binary = shutil.which(command, path=str(VENV_BIN))
    if binary is None:
        pytest.skip(f"no installed `{command}` script beside {sys.executable}")
    return binary


def _image_command(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_installed(args[0]), *args[1:]],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path / "data",
        env=_as_in_the_image(tmp_path, **env),
        timeout=60,
    )


def test_the_entry_command_runs_as_in_the_image(tmp_path: Path) -> None:
    entry = json.loads(_one(FINAL, "ENTRYPOINT"))
    check = _image_command([*entry, "check-config"], tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"store: {tmp_path / 'data' / 'briefbot.db'}" in check.stdout
    assert "http: on, 0.0.0.0:8080" in check.stdout and "logging: INFO, json" in check.stdout
    answer = _image_command([*entry, "ask", "/about"], tmp_path)
    assert answer.returncode == 0, answer.stderr
    assert "briefbot" in answer.stdout and (tmp_path / "data" / "briefbot.db").exists()


async def _image_process(args: list[str], tmp_path: Path, **env: str) -> tuple[int, str]:
    """An image command run to its end without blocking the loop the loopback Discord is on."""
    process = await asyncio.create_subprocess_exec(
        _installed(args[0]), *args[1:], stdout=asyncio.subprocess.PIPE,
        cwd=tmp_path / "data", env=_as_in_the_image(tmp_path, **env),
    )  # fmt: skip
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode("utf-8")


async def _log_lines(stream: asyncio.StreamReader, into: list[dict[str, object]]) -> None:
    """The bot's JSON log lines as they come (read to the end, so its pipe never fills).
    Python's own warnings at exit (discord.py stopped mid-start-up) are plain text."""
    async for raw in stream:
        try:
            into.append(json.loads(raw))
        except ValueError:
            into.append({"message": raw.decode("utf-8", "replace")})


async def _logged(logs: list[dict[str, object]], prefix: str) -> str:
    """The first logged message that starts with `prefix`, once there is one."""
    for _ in range(3000):
        found = [str(m["message"]) for m in logs if str(m["message"]).startswith(prefix)]
        if found:
            return found[0]
        await asyncio.sleep(0.01)
    raise AssertionError(f"the bot never logged {prefix!r}: {logs}")


async def test_the_image_runs_the_bot_and_its_health_check_follows_healthz(
    tmp_path: Path,
) -> None:
    """The entry command with the image's environment runs the gateway bot (against the
    loopback Discord) with its HTTP application; the HEALTHCHECK command passes while the
    gateway is up, fails once it is down, and SIGTERM stops the bot cleanly."""
    entry = json.loads(_one(FINAL, "ENTRYPOINT"))
    check = json.loads(_one(FINAL, "HEALTHCHECK").split(" CMD ", 1)[1])
    assert check[:2] == ["briefbot", "healthcheck"]
    assert _one(FINAL, "EXPOSE") == image_env()["BRIEFBOT_HTTP_PORT"]
    discord = LoopbackDiscord()
    await discord.start()
    bot = await asyncio.create_subprocess_exec(
        _installed(entry[0]), *entry[1:], stderr=asyncio.subprocess.PIPE,
        cwd=tmp_path / "data", env=_as_in_the_image(
            tmp_path, DISCORD_TOKEN=TOKEN, BRIEFBOT_HTTP_PORT="0",
            BRIEFBOT_DISCORD_API_BASE=discord.api_base,
            BRIEFBOT_DISCORD_GATEWAY_URL=discord.gateway_url,
        ),
    )  # fmt: skip
    assert bot.stderr is not None
    logs: list[dict[str, object]] = []
    reader = asyncio.create_task(_log_lines(bot.stderr, logs))
    try:
        listening = await _logged(logs, "HTTP on http://0.0.0.0:")
        port = listening.rsplit(":", 1)[1]
        await _logged(logs, "Discord is ready")
        healthy, healthy_out = await _image_process(check, tmp_path, BRIEFBOT_HTTP_PORT=port)
        assert healthy == 0, healthy_out
        discord.gateway_open = False
        await discord.drop_websocket()
        sick, sick_out = await _image_process(check, tmp_path, BRIEFBOT_HTTP_PORT=port)
        assert sick == 1 and '"connected": false' in sick_out, sick_out
    finally:
        if bot.returncode is None:
            bot.terminate()
        stopped = await asyncio.wait_for(bot.wait(), timeout=30)
        await reader
        await discord.stop()
    assert stopped == 0, logs
    assert discord.violations == []


COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_the_image_with_the_store_on_a_volume() -> None:
    bot = COMPOSE["services"]["bot"]
    assert bot["build"] == "."
    assert "data:/data" in bot["volumes"]
    assert bot["environment"]["BRIEFBOT_STORE_PATH"] == image_env()["BRIEFBOT_STORE_PATH"]
    assert set(COMPOSE["volumes"]) >= {"data"}


def test_compose_optional_services_share_the_store_safely() -> None:
    services = COMPOSE["services"]
    assert services["litestream"]["profiles"] and services["datasette"]["profiles"]
    litestream = services["litestream"]
    assert litestream["image"] == services["bot"]["image"], "Litestream from the same lock"
    assert "./litestream.yml:/etc/litestream.yml:ro" in litestream["volumes"]
    assert (ROOT / "litestream.yml").exists()
    store = image_env()["BRIEFBOT_STORE_PATH"]
    assert litestream["environment"]["BRIEFBOT_STORE_PATH"] == store
    assert "data:/data:ro" in services["datasette"]["volumes"]
    assert store in services["datasette"]["command"]


def test_compose_takes_secrets_from_the_environment_and_publishes_on_loopback() -> None:
    for name, service in COMPOSE["services"].items():
        for key, value in service.get("environment", {}).items():
            if re.search("TOKEN|SECRET|KEY", key):
                assert value == f"${{{key}:-}}", (name, key)
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_litestream_config_replicates_the_store_the_bot_uses() -> None:
    config = yaml.safe_load((ROOT / "litestream.yml").read_text(encoding="utf-8"))
    (db,) = config["dbs"]
    assert db["path"] == "${BRIEFBOT_STORE_PATH}"
    assert db["replica"]["type"] == "file" and db["replica"]["path"]
    assert "s3" in (ROOT / "litestream.yml").read_text(), "the S3-compatible example"


UNITS = sorted((ROOT / "deploy").glob("*.service"))


def unit(path: Path) -> dict[str, list[str]]:
    """`Section.Key` → every value given (systemd allows a key several times)."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(f"{section}.{key}", []).append(value)
    return values


def test_the_bot_unit_is_locked_down_and_stops_on_a_config_error() -> None:
    service = unit(ROOT / "deploy" / "briefbot.service")
    expected = {
        "Service.DynamicUser": ["yes"],
        "Service.StateDirectory": ["briefbot"],
        "Service.RestartPreventExitStatus": ["78"],
        "Service.Restart": ["on-failure"],
        "Service.ProtectSystem": ["strict"],
        "Service.NoNewPrivileges": ["yes"],
        "Service.CapabilityBoundingSet": [""],
        "Service.PrivateTmp": ["yes"],
        "Service.ProtectHome": ["yes"],
    }
    assert {key: service.get(key) for key in expected} == expected
    assert service["Service.ExecStart"][0].startswith(f"{IMAGE_PREFIX}/briefbot ")
    credential = f"{DISCORD_TOKEN.credential}:/etc/briefbot/{DISCORD_TOKEN.credential}"
    assert service["Service.LoadCredential"] == [credential], "the name the bot looks for"
    assert "BRIEFBOT_STORE_PATH=%S/briefbot/briefbot.db" in service["Service.Environment"]


def test_litestream_runs_as_the_bots_user_on_the_same_store() -> None:
    bot, litestream = (
        unit(ROOT / "deploy" / f"{n}.service") for n in ("briefbot", "briefbot-litestream")
    )
    assert litestream["Service.User"] == bot["Service.User"] == ["briefbot"]
    assert litestream["Service.DynamicUser"] == ["yes"]
    assert "briefbot" in litestream["Service.StateDirectory"][0].split()
    store = [e for e in bot["Service.Environment"] if e.startswith("BRIEFBOT_STORE_PATH=")]
    assert set(store) <= set(litestream["Service.Environment"])


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    """With the install prefix pointed at this checkout's environment, so the commands exist."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (the units were parsed above)")
    copies = []
    for path in UNITS:
        copy = tmp_path / path.name
        copy.write_text(path.read_text().replace(IMAGE_PREFIX, str(VENV_BIN)), encoding="utf-8")
        copies.append(str(copy))
    result = subprocess.run(
        [analyze, "verify", *copies], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == "", "no unknown key, section or value"
