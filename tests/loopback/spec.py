"""Validate request bodies against Discord's official OpenAPI description and its
stricter documented limits.

`tests/discord_api/openapi.json` is Discord's own spec (MIT, see LICENSE beside it).
The limits the developer docs state more strictly than the spec (content 2000, all
embeds 6000, choice values 100, lowercase command names, descriptions 1-100) are
checked on top, with `discord_limits.assert_discord_limits` for messages. Files come as
a multipart body (`payload_json` and `files[n]`); `upload_violations` checks them the
way Discord does: each file named in `attachments` by its index, at most 10 files of at
most 10 MiB, and every `attachment://NAME` an embed shows uploaded with the message.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from discord_limits import assert_discord_limits
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent.parent / "discord_api" / "openapi.json"
SPEC_URI = "urn:discord-openapi"
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
MESSAGE_CALLBACK_TYPES = (4, 7)
FILES_MAX = 10
# Discord's upload limit without server boosts (since September 2024).
FILE_SIZE_MAX = 10 * 1024 * 1024
ATTACHMENT_DESCRIPTION_MAX = 1024
ATTACHMENT_URL = re.compile(r"^attachment://(?P<name>.+)$")
_FILE_PART = re.compile(r"^files\[(?P<index>\d+)\]$")
MESSAGE_TEMPLATES = (
    "/channels/{channel_id}/messages",
    "/webhooks/{webhook_id}/{webhook_token}",
    "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
    "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
)


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@functools.cache
def _spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(
        SPEC_URI, Resource.from_contents(_spec(), default_specification=DRAFT202012)
    )


@functools.cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    """Spec paths as regexes, literal segments first so `@original` beats `{message_id}`."""
    routes = [
        (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
        for path in _spec()["paths"]
    ]
    return sorted(routes, key=lambda route: route[1].count("{"))


@functools.cache
def _validator(path: str, method: str) -> jsonschema.protocols.Validator | None:
    operation = _spec()["paths"][path].get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    pointer = f"/paths/{path.replace('~', '~0').replace('/', '~1')}/{method.lower()}"
    schema = {"$ref": f"{SPEC_URI}#{pointer}/requestBody/content/application~1json/schema"}
    return jsonschema.Draft202012Validator(schema, registry=_registry())


def spec_path(path: str) -> str | None:
    """The spec's path template for a concrete API path (without `/api/v10`)."""
    for pattern, template in _routes():
        if pattern.match(path):
            return template
    return None


def request_violations(method: str, path: str, body: Any) -> Iterator[str]:
    """Everything Discord would reject about this request body; nothing for a valid one."""
    template = spec_path(path)
    if template is None:
        yield f"{method} {path}: not an endpoint of Discord's API"
        return
    validator = _validator(template, method)
    if validator is not None and body is not None:
        for error in validator.iter_errors(body):
            where = "/".join(str(p) for p in error.absolute_path)
            yield f"{method} {template} at {where or 'body'}: {error.message[:300]}"
    try:
        _assert_documented_limits(template, body)
    except AssertionError as exc:
        yield f"{method} {template}: {exc}"


def _assert_documented_limits(template: str, body: Any) -> None:
    if body is None:
        return
    if template.endswith("/callback"):
        kind, data = body.get("type"), body.get("data") or {}
        if kind in MESSAGE_CALLBACK_TYPES:
            assert_discord_limits(data)
        elif kind == 8:
            _assert_choices(data.get("choices") or [])
    elif template.endswith("/commands") and isinstance(body, list):
        for command in body:
            _assert_command(command)
    elif template in MESSAGE_TEMPLATES:
        assert_discord_limits(body)


def _assert_choices(choices: list[dict[str, Any]]) -> None:
    assert len(choices) <= CHOICES_MAX, f"{len(choices)} autocomplete choices"
    for choice in choices:
        assert 1 <= len(choice["name"]) <= CHOICE_NAME_MAX, choice
        value = choice["value"]
        assert not isinstance(value, str) or len(value) <= CHOICE_VALUE_MAX, choice


def _assert_command(item: dict[str, Any]) -> None:
    """A command, subcommand or option: lowercase valid names, 1-100 character descriptions."""
    for name in [item["name"], *(item.get("name_localizations") or {}).values()]:
        assert COMMAND_NAME.match(name) and name == name.lower(), f"command name {name!r}"
    for text in [item["description"], *(item.get("description_localizations") or {}).values()]:
        assert 1 <= len(text) <= 100, f"description {text!r}"
    for option in item.get("options") or []:
        _assert_command(option)


def message_body(path: str, body: Any) -> dict[str, Any] | None:
    """The message a request creates or edits: a callback's `data`, else the body itself."""
    template = spec_path(path)
    if not isinstance(body, dict) or template is None:
        return None
    if template.endswith("/callback"):
        return body.get("data") if body.get("type") in MESSAGE_CALLBACK_TYPES else None
    return body if template in MESSAGE_TEMPLATES else None


def _shown_attachments(message: dict[str, Any]) -> Iterator[str]:
    """The file names the message's embeds show with `attachment://NAME`."""
    for embed in message.get("embeds") or []:
        for key in ("image", "thumbnail", "footer", "author"):
            for url_key in ("url", "icon_url"):
                match = ATTACHMENT_URL.match(str((embed.get(key) or {}).get(url_key) or ""))
                if match:
                    yield match["name"]


def upload_violations(
    method: str, path: str, body: Any, uploads: Sequence[Upload]
) -> Iterator[str]:
    """What Discord would refuse about a request's files (none for a request without any
    that shows none)."""
    where = f"{method} {path}"
    message = message_body(path, body)
    if uploads and message is None:
        yield f"{where}: files sent with a request that creates no message"
        return
    if message is None:
        return
    if len(uploads) > FILES_MAX:
        yield f"{where}: {len(uploads)} files (at most {FILES_MAX})"
    entries = {str(entry.get("id")): entry for entry in message.get("attachments") or []}
    names = set()
    for upload in uploads:
        part = _FILE_PART.match(upload.field)
        if part is None or not upload.filename:
            yield f"{where}: a file part {upload.field!r} without files[n] and a file name"
            continue
        if len(upload.data) > FILE_SIZE_MAX:
            yield f"{where}: {upload.filename} is {len(upload.data)} bytes"
        entry = entries.get(part["index"])
        if entry is None or entry.get("filename") != upload.filename:
            yield f"{where}: {upload.field} ({upload.filename}) has no matching attachments entry"
        elif len(entry.get("description") or "") > ATTACHMENT_DESCRIPTION_MAX:
            yield f"{where}: description of {upload.filename} is too long"
        names.add(upload.filename)
    for name in _shown_attachments(message):
        if name not in names:
            yield f"{where}: an embed shows attachment://{name}, which was not uploaded"
