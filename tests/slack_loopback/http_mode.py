"""Slack's HTTP-mode requests, built as Slack builds them and signed with a signing secret.

Slack signs `v0:{timestamp}:{raw body}` with HMAC-SHA256 and the app's signing secret, sends
the hex digest as `X-Slack-Signature: v0=…` next to `X-Slack-Request-Timestamp`, and an app
refuses a request whose timestamp is more than five minutes away from its clock. The
signature is computed here from that description, not with slack_sdk's verifier, so a test
of the app's verification does not check the SDK against itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlencode

SIGNATURE_VERSION = "v0"
MAX_AGE_S = 5 * 60
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

Signing = Literal["valid", "stale", "bad"]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Slack-Signature` of `body` sent at `timestamp` (epoch seconds)."""
    base = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signed_headers(
    secret: str, body: bytes, content_type: str, *, signing: Signing = "valid"
) -> dict[str, str]:
    """Headers for one request: a valid signature, one made more than five minutes ago
    (`stale`, correctly signed for that time), or one made with another secret (`bad`)."""
    timestamp = int(time.time())
    if signing == "stale":
        timestamp -= MAX_AGE_S + 60
    key = f"not-{secret}" if signing == "bad" else secret
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature(key, timestamp, body),
    }


def encode(kind: str, payload: Mapping[str, Any]) -> tuple[bytes, str]:
    """The body and content type Slack sends for an envelope type: a slash command's fields
    form-encoded, an interaction (block_actions, view_submission, block_suggestion, …) as
    one form field `payload=` holding JSON, an Events API callback as JSON."""
    if kind == "slash_commands":
        return urlencode(payload).encode(), FORM
    if kind == "interactive":
        return urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode(), FORM
    if kind == "events_api":
        return json.dumps(payload, ensure_ascii=False).encode(), JSON
    raise ValueError(f"not an envelope type Slack sends over HTTP: {kind!r}")
