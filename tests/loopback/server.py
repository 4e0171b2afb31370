"""A Discord-compatible server on 127.0.0.1 that the unmodified bot connects to.

It speaks enough of Discord's REST API (v10) and gateway for discord.py's real code
paths — login, command sync, the gateway handshake, interactions, follow-ups, channel
messages — records every request, validates every body against Discord's OpenAPI
description, and fails on demand the way Discord fails (403/50013, 404/10003, 429 with
rate-limit headers, a dropped websocket, slow responses).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import BodyPartReader, WSMsgType, hdrs, web
from nacl.signing import SigningKey

import loopback.objects as obj
from loopback.spec import Upload, message_body, request_violations, upload_violations

API_PREFIX = "/api/v10"
TOKEN = "loopback-token"
# Discord refuses a first response that arrives later than this after the interaction.
INTERACTION_DEADLINE_S = 3.0
NONCE_WINDOW_S = 300.0
WEBHOOK_MESSAGE = re.compile(r"/webhooks/\d+/(?P<token>[^/]+)/messages/(?P<message>[^/]+)")

Route = Callable[["Request", re.Match[str]], Awaitable[tuple[int, Any]]]


@dataclass
class Request:
    """One HTTP request the bot made, as received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    status: int = 0
    uploads: list[Upload] = field(default_factory=list)


@dataclass
class Failure:
    """A response to give instead of the normal one, `times` times, for matching requests."""

    method: str
    pattern: re.Pattern[str]
    status: int
    code: int | None
    message: str
    retry_after: float | None = None
    delay: float = 0.0
    times: int = 1
    # Matching requests let through untouched before this failure applies.
    after: int = 0
    # Carry the request out, then never answer (the answer lost, as when the caller dies).
    silent: bool = False


@dataclass
class InteractionRecord:
    """What the server knows about an interaction it dispatched."""

    id: str
    token: str
    dispatched_at: float
    payload: dict[str, Any]
    callback_at: float | None = None
    original: dict[str, Any] | None = None


@dataclass
class GatewaySession:
    """The gateway session: its dispatched events, kept so a RESUME can replay them."""

    id: str
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sequence(self) -> int:
        return len(self.events)


@dataclass
class ShardLink:
    """One shard's gateway connection and session."""

    session: GatewaySession | None = None
    socket: web.WebSocketResponse | None = None
    request: web.BaseRequest | None = None


class LoopbackDiscord:
    """The stand-in. `await start()`, point the bot at `api_base` / `gateway_url`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.violations: list[str] = []
        # False: bodies are no longer checked against the OpenAPI description. Benchmarks
        # check during their warm-up, then time the bot rather than the validator.
        self.checking = True
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.command_ids: dict[str, str] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self.identifies = 0
        self.resumes = 0
        # False: the gateway refuses new connections (503), as during an outage.
        self.gateway_open = True
        self._failures: list[Failure] = []
        # Answers withheld by `lose_answer` wait for this (set when the loopback stops).
        self._stopping = asyncio.Event()
        # One gateway connection per shard (a bot that does not shard is shard 0 of 1).
        self._links: dict[int, ShardLink] = {}
        self.shard_count = 1
        # The servers the bot is in; each shard gets those Discord's rule gives it.
        self.guild_ids: list[int] = [obj.GUILD_ID]
        # Interaction ids delivered to each shard.
        self.dispatched: dict[int, list[str]] = {}
        self._runner: web.AppRunner | None = None
        self._nonces: dict[tuple[str, str], tuple[float, str]] = {}
        # The bytes of every uploaded file, by the attachment id it became.
        self.files: dict[str, bytes] = {}
        self.port = 0
        # The application's key pair: Discord signs HTTP interactions with its private half.
        self.signing_key = SigningKey.generate()
        self._routes: list[tuple[str, re.Pattern[str], Route]] = [
            ("GET", re.compile(r"/users/@me"), self._get_me),
            ("GET", re.compile(r"/oauth2/applications/@me"), self._get_application),
            ("GET", re.compile(r"/gateway(/bot)?"), self._get_gateway),
            ("PUT", re.compile(r"/applications/\d+(/guilds/(?P<guild>\d+))?/commands"), self._put_commands),
            ("GET", re.compile(r"/applications/\d+(/guilds/(?P<guild>\d+))?/commands"), self._get_commands),
            ("POST", re.compile(r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback"), self._callback),
            ("POST", re.compile(r"/webhooks/\d+/(?P<token>[^/]+)"), self._followup),
            ("GET", WEBHOOK_MESSAGE, self._get_webhook_message),
            ("PATCH", WEBHOOK_MESSAGE, self._edit_webhook_message),
            ("DELETE", WEBHOOK_MESSAGE, self._delete_webhook_message),
            ("POST", re.compile(r"/channels/(?P<channel>\d+)/messages"), self._create_message),
            ("POST", re.compile(r"/users/@me/channels"), self._create_dm),
        ]  # fmt: skip

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._stopping.set()
        for link in self._links.values():
            if link.socket is not None:
                await link.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def public_key(self) -> str:
        """The application's public key, as the developer portal shows it (64 hex digits)."""
        return self.signing_key.verify_key.encode().hex()

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- failure modes -----------------------------------------------------------------

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        code: int | None = None,
        message: str = "",
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests matching `method` and the `path` regex with an error.

        Codes as Discord sends them: 403 + 50013 "Missing Permissions", 404 + 10003
        "Unknown Channel", 429 with `retry_after` (seconds) and the rate-limit headers.
        """
        self._failures.append(
            Failure(method, re.compile(path), status, code, message, retry_after, times=times)
        )

    def slow(self, method: str, path: str, seconds: float, *, times: int = 1) -> None:
        """Delay the next `times` matching responses by `seconds` (then answer normally)."""
        self._failures.append(
            Failure(method, re.compile(path), 0, None, "", delay=seconds, times=times)
        )

    def lose_answer(self, method: str, path: str, *, after: int = 0) -> None:
        """Carry out the matching request that comes after `after` others, then never answer
        it: what a caller killed mid-request leaves (the message is in the channel, and
        nobody heard so)."""
        self._failures.append(
            Failure(method, re.compile(path), 0, None, "", after=after, silent=True)
        )

    async def drop_websocket(self, shard: int = 0) -> None:
        """Cut a shard's gateway connection as a network failure would (no close frame)."""
        link = self._links[shard]
        assert link.request is not None and link.request.transport is not None
        link.request.transport.abort()
        link.socket = None

    # -- gateway -----------------------------------------------------------------------

    @property
    def session(self) -> GatewaySession | None:
        """The session of shard 0 (the only one of a bot that does not shard)."""
        return self._link(0).session

    @session.setter
    def session(self, value: GatewaySession | None) -> None:
        self._link(0).session = value

    def _link(self, shard: int) -> ShardLink:
        return self._links.setdefault(shard, ShardLink())

    def shard_of(self, guild_id: int) -> int:
        """Which shard receives a server's events, by Discord's rule."""
        return (guild_id >> 22) % self.shard_count

    def shard_session(self, shard: int) -> GatewaySession | None:
        return self._link(shard).session

    async def dispatch(self, event: str, data: dict[str, Any], *, shard: int = 0) -> None:
        """Send a gateway event to a shard; if its socket is down it is replayed on RESUME."""
        link = self._link(shard)
        assert link.session is not None, f"shard {shard} has not identified yet"
        frame = {"op": 0, "t": event, "s": link.session.sequence + 1, "d": data}
        link.session.events.append(frame)
        if link.socket is not None and not link.socket.closed:
            try:
                await link.socket.send_str(json.dumps(frame))
            except aiohttp.ClientConnectionResetError:
                link.socket = None  # closing under us: the client resumes and gets it then

    async def dispatch_interaction(
        self, payload: dict[str, Any], *, late_by: float = 0.0
    ) -> InteractionRecord:
        """Deliver an INTERACTION_CREATE to the shard of its server and start its 3-second
        clock (`late_by` seconds ago, as when the gateway delivers an event late)."""
        record = InteractionRecord(
            payload["id"], payload["token"], time.perf_counter() - late_by, payload
        )
        self.interactions[payload["token"]] = record
        guild = payload.get("guild_id")
        shard = self.shard_of(int(guild)) if guild is not None else 0
        self.dispatched.setdefault(shard, []).append(payload["id"])
        await self.dispatch("INTERACTION_CREATE", payload, shard=shard)
        return record

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if not self.gateway_open:
            return web.Response(status=503, text="gateway unavailable")
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        await self._send(socket, {"op": 10, "d": {"heartbeat_interval": 41250}})
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            if frame["op"] == 1:
                await self._send(socket, {"op": 11})
            elif frame["op"] == 2:
                await self._identify(socket, request, frame["d"])
            elif frame["op"] == 6:
                await self._resume(socket, request, frame["d"])
        return socket

    async def _send(self, socket: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        await socket.send_str(json.dumps({"s": None, "t": None, **frame}))

    async def _identify(
        self, socket: web.WebSocketResponse, request: web.Request, data: dict[str, Any]
    ) -> None:
        """A new session for the shard the client names (`[id, count]`; none: 0 of 1), with
        the servers that shard serves."""
        if data.get("token") != TOKEN:
            await socket.close(code=4004, message=b"Authentication failed.")
            return
        shard, count = data.get("shard") or (0, 1)
        self.identifies += 1
        self.shard_count = count
        link = self._link(shard)
        link.socket, link.request = socket, request
        link.session = GatewaySession(uuid.uuid4().hex)
        guilds = [g for g in self.guild_ids if self.shard_of(g) == shard]
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "session_id": link.session.id,
                "resume_gateway_url": self.gateway_url,
                "user": obj.user(obj.BOT_USER_ID, "briefbot", bot=True),
                "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
                "application": {"id": str(obj.APPLICATION_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "shard": [shard, count],
            },
            shard=shard,
        )
        for guild in guilds:
            await self.dispatch("GUILD_CREATE", obj.guild(guild), shard=shard)

    async def _resume(
        self, socket: web.WebSocketResponse, request: web.Request, data: dict[str, Any]
    ) -> None:
        found = [
            (shard, link) for shard, link in self._links.items()
            if link.session is not None and link.session.id == data.get("session_id")
        ]  # fmt: skip
        if data.get("token") != TOKEN or not found:
            await self._send(socket, {"op": 9, "d": False})
            return
        [(shard, link)] = found
        assert link.session is not None
        self.resumes += 1
        link.socket, link.request = socket, request
        for frame in link.session.events[int(data.get("seq") or 0) :]:
            await socket.send_str(json.dumps(frame))
        await self.dispatch("RESUMED", {}, shard=shard)

    # -- REST --------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        """Serve one REST call; a bug in the stand-in is reported, never blamed on the bot."""
        try:
            return await self._serve_rest(request)
        except Exception as exc:
            self.violations.append(f"loopback failed on {request.method} {request.path}: {exc!r}")
            raise

    async def _serve_rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        at = time.perf_counter()
        body, uploads = await self._read_body(request, path)
        recorded = Request(request.method, path, dict(request.query), body, at, uploads=uploads)
        self.requests.append(recorded)
        if self.checking:
            self.violations.extend(request_violations(request.method, path, body))
            self.violations.extend(upload_violations(request.method, path, body, uploads))
        failure = self._take_failure(request.method, path)
        if failure is not None and failure.delay:
            await asyncio.sleep(failure.delay)
        if failure is not None and failure.status:
            return self._error_response(recorded, failure)
        for method, pattern, route in self._routes:
            match = pattern.fullmatch(path)
            if method == request.method and match:
                status, payload = await route(recorded, match)
                if failure is not None and failure.silent:
                    await self._stopping.wait()
                return self._json(recorded, status, payload)
        self.violations.append(f"{request.method} {path}: not served by the loopback")
        return self._json(recorded, 404, {"message": "404: Not Found", "code": 0})

    async def _read_body(self, request: web.Request, path: str) -> tuple[Any, list[Upload]]:
        """A JSON body, or a multipart one's `payload_json` and its file parts."""
        if request.content_type != "multipart/form-data":
            return (await request.json() if request.can_read_body else None), []
        body: Any = None
        uploads = []
        reader = await request.multipart()
        async for part in reader:
            assert isinstance(part, BodyPartReader), "nested multipart is not Discord's"
            data = bytes(await part.read())
            if part.name == "payload_json":
                body = json.loads(data)
            else:
                content_type = part.headers.get(hdrs.CONTENT_TYPE)
                uploads.append(Upload(part.name or "", part.filename, content_type, data))
        if body is None:
            self.violations.append(f"{request.method} {path}: multipart without payload_json")
        return body, uploads

    def _stored(self, request: Request) -> list[dict[str, Any]]:
        """The attachments a request's uploads become (their bytes kept in `files`)."""
        message = message_body(request.path, request.body) or {}
        entries = {str(e.get("id")): e for e in message.get("attachments") or []}
        stored = []
        for index, upload in enumerate(request.uploads):
            attachment_id = obj.snowflake()
            self.files[attachment_id] = upload.data
            entry = entries.get(str(index)) or {}
            stored.append(
                obj.attachment(
                    attachment_id, upload.filename or "", len(upload.data),
                    upload.content_type, entry.get("description"),
                )
            )  # fmt: skip
        return stored

    def _take_failure(self, method: str, path: str) -> Failure | None:
        for failure in self._failures:
            if failure.method == method and failure.pattern.search(path):
                if failure.after > 0:
                    failure.after -= 1
                    return None
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _json(self, recorded: Request, status: int, payload: Any) -> web.Response:
        """A response with `Content-Type: application/json` exactly, as Discord sends it
        (discord.py reads any other content type, even with a charset, as text)."""
        recorded.status = status
        if payload is None:
            return web.Response(status=status)
        return web.Response(
            status=status,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )

    def _error_response(self, recorded: Request, failure: Failure) -> web.Response:
        if failure.status != 429:
            body = {"message": failure.message or "error", "code": failure.code or 0}
            return self._json(recorded, failure.status, body)
        retry_after = failure.retry_after or 0.1
        response = self._json(
            recorded,
            429,
            {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
        )
        response.headers.update(
            {
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": "loopback",
                "X-RateLimit-Scope": "user",
            }
        )
        return response

    async def _get_me(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        return 200, obj.user(obj.BOT_USER_ID, "briefbot", bot=True)

    async def _get_application(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        return 200, obj.application()

    async def _get_gateway(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    async def _put_commands(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        guild = match["guild"]
        registered = obj.registered_commands(
            request.body or [], self.command_ids, int(guild) if guild else None
        )
        self.commands[guild or "global"] = registered
        return 200, registered

    async def _get_commands(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        return 200, self.commands.get(match["guild"] or "global", [])

    async def _callback(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        record = self.interactions.get(match["token"])
        if record is None or record.id != match["id"]:
            return 404, {"message": "Unknown interaction", "code": 10062}
        return self.accept_response(record, request.body or {}, request.at, self._stored(request))

    def accept_response(
        self,
        record: InteractionRecord,
        body: dict[str, Any],
        at: float,
        attachments: list[dict[str, Any]] | None = None,
    ) -> tuple[int, Any]:
        """The first response to an interaction, from a callback request or (HTTP mode) the
        body of the bot's answer to Discord's POST: refused after 3 s or when repeated."""
        if at - record.dispatched_at > INTERACTION_DEADLINE_S:
            self.violations.append(f"interaction {record.id}: first response after 3 s")
            return 404, {"message": "Unknown interaction", "code": 10062}
        if record.callback_at is not None:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        record.callback_at = at
        kind, data = body.get("type"), body.get("data") or {}
        flags = data.get("flags") or 0
        answer: dict[str, Any] = {
            "interaction": {
                "id": record.id,
                "type": record.payload["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & 64),
            }
        }
        if kind in (4, 5, 7):
            if kind == 7:
                message = {**(record.payload.get("message") or {}), **data}
                message["attachments"] = attachments or []
            else:
                message = obj.message(data, interaction_id=record.id, attachments=attachments or [])
            self.messages[message["id"]] = message
            record.original = message
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        return 200, answer

    # -- HTTP interactions -------------------------------------------------------------

    def signed(self, body: bytes, *, timestamp: str | None = None) -> dict[str, str]:
        """The headers Discord sends with an interaction POST: an Ed25519 signature of
        timestamp + body, made with the application's key (its public half is
        `public_key`)."""
        stamp = timestamp or str(int(time.time()))
        signature = self.signing_key.sign(stamp.encode() + body).signature.hex()
        return {
            "X-Signature-Ed25519": signature,
            "X-Signature-Timestamp": stamp,
            "Content-Type": "application/json",
        }

    async def post_interaction(
        self, url: str, payload: dict[str, Any], session: aiohttp.ClientSession
    ) -> InteractionRecord:
        """POST an interaction to the bot's endpoint as Discord does, and take the response
        body as the interaction's first response (checked and recorded like a callback)."""
        record = InteractionRecord(payload["id"], payload["token"], time.perf_counter(), payload)
        self.interactions[payload["token"]] = record
        body = json.dumps(payload).encode()
        async with session.post(url, data=body, headers=self.signed(body)) as response:
            answer = await response.json(content_type=None) if response.status == 200 else None
            at = time.perf_counter()
            status = response.status
        path = f"/interactions/{record.id}/{record.token}/callback"
        recorded = Request("POST", path, {}, answer, at, status)
        self.requests.append(recorded)
        if status != 200:
            self.violations.append(f"interaction {record.id}: the endpoint answered {status}")
            return record
        if self.checking:
            self.violations.extend(request_violations("POST", path, answer))
        recorded.status = self.accept_response(record, answer, at)[0]
        return record

    async def _followup(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        if match["token"] not in self.interactions:
            return 404, {"message": "Unknown Webhook", "code": 10015}
        message = obj.message(
            request.body or {},
            interaction_id=self.interactions[match["token"]].id,
            attachments=self._stored(request),
        )
        self.messages[message["id"]] = message
        return 200, message

    def _webhook_message(self, match: re.Match[str]) -> dict[str, Any] | None:
        record = self.interactions.get(match["token"])
        if record is None:
            return None
        if match["message"] == "@original":
            return record.original
        return self.messages.get(match["message"])

    async def _get_webhook_message(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        found = self._webhook_message(match)
        return (200, found) if found else (404, {"message": "Unknown Message", "code": 10008})

    async def _edit_webhook_message(
        self, request: Request, match: re.Match[str]
    ) -> tuple[int, Any]:
        found = self._webhook_message(match)
        if found is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        body = request.body or {}
        found.update(
            {k: v for k, v in body.items() if k not in ("allowed_mentions", "attachments")}
        )
        if "attachments" in body:  # the message keeps the listed files, and the new ones
            kept = {str(e.get("id")) for e in body["attachments"]}
            old = [a for a in found.get("attachments") or [] if a["id"] in kept]
            found["attachments"] = old + self._stored(request)
        found["edited_timestamp"] = obj.timestamp()
        return 200, found

    async def _delete_webhook_message(
        self, request: Request, match: re.Match[str]
    ) -> tuple[int, Any]:
        found = self._webhook_message(match)
        if found is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        self.messages.pop(found["id"], None)
        record = self.interactions[match["token"]]
        if record.original is found:
            record.original = None
        return 204, None

    async def _create_message(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        """A channel message; with `enforce_nonce`, a repeated nonce returns the first message."""
        channel, body = match["channel"], request.body or {}
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            seen = self._nonces.get((channel, str(nonce)))
            if seen and request.at - seen[0] < NONCE_WINDOW_S and seen[1] in self.messages:
                return 200, self.messages[seen[1]]
        message = obj.message(body, channel_id=int(channel), attachments=self._stored(request))
        self.messages[message["id"]] = message
        if nonce is not None:
            self._nonces[(channel, str(nonce))] = (request.at, message["id"])
        return 200, message

    async def _create_dm(self, request: Request, match: re.Match[str]) -> tuple[int, Any]:
        recipient = str((request.body or {}).get("recipient_id"))
        return 200, {
            "id": str(int(recipient) + 1),
            "type": 1,
            "recipients": [obj.user(int(recipient))],
            "last_message_id": None,
        }

    # -- reading what happened ---------------------------------------------------------

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Messages created in a channel (not interaction responses), oldest first."""
        return [
            m for m in self.messages.values()
            if m["channel_id"] == str(channel_id) and "interaction_metadata" not in m
        ]  # fmt: skip

    def requests_to(self, method: str, pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.search(pattern, r.path)]
