"""Logs: text by default, one JSON object per line on request, ids in context, secrets nowhere."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.logs import REDACTED, configure_from, configure_logging, current_context, log_context

ROOT = Path(__file__).resolve().parent.parent
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"
SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"
SLACK_APP = "xapp-1-A0123456789-1234567890-abcdef0123456789"
# A signing secret has no telling shape (32 hex digits): only knowing the value redacts it.
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"
SECRET_VALUES = (DISCORD_TOKEN, SLACK_BOT, SLACK_APP, SIGNING)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging adds a root handler and sets the level; undo both afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)


def test_configuring_again_replaces_only_its_own_handler(restore_logging: None) -> None:
    before = list(logging.getLogger().handlers)
    configure_logging("INFO", "text", (), io.StringIO())
    second = configure_logging("INFO", "json", (), io.StringIO())
    assert logging.getLogger().handlers == [*before, second]


def _log_everything_with_secrets() -> None:
    """Secrets in the message, in its arguments, in a third-party logger and in a traceback."""
    logging.getLogger("bot.test").info("token is %s", DISCORD_TOKEN)
    logging.getLogger("discord.http").warning(f"auth failed for Bot {DISCORD_TOKEN}")
    logging.getLogger("slack_bolt").error("tokens %s %s", SLACK_BOT, SLACK_APP)
    logging.getLogger("aiohttp.access").info("X-Slack-Signature secret=%s", SIGNING)
    try:
        raise RuntimeError(f"login refused: {DISCORD_TOKEN} / {SIGNING}")
    except RuntimeError:
        logging.getLogger("bot.test").exception("crash")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_secret_reaches_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restore_logging: None, log_format: str
) -> None:
    (tmp_path / "signing.txt").write_text(SIGNING, encoding="utf-8")
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD_TOKEN)
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_BOT)
    monkeypatch.setenv("SLACK_APP_TOKEN", SLACK_APP)
    config = Config(log_format=log_format, slack_signing_secret_file=tmp_path / "signing.txt")
    stream = io.StringIO()
    configure_from(config, stream)
    _log_everything_with_secrets()
    written = stream.getvalue()
    assert written.count(REDACTED) == 7, written
    for secret in SECRET_VALUES:
        assert secret not in written
        assert secret[8:24] not in written, "not even a part of it"
    assert "login refused" in written and "RuntimeError" in written


def test_token_shapes_are_redacted_without_knowing_the_value(restore_logging: None) -> None:
    """A token this process was not given (pasted into a command, say) is redacted too."""
    stream = io.StringIO()
    configure_logging("INFO", "text", (), stream)
    logging.getLogger("bot.test").info("pasted %s and %s", DISCORD_TOKEN, SLACK_BOT)
    assert DISCORD_TOKEN not in stream.getvalue() and SLACK_BOT not in stream.getvalue()
    assert stream.getvalue().count(REDACTED) == 2


def test_json_is_one_object_per_line_with_the_ids_in_context(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", "json", (), stream)
    log = logging.getLogger("bot.digest.engine")
    log.info("outside")
    with log_context(digest=17):
        with log_context(interaction="1234567890", platform="discord"):
            log.warning("posted %d of %d", 3, 4)
        log.debug("한국어 메시지 그대로")
    lines = stream.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 3
    assert set(entries[0]) == {"time", "level", "logger", "message"}
    assert entries[0]["time"].endswith("+00:00") and "T" in entries[0]["time"]
    assert entries[1] == {
        "time": entries[1]["time"],
        "level": "WARNING",
        "logger": "bot.digest.engine",
        "message": "posted 3 of 4",
        "digest": "17",
        "interaction": "1234567890",
        "platform": "discord",
    }
    assert (entries[2]["message"], entries[2]["digest"]) == ("한국어 메시지 그대로", "17")
    assert "interaction" not in entries[2] and current_context() == {}


def test_each_asyncio_task_keeps_its_own_ids(restore_logging: None) -> None:
    """Two interactions answered at once must not swap ids."""
    stream = io.StringIO()
    configure_logging("INFO", "json", (), stream)

    async def answer(interaction: str, first: asyncio.Event, second: asyncio.Event) -> None:
        with log_context(interaction=interaction):
            first.set()
            await second.wait()
            logging.getLogger("bot.answer").info(interaction)

    async def both() -> None:
        a, b = asyncio.Event(), asyncio.Event()
        await asyncio.gather(answer("A", a, b), answer("B", b, a))

    asyncio.run(both())
    for entry in map(json.loads, stream.getvalue().splitlines()):
        assert entry["interaction"] == entry["message"]


def test_text_stays_the_default_line_with_ids_appended(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_from(Config(), stream)
    with log_context(interaction=42):
        logging.getLogger("bot.x").info("hello")
    logging.getLogger("bot.x").info("plain")
    first, second = stream.getvalue().splitlines()
    assert first.endswith(" INFO bot.x: hello [interaction=42]")
    assert second.endswith(" INFO bot.x: plain")


def test_the_bot_process_logs_json_when_configured(tmp_path: Path) -> None:
    """The real entry point: `[logging] format = "json"` from the environment; the config
    warning it logs at start is one JSON line on stderr, and the token is not in it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFBOT_", "DISCORD_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        BRIEFBOT_DB=str(tmp_path / "bot.db"),
        BRIEFBOT_LOGGING_FORMAT="json",
        BRIEFBOT_HTTP_PROT="8080",
        BRIEFBOT_ADMINS_DISCORD_USER_IDS="1",
        DISCORD_TOKEN=DISCORD_TOKEN,
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "/about", "--now", "2025-11-01"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    assert [e["logger"] for e in entries] == ["bot.config"]
    assert entries[0]["level"] == "WARNING"
    assert "BRIEFBOT_HTTP_PROT (ignored); did you mean BRIEFBOT_HTTP_PORT?" in entries[0]["message"]
    assert DISCORD_TOKEN not in result.stderr + result.stdout
