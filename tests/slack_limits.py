"""Slack's Block Kit limits as reusable pure checks, for renderer unit tests and the loopback alike.

Every block, view and option goes through `slack_sdk.models` first: `to_dict()` runs the SDK's
validators recursively (section text 3000, 10 fields, header 150, 10 context elements, button
`action_id` 255 / `value` 2000 / text 75, option text 75 / value 150, modal title 24,
`private_metadata` 3000, 100 blocks per view), and a block that does not come back from
`to_dict()` exactly as it was sent holds something the SDK does not know (an unknown type or
field, a string where a text object belongs), which Slack refuses as well. The limits the SDK
does not check are written out here from Slack's documentation, not imported from the
renderer, so a wrong constant there is caught.

Each problem is a `Violation` whose `code` is the error Slack answers with (`invalid_blocks`,
`msg_blocks_too_long`, …), or `pings` for our own rule that a bot payload never mentions
anyone: Slack would accept it, and ping a whole channel.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from slack_sdk.models.blocks import Block, Option, OptionGroup
from slack_sdk.models.views import View

BLOCKS_PER_MESSAGE = 50
SECTION_FIELD_MAX = 2000
TEXT_MAX = 40_000
# Slack refuses a message whose blocks serialise to more than about this many characters
# (`msg_blocks_too_long`); the exact figure is undocumented, so this is the budget we keep.
MESSAGE_BLOCKS_JSON_MAX = 13_000
OPTIONS_MAX = 100
VIEW_TYPES = ("modal", "home")
RESPONSE_TYPES = ("in_channel", "ephemeral")
TEXT_OBJECT_TYPES = ("mrkdwn", "plain_text")
# What Slack turns into a notification when it appears unescaped: <!everyone>, <!channel>,
# <!here>, <@U…>/<@W…> (a user) and <!subteam^…> (a user group), with or without a |label.
MENTION = re.compile(r"<(?:!(?:everyone|channel|here|subteam\^)|@[UW])[^>]*>")

# Codes Slack answers with (the request is refused); `pings` is ours alone.
INVALID_BLOCKS = "invalid_blocks"
BLOCKS_TOO_LONG = "msg_blocks_too_long"
TEXT_TOO_LONG = "msg_too_long"
NO_TEXT = "no_text"
INVALID_ARGUMENTS = "invalid_arguments"
PINGS = "pings"
REFUSED_BY_SLACK = frozenset(
    {INVALID_BLOCKS, BLOCKS_TOO_LONG, TEXT_TOO_LONG, NO_TEXT, INVALID_ARGUMENTS}
)


class Violation(NamedTuple):
    """One thing wrong with a payload: Slack's error `code`, where, and what."""

    code: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.code} at {self.where}: {self.detail}"


def message_violations(
    payload: Mapping[str, Any], *, needs_content: bool = True
) -> list[Violation]:
    """Everything wrong with a message body (`chat.postMessage`, `chat.postEphemeral`,
    `chat.update`, a `response_url` post or a slash command's ack payload)."""
    found: list[Violation] = []
    text, blocks = payload.get("text"), payload.get("blocks")
    if text is not None and not isinstance(text, str):
        found.append(Violation(INVALID_ARGUMENTS, "/text", f"not a string: {text!r}"))
    elif text is not None and len(text) > TEXT_MAX:
        found.append(Violation(TEXT_TOO_LONG, "/text", f"{len(text)} characters > {TEXT_MAX}"))
    if needs_content and not text and not blocks and not payload.get("attachments"):
        found.append(Violation(NO_TEXT, "/", "a message needs text or blocks"))
    if blocks is not None:
        found += _message_blocks(blocks)
    if payload.get("link_names") not in (None, False, 0, "0", "false"):
        found.append(Violation(PINGS, "/link_names", f"must not be set: {payload['link_names']!r}"))
    if payload.get("parse") == "full":
        found.append(Violation(PINGS, "/parse", "parse=full turns @here and #channel into links"))
    if isinstance(text, str):
        found += _mentions(text, "/text")
    return found


def view_violations(view: Any) -> list[Violation]:
    """Everything wrong with a modal or Home tab view (`views.open`/`update`/`push`/`publish`,
    or a `view_submission` ack with `response_action` update or push)."""
    if not isinstance(view, Mapping):
        return [Violation(INVALID_ARGUMENTS, "/view", f"not an object: {view!r}")]
    if view.get("type") not in VIEW_TYPES:
        return [Violation(INVALID_ARGUMENTS, "/view/type", f"{view.get('type')!r}")]
    found = _sdk_round_trip(_view_dict, view, "/view", INVALID_ARGUMENTS)
    blocks = view.get("blocks")
    if isinstance(blocks, list):
        for i, block in enumerate(blocks):
            found += _block_extras(block, f"/view/blocks/{i}")
    found += _text_object_mentions(view, "/view")
    return found


def options_violations(payload: Mapping[str, Any]) -> list[Violation]:
    """Everything wrong with a `block_suggestion` ack: the options of an external select."""
    options, groups = payload.get("options"), payload.get("option_groups")
    if (options is None) == (groups is None):
        return [Violation(INVALID_ARGUMENTS, "/", "exactly one of options and option_groups")]
    key, entries, to_dict = (
        ("options", options, _option_dict)
        if groups is None
        else ("option_groups", groups, _option_group_dict)
    )
    if not isinstance(entries, list):
        return [Violation(INVALID_ARGUMENTS, f"/{key}", f"not a list: {entries!r}")]
    found: list[Violation] = []
    if len(entries) > OPTIONS_MAX:
        detail = f"{len(entries)} entries > {OPTIONS_MAX}"
        found.append(Violation(INVALID_ARGUMENTS, f"/{key}", detail))
    for i, entry in enumerate(entries):
        where = f"/{key}/{i}"
        if not isinstance(entry, Mapping):
            found.append(Violation(INVALID_ARGUMENTS, where, f"not an object: {entry!r}"))
            continue
        found += _sdk_round_trip(to_dict, entry, where, INVALID_ARGUMENTS)
    found += _text_object_mentions(payload, "")
    return found


def assert_slack_message(payload: Mapping[str, Any]) -> None:
    """Fail unless Slack would accept `payload` as a message and it can never ping anyone."""
    found = message_violations(payload)
    assert not found, "\n".join(map(str, found))


def assert_slack_view(view: Mapping[str, Any]) -> None:
    """Fail unless Slack would accept `view` as a modal or Home tab that pings no one."""
    found = view_violations(view)
    assert not found, "\n".join(map(str, found))


def _message_blocks(blocks: Any) -> list[Violation]:
    if not isinstance(blocks, list):
        return [Violation(INVALID_BLOCKS, "/blocks", f"not a list: {type(blocks).__name__}")]
    found: list[Violation] = []
    if len(blocks) > BLOCKS_PER_MESSAGE:
        found.append(
            Violation(INVALID_BLOCKS, "/blocks", f"{len(blocks)} blocks > {BLOCKS_PER_MESSAGE}")
        )
    size = len(json.dumps(blocks, ensure_ascii=False, separators=(",", ":")))
    if size > MESSAGE_BLOCKS_JSON_MAX:
        found.append(
            Violation(BLOCKS_TOO_LONG, "/blocks", f"{size} characters > {MESSAGE_BLOCKS_JSON_MAX}")
        )
    for i, block in enumerate(blocks):
        where = f"/blocks/{i}"
        if not isinstance(block, Mapping):
            found.append(Violation(INVALID_BLOCKS, where, f"not an object: {block!r}"))
            continue
        found += _sdk_round_trip(_block_dict, block, where, INVALID_BLOCKS)
        found += _block_extras(block, where)
        found += _text_object_mentions(block, where)
    return found


def _block_dict(block: Mapping[str, Any]) -> dict[str, Any]:
    parsed = Block.parse(dict(block))
    if parsed is None:
        raise ValueError(f"unknown block type {block.get('type')!r}")
    return parsed.to_dict()


def _view_dict(view: Mapping[str, Any]) -> dict[str, Any]:
    return View(**view).to_dict()


def _option_dict(option: Mapping[str, Any]) -> dict[str, Any]:
    return Option(**option).to_dict()


def _option_group_dict(group: Mapping[str, Any]) -> dict[str, Any]:
    return OptionGroup(**group).to_dict()


def _block_extras(block: Any, where: str) -> list[Violation]:
    """The per-block limits `slack_sdk` does not check."""
    if not isinstance(block, Mapping):
        return []
    found: list[Violation] = []
    if block.get("type") == "section":
        for i, field in enumerate(block.get("fields") or []):
            text = field.get("text") if isinstance(field, Mapping) else None
            if isinstance(text, str) and len(text) > SECTION_FIELD_MAX:
                detail = f"{len(text)} characters > {SECTION_FIELD_MAX}"
                found.append(Violation(INVALID_BLOCKS, f"{where}/fields/{i}", detail))
    if block.get("type") == "header":
        text = block.get("text")
        kind = text.get("type") if isinstance(text, Mapping) else type(text).__name__
        if kind != "plain_text":
            found.append(
                Violation(INVALID_BLOCKS, f"{where}/text", f"a header is plain_text: {kind!r}")
            )
    return found


def _sdk_round_trip(
    to_dict: Callable[[Mapping[str, Any]], dict[str, Any]],
    sent: Mapping[str, Any],
    where: str,
    code: str,
) -> list[Violation]:
    """Run the SDK's validators (`to_dict` builds the model and serialises it, which validates
    every nested object) and compare what comes back with what was sent."""
    try:
        rebuilt = to_dict(sent)
    except Exception as exc:
        return [Violation(code, where, f"slack_sdk: {exc}")]
    difference = _first_difference(sent, rebuilt, where)
    return [] if difference is None else [Violation(code, *difference)]


def _first_difference(sent: Any, rebuilt: Any, where: str) -> tuple[str, str] | None:
    """Where `slack_sdk` read the payload differently from how it was written, if anywhere."""
    if isinstance(sent, Mapping) and isinstance(rebuilt, Mapping):
        for key in sent.keys() | rebuilt.keys():
            if key not in rebuilt:
                return f"{where}/{key}", "a field slack_sdk does not know"
            if key not in sent:
                return f"{where}/{key}", f"slack_sdk expects it as {rebuilt[key]!r}"
            found = _first_difference(sent[key], rebuilt[key], f"{where}/{key}")
            if found:
                return found
        return None
    if isinstance(sent, list) and isinstance(rebuilt, list) and len(sent) == len(rebuilt):
        for i, (a, b) in enumerate(zip(sent, rebuilt, strict=True)):
            found = _first_difference(a, b, f"{where}/{i}")
            if found:
                return found
        return None
    if sent != rebuilt:
        return where, f"sent {sent!r}, slack_sdk reads {rebuilt!r}"
    return None


def _text_object_mentions(node: Any, where: str) -> list[Violation]:
    """Unescaped mentions in every mrkdwn or plain_text object below `node`."""
    return [v for path, text in _text_objects(node, where) for v in _mentions(text, path)]


def _text_objects(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        if node.get("type") in TEXT_OBJECT_TYPES and isinstance(node.get("text"), str):
            yield f"{where}/text", node["text"]
        for key, value in node.items():
            yield from _text_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _text_objects(value, f"{where}/{i}")


def _mentions(text: str, where: str) -> list[Violation]:
    return [
        Violation(PINGS, where, f"unescaped {match.group()!r} (escape & < > in fact text)")
        for match in MENTION.finditer(text)
    ]
