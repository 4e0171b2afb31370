"""Each Slack limit in `slack_limits` fails on a payload one step past it, and a realistic
payload within every limit passes: the checks the loopback and the renderer tests rely on."""

from __future__ import annotations

from typing import Any

import pytest
from slack_limits import (
    assert_slack_message,
    assert_slack_view,
    message_violations,
    options_violations,
    view_violations,
)


def text(kind: str, value: str) -> dict[str, str]:
    return {"type": kind, "text": value}


def section(value: str = "본문", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": text("mrkdwn", value), **extra}


def button(action_id: str = "more", value: str = "2", label: str = "다음") -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": text("plain_text", label),
        "value": value,
    }


def option(label: str = "국가 AI 연구거점", value: str = "p2") -> dict[str, Any]:
    return {"text": text("plain_text", label), "value": value}


def modal(title: str = "프로그램 선택", **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": text("plain_text", title), "blocks": [section()], **extra}


GOOD_MESSAGE = {
    "text": "국가 AI 연구거점 — 출처 3건",
    "blocks": [
        {"type": "header", "text": text("plain_text", "국가 AI 연구거점")},
        section("*예산* 946억 원 &lt;!everyone&gt;", fields=[text("mrkdwn", "*기간*\n2025–2028")]),
        {
            "type": "context",
            "elements": [text("mrkdwn", "<https://example.org|기사> · 2025-11-03")],
        },
        {"type": "actions", "elements": [button()]},
    ],
}

MESSAGE_CASES = {
    "51 blocks": ({"text": "t", "blocks": [section()] * 51}, "51 blocks > 50"),
    "section text 3001": ({"text": "t", "blocks": [section("x" * 3001)]}, "3000"),
    "11 fields": (
        {"text": "t", "blocks": [section(fields=[text("mrkdwn", "f")] * 11)]},
        "10 items",
    ),
    "field 2001": (
        {"text": "t", "blocks": [section(fields=[text("mrkdwn", "f" * 2001)])]},
        "2001 characters > 2000",
    ),
    "header 151": (
        {"text": "t", "blocks": [{"type": "header", "text": text("plain_text", "h" * 151)}]},
        "150",
    ),
    "mrkdwn header": (
        {"text": "t", "blocks": [{"type": "header", "text": text("mrkdwn", "h")}]},
        "a header is plain_text",
    ),
    "11 context elements": (
        {"text": "t", "blocks": [{"type": "context", "elements": [text("mrkdwn", "c")] * 11}]},
        "10 elements",
    ),
    "action_id 256": (
        {"text": "t", "blocks": [{"type": "actions", "elements": [button("a" * 256)]}]},
        "action_id attribute cannot exceed 255",
    ),
    "button value 2001": (
        {"text": "t", "blocks": [{"type": "actions", "elements": [button(value="v" * 2001)]}]},
        "value attribute cannot exceed 2000",
    ),
    "button text 76": (
        {"text": "t", "blocks": [{"type": "actions", "elements": [button(label="b" * 76)]}]},
        "text attribute cannot exceed 75",
    ),
    "text 40001": ({"text": "t" * 40_001}, "40001 characters > 40000"),
    "blocks over 13000 characters": (
        {"text": "t", "blocks": [section("x" * 2900)] * 5},
        "msg_blocks_too_long",
    ),
    "no text, no blocks": ({"text": ""}, "no_text"),
    "unknown field": ({"text": "t", "blocks": [section(colour="red")]}, "does not know"),
    "unknown block": ({"text": "t", "blocks": [{"type": "banner"}]}, "unknown block type"),
    "string for a text object": (
        {"text": "t", "blocks": [{"type": "section", "text": "plain"}]},
        "slack_sdk reads",
    ),
    "link_names": ({**GOOD_MESSAGE, "link_names": True}, "link_names"),
    "parse full": ({**GOOD_MESSAGE, "parse": "full"}, "parse=full"),
    "<!everyone> in text": ({"text": "<!everyone> 공지"}, "<!everyone>"),
    "<!channel> in a field": (
        {"text": "t", "blocks": [section(fields=[text("mrkdwn", "<!channel>")])]},
        "<!channel>",
    ),
    "<!here> in plain text": (
        {"text": "t", "blocks": [{"type": "header", "text": text("plain_text", "<!here|here>")}]},
        "<!here|here>",
    ),
    "<@U…> in a context": (
        {"text": "t", "blocks": [{"type": "context", "elements": [text("mrkdwn", "<@U0123ABC>")]}]},
        "<@U0123ABC>",
    ),
    "<!subteam^…> in a section": (
        {"text": "t", "blocks": [section("<!subteam^S0123|@ai-team>")]},
        "<!subteam^S0123|@ai-team>",
    ),
}

VIEW_CASES = {
    "modal title 25": (modal("x" * 25), "title must be between 1 and 24"),
    "101 blocks": ({**modal(), "blocks": [section()] * 101}, "between 1 and 100 blocks"),
    "private_metadata 3001": (
        modal(private_metadata="m" * 3001),
        "private_metadata cannot exceed 3000",
    ),
    "field 2001 in a modal": (
        {**modal(), "blocks": [section(fields=[text("mrkdwn", "f" * 2001)])]},
        "2001 characters > 2000",
    ),
    "string title": ({**modal(), "title": "선택"}, "slack_sdk reads"),
    "<!here> in a modal": ({**modal(), "blocks": [section("<!here>")]}, "<!here>"),
    "not a view type": ({**modal(), "type": "dialog"}, "'dialog'"),
}

OPTIONS_CASES = {
    "101 options": ({"options": [option()] * 101}, "101 entries > 100"),
    "option text 76": ({"options": [option(label="o" * 76)]}, "text attribute cannot exceed 75"),
    "option value 151": (
        {"options": [option(value="v" * 151)]},
        "value attribute cannot exceed 150",
    ),
    "no options": ({}, "exactly one of options and option_groups"),
    "<@W…> in an option": ({"options": [option(label="<@W0123> 님")]}, "<@W0123>"),
}


def test_a_message_within_every_limit_passes() -> None:
    assert_slack_message(GOOD_MESSAGE)


def test_a_view_and_options_within_every_limit_pass() -> None:
    picker = {
        "type": "input",
        "block_id": "program",
        "label": text("plain_text", "프로그램"),
        "element": {"type": "external_select", "action_id": "program", "min_query_length": 1},
    }
    assert_slack_view(
        {**modal(callback_id="pick", private_metadata="m" * 3000), "blocks": [picker]}
    )
    assert_slack_view({"type": "home", "blocks": [section()] * 100})
    assert options_violations({"options": [option()] * 100}) == []
    grouped = {"option_groups": [{"label": text("plain_text", "프로그램"), "options": [option()]}]}
    assert options_violations(grouped) == []


@pytest.mark.parametrize(("payload", "expected"), MESSAGE_CASES.values(), ids=MESSAGE_CASES)
def test_a_message_past_a_limit_fails(payload: dict[str, Any], expected: str) -> None:
    found = message_violations(payload)
    assert any(expected in str(v) for v in found), found


@pytest.mark.parametrize(("view", "expected"), VIEW_CASES.values(), ids=VIEW_CASES)
def test_a_view_past_a_limit_fails(view: dict[str, Any], expected: str) -> None:
    found = view_violations(view)
    assert any(expected in str(v) for v in found), found


@pytest.mark.parametrize(("payload", "expected"), OPTIONS_CASES.values(), ids=OPTIONS_CASES)
def test_options_past_a_limit_fail(payload: dict[str, Any], expected: str) -> None:
    found = options_violations(payload)
    assert any(expected in str(v) for v in found), found
