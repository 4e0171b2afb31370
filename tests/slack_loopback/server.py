"""A Slack stand-in on 127.0.0.1 that the real slack-bolt and slack-sdk clients talk to.

It serves the Web API methods a Slack app calls under `/api/<method>`, the Socket Mode
websocket that `apps.connections.open` points to, and the `response_url`s it hands out in
the payloads it sends. It delivers slash commands, interactions and events over the socket
(or as signed HTTP requests to an app's `/slack/events`), records every call, post and ack
with its latency, validates every message, view and ack payload (`spec.py`), and fails on
demand the way Slack fails: an error such as `not_in_channel` or `is_archived`, `429` with
`Retry-After`, a slow answer, a dropped socket, a `disconnect` message.

Slack's rules it enforces: an ack later than 3 s is refused (recorded as a violation, its
payload ignored); a trigger_id opens a view once, within 3 s; a response_url takes at most 5
posts within 30 minutes; a modal stack holds at most 3 views.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web
from slack_limits import REFUSED_BY_SLACK, Violation

import slack_loopback.objects as obj
from slack_loopback import http_mode
from slack_loopback.errors import ApiError
from slack_loopback.files import FileDesk, StoredFile
from slack_loopback.spec import ack_violations, response_url_violations, web_api_violations

BOT_TOKEN = "xoxb-0000000001-loopback-bot-token"
APP_TOKEN = "xapp-1-A0LOOPBACK-0000000002-loopback-app-token"
SIGNING_SECRET = "loopback-signing-secret"
# The scope each bot-token method needs: without it Slack answers `missing_scope`, naming
# the scope `needed` and those `provided` (a test takes one away from `SlackStandIn.scopes`).
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "users.info": "users:read",
    "conversations.open": "im:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
    "conversations.history": "channels:history",
}
SCOPES = frozenset({"commands", "chat:write.public", *METHOD_SCOPES.values()})
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
# Arguments that arrive as JSON strings in a form-encoded call.
JSON_ARGUMENTS = ("blocks", "attachments", "view", "metadata", "files")
MESSAGE_FIELDS = ("text", "blocks", "attachments", "thread_ts", "files", "metadata")
UPLOAD_PATH = "/upload/v1/{id}"
REQUEST_LINE_LIMITS = {"max_line_size": 65_536, "max_field_size": 65_536}
ACK_DEADLINE_S = 3.0
TRIGGER_TTL_S = 3.0
RESPONSE_URL_POSTS = 5
RESPONSE_URL_WINDOW_S = 30 * 60
VIEW_STACK_MAX = 3
WAIT_TIMEOUT_S = 10.0
# Payload types whose ack Slack reads (the others are acknowledged and nothing more).
RESPONSE_PAYLOAD_TYPES = frozenset({"slash_commands", "block_suggestion", "view_submission"})
# What the stand-in's history cursors start with (Slack's are opaque; these hold an offset).
HISTORY_CURSOR = "dXNlcjpV"


@dataclass
class Call:
    """One Web API call the app made, as received, and what it was answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    content_type: str
    at: float
    status: int = 0
    response: dict[str, Any] = field(default_factory=dict)
    answered_at: float = 0.0


@dataclass
class Failure:
    """An answer to give instead of the normal one, `times` times, for matching calls."""

    method: str
    error: str | None
    status: int
    channel: str | None
    retry_after: int | None
    delay: float
    times: int
    # Matching calls let through untouched before this failure applies.
    after: int = 0
    # Carry the call out, then never answer (the answer lost, as when the caller dies).
    silent: bool = False


@dataclass
class Delivery:
    """One request Slack sent the app (an envelope, or an HTTP request) and its answer.

    Its 3-second clock starts at `sent_at`; `ack` is the ack's payload (None when empty),
    `status` the HTTP status in HTTP mode (200 over the socket)."""

    envelope_id: str
    kind: str
    payload: dict[str, Any]
    sent_at: float
    answered_at: float | None = None
    status: int | None = None
    ack: dict[str, Any] | None = None
    late: bool = False

    @property
    def payload_type(self) -> str:
        """`slash_commands`, `events_api`, or the interaction's own type."""
        return self.payload["type"] if self.kind == "interactive" else self.kind

    @property
    def acked(self) -> bool:
        return self.status == 200

    @property
    def latency(self) -> float:
        """Seconds from sending to the app's answer."""
        assert self.answered_at is not None, f"{self.payload_type} was never answered"
        return self.answered_at - self.sent_at


@dataclass
class ResponsePost:
    """One post to a response_url, and the status it was answered with."""

    url: str
    body: dict[str, Any]
    at: float
    status: int = 0


@dataclass
class ResponseUrl:
    """A response_url the stand-in handed out with a command or an interaction."""

    id: str
    user: str
    channel: str
    issued_at: float
    original: obj.Message | None
    accepted: int = 0
    latest: obj.Message | None = None


@dataclass
class Trigger:
    """A trigger_id: opens one view, within 3 s of the interaction that carried it."""

    id: str
    user: str
    issued_at: float
    used: bool = False


@dataclass
class ViewRecord:
    """A modal or Home tab the app opened, pushed or published, as the user sees it."""

    id: str
    body: dict[str, Any]
    user: str
    hash: str
    root_id: str
    previous_id: str | None = None
    state: dict[str, Any] = field(default_factory=lambda: {"values": {}})
    errors: dict[str, str] | None = None
    open: bool = True

    def payload(self) -> dict[str, Any]:
        """The view as the Web API returns it and as interaction payloads carry it."""
        return obj.view_object(
            self.body,
            view_id=self.id,
            view_hash=self.hash,
            root_view_id=self.root_id,
            previous_view_id=self.previous_id,
            state=self.state,
        )


Handler = Callable[[Call], dict[str, Any]]


class SlackStandIn:
    """The stand-in. `await start()`; point the app's `AsyncWebClient(base_url=api_base)` at it."""

    def __init__(self, *, signing_secret: str = SIGNING_SECRET) -> None:
        self.signing_secret = signing_secret
        self.users: dict[str, obj.User] = {
            obj.USER_ID: obj.User(obj.USER_ID, "tester"),
            obj.ADMIN_USER_ID: obj.User(obj.ADMIN_USER_ID, "admin", locale="en-US", is_admin=True),
        }
        self.channels: dict[str, obj.Channel] = {
            obj.CHANNEL_ID: obj.Channel(obj.CHANNEL_ID, "briefings")
        }
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.deliveries: dict[str, Delivery] = {}
        self.messages: list[obj.Message] = []
        self.response_posts: list[ResponsePost] = []
        self.views: dict[str, ViewRecord] = {}
        self.connections = 0
        self.port = 0
        self.scopes = set(SCOPES)
        self.uploads = FileDesk(self._violate)
        self._direct_messages: dict[str, str] = {}
        self._stacks: dict[str, list[str]] = {}
        self._homes: dict[str, str] = {}
        self._response_urls: dict[str, ResponseUrl] = {}
        self._triggers: dict[str, Trigger] = {}
        self._tickets: set[str] = set()
        self._failures: list[Failure] = []
        # Answers withheld by `lose_answer` wait for this (set when the stand-in stops).
        self._stopping = asyncio.Event()
        self._sockets: list[tuple[web.WebSocketResponse, web.BaseRequest]] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._methods: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "apps.connections.open": self._connections_open,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update_message,
            "views.open": self._open_view,
            "views.push": self._push_view,
            "views.update": self._update_view,
            "views.publish": self._publish_view,
            "users.info": self._user_info,
            "conversations.info": self._conversation_info,
            "conversations.history": self._conversation_history,
            "conversations.open": self._open_conversation,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.info": self._file_info,
        }

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/link/", self._link)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_post(UPLOAD_PATH, self._upload)
        # slack-sdk sends some methods' arguments (`alt_txt` of an upload) in the query
        # string; Slack takes longer request lines than aiohttp's default 8 KiB.
        self._runner = web.AppRunner(app, access_log=None, **REQUEST_LINE_LIMITS)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        self._stopping.set()
        for socket, _ in list(self._sockets):
            await socket.close()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        """The Web API base URL, for `AsyncWebClient(base_url=...)` or `[slack] api_base`."""
        return f"http://127.0.0.1:{self.port}/api/"

    # -- failure modes -----------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str,
        *,
        times: int = 1,
        channel: str | None = None,
        retry_after: int | None = None,
        status: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (in `channel`, if given) with `error`:
        `not_in_channel`, `channel_not_found`, `is_archived`, `missing_scope`, … with HTTP
        200 as Slack does, `ratelimited` with HTTP 429 and `Retry-After: retry_after`, or
        with the HTTP `status` given (`internal_error` with 500, as in an outage)."""
        status = status or (429 if error == "ratelimited" else 200)
        wait = retry_after if retry_after is not None else (1 if status == 429 else None)
        self._failures.append(Failure(method, error, status, channel, wait, 0.0, times))

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Delay the next `times` answers to `method` by `seconds`, then answer normally."""
        self._failures.append(Failure(method, None, 200, None, None, seconds, times))

    def lose_answer(self, method: str, *, after: int = 0) -> None:
        """Carry out the call of `method` that comes after `after` others, then never answer
        it: what a caller killed mid-call leaves (the message is in the channel, and nobody
        heard so)."""
        self._failures.append(Failure(method, None, 200, None, None, 0.0, 1, after, silent=True))

    def drop_socket(self) -> None:
        """Cut every Socket Mode connection as a network failure would (no close frame)."""
        for _, request in self._sockets:
            assert request.transport is not None
            request.transport.abort()
        self._sockets.clear()
        self._notify()

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Send Slack's `disconnect` message: the client must reconnect with a new URL."""
        socket = self._socket()
        debug = {"host": "applink-loopback"}
        await socket.send_str(
            json.dumps({"type": "disconnect", "reason": reason, "debug_info": debug})
        )

    # -- reading what happened ---------------------------------------------------------

    @property
    def open_connections(self) -> int:
        """Socket Mode connections open now (`connections` counts every one ever opened)."""
        return len(self._sockets)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def channel_messages(self, channel: str, *, user: str | None = None) -> list[obj.Message]:
        """What `user` (or anyone, without one) sees in `channel`, oldest first."""
        return [
            m for m in self.messages
            if m.channel == channel and not m.deleted and (not m.ephemeral or m.user == user)
        ]  # fmt: skip

    def open_modal(self, user: str) -> ViewRecord | None:
        """The modal on top of `user`'s stack, if one is open."""
        stack = self._stacks.get(user) or []
        return self.views[stack[-1]] if stack else None

    def home(self, user: str) -> ViewRecord | None:
        view_id = self._homes.get(user)
        return self.views[view_id] if view_id else None

    def reply_to(self, response_url: str) -> obj.Message | None:
        """The latest message posted through `response_url` (a command's answer), if any."""
        record = self._response_urls.get(response_url.rsplit("/", 1)[-1])
        return record.latest if record is not None else None

    def shared_files(self, channel: str) -> list[StoredFile]:
        """The files shared in `channel` (a DM too), with their names and bytes."""
        return self.uploads.shared_in(channel)

    def direct_channel(self, user: str) -> str | None:
        """The DM channel `conversations.open` gave for `user`, if the app opened one."""
        return self._direct_messages.get(user)

    def take_violations(self) -> list[str]:
        """The violations so far, cleared: for a test that provokes them on purpose."""
        taken, self.violations = self.violations, []
        return taken

    async def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        """Wait (on the stand-in's change events, not a sleep) until `condition()` holds."""
        try:
            async with asyncio.timeout(WAIT_TIMEOUT_S):
                while not condition():
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"{what}: still not the case after {WAIT_TIMEOUT_S} s") from None

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _violate(self, context: str, found: list[Violation] | list[str]) -> None:
        self.violations.extend(f"{context}: {v}" for v in found)

    # -- what Slack hands out ----------------------------------------------------------

    def new_trigger(self, user: str, *, age: float = 0.0) -> str:
        """A trigger_id for an interaction of `user`, issued `age` seconds ago."""
        number = obj.next_number()
        issued_at = time.perf_counter() - age
        trigger = Trigger(f"{number}.{number * 7}.{uuid.uuid4().hex}", user, issued_at)
        self._triggers[trigger.id] = trigger
        return trigger.id

    def new_response_url(
        self, user: str, channel: str, original: obj.Message | None = None, *, age: float = 0.0
    ) -> str:
        """A response_url for a command (`original` None) or a click on `original`, issued
        `age` seconds ago."""
        issued_at = time.perf_counter() - age
        record = ResponseUrl(uuid.uuid4().hex, user, channel, issued_at, original)
        self._response_urls[record.id] = record
        return f"http://127.0.0.1:{self.port}/response/{record.id}"

    # -- delivering to the app ---------------------------------------------------------

    async def push(self, kind: str, payload: dict[str, Any], *, late_by: float = 0.0) -> Delivery:
        """Send an envelope (`slash_commands`, `interactive` — block_suggestion included, as
        Slack does — or `events_api`) over the newest Socket Mode connection. Its 3-second
        clock starts `late_by` seconds ago, as when Slack's delivery was slow."""
        await self.wait_until(lambda: bool(self._sockets), "no Socket Mode connection")
        delivery = self._delivery(kind, payload, late_by)
        envelope: dict[str, Any] = {
            "envelope_id": delivery.envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": delivery.payload_type in RESPONSE_PAYLOAD_TYPES,
        }
        if kind == "events_api":
            envelope |= {"retry_attempt": 0, "retry_reason": ""}
        await self._socket().send_str(json.dumps(envelope, ensure_ascii=False))
        return delivery

    async def post_to_app(
        self,
        url: str,
        kind: str,
        payload: dict[str, Any],
        *,
        late_by: float = 0.0,
        signing: http_mode.Signing = "valid",
    ) -> Delivery:
        """Send the same request over HTTP, signed (or badly signed, or stale), to an app's
        request URL; the HTTP response is the ack."""
        assert self._session is not None, "start() the stand-in first"
        body, content_type = http_mode.encode(kind, payload)
        headers = http_mode.signed_headers(self.signing_secret, body, content_type, signing=signing)
        delivery = self._delivery(kind, payload, late_by)
        async with self._session.post(url, data=body, headers=headers) as response:
            text = await response.text()
            ack = json.loads(text) if text and response.content_type == http_mode.JSON else None
            if text and ack is None:
                ack = {"text": text}
            self._answered(delivery, ack, response.status)
        return delivery

    def _delivery(self, kind: str, payload: dict[str, Any], late_by: float) -> Delivery:
        delivery = Delivery(str(uuid.uuid4()), kind, payload, time.perf_counter() - late_by)
        self.deliveries[delivery.envelope_id] = delivery
        return delivery

    def _answered(self, delivery: Delivery, ack: dict[str, Any] | None, status: int) -> None:
        """Record the app's answer; apply an ack as Slack would, unless it came too late."""
        context = f"ack of {delivery.payload_type}"
        if delivery.answered_at is not None:
            self._violate(context, [f"envelope {delivery.envelope_id} acked twice"])
            return
        delivery.answered_at, delivery.status, delivery.ack = time.perf_counter(), status, ack
        if status == 200 and delivery.latency > ACK_DEADLINE_S:
            delivery.late = True
            self._violate(context, [f"after {delivery.latency:.2f} s; Slack gave up at 3 s"])
        elif status == 200:
            found = ack_violations(delivery.payload_type, ack)
            found += self.uploads.reference_violations(ack)
            self._violate(context, found)
            if not any(v.code in REFUSED_BY_SLACK for v in found):
                self._apply_ack(delivery, ack or {})
        self._notify()

    def _apply_ack(self, delivery: Delivery, ack: dict[str, Any]) -> None:
        payload = delivery.payload
        if delivery.payload_type == "slash_commands" and ack:
            user, channel = payload["user_id"], payload["channel_id"]
            self._post_reply(ack, user, channel, via="ack")
        elif delivery.payload_type == "view_submission":
            self._submitted(self.views[payload["view"]["id"]], ack)
        elif delivery.payload_type == "view_closed":
            self._close(self.views[payload["view"]["id"]])

    def _submitted(self, view: ViewRecord, ack: dict[str, Any]) -> None:
        """What Slack does with a submitted modal, by the ack's `response_action`."""
        action = ack.get("response_action")
        if action == "errors":
            view.errors = ack["errors"]
        elif action == "update":
            self._replace_view(view, ack["view"])
        elif action == "push":
            self._stack_view(ack["view"], view.user, push=True)
        elif action == "clear":
            for view_id in list(self._stacks.get(view.user) or []):
                self._close(self.views[view_id])
        else:
            self._close(view)

    def _post_reply(
        self, body: dict[str, Any], user: str, channel: str, *, via: str
    ) -> obj.Message:
        """A reply to a user: ephemeral unless `response_type` is `in_channel`."""
        ephemeral = body.get("response_type", "ephemeral") != "in_channel"
        return self._add_message(channel, body, via, ephemeral=ephemeral, user=user)

    def _add_message(
        self,
        channel: str,
        body: dict[str, Any],
        via: str,
        *,
        ephemeral: bool = False,
        user: str | None = None,
    ) -> obj.Message:
        content = {k: body[k] for k in MESSAGE_FIELDS if k in body}
        message = obj.Message(
            channel, obj.message_ts(), content, via, ephemeral, user if ephemeral else None
        )
        self.messages.append(message)
        return message

    # -- the Socket Mode websocket -----------------------------------------------------

    def _socket(self) -> web.WebSocketResponse:
        assert self._sockets, "no Socket Mode connection"
        return self._sockets[-1][0]

    async def _link(self, request: web.Request) -> web.StreamResponse:
        """A Socket Mode connection: one use per URL from `apps.connections.open`."""
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid or used ticket")
        self._tickets.discard(ticket)
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        entry = (socket, request)
        self._sockets.append(entry)
        self.connections += 1
        hello = {
            "type": "hello",
            "num_connections": len(self._sockets),
            "debug_info": {
                "host": "applink-loopback",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": obj.APP_ID},
        }
        await socket.send_str(json.dumps(hello))
        self._notify()
        try:
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    self._socket_frame(message.data)
        finally:
            if entry in self._sockets:
                self._sockets.remove(entry)
                self._notify()
        return socket

    def _socket_frame(self, data: str) -> None:
        """An ack: `{"envelope_id": ..., "payload": {...}}` (payload optional)."""
        frame = json.loads(data)
        delivery = self.deliveries.get(frame.get("envelope_id"))
        if delivery is None:
            self._violate("socket mode", [f"a frame for no envelope: {data[:200]}"])
            return
        self._answered(delivery, frame.get("payload") or None, 200)

    # -- response_url ------------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.Response:
        """A post to a response_url: a new message, or one replacing or deleting the original."""
        record = self._response_urls.get(request.match_info["id"])
        if request.content_type != http_mode.JSON:
            self._violate("response_url post", [f"a {request.content_type} body, not JSON"])
            return web.json_response({"ok": False, "error": "invalid_payload"}, status=400)
        body = await request.json()
        post = ResponsePost(str(request.url), body, time.perf_counter())
        self.response_posts.append(post)
        error = self._response_url_error(record, post)
        if error is not None:
            post.status = 404
            self._violate(f"response_url post {post.url}", [error])
            self._notify()
            return web.json_response({"ok": False, "error": error}, status=404)
        assert record is not None
        found = response_url_violations(body, from_message=record.original is not None)
        found += self.uploads.reference_violations(body)
        self._violate("response_url post", found)
        refused = [v.code for v in found if v.code in REFUSED_BY_SLACK]
        post.status = 400 if refused else 200
        if not refused:
            record.accepted += 1
            self._respond(record, body)
        self._notify()
        if refused:
            return web.json_response({"ok": False, "error": refused[0]}, status=400)
        return web.json_response({"ok": True})

    @staticmethod
    def _response_url_error(record: ResponseUrl | None, post: ResponsePost) -> str | None:
        if record is None:
            return "invalid_url"
        if post.at - record.issued_at > RESPONSE_URL_WINDOW_S:
            return "expired_url"
        if record.accepted >= RESPONSE_URL_POSTS:
            return "used_url"
        return None

    def _respond(self, record: ResponseUrl, body: dict[str, Any]) -> None:
        target = record.original or record.latest
        if _flag(body.get("delete_original")):
            if target is not None:
                target.deleted = True
        elif _flag(body.get("replace_original")) and target is not None:
            target.body = {k: body[k] for k in MESSAGE_FIELDS if k in body}
        else:
            record.latest = self._post_reply(body, record.user, record.channel, via="response_url")

    # -- the Web API -------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        """Serve one Web API call; a bug in the stand-in is reported, never blamed on the app."""
        try:
            return await self._serve_api(request)
        except Exception as exc:
            self.violations.append(f"the stand-in failed on {request.path}: {exc!r}")
            raise

    async def _serve_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        authorization = request.headers.get("Authorization", "")
        token = (
            authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else None
        )
        call = Call(method, args, token, request.content_type, time.perf_counter())
        self.calls.append(call)
        handler = self._methods.get(method)
        if handler is None:
            self.violations.append(f"{method}: not served by the stand-in")
            return self._answer(call, {"ok": False, "error": "unknown_method"})
        auth_error = self._auth_error(method, token)
        if auth_error is not None:
            return self._answer(call, {"ok": False, "error": auth_error})
        needed = METHOD_SCOPES.get(method)
        if needed is not None and needed not in self.scopes:
            provided = ",".join(sorted(self.scopes))
            answer = {"ok": False, "error": "missing_scope", "needed": needed, "provided": provided}
            return self._answer(call, answer)
        failure = self._take_failure(method, args)
        if failure is not None and failure.delay:
            await asyncio.sleep(failure.delay)
        if failure is not None and failure.error is not None:
            answer = {"ok": False, "error": failure.error}
            return self._answer(call, answer, failure.status, failure.retry_after)
        found = web_api_violations(method, args) + self.uploads.reference_violations(args)
        self._violate(method, found)
        refused = [v for v in found if v.code in REFUSED_BY_SLACK]
        if refused:
            messages = [f"[ERROR] {v.detail} [json-pointer:{v.where}]" for v in refused]
            answer = {
                "ok": False,
                "error": refused[0].code,
                "response_metadata": {"messages": messages},
            }
            return self._answer(call, answer)
        try:
            answer = {"ok": True, **handler(call)}
        except ApiError as exc:
            return self._answer(call, {"ok": False, "error": exc.error})
        if failure is not None and failure.silent:
            await self._stopping.wait()
        return self._answer(call, answer)

    def _answer(
        self,
        call: Call,
        body: dict[str, Any],
        status: int = 200,
        retry_after: int | None = None,
    ) -> web.Response:
        call.status, call.response, call.answered_at = status, body, time.perf_counter()
        headers = {"X-OAuth-Scopes": ",".join(sorted(self.scopes)), "X-Accepted-OAuth-Scopes": ""}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        self._notify()
        return web.json_response(body, status=status, headers=headers)

    def _auth_error(self, method: str, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        if token not in (BOT_TOKEN, APP_TOKEN):
            return "invalid_auth"
        if (token == APP_TOKEN) != (method in APP_TOKEN_METHODS):
            return "not_allowed_token_type"
        return None

    def _take_failure(self, method: str, args: dict[str, Any]) -> Failure | None:
        for failure in self._failures:
            if failure.method == method and failure.channel in (None, args.get("channel")):
                if failure.after > 0:
                    failure.after -= 1
                    return None
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _auth_test(self, call: Call) -> dict[str, Any]:
        return {
            "url": f"https://{obj.TEAM_DOMAIN}.slack.com/",
            "team": "briefbot loopback",
            "user": "briefbot",
            "team_id": obj.TEAM_ID,
            "user_id": obj.BOT_USER_ID,
            "bot_id": obj.BOT_ID,
            "is_enterprise_install": False,
        }

    def _connections_open(self, call: Call) -> dict[str, Any]:
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return {"url": f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={obj.APP_ID}"}

    def _postable(self, channel_id: Any) -> str:
        """The channel a message may be posted to, or the error Slack gives."""
        if not isinstance(channel_id, str) or not channel_id:
            raise ApiError("channel_not_found")
        if channel_id[0] in "DUW":  # a direct message, or a user id (its DM)
            return channel_id
        channel = self.channels.get(channel_id)
        if channel is None:
            raise ApiError("channel_not_found")
        if channel.is_archived:
            raise ApiError("is_archived")
        if not channel.is_member:
            raise ApiError("not_in_channel")
        return channel_id

    def _post_message(self, call: Call) -> dict[str, Any]:
        channel = self._postable(call.args.get("channel"))
        message = self._add_message(channel, call.args, "chat.postMessage")
        return {"channel": channel, "ts": message.ts, "message": message.payload()}

    def _post_ephemeral(self, call: Call) -> dict[str, Any]:
        channel = self._postable(call.args.get("channel"))
        user = call.args.get("user")
        if user not in self.users:
            raise ApiError("user_not_found")
        message = self._add_message(
            channel, call.args, "chat.postEphemeral", ephemeral=True, user=user
        )
        return {"message_ts": message.ts}

    def _update_message(self, call: Call) -> dict[str, Any]:
        channel, ts = call.args.get("channel"), call.args.get("ts")
        found = [m for m in self.messages if m.channel == channel and m.ts == ts and not m.deleted]
        if not found:
            raise ApiError("message_not_found")
        if found[0].ephemeral:
            raise ApiError("cant_update_message")
        found[0].body = {k: call.args[k] for k in MESSAGE_FIELDS if k in call.args}
        text = found[0].body.get("text", "")
        return {"channel": channel, "ts": ts, "text": text, "message": found[0].payload()}

    def _take_trigger(self, call: Call) -> Trigger:
        """The trigger a view is opened with: known, unused, and less than 3 s old."""
        trigger = self._triggers.get(call.args.get("trigger_id", ""))
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if call.at - trigger.issued_at > TRIGGER_TTL_S:
            self.violations.append(f"{call.method}: trigger_id used after 3 s")
            raise ApiError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _stack_view(self, body: dict[str, Any], user: str, *, push: bool) -> ViewRecord:
        """Open a modal (`push`: on top of the open one) for `user`."""
        stack = self._stacks.setdefault(user, [])
        if push and not stack:
            raise ApiError("not_found")
        if push and len(stack) >= VIEW_STACK_MAX:
            raise ApiError("push_limit_reached")
        if not push:
            for view_id in list(stack):
                self._close(self.views[view_id])
        view_id = f"V{obj.next_number():010d}"
        root = stack[0] if stack else view_id
        previous = stack[-1] if stack else None
        view = ViewRecord(view_id, body, user, uuid.uuid4().hex, root, previous)
        self.views[view_id] = view
        stack.append(view_id)
        return view

    def _open_view(self, call: Call) -> dict[str, Any]:
        trigger = self._take_trigger(call)
        return {"view": self._stack_view(call.args["view"], trigger.user, push=False).payload()}

    def _push_view(self, call: Call) -> dict[str, Any]:
        trigger = self._take_trigger(call)
        return {"view": self._stack_view(call.args["view"], trigger.user, push=True).payload()}

    def _update_view(self, call: Call) -> dict[str, Any]:
        view_id, external_id = call.args.get("view_id"), call.args.get("external_id")
        found = [
            v for v in self.views.values()
            if v.open and (v.id == view_id or (external_id and v.body.get("external_id") == external_id))
        ]  # fmt: skip
        if not found:
            raise ApiError("not_found")
        if call.args.get("hash") not in (None, found[0].hash):
            raise ApiError("hash_conflict")
        self._replace_view(found[0], call.args["view"])
        return {"view": found[0].payload()}

    def _replace_view(self, view: ViewRecord, body: dict[str, Any]) -> None:
        view.body, view.hash, view.errors = body, uuid.uuid4().hex, None

    def _publish_view(self, call: Call) -> dict[str, Any]:
        user = call.args.get("user_id")
        if user not in self.users:
            raise ApiError("user_not_found")
        current = self.home(user)
        if current is not None and call.args.get("hash") not in (None, current.hash):
            raise ApiError("hash_conflict")
        if current is None:
            view_id = f"V{obj.next_number():010d}"
            current = ViewRecord(view_id, call.args["view"], user, "", view_id)
            self.views[view_id] = current
            self._homes[user] = view_id
        self._replace_view(current, call.args["view"])
        return {"view": current.payload()}

    def _close(self, view: ViewRecord) -> None:
        view.open = False
        stack = self._stacks.get(view.user) or []
        if view.id in stack:
            stack.remove(view.id)

    def _user_info(self, call: Call) -> dict[str, Any]:
        user = self.users.get(call.args.get("user", ""))
        if user is None:
            raise ApiError("user_not_found")
        return {"user": user.info(include_locale=_flag(call.args.get("include_locale")))}

    def _conversation_history(self, call: Call) -> dict[str, Any]:
        """The channel's messages newest first, as Slack answers: those after `oldest` (a
        ts, exclusive) when it is given, `limit` to a page (100 by default, at most 999),
        the next (older) page behind `response_metadata.next_cursor` while `has_more`;
        each message's `metadata` only when `include_all_metadata` is asked for. A channel
        the bot is not in cannot be read."""
        channel = self.channels.get(call.args.get("channel", ""))
        if channel is None:
            raise ApiError("channel_not_found")
        if not channel.is_member:
            raise ApiError("not_in_channel")
        limit = min(int(call.args.get("limit") or 100), 999)
        oldest = float(call.args.get("oldest") or 0)
        cursor = str(call.args.get("cursor") or "")
        if cursor and not cursor.startswith(HISTORY_CURSOR):
            raise ApiError("invalid_cursor")
        skip = int(cursor.removeprefix(HISTORY_CURSOR) or 0)
        shown = [
            m
            for m in reversed(self.messages)
            if m.channel == channel.id and not m.ephemeral and not m.deleted
            and float(m.ts) > oldest
        ]  # fmt: skip
        page = shown[skip : skip + limit]
        with_metadata = _flag(call.args.get("include_all_metadata"))
        messages = []
        for message in page:
            found = message.payload()
            if with_metadata and "metadata" in message.body:
                found["metadata"] = message.body["metadata"]
            messages.append(found)
        more = len(shown) > skip + limit
        return {
            "messages": messages,
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": f"{HISTORY_CURSOR}{skip + limit}" if more else ""},
        }

    def say(self, channel: str, text: str) -> obj.Message:
        """A message a member (not the app) writes in `channel`."""
        return self._add_message(channel, {"text": text}, "member", ephemeral=False)

    def _conversation_info(self, call: Call) -> dict[str, Any]:
        channel = self.channels.get(call.args.get("channel", ""))
        if channel is None:
            raise ApiError("channel_not_found")
        return {"channel": channel.info()}

    def _open_conversation(self, call: Call) -> dict[str, Any]:
        """A DM with one user (`users`), the same channel each time."""
        users = str(call.args.get("users") or "").split(",")
        if len(users) != 1 or users[0] not in self.users:
            raise ApiError("user_not_found")
        opened = users[0] in self._direct_messages
        channel = self._direct_messages.setdefault(users[0], "D" + users[0][1:])
        return {"channel": {"id": channel}, "no_op": opened, "already_open": opened}

    # -- files (`slack_loopback.files`) ------------------------------------------------

    def _upload_url(self, call: Call) -> dict[str, Any]:
        stored = self.uploads.issue(call.args)
        url = f"http://127.0.0.1:{self.port}{UPLOAD_PATH.format(id=stored.id)}"
        return {"file_id": stored.id, "upload_url": url}

    async def _upload(self, request: web.Request) -> web.Response:
        response = await self.uploads.receive(request)
        self._notify()
        return response

    def _complete_upload(self, call: Call) -> dict[str, Any]:
        """Complete the files; with `channel_id` (or `channels`), share them there in one
        message, under `initial_comment`, in the thread `thread_ts` if given."""
        named = [call.args.get("channel_id"), *str(call.args.get("channels") or "").split(",")]
        channels = [self._postable(channel) for channel in named if channel]
        completed = self.uploads.complete(call.args.get("files"))
        for channel in channels:
            for stored in completed:
                stored.channels.append(channel)
            body = {
                "text": call.args.get("initial_comment") or "",
                "files": [stored.info() for stored in completed],
                **({"thread_ts": call.args["thread_ts"]} if call.args.get("thread_ts") else {}),
            }
            self._add_message(channel, body, "files.completeUploadExternal")
        return {"files": [stored.info() for stored in completed]}

    def _file_info(self, call: Call) -> dict[str, Any]:
        return {"file": self.uploads.completed(call.args.get("file")).info()}


def _flag(value: Any) -> bool:
    """A boolean argument as Slack reads it from JSON (true) or a form ("true", "1")."""
    return value in (True, 1, "1", "true", "True")


async def _arguments(request: web.Request) -> dict[str, Any]:
    """A call's arguments: the query string, then the JSON or form-encoded body."""
    args: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == http_mode.JSON:
            args.update(await request.json())
        else:
            args.update(await request.post())
    for key in JSON_ARGUMENTS:
        if isinstance(args.get(key), str):
            # Invalid JSON stays text: the checks report a string where a list belongs.
            with contextlib.suppress(json.JSONDecodeError):
                args[key] = json.loads(args[key])
    return args
