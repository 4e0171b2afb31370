"""Discord's HTTP interactions end to end: the loopback POSTs each interaction, signed
with the application's key, to the bot's `/interactions`, and checks the response body
against Discord's OpenAPI description of an interaction callback, as it checks every
REST request. The same scenarios as the gateway suite, answered by the same core."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import loopback.objects as obj
import pytest
from conftest import LOOPBACK_TODAY
from loopback.harness import LoopbackBot
from nacl.signing import SigningKey
from test_e2e_admin import CONTEST
from test_e2e_lookup import COMMANDS, busy_store

from bot.config import Config
from store.fact_store import FactStore

ADMIN = {"roles": (obj.ADMIN_ROLE_ID,)}


@pytest.fixture
async def http_bot(store: FactStore, tmp_path: Path) -> AsyncIterator[LoopbackBot]:
    config = Config(
        store_path=store.path, guild_ids=(obj.GUILD_ID,), admin_role_ids=(obj.ADMIN_ROLE_ID,),
        admin_audit_channel_id=obj.AUDIT_CHANNEL_ID,
    )  # fmt: skip
    async with LoopbackBot(
        store, tmp_path, today=LOOPBACK_TODAY, config=config, mode="http"
    ) as running:
        yield running
    assert running.server.violations == []


async def test_a_lookup_is_answered_in_the_response_body(http_bot: LoopbackBot) -> None:
    exchange = await http_bot.command("institution", name="ETRI")
    assert exchange.callback["type"] == 4
    assert "한국전자통신연구원" in exchange.text and not exchange.ephemeral


async def test_a_card_with_a_picture_is_deferred_and_sent_with_its_file(
    http_bot: LoopbackBot,
) -> None:
    """A response body carries no files: a program card (its timeline picture) is deferred
    at once and edited in over REST as a multipart upload the embed refers to."""
    exchange = await http_bot.command("program", name="국가 AI 연구거점")
    assert exchange.callback["type"] == 5 and exchange.latency < 3
    (card,) = exchange.messages
    [attachment] = card["attachments"]
    assert attachment["filename"].endswith(".png")
    assert card["embeds"][0]["image"]["url"] == f"attachment://{attachment['filename']}"
    assert http_bot.server.files[attachment["id"]].startswith(b"\x89PNG")
    assert "국가 AI 연구거점" in exchange.text and not exchange.ephemeral


async def post_raw(bot: LoopbackBot, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(bot.endpoint_url, data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


PING = json.dumps({"id": "1", "application_id": str(obj.APPLICATION_ID), "type": 1, "token": "t",
                   "version": 1}).encode()  # fmt: skip


async def test_a_signed_ping_gets_a_pong(http_bot: LoopbackBot) -> None:
    status, text = await post_raw(http_bot, PING, http_bot.server.signed(PING))
    assert (status, json.loads(text)) == (200, {"type": 1})


def _tampered(headers: dict[str, str]) -> dict[str, str]:
    signature = headers["X-Signature-Ed25519"]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    return {**headers, "X-Signature-Ed25519": flipped}


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda server, body: _tampered(server.signed(body)), id="invalid"),
        pytest.param(lambda server, body: {"Content-Type": "application/json"}, id="missing"),
        pytest.param(
            lambda server, body: {**server.signed(body), "X-Signature-Timestamp": "1"},
            id="timestamp-not-signed",
        ),
        pytest.param(
            lambda server, body: {
                **dict.fromkeys(("X-Signature-Ed25519", "X-Signature-Timestamp"), "zz"),
            },
            id="garbage",
        ),
        pytest.param(
            lambda server, body: _signed_with(SigningKey.generate(), body, str(int(time.time()))),
            id="wrong-key",
        ),
        pytest.param(
            lambda server, body: server.signed(body, timestamp=str(int(time.time()) - 3600)),
            id="replayed-old-timestamp",
        ),
    ],
)
async def test_anything_not_freshly_signed_by_discord_gets_401_and_changes_nothing(
    http_bot: LoopbackBot, forge: Any
) -> None:
    payload = obj.interaction(2, http_bot.command_data(("about",), {}))
    for body in (PING, json.dumps(payload).encode()):
        db = Path(http_bot.store.path)
        before = db.read_bytes()
        status, _ = await post_raw(http_bot, body, forge(http_bot.server, body))
        assert status == 401
        assert db.read_bytes() == before
    assert http_bot.server.requests_to("POST", "/webhooks/") == []


def _signed_with(key: SigningKey, body: bytes, stamp: str) -> dict[str, str]:
    return {
        "X-Signature-Ed25519": key.sign(stamp.encode() + body).signature.hex(),
        "X-Signature-Timestamp": stamp,
    }


async def test_a_body_that_is_not_an_interaction_is_refused_politely(http_bot: LoopbackBot) -> None:
    bad_option = obj.interaction(2, {"name": "milestones", "options": [
        {"name": "days", "type": 4, "value": "many"}]})  # fmt: skip
    for body in (b"not json", b"[1, 2]", b'{"type": 99}', json.dumps(bad_option).encode()):
        status, _ = await post_raw(http_bot, body, http_bot.server.signed(body))
        assert status == 400


@pytest.mark.parametrize("locale", ["ko", "en-US"])
@pytest.mark.parametrize(("command", "options", "ko", "en"), COMMANDS)
async def test_each_lookup_answers_in_the_body_in_the_users_language(
    http_bot: LoopbackBot, command: str, options: dict[str, Any], ko: str, en: str, locale: str
) -> None:
    exchange = await http_bot.command(command, locale=locale, **options)
    # A program card comes with its timeline picture: deferred, then sent with the file.
    assert exchange.callback["type"] == (5 if command == "program" else 4)
    assert exchange.latency < 3
    assert not exchange.ephemeral
    assert (ko if locale == "ko" else en) in exchange.text


async def test_a_long_card_continues_in_follow_ups_after_the_body(http_bot: LoopbackBot) -> None:
    exchange = await http_bot.command("program", name="sovereign-ai-public-forum", locale="en-US")
    followups = [r for r in exchange.requests if r.method == "POST" and "/webhooks/" in r.path]
    assert len(exchange.messages) >= 2 and len(followups) == len(exchange.messages) - 1
    assert exchange.callback["type"] == 5  # deferred: its first message carries the picture


async def test_autocomplete_and_a_chosen_suggestion(http_bot: LoopbackBot) -> None:
    choices = (await http_bot.autocomplete("institution", focused="name", name="ETRI")).choices
    assert 1 <= len(choices) <= 25 and "한국전자통신연구원" in choices[0]["name"]
    exchange = await http_bot.command("institution", name=choices[0]["value"])
    assert "한국전자통신연구원" in exchange.text and not exchange.ephemeral
    days = (await http_bot.autocomplete("milestones", focused="program", program="국가")).choices
    assert any("국가 AI 연구거점" in c["name"] for c in days)


async def test_pages_turn_with_buttons_and_did_you_mean_picks(http_bot: LoopbackBot) -> None:
    first = await http_bot.command("search", query="AI")
    message = first.messages[0]
    [button] = [b for row in message["components"] for b in row["components"]]
    second = await http_bot.click(message, button["custom_id"])
    assert second.callback["type"] == 7
    assert "2/" in second.callback["data"]["embeds"][0]["footer"]["text"]
    typo = await http_bot.command("institution", name="한국전자통신연구언")
    assert typo.ephemeral
    picks = [b for row in typo.messages[0]["components"] for b in row["components"]]
    picked = await http_bot.click(typo.messages[0], picks[0]["custom_id"])
    assert picked.callback["type"] == 4 and "한국전자통신연구원" in picked.text


async def test_a_button_we_did_not_make_is_refused_privately(http_bot: LoopbackBot) -> None:
    exchange = await http_bot.click({"id": "1", "components": []}, "bb:search:x:y")
    assert exchange.callback["type"] == 4 and exchange.ephemeral


async def test_a_busy_store_defers_then_edits_the_answer_in(http_bot: LoopbackBot) -> None:
    async with busy_store(http_bot.store, seconds=2.0):
        exchange = await http_bot.command("institution", name="ETRI")
    assert exchange.callback["type"] == 5 and exchange.latency < 3
    assert [r.method for r in exchange.requests][1:] == ["PATCH"]
    assert "한국전자통신연구원" in exchange.text and not exchange.ephemeral


async def test_an_error_after_a_public_defer_is_still_private(http_bot: LoopbackBot) -> None:
    async with busy_store(http_bot.store, seconds=2.0):
        exchange = await http_bot.command("institution", name="없는기관이름")
    assert exchange.callback["type"] == 5
    assert [r.method for r in exchange.requests][1:] == ["DELETE", "POST"]
    assert exchange.ephemeral and exchange.messages


async def test_an_admin_edits_with_a_form_and_a_manager_is_refused(http_bot: LoopbackBot) -> None:
    refused = await http_bot.command(
        "milestone", "update", permissions=obj.ADMIN_PERMISSIONS, milestone=CONTEST
    )
    assert refused.callback["type"] == 4 and refused.ephemeral and "관리자" in refused.text
    opened = await http_bot.command("milestone", "update", **ADMIN, milestone=CONTEST)
    assert opened.callback["type"] == 9
    modal = opened.callback["data"]
    values = {
        c["custom_id"]: c.get("value", "") for r in modal["components"] for c in r["components"]
    }
    before = http_bot.store.revision()
    saved = await http_bot.submit_modal(
        modal["custom_id"], {**values, "date": "2026년 1월 말"}, **ADMIN
    )
    assert saved.ephemeral and f"#{before + 1}" in saved.text
    assert http_bot.store.milestone(CONTEST)["date_text"] == "2026년 1월 말"
    [echo] = http_bot.server.channel_messages(obj.AUDIT_CHANNEL_ID)
    assert f"#{before + 1}" in echo["embeds"][0]["title"]


async def test_a_forged_form_is_refused_and_changes_nothing(http_bot: LoopbackBot) -> None:
    before = http_bot.store.revision()
    exchange = await http_bot.submit_modal("bb:form:fact:x:y", {"value": "1"}, **ADMIN)
    assert exchange.ephemeral and http_bot.store.revision() == before


async def test_digest_subscribe_from_the_payloads_permissions(http_bot: LoopbackBot) -> None:
    member = await http_bot.command("digest", "subscribe", channel=obj.CHANNEL_ID)
    assert member.ephemeral and http_bot.bot is not None
    assert http_bot.bot.app.digests.book.in_scope(f"discord:guild/{obj.GUILD_ID}") == []
    manager = await http_bot.command(
        "digest", "subscribe", permissions=obj.ADMIN_PERMISSIONS, channel=obj.CHANNEL_ID,
        schedule="weekly mon 09:00",
    )  # fmt: skip
    assert manager.ephemeral and "매주 월 09:00" in manager.text
    [subscription] = http_bot.bot.app.digests.book.in_scope(f"discord:guild/{obj.GUILD_ID}")
    assert subscription.place == f"discord:guild/{obj.GUILD_ID}/channel/{obj.CHANNEL_ID}"
    assert subscription.created_by == f"discord:{obj.USER_ID}"


async def test_commands_are_synced_over_rest_once(http_bot: LoopbackBot) -> None:
    await http_bot.restart()
    assert len(http_bot.server.requests_to("PUT", r"/applications/\d+/guilds/\d+/commands")) == 1
    assert http_bot.server.identifies == 0  # never opened the gateway


ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original$"
FOLLOWUP = r"/webhooks/\d+/[^/]+$"


async def test_a_rate_limited_or_failing_edit_is_retried_and_the_card_arrives_once(
    http_bot: LoopbackBot,
) -> None:
    """The deferred card's edit meets a 429 and then a 500: it is sent again after
    `retry_after`, then after Discord's error, and the card with its picture arrives once."""
    http_bot.server.fail("PATCH", ORIGINAL, 429, retry_after=0.2)
    http_bot.server.fail("PATCH", ORIGINAL, 500)
    exchange = await http_bot.command("program", name="국가 AI 연구거점")
    edits = [r for r in exchange.requests if r.method == "PATCH"]
    assert [r.status for r in edits] == [429, 500, 200]
    assert edits[1].at - edits[0].at >= 0.2
    (card,) = exchange.messages
    assert [a["filename"] for a in card["attachments"]] == ["timeline-national-ai-research-lab.png"]
    assert "국가 AI 연구거점" in exchange.text


async def test_a_follow_up_refused_by_discord_is_logged_and_the_next_interaction_answered(
    http_bot: LoopbackBot, caplog: pytest.LogCaptureFixture
) -> None:
    http_bot.server.fail("POST", FOLLOWUP, 404, code=10015, message="Unknown Webhook")
    with caplog.at_level("WARNING", logger="bot.discord_adapter.http_interactions"):
        exchange = await http_bot.command(
            "program", name="sovereign-ai-public-forum", locale="en-US"
        )
    statuses = [
        r.status for r in exchange.requests if r.method == "POST" and "/webhooks/" in r.path
    ]
    assert statuses[0] == 404
    assert "could not finish answering interaction" in caplog.text
    again = await http_bot.command("institution", name="ETRI")
    assert "한국전자통신연구원" in again.text
