"""Drive a real slack-bolt app end to end: start it against the Slack stand-in, over Socket
Mode or HTTP, send it what a user does in Slack, and collect what came back.

The app under test comes from a factory, so any `AsyncApp` plugs in: one defined in a test,
or the bot's Slack adapter. `LoopbackSlack.command("/program", "ETRI")` runs a slash command,
`click`, `suggest`, `submit` and `close` act on the messages and views the app produced, and
each returns once the app has acked and every handler it started has finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

import slack_loopback.objects as obj
from slack_loopback.http_mode import Signing
from slack_loopback.server import (
    APP_TOKEN,
    BOT_TOKEN,
    WAIT_TIMEOUT_S,
    Call,
    Delivery,
    ResponsePost,
    SlackStandIn,
    ViewRecord,
)

EVENTS_PATH = "/slack/events"
# The coroutines slack-bolt and slack-sdk run per request: the Socket Mode client's dispatch
# of one envelope, a listener's body (which goes on after its ack), a lazy listener.
HANDLER_COROUTINES = frozenset(
    {
        "AsyncBaseSocketModeClient.run_message_listeners",
        "AsyncioListenerRunner.run.<locals>.run_ack_function_asynchronously",
        "to_runnable_function",
    }
)
TEXT_INPUTS = frozenset({"plain_text_input", "email_text_input", "url_text_input", "number_input"})
SELECTS = frozenset({"static_select", "external_select"})
Mode = Literal["socket", "http"]


@dataclass(frozen=True)
class SlackTarget:
    """Where an app finds the stand-in: what the bot's `[slack]` settings would hold."""

    api_base: str
    bot_token: str
    app_token: str
    signing_secret: str

    def web_client(self) -> AsyncWebClient:
        """A Web API client for the stand-in (slack-sdk's own, only its base URL changed)."""
        return AsyncWebClient(token=self.bot_token, base_url=self.api_base)


AppFactory = Callable[[SlackTarget], AsyncApp]


@dataclass
class Exchange:
    """One thing a user did, the app's ack, and everything the app sent meanwhile."""

    delivery: Delivery
    calls: list[Call]
    posts: list[ResponsePost]
    messages: list[obj.Message]

    @property
    def ack(self) -> dict[str, Any] | None:
        """The ack's payload (None for an empty ack)."""
        assert self.delivery.acked, f"not acked: HTTP {self.delivery.status}"
        return self.delivery.ack

    @property
    def latency(self) -> float:
        return self.delivery.latency

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @property
    def text(self) -> str:
        """All text of the messages the exchange produced, for assertions about wording."""
        return "\n".join(text for m in self.messages for text in message_texts(m.body))


def message_texts(body: Mapping[str, Any]) -> list[str]:
    """The fallback text and every text object's text in a message, in order."""
    texts = [body["text"]] if body.get("text") else []
    pending: list[Any] = list(body.get("blocks") or [])
    while pending:
        node = pending.pop(0)
        if isinstance(node, Mapping):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                texts.append(node["text"])
            pending[:0] = list(node.values())
        elif isinstance(node, list):
            pending[:0] = node
    return texts


def find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]]:
    """The block id and element with `action_id`, as a user finds a button or a select."""
    for i, block in enumerate(blocks):
        elements = [*(block.get("elements") or []), block.get("accessory"), block.get("element")]
        for element in elements:
            if isinstance(element, Mapping) and element.get("action_id") == action_id:
                return block.get("block_id") or f"block-{i}", dict(element)
    raise AssertionError(f"no element {action_id!r} in {blocks}")


def _option(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}


def _input_state(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """An input's entry in `view.state.values`, as Slack reports what the user entered."""
    kind = element["type"]
    if kind in TEXT_INPUTS:
        return {"type": kind, "value": element.get("initial_value") if value is None else value}
    if kind in SELECTS:
        chosen = element.get("initial_option") if value is None else _option(value)
        return {"type": kind, "selected_option": chosen}
    if kind == "datepicker":
        return {
            "type": kind,
            "selected_date": element.get("initial_date") if value is None else value,
        }
    raise AssertionError(f"the harness cannot fill a {kind} input")


def view_state(blocks: list[dict[str, Any]], values: Mapping[str, Any]) -> dict[str, Any]:
    """`view.state` of a modal whose inputs (by action_id) hold `values`; the others keep
    their initial values."""
    state: dict[str, dict[str, Any]] = {}
    unused = set(values)
    for i, block in enumerate(blocks):
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, Mapping):
            continue
        action_id = element["action_id"]
        unused.discard(action_id)
        entry = _input_state(element, values.get(action_id))
        state.setdefault(block.get("block_id") or f"block-{i}", {})[action_id] = entry
    assert not unused, f"the modal has no inputs {sorted(unused)}"
    return {"values": state}


class LoopbackSlack:
    """The Slack stand-in plus a real slack-bolt app connected to it."""

    def __init__(
        self,
        standin: SlackStandIn,
        app_factory: AppFactory,
        *,
        mode: Mode = "socket",
        ping_interval: float = 10.0,
    ) -> None:
        self.standin = standin
        self.app_factory = app_factory
        self.mode = mode
        self.ping_interval = ping_interval
        self.target = SlackTarget(standin.api_base, BOT_TOKEN, APP_TOKEN, standin.signing_secret)
        self.app: AsyncApp | None = None
        self.request_url = ""
        self._handler: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> LoopbackSlack:
        await self.start_app()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop_app()

    async def start_app(self) -> AsyncApp:
        """Build the app and connect it as the bot would: Socket Mode through the real
        `AsyncSocketModeHandler`, or slack-bolt's aiohttp server on a loopback port."""
        app = self.app_factory(self.target)
        self.app = app
        if self.mode == "socket":
            before = self.standin.connections
            handler = AsyncSocketModeHandler(
                app, self.target.app_token, ping_interval=self.ping_interval
            )
            self._handler = handler
            await handler.connect_async()
            await self.standin.wait_until(
                lambda: self.standin.connections > before,
                "the app did not open a Socket Mode connection",
            )
        else:
            self._runner = web.AppRunner(app.web_app(path=EVENTS_PATH), access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.request_url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
        return app

    async def stop_app(self) -> None:
        await self.settle()
        if self._handler is not None:
            await self._handler.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        self.app, self._handler, self._runner = None, None, None

    async def restart(self) -> AsyncApp:
        """Stop the app and start a new one from the factory (a process restart)."""
        await self.stop_app()
        return await self.start_app()

    # -- what a user does --------------------------------------------------------------

    async def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = obj.USER_ID,
        channel: str = obj.CHANNEL_ID,
        late_by: float = 0.0,
        signing: Signing = "valid",
    ) -> Exchange:
        """Type `/command text` in `channel`."""
        payload = obj.slash_command(
            command,
            text,
            user_id=user,
            channel=self.standin.channels[channel],
            response_url=self.standin.new_response_url(user, channel),
            trigger_id=self.standin.new_trigger(user),
        )
        return await self.deliver("slash_commands", payload, late_by=late_by, signing=signing)

    async def click(
        self, action_id: str, *, on: obj.Message | ViewRecord, user: str = obj.USER_ID
    ) -> Exchange:
        """Press the button `action_id` in a message or a view the app sent."""
        block_id, element = find_element(on.body.get("blocks") or [], action_id)
        trigger = self.standin.new_trigger(user)
        if isinstance(on, obj.Message):
            url = self.standin.new_response_url(user, on.channel, original=on)
            payload = obj.block_actions(
                element, block_id, user_id=user, trigger_id=trigger, message=on, response_url=url
            )
        else:
            payload = obj.block_actions(
                element, block_id, user_id=user, trigger_id=trigger, view=on.payload()
            )
        return await self.deliver("interactive", payload)

    async def suggest(
        self, action_id: str, value: str, *, on: obj.Message | ViewRecord, user: str = obj.USER_ID
    ) -> Exchange:
        """Type `value` into the external select `action_id`; the ack carries the options."""
        block_id, _ = find_element(on.body.get("blocks") or [], action_id)
        surface = {"message": on} if isinstance(on, obj.Message) else {"view": on.payload()}
        payload = obj.block_suggestion(action_id, block_id, value, user_id=user, **surface)
        return await self.deliver("interactive", payload)

    async def submit(self, view: ViewRecord, values: Mapping[str, Any] | None = None) -> Exchange:
        """Fill the modal's inputs (by action_id) with `values` and press its submit button."""
        view.state = view_state(view.body.get("blocks") or [], values or {})
        trigger = self.standin.new_trigger(view.user)
        payload = obj.view_submission(view.payload(), user_id=view.user, trigger_id=trigger)
        return await self.deliver("interactive", payload)

    async def close(self, view: ViewRecord) -> Exchange:
        """Close the modal (the app hears of it if it set `notify_on_close`)."""
        return await self.deliver("interactive", obj.view_closed(view.payload(), user_id=view.user))

    async def shortcut(self, callback_id: str, *, user: str = obj.USER_ID) -> Exchange:
        trigger = self.standin.new_trigger(user)
        return await self.deliver(
            "interactive", obj.shortcut(callback_id, user_id=user, trigger_id=trigger)
        )

    async def event(self, event: Mapping[str, Any]) -> Exchange:
        """Deliver an Events API event (e.g. `{"type": "app_home_opened", "user": ...}`)."""
        return await self.deliver("events_api", obj.event_callback(event))

    async def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        late_by: float = 0.0,
        signing: Signing = "valid",
    ) -> Exchange:
        """Send any request as Slack would in this mode; return once the app has answered
        and finished every handler it started."""
        standin = self.standin
        marks = len(standin.calls), len(standin.response_posts), len(standin.messages)
        if self.mode == "socket":
            assert signing == "valid", "Socket Mode requests are not signed"
            delivery = await standin.push(kind, payload, late_by=late_by)
            await standin.wait_until(
                lambda: delivery.answered_at is not None,
                f"the app never acked {delivery.payload_type}",
            )
        else:
            delivery = await standin.post_to_app(
                self.request_url, kind, payload, late_by=late_by, signing=signing
            )
        await self.settle()
        return Exchange(
            delivery,
            standin.calls[marks[0] :],
            standin.response_posts[marks[1] :],
            standin.messages[marks[2] :],
        )

    async def settle(self) -> None:
        """Wait (on the tasks themselves) until no request handler is running in the app."""
        try:
            async with asyncio.timeout(WAIT_TIMEOUT_S):
                while running := [t for t in asyncio.all_tasks() if _handles_a_request(t)]:
                    await asyncio.wait(running)
        except TimeoutError:
            raise AssertionError(f"the app is still answering after {WAIT_TIMEOUT_S} s") from None


def _handles_a_request(task: asyncio.Task[Any]) -> bool:
    coroutine = task.get_coro()
    return not task.done() and getattr(coroutine, "__qualname__", "") in HANDLER_COROUTINES
