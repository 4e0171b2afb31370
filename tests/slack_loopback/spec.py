"""Which checks of `slack_limits` apply to each thing the app sends the stand-in: a Web API
call, a `response_url` post, or the payload of an ack.

Each function returns the violations; the stand-in records them and, where the code is one
Slack answers with, refuses the request the way Slack does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_limits import (
    INVALID_ARGUMENTS,
    RESPONSE_TYPES,
    Violation,
    message_violations,
    options_violations,
    view_violations,
)

# A response_url post for a click on a message says whether it replaces that message:
# Slack's default differs between surfaces and eras of its documentation.
IMPLICIT_REPLACE = "implicit_replace"
RESPONSE_ACTIONS = ("errors", "update", "push", "clear")


def _view(args: Mapping[str, Any]) -> list[Violation]:
    return view_violations(args.get("view"))


def _home(args: Mapping[str, Any]) -> list[Violation]:
    view = args.get("view")
    if isinstance(view, Mapping) and view.get("type") != "home":
        return [Violation(INVALID_ARGUMENTS, "/view/type", "views.publish takes a home view")]
    return view_violations(view)


def _file_share(args: Mapping[str, Any]) -> list[Violation]:
    """The message a file is shared with: its `initial_comment` or blocks, if any."""
    message = {key: args[key] for key in ("blocks",) if args.get(key) is not None}
    if args.get("initial_comment") is not None:
        message["text"] = args["initial_comment"]
    return message_violations(message, needs_content=False)


WEB_API_CHECKS: dict[str, Callable[[Mapping[str, Any]], list[Violation]]] = {
    "chat.postMessage": message_violations,
    "chat.postEphemeral": message_violations,
    "chat.update": message_violations,
    "files.completeUploadExternal": _file_share,
    "views.open": _view,
    "views.push": _view,
    "views.update": _view,
    "views.publish": _home,
}


def web_api_violations(method: str, args: Mapping[str, Any]) -> list[Violation]:
    """Everything Slack would refuse, or we forbid, in the arguments of a Web API call."""
    check = WEB_API_CHECKS.get(method)
    return [] if check is None else check(args)


def response_url_violations(body: Mapping[str, Any], *, from_message: bool) -> list[Violation]:
    """A post to a `response_url`: a message, unless it only deletes the original."""
    if body.get("delete_original"):
        return []
    found = _reply(body)
    if from_message and "replace_original" not in body:
        detail = "say whether this replaces the clicked message (replace_original)"
        found.append(Violation(IMPLICIT_REPLACE, "/replace_original", detail))
    return found


def _reply(body: Mapping[str, Any]) -> list[Violation]:
    """A message answering a user (a response_url post or a command's ack payload)."""
    found = message_violations(body)
    kind = body.get("response_type")
    if kind is not None and kind not in RESPONSE_TYPES:
        found.append(Violation(INVALID_ARGUMENTS, "/response_type", f"{kind!r}"))
    return found


def _command_ack(ack: Mapping[str, Any]) -> list[Violation]:
    """An empty ack is fine (the answer follows through response_url); else it is a message."""
    return _reply(ack) if ack else []


def _submission_ack(ack: Mapping[str, Any]) -> list[Violation]:
    action = ack.get("response_action")
    if action is None:
        return []
    if action not in RESPONSE_ACTIONS:
        return [Violation(INVALID_ARGUMENTS, "/response_action", f"{action!r}")]
    if action in ("update", "push"):
        return view_violations(ack.get("view"))
    errors = ack.get("errors")
    if action == "errors" and not (
        isinstance(errors, Mapping)
        and errors
        and all(isinstance(k, str) and isinstance(v, str) and v for k, v in errors.items())
    ):
        return [Violation(INVALID_ARGUMENTS, "/errors", f"block_id -> message: {errors!r}")]
    return []


ACK_CHECKS: dict[str, Callable[[Mapping[str, Any]], list[Violation]]] = {
    "slash_commands": _command_ack,
    "block_suggestion": options_violations,
    "view_submission": _submission_ack,
}


def ack_violations(payload_type: str, ack: Mapping[str, Any] | None) -> list[Violation]:
    """Everything wrong with the payload of an ack, for the kind of request it answers
    (`slash_commands`, or an interaction's `type`); other acks carry nothing Slack reads."""
    check = ACK_CHECKS.get(payload_type)
    return [] if check is None else check(ack or {})
