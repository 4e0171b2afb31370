"""Logging: a readable line by default, one JSON object per line for log shippers.

Why a module of our own rather than `logging.basicConfig`: records carry the ids of what
is being handled (an interaction, a digest) through `log_context`, so one request's lines
can be found among many, and every line passes a redactor so that a token can never
reach a log, whoever logged it (our code, discord.py, aiohttp, a traceback).

    with log_context(interaction=interaction.id, platform="discord"):
        ...  # every record logged in here, in this task, carries both ids
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import IO, Any

from bot.config import SECRETS, Config

REDACTED = "[redacted]"
# Token shapes redacted even when the value is not known to this process (a token pasted
# into a command, another bot's token in an error): a Discord bot token (id.time.hmac in
# URL-safe base64) and Slack's xoxb-/xoxp-/xapp- tokens.
TOKEN_PATTERNS = (
    re.compile(r"[\w-]{23,}\.[\w-]{6,7}\.[\w-]{27,}"),
    re.compile(r"\bxox[abeoprs]-[\w-]{8,}"),
    re.compile(r"\bxapp-[\w-]{8,}"),
)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_context: ContextVar[Mapping[str, str]] = ContextVar(
    "briefbot_log_context", default=MappingProxyType({})
)


@contextmanager
def log_context(**ids: object) -> Iterator[None]:
    """Attach ids to every record logged inside the block (in this task or thread only).

    Nested blocks add to the outer ids; asyncio tasks started inside inherit them.
    """
    token = _context.set({**_context.get(), **{key: str(value) for key, value in ids.items()}})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, str]:
    """The ids `log_context` has set here (empty outside any block)."""
    return dict(_context.get())


SECRET_MIN_LENGTH = 8


class Redactor:
    """Replaces known secret values and anything shaped like a token with `[redacted]`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is replaced whole. A "secret" of
        # a few characters (a test's placeholder) would blank every word containing them
        # and protects nothing: real tokens and signing secrets are dozens long.
        self.secrets = sorted(
            {s for s in secrets if len(s) >= SECRET_MIN_LENGTH}, key=len, reverse=True
        )

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in TOKEN_PATTERNS:
            text = pattern.sub(REDACTED, text)
        return text


class ContextFilter(logging.Filter):
    """Stamps each record with the ids in context when it is logged, not when it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.context = current_context()
        return True


def _context_of(record: logging.LogRecord) -> Mapping[str, str]:
    # Set by ContextFilter on the handler; a record that did not pass it carries no ids.
    return getattr(record, "context", {})


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message [id=…]`, redacted, traceback included."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = _context_of(record)
        if ids:
            head, newline, rest = line.partition("\n")
            suffix = " ".join(f"{key}={value}" for key, value in ids.items())
            line = f"{head} [{suffix}]{newline}{rest}"
        return self.redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, ids, exception."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        for key, value in _context_of(record).items():
            entry.setdefault(key, self.redact(value))
        if record.exc_info:
            entry["exception"] = self.redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = self.redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


FORMATTERS = {"text": TextFormatter, "json": JsonFormatter}


class BriefbotHandler(logging.StreamHandler):
    """The handler `configure_logging` installs, told apart from others' so it can be replaced."""


def configure_logging(
    level: str = "INFO",
    log_format: str = "text",
    secrets: Iterable[str] = (),
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Send every logger's records to one handler on `stream` (stderr) on the root logger.

    Called again, it replaces the handler it added before; handlers others added (pytest's
    log capture) stay. Returns the handler.
    """
    handler = BriefbotHandler(stream or sys.stderr)
    handler.setFormatter(FORMATTERS[log_format](Redactor(secrets)))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, BriefbotHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler narrates every job it adds at INFO; the digest engine logs what matters.
    quiet = max(logging.getLevelName(level), logging.WARNING)
    logging.getLogger("apscheduler").setLevel(quiet)
    return handler


def configure_from(config: Config, stream: IO[str] | None = None) -> logging.Handler:
    """Logging as `[logging]` says, redacting every secret this configuration can read."""
    secrets = [value for secret in SECRETS if (value := config.secret(secret))]
    return configure_logging(config.log_level, config.log_format, secrets, stream)
