"""The Slack stand-in against the real slack-bolt: a small app defined here, driven over Socket
Mode and over HTTP with real signatures, through reconnects, rate limits and failures; and
the checks proven able to fail (an over-limit block set, a 25-character modal title, an
unescaped <!everyone>, an ack after 3 s)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_loopback.harness import LoopbackSlack, SlackTarget, message_texts
from slack_loopback.objects import ADMIN_USER_ID, BOT_USER_ID, CHANNEL_ID, USER_ID, Channel
from slack_loopback.server import APP_TOKEN, BOT_TOKEN, SlackStandIn
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

PROGRAMS = {"p1": "독자 AI 파운데이션 모델", "p2": "국가 AI 연구거점"}
PICK_VIEW = {
    "type": "modal",
    "callback_id": "pick",
    "title": {"type": "plain_text", "text": "프로그램 선택"},
    "submit": {"type": "plain_text", "text": "보기"},
    "blocks": [
        {
            "type": "input",
            "block_id": "program",
            "optional": True,
            "label": {"type": "plain_text", "text": "프로그램"},
            "element": {"type": "external_select", "action_id": "program", "min_query_length": 1},
        }
    ],
}
MORE_BUTTON = {
    "type": "actions",
    "block_id": "pages",
    "elements": [
        {
            "type": "button",
            "action_id": "more",
            "text": {"type": "plain_text", "text": "다음"},
            "value": "2",
        },
        {
            "type": "button",
            "action_id": "dismiss",
            "text": {"type": "plain_text", "text": "닫기"},
        },
    ],
}
HOME_VIEW = {
    "type": "home",
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "다가오는 일정"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "refresh",
                    "text": {"type": "plain_text", "text": "새로 고침"},
                }
            ],
        },
    ],
}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def demo_app(target: SlackTarget) -> AsyncApp:
    """A small app in the shape the bot's adapter will take: ack first, then answer."""
    app = AsyncApp(client=target.web_client(), signing_secret=target.signing_secret)

    @app.command("/brief")
    async def brief(ack: Any, respond: Any, say: Any, command: dict[str, Any]) -> None:
        await ack()
        blocks = [section(f"*{command['text']}*"), MORE_BUTTON]
        await respond(text=command["text"], blocks=blocks, response_type="ephemeral")
        await say(text=f"{command['text']} 브리핑")

    @app.action("more")
    async def more(ack: Any, respond: Any, action: dict[str, Any]) -> None:
        await ack()
        await respond(text=f"{action['value']}쪽", replace_original=True)

    @app.action("dismiss")
    async def dismiss(ack: Any, respond: Any) -> None:
        await ack()
        await respond(delete_original=True)

    @app.command("/edit")
    async def edit(ack: Any, say: Any, client: Any) -> None:
        await ack()
        posted = await say(text="초안")
        await client.chat_update(channel=posted["channel"], ts=posted["ts"], text="수정본")

    @app.shortcut("brief")
    async def shortcut(ack: Any, client: Any, shortcut: dict[str, Any]) -> None:
        await ack()
        view = {**PICK_VIEW, "notify_on_close": True}
        await client.views_open(trigger_id=shortcut["trigger_id"], view=view)

    @app.view_closed("pick")
    async def closed(ack: Any, client: Any, body: dict[str, Any]) -> None:
        await ack()
        await client.chat_postEphemeral(channel=CHANNEL_ID, user=body["user"]["id"], text="닫힘")

    @app.event("app_home_opened")
    async def home(client: Any, event: dict[str, Any]) -> None:
        await client.views_publish(user_id=event["user"], view=HOME_VIEW)

    @app.action("refresh")
    async def refresh(ack: Any, client: Any, body: dict[str, Any]) -> None:
        await ack()
        view, blocks = body["view"], [section("새 일정"), HOME_VIEW["blocks"][1]]
        await client.views_update(
            view_id=view["id"], hash=view["hash"], view={**HOME_VIEW, "blocks": blocks}
        )

    @app.command("/pick")
    async def pick(ack: Any, client: Any, command: dict[str, Any]) -> None:
        await ack()
        await client.views_open(trigger_id=command["trigger_id"], view=PICK_VIEW)

    @app.options("program")
    async def suggest(ack: Any, payload: dict[str, Any]) -> None:
        found = [(k, name) for k, name in PROGRAMS.items() if payload["value"] in name]
        options = [{"text": {"type": "plain_text", "text": n}, "value": k} for k, n in found]
        await ack(options=options)

    @app.view("pick")
    async def picked(ack: Any, view: dict[str, Any]) -> None:
        chosen = view["state"]["values"]["program"]["program"]["selected_option"]
        if chosen is None:
            await ack(response_action="errors", errors={"program": "프로그램을 고르세요"})
        else:
            await ack()

    @app.command("/post")
    async def post(ack: Any, respond: Any, client: Any, command: dict[str, Any]) -> None:
        """Post to the channel named in the text; tell the user Slack's error, if any."""
        await ack()
        try:
            await client.chat_postMessage(channel=command["text"], text="digest")
        except SlackApiError as exc:
            await respond(text=f"error: {exc.response['error']}")

    @app.command("/who")
    async def who(ack: Any, respond: Any, client: Any, command: dict[str, Any]) -> None:
        await ack()
        user = (await client.users_info(user=command["user_id"], include_locale=True))["user"]
        channel = (await client.conversations_info(channel=command["channel_id"]))["channel"]
        await respond(text=f"{user['locale']} admin={user['is_admin']} {channel['name']}")

    @app.command("/chatty")
    async def chatty(ack: Any, respond: Any) -> None:
        await ack()
        for i in range(6):
            await respond(text=f"{i + 1}")

    @app.command("/big")
    async def big(ack: Any, say: Any) -> None:
        await ack()
        # What Slack answered is asserted from the stand-in's record.
        with contextlib.suppress(SlackApiError):
            await say(text="51 blocks", blocks=[section(f"{i}") for i in range(51)])

    @app.command("/ping")
    async def ping(ack: Any, respond: Any) -> None:
        await ack()
        await respond(text="<!everyone> 공지")

    @app.command("/title")
    async def title(ack: Any, client: Any, command: dict[str, Any]) -> None:
        await ack()
        view = {**PICK_VIEW, "title": {"type": "plain_text", "text": "x" * 25}}
        with contextlib.suppress(SlackApiError):
            await client.views_open(trigger_id=command["trigger_id"], view=view)

    return app


@pytest.fixture(params=["socket", "http"])
async def slack(
    request: pytest.FixtureRequest, slack_standin: SlackStandIn
) -> AsyncIterator[LoopbackSlack]:
    async with LoopbackSlack(slack_standin, demo_app, mode=request.param) as running:
        yield running


@pytest.fixture
async def socket_slack(slack_standin: SlackStandIn) -> AsyncIterator[LoopbackSlack]:
    async with LoopbackSlack(slack_standin, demo_app) as running:
        yield running


async def test_a_command_acks_then_responds_and_says(slack: LoopbackSlack) -> None:
    exchange = await slack.command("/brief", "ETRI")

    assert exchange.delivery.acked and exchange.ack is None
    assert exchange.latency < 3
    reply, public = exchange.messages
    assert (reply.via, reply.ephemeral, reply.user) == ("response_url", True, USER_ID)
    assert (public.via, public.ephemeral, public.body["text"]) == (
        "chat.postMessage",
        False,
        "ETRI 브리핑",
    )
    assert [p.status for p in exchange.posts] == [200]
    assert slack.standin.channel_messages(CHANNEL_ID) == [public]
    assert [c.token for c in slack.standin.calls_to("auth.test")] == [BOT_TOKEN]
    if slack.mode == "socket":
        assert [c.token for c in slack.standin.calls_to("apps.connections.open")] == [APP_TOKEN]


async def test_a_click_replaces_the_message_it_was_on(slack: LoopbackSlack) -> None:
    reply = (await slack.command("/brief", "ETRI")).messages[0]

    exchange = await slack.click("more", on=reply)

    assert exchange.delivery.acked and exchange.messages == []
    assert reply.body == {"text": "2쪽"}


async def test_a_dismiss_deletes_the_message_and_chat_update_edits_one(
    slack: LoopbackSlack,
) -> None:
    reply = (await slack.command("/brief", "ETRI")).messages[0]

    await slack.click("dismiss", on=reply)
    edited = await slack.command("/edit")

    assert reply.deleted
    assert [m.body["text"] for m in edited.messages] == ["수정본"]
    assert [c.method for c in edited.calls] == ["chat.postMessage", "chat.update"]


async def test_a_shortcut_a_closed_modal_and_the_app_home(slack: LoopbackSlack) -> None:
    await slack.shortcut("brief")
    modal = slack.standin.open_modal(USER_ID)
    assert modal is not None and modal.body["notify_on_close"]

    closed = await slack.close(modal)
    await slack.event({"type": "app_home_opened", "user": USER_ID, "tab": "home"})
    home = slack.standin.home(USER_ID)
    assert home is not None
    refreshed = await slack.click("refresh", on=home)

    assert not modal.open
    assert [(m.via, m.ephemeral, m.body["text"]) for m in closed.messages] == [
        ("chat.postEphemeral", True, "닫힘")
    ]
    assert message_texts(home.body)[:1] == ["새 일정"]
    assert refreshed.calls_to("views.update")[0].response["ok"]


async def test_a_modal_offers_options_refuses_an_empty_form_and_closes(
    slack: LoopbackSlack,
) -> None:
    await slack.command("/pick")
    modal = slack.standin.open_modal(USER_ID)
    assert modal is not None and modal.body["callback_id"] == "pick"

    options = (await slack.suggest("program", "연구", on=modal)).ack
    empty = await slack.submit(modal)
    assert modal.open and modal.errors == {"program": "프로그램을 고르세요"}
    chosen = await slack.submit(modal, {"program": options["options"][0]})

    assert options == {
        "options": [{"text": {"type": "plain_text", "text": "국가 AI 연구거점"}, "value": "p2"}]
    }
    assert empty.ack == {"response_action": "errors", "errors": {"program": "프로그램을 고르세요"}}
    assert chosen.ack is None and not modal.open
    assert slack.standin.open_modal(USER_ID) is None


@pytest.mark.parametrize("signing", ["bad", "stale"])
async def test_http_mode_refuses_a_bad_or_stale_signature(
    slack_standin: SlackStandIn, signing: Any
) -> None:
    async with LoopbackSlack(slack_standin, demo_app, mode="http") as slack:
        exchange = await slack.command("/brief", "ETRI", signing=signing)

    assert exchange.delivery.status == 401
    assert exchange.calls == [] and exchange.posts == [] and exchange.messages == []


async def test_the_app_reconnects_after_a_dropped_socket(slack_standin: SlackStandIn) -> None:
    async with LoopbackSlack(slack_standin, demo_app, ping_interval=1.0) as slack:
        slack_standin.drop_socket()
        exchange = await slack.command("/brief", "ETRI")

    assert exchange.delivery.acked and exchange.messages
    assert slack_standin.connections == 2
    assert len(slack_standin.calls_to("apps.connections.open")) == 2


async def test_the_app_reconnects_on_a_disconnect_message(socket_slack: LoopbackSlack) -> None:
    standin = socket_slack.standin
    await standin.send_disconnect()
    await standin.wait_until(
        lambda: standin.connections == 2 and standin.open_connections == 1, "no reconnect"
    )

    exchange = await socket_slack.command("/brief", "ETRI")

    assert exchange.delivery.acked and exchange.messages
    assert len(standin.calls_to("apps.connections.open")) == 2


def rate_limited_app(target: SlackTarget) -> AsyncApp:
    """The demo app with slack-sdk's retry handler for 429 installed."""
    app = demo_app(target)
    app.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    return app


async def test_429_with_retry_after_is_honoured_by_the_retry_handler(
    slack_standin: SlackStandIn,
) -> None:
    slack_standin.fail("chat.postMessage", "ratelimited", retry_after=1)
    async with LoopbackSlack(slack_standin, rate_limited_app) as slack:
        exchange = await slack.command("/brief", "ETRI")

    limited, retried = exchange.calls_to("chat.postMessage")
    assert (limited.status, limited.response["error"], retried.status) == (429, "ratelimited", 200)
    assert retried.at - limited.at >= 1.0
    assert len(slack_standin.channel_messages(CHANNEL_ID)) == 1


@pytest.mark.parametrize(
    "error", ["not_in_channel", "is_archived", "channel_not_found", "missing_scope"]
)
async def test_failures_reach_the_app_as_slack_errors(
    socket_slack: LoopbackSlack, error: str
) -> None:
    standin = socket_slack.standin
    standin.channels["C0ARCHIVED"] = Channel("C0ARCHIVED", "old", is_archived=True)
    standin.channels["C0OUTSIDE"] = Channel("C0OUTSIDE", "elsewhere", is_member=False)
    target = {"not_in_channel": "C0OUTSIDE", "is_archived": "C0ARCHIVED"}.get(error, CHANNEL_ID)
    if error == "channel_not_found":
        target = "C0MISSING"
    if error == "missing_scope":
        standin.fail("chat.postMessage", "missing_scope", channel=CHANNEL_ID)

    exchange = await socket_slack.command("/post", target)

    assert exchange.text == f"error: {error}"
    assert standin.channel_messages(target) == []


async def test_a_slow_answer_is_slow_and_the_harness_waits_for_it(
    socket_slack: LoopbackSlack,
) -> None:
    """The app acks first; the harness still returns only once the slow call is done."""
    socket_slack.standin.slow("chat.postMessage", 0.5)

    exchange = await socket_slack.command("/brief", "ETRI")

    (posted,) = exchange.calls_to("chat.postMessage")
    assert posted.answered_at - posted.at >= 0.5
    assert exchange.delivery.acked and not exchange.delivery.late
    assert exchange.messages[-1].via == "chat.postMessage"


async def test_users_info_gives_the_locale_and_conversations_info_the_channel(
    socket_slack: LoopbackSlack,
) -> None:
    exchange = await socket_slack.command("/who", user=ADMIN_USER_ID)

    assert exchange.text == "en-US admin=True briefings"
    assert socket_slack.standin.calls_to("users.info")[0].args["include_locale"] in ("1", "true")


async def test_a_sixth_response_url_post_is_refused(socket_slack: LoopbackSlack) -> None:
    exchange = await socket_slack.command("/chatty")

    assert [p.status for p in exchange.posts] == [200] * 5 + [404]
    assert [m.body["text"] for m in exchange.messages] == ["1", "2", "3", "4", "5"]
    assert any("used_url" in v for v in socket_slack.standin.take_violations())


async def test_an_over_limit_block_set_is_refused_and_recorded(socket_slack: LoopbackSlack) -> None:
    exchange = await socket_slack.command("/big")

    (call,) = exchange.calls_to("chat.postMessage")
    assert call.response["error"] == "invalid_blocks"
    assert exchange.messages == []
    assert any("51 blocks > 50" in v for v in socket_slack.standin.take_violations())


async def test_a_25_character_modal_title_is_refused_and_recorded(
    socket_slack: LoopbackSlack,
) -> None:
    exchange = await socket_slack.command("/title")

    assert exchange.calls_to("views.open")[0].response["error"] == "invalid_arguments"
    assert socket_slack.standin.open_modal(USER_ID) is None
    assert any(
        "title must be between 1 and 24" in v for v in socket_slack.standin.take_violations()
    )


async def test_an_unescaped_everyone_is_recorded(socket_slack: LoopbackSlack) -> None:
    exchange = await socket_slack.command("/ping")

    assert exchange.messages[0].body["text"] == "<!everyone> 공지"  # Slack would have pinged
    (violation,) = socket_slack.standin.take_violations()
    assert "pings" in violation and "<!everyone>" in violation


async def test_an_ack_after_3_seconds_is_refused(slack: LoopbackSlack) -> None:
    exchange = await slack.command("/brief", "ETRI", late_by=3.0)

    assert exchange.delivery.late and exchange.latency > 3.0
    (violation,) = slack.standin.take_violations()
    assert "Slack gave up at 3 s" in violation


async def api_error(call: Awaitable[Any]) -> str:
    """The error Slack answered a Web API call with (slack-sdk raises it)."""
    with pytest.raises(SlackApiError) as raised:
        await call
    return raised.value.response["error"]


async def test_tokens_are_checked_per_method(slack_standin: SlackStandIn) -> None:
    base = slack_standin.api_base
    bot = AsyncWebClient(token=BOT_TOKEN, base_url=base)

    assert await api_error(AsyncWebClient(base_url=base).auth_test()) == "not_authed"
    assert (
        await api_error(AsyncWebClient(token="xoxb-1-x", base_url=base).auth_test())
        == "invalid_auth"
    )
    assert await api_error(AsyncWebClient(token=APP_TOKEN, base_url=base).auth_test()) == (
        "not_allowed_token_type"
    )
    assert (
        await api_error(bot.apps_connections_open(app_token=BOT_TOKEN)) == "not_allowed_token_type"
    )
    assert (await bot.auth_test())["user_id"] == BOT_USER_ID


async def test_a_trigger_opens_one_view_within_3_seconds(slack_standin: SlackStandIn) -> None:
    bot = AsyncWebClient(token=BOT_TOKEN, base_url=slack_standin.api_base)
    fresh = slack_standin.new_trigger(USER_ID)
    old = slack_standin.new_trigger(USER_ID, age=3.5)

    await bot.views_open(trigger_id=fresh, view=PICK_VIEW)

    assert (
        await api_error(bot.views_open(trigger_id=fresh, view=PICK_VIEW)) == "exchanged_trigger_id"
    )
    assert (
        await api_error(bot.views_open(trigger_id="1.2.x", view=PICK_VIEW)) == "invalid_trigger_id"
    )
    assert await api_error(bot.views_open(trigger_id=old, view=PICK_VIEW)) == "expired_trigger_id"
    assert slack_standin.take_violations() == ["views.open: trigger_id used after 3 s"]


async def test_views_update_checks_the_hash_and_push_stops_at_three(
    slack_standin: SlackStandIn,
) -> None:
    bot = AsyncWebClient(token=BOT_TOKEN, base_url=slack_standin.api_base)
    trigger = slack_standin.new_trigger
    opened = (await bot.views_open(trigger_id=trigger(USER_ID), view=PICK_VIEW))["view"]

    stale = bot.views_update(view_id=opened["id"], hash="stale", view=PICK_VIEW)
    assert await api_error(stale) == "hash_conflict"
    for _ in range(2):
        await bot.views_push(trigger_id=trigger(USER_ID), view=PICK_VIEW)
    pushed = bot.views_push(trigger_id=trigger(USER_ID), view=PICK_VIEW)
    assert await api_error(pushed) == "push_limit_reached"


async def test_a_response_url_expires_after_30_minutes(slack_standin: SlackStandIn) -> None:
    url = slack_standin.new_response_url(USER_ID, CHANNEL_ID, age=30 * 60 + 1)

    response = await AsyncWebhookClient(url).send(text="늦은 답")

    assert response.status_code == 404 and "expired_url" in response.body
    assert slack_standin.channel_messages(CHANNEL_ID, user=USER_ID) == []
    assert any("expired_url" in v for v in slack_standin.take_violations())


async def test_form_encoded_and_json_calls_read_alike(slack_standin: SlackStandIn) -> None:
    bot = AsyncWebClient(token=BOT_TOKEN, base_url=slack_standin.api_base)
    blocks = [section("*국가 AI 연구거점*")]

    await bot.api_call(
        "chat.postMessage", data={"channel": CHANNEL_ID, "text": "폼", "blocks": json.dumps(blocks)}
    )
    await bot.chat_postMessage(channel=CHANNEL_ID, text="JSON", blocks=blocks)

    form, as_json = slack_standin.calls_to("chat.postMessage")
    assert form.content_type == "application/x-www-form-urlencoded"
    assert as_json.content_type == "application/json"
    assert [m.body for m in slack_standin.channel_messages(CHANNEL_ID)] == [
        {"text": "폼", "blocks": blocks},
        {"text": "JSON", "blocks": blocks},
    ]


async def test_a_restarted_app_connects_again_and_answers(socket_slack: LoopbackSlack) -> None:
    await socket_slack.restart()

    exchange = await socket_slack.command("/brief", "ETRI")

    assert exchange.delivery.acked and exchange.messages
    assert (socket_slack.standin.connections, socket_slack.standin.open_connections) == (2, 1)
