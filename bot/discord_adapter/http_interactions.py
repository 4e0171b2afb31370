"""Discord's HTTP interactions endpoint: `POST /interactions` on the bot's aiohttp app.

With `[discord] mode = "http"` Discord POSTs every interaction, signed with Ed25519, to
the bot, and the first response goes back in the HTTP response body: no gateway, no
separate callback request. Nothing is kept between requests, so any number of workers
can answer behind one URL.

The same core and the same renderer as the gateway path answer: `App.answer`,
`App.complete` and `AdminDesk.submit`, then `reply_payloads`; the command and option
names are read with `bot.discord_adapter.names`, who and where with
`bot.discord_adapter.checks`, buttons and forms with the custom ids of
`bot.discord_adapter.views`. Discord's 3 seconds are kept as on the gateway: an answer
not ready within `FAST_PATH_SECONDS` is deferred and edited in over REST later, and
payloads beyond the first go as follow-ups once the response is sent.

REST (the audit echo, digests, command sync) goes through a discord.py client that is
logged in but never connects to the gateway. The calls about an interaction (the
deferred answer's edit, follow-ups) go through discord.py's webhook adapter instead, as
discord.py's own interactions do on the gateway: the client's rate limiter keeps a bucket
per route, and each interaction's token makes a new one that it keeps 5 minutes and
scans in full for every new one past 256, which took a tenth of a busy process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
import orjson
from aiohttp import web
from discord.webhook.async_ import async_context
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from bot.app import App
from bot.briefing.answers import Invocation, error_reply
from bot.briefing.commands import Command, Option
from bot.briefing.model import Answer, Reply
from bot.discord_adapter.checks import payload_actor, payload_locale, payload_place
from bot.discord_adapter.client import BriefBot
from bot.discord_adapter.commands import CHOICES_MAX, discord_choices
from bot.discord_adapter.names import option_names, spec_for
from bot.discord_adapter.respond import FAST_PATH_SECONDS, InteractionRunner
from bot.discord_adapter.views import (
    PAGE_TEMPLATE,
    PICK_TEMPLATE,
    FormModal,
    submitted_form,
)
from bot.http_server import HttpServer
from bot.i18n import t
from bot.ids import discord as ids
from bot.logs import log_context
from bot.render.discord_payload import EPHEMERAL, DiscordMessage

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature-Ed25519"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
# A request signed longer ago than this (or this far in the future) is refused as a
# replay; Discord sends each one at once, so only a captured request is this old.
MAX_AGE_S = 300.0

# Interaction types and response types (Discord's numbers).
PING, COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, CHOICES, MODAL = (
    1, 4, 5, 6, 7, 8, 9,
)  # fmt: skip
SUBCOMMAND_TYPES = (1, 2)
CHANNEL_OPTION, INTEGER_OPTION, BOOLEAN_OPTION = 7, 4, 5
WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"
ORIGINAL = WEBHOOK + "/messages/@original"
# The keys of a message payload that an UPDATE_MESSAGE may change (it keeps its flags).
UPDATE_KEYS = ("content", "embeds", "components", "allowed_mentions")
# How long a stop waits for answers in flight: a deferred one may take a while to finish.
STOP_GRACE_S = 10.0


class SignatureCheck:
    """Verifies Discord's Ed25519 signature of `timestamp + body` with the app's public key."""

    def __init__(
        self, public_key: str, *, clock: Callable[[], float] = time.time, max_age: float = MAX_AGE_S
    ) -> None:
        self.key = VerifyKey(bytes.fromhex(public_key))
        self.clock = clock
        self.max_age = max_age

    def verified(self, signature: str | None, timestamp: str | None, body: bytes) -> bool:
        """True only for a fresh request signed with our key; never raises."""
        if not signature or not timestamp:
            return False
        try:
            signed_at = float(timestamp)
            self.key.verify(timestamp.encode() + body, bytes.fromhex(signature))
        except (ValueError, BadSignatureError):
            return False
        return abs(self.clock() - signed_at) <= self.max_age


def _json(body: dict[str, Any]) -> web.Response:
    return web.Response(body=orjson.dumps(body), content_type="application/json")


def command_path(data: dict[str, Any]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The command's names down to the subcommand, and the subcommand's own options."""
    path = [data.get("name", "")]
    options = data.get("options") or []
    while options and options[0].get("type") in SUBCOMMAND_TYPES:
        path.append(options[0]["name"])
        options = options[0].get("options") or []
    return tuple(path), options


def option_value(payload: dict[str, Any], option: dict[str, Any]) -> Any:
    """An option's value as the gateway path gives it to the core: a channel as a place."""
    value = option.get("value")
    kind = option.get("type")
    if kind == CHANNEL_OPTION:
        guild = payload.get("guild_id")
        return ids.place(int(guild) if guild is not None else None, int(value))
    if kind == INTEGER_OPTION:
        return int(value)
    if kind == BOOLEAN_OPTION:
        return bool(value)
    return value


def spec_options(
    payload: dict[str, Any], spec: Command, raw: list[dict[str, Any]]
) -> dict[str, Any]:
    """The options Discord sent, under the spec's names (an unknown one keeps its name,
    for the core to refuse politely)."""
    named = option_names(spec)
    values: dict[str, Any] = {}
    for option in raw:
        known = named.get(option["name"])
        values[known.name if known else option["name"]] = option_value(payload, option)
    return values


def _message(payload: dict[str, Any], *, update: bool) -> dict[str, Any]:
    return {key: payload[key] for key in UPDATE_KEYS} if update else payload


class InteractionsEndpoint:
    """Answers each signed interaction POST, as the gateway path would have answered it."""

    def __init__(self, app: App, client: BriefBot, signatures: SignatureCheck) -> None:
        self.app = app
        self.client = client
        self.signatures = signatures
        self.runner = InteractionRunner(app, client)
        self.ready = False
        # The interaction webhooks' connections (`open` makes it in the running loop).
        self._session: aiohttp.ClientSession | None = None
        # Requests still being answered (follow-ups included); a stop waits for them.
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._handlers: dict[int, Callable[[dict[str, Any], web.Request], Any]] = {
            COMMAND: self._command,
            COMPONENT: self._component,
            AUTOCOMPLETE: self._autocomplete,
            MODAL_SUBMIT: self._modal_submit,
        }

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Verify, then answer: 401 for a bad or missing signature (Discord checks that we
        refuse one), PONG to a PING, the first response of anything else."""
        body = await request.read()
        headers = request.headers
        if not self.signatures.verified(
            headers.get(SIGNATURE_HEADER), headers.get(TIMESTAMP_HEADER), body
        ):
            return web.Response(status=401, text="invalid request signature")
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return web.Response(status=400, text="not JSON")
        kind = payload.get("type") if isinstance(payload, dict) else None
        if kind == PING:
            return _json({"type": PONG})
        handler = self._handlers.get(kind)  # type: ignore[arg-type]
        if handler is None:
            return web.Response(status=400, text="unknown interaction type")
        if not self.ready:
            return web.Response(status=503, text="starting")
        self._pending += 1
        self._idle.clear()
        try:
            with log_context(interaction=payload.get("id")):
                return await handler(payload, request)
        except (KeyError, ValueError, TypeError) as exc:
            # Signed by Discord yet not shaped as its documentation says: refuse, quietly.
            log.warning("refused a malformed interaction: %r", exc)
            return web.Response(status=400, text="malformed interaction")
        finally:
            self._pending -= 1
            if not self._pending:
                self._idle.set()

    async def open(self) -> None:
        """Make the interaction webhooks' session; an aiohttp session belongs to the loop it
        is made in, so this waits for the front end's start."""
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        """Close that session once the interactions in flight have sent their calls."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def drained(self) -> None:
        """Return once no interaction is being answered (its follow-ups sent too)."""
        await self._idle.wait()

    def locale(self, payload: dict[str, Any]) -> str:
        return payload_locale(payload, self.app.config.locale)

    def invocation(
        self, payload: dict[str, Any], command: str, options: dict[str, Any]
    ) -> Invocation:
        """The command as the core sees it, exactly as `InteractionRunner.invocation` makes it."""
        return Invocation(
            command,
            {name: value for name, value in options.items() if value is not None},
            self.locale(payload),
            payload_actor(payload),
            payload_place(payload),
            front_end="discord",
        )

    # -- the kinds of interaction ------------------------------------------------------

    async def _command(self, payload: dict[str, Any], request: web.Request) -> web.StreamResponse:
        path, raw = command_path(payload.get("data") or {})
        spec = spec_for(path)
        name = spec.name if spec else " ".join(path)
        options = spec_options(payload, spec, raw) if spec else {}
        invocation = self.invocation(payload, name, options)
        private = spec.private if spec else True
        return await self._answer(
            payload, request, lambda: self.app.answer(invocation), private=private
        )

    async def _component(self, payload: dict[str, Any], request: web.Request) -> web.StreamResponse:
        custom_id = str((payload.get("data") or {}).get("custom_id", ""))
        page = re.fullmatch(PAGE_TEMPLATE, custom_id)
        if page:
            invocation = self.invocation(
                payload, page["command"], {"query": page["token"], "page": int(page["page"])}
            )
            return await self._answer(
                payload, request, lambda: self.app.answer(invocation), private=False, update=True
            )
        pick = re.fullmatch(PICK_TEMPLATE, custom_id)
        if pick:
            invocation = self.invocation(payload, pick["command"], {pick["option"]: pick["value"]})
            return await self._answer(
                payload, request, lambda: self.app.answer(invocation), private=False
            )
        log.warning("refused a button whose id we did not make: %r", custom_id)
        return await self._refuse(payload, request, "err.form_invalid")

    async def _modal_submit(
        self, payload: dict[str, Any], request: web.Request
    ) -> web.StreamResponse:
        locale = self.locale(payload)
        try:
            submitted = submitted_form(payload.get("data") or {})
        except ValueError:
            submitted = None
        if submitted is None:
            log.warning("refused a form whose id we did not make: %r", payload.get("data"))
            return await self._refuse(payload, request, "err.form_invalid")
        kind, revision, key, values = submitted
        actor = payload_actor(payload)
        return await self._answer(
            payload,
            request,
            lambda: self.app.admin.submit(kind, key, revision, values, actor, locale),
            private=True,
        )

    async def _autocomplete(
        self, payload: dict[str, Any], request: web.Request
    ) -> web.StreamResponse:
        path, raw = command_path(payload.get("data") or {})
        spec = spec_for(path)
        focused = next((o for o in raw if o.get("focused")), None)
        option: Option | None = (
            option_names(spec).get(focused["name"]) if spec and focused else None
        )
        choices: list[tuple[str, str | int]] = []
        if spec is not None and option is not None and focused is not None:
            found = await asyncio.to_thread(
                self.app.complete, spec.name, option.name, str(focused.get("value") or ""),
                self.locale(payload), CHOICES_MAX,
            )  # fmt: skip
            choices = discord_choices(found, option)
        data = {"choices": [{"name": name, "value": value} for name, value in choices]}
        return _json({"type": CHOICES, "data": data})

    async def _refuse(
        self, payload: dict[str, Any], request: web.Request, key: str
    ) -> web.StreamResponse:
        locale = self.locale(payload)
        reply = error_reply(t(key, locale), locale)
        return await self._answer(payload, request, lambda: Answer(reply), private=True)

    # -- responding --------------------------------------------------------------------

    def _safe(self, compute: Callable[[], Answer], locale: str) -> Answer:
        """`compute()`, with a crash turned into an apology (logged with its traceback),
        as the gateway tree's `on_error` does."""
        try:
            return compute()
        except Exception:
            log.exception("an interaction failed")
            return Answer(error_reply(t("err.internal", locale), locale))

    async def _answer(
        self,
        payload: dict[str, Any],
        request: web.Request,
        compute: Callable[[], Answer],
        *,
        private: bool,
        update: bool = False,
    ) -> web.StreamResponse:
        """Answer in the response body when the core is quick; otherwise defer (private if
        the answer will be, or an invisible "update" for a button) and edit it in later.
        Everything after the first payload is sent once the response has gone."""
        locale = self.locale(payload)
        task = asyncio.ensure_future(asyncio.to_thread(self._safe, compute, locale))
        done, _ = await asyncio.wait({task}, timeout=FAST_PATH_SECONDS)
        messages = self.runner.rendered.messages(task.result().reply, locale) if done else None
        # Files cannot travel in the JSON response body: an answer with files (a timeline
        # picture, a calendar) is deferred and sent over REST, as a multipart upload.
        if messages is None or messages[0].files:
            deferred = (
                {"type": DEFERRED_UPDATE}
                if update
                else {"type": DEFERRED_MESSAGE, "data": {"flags": EPHEMERAL if private else 0}}
            )
            response = await self._send_now(request, deferred)
            await self._finish_deferred(payload, await task, locale, private, update)
            return response
        answer = task.result()
        if answer.form is not None:
            return _json({"type": MODAL, "data": FormModal(answer.form).to_dict()})
        first = {
            "type": UPDATE_MESSAGE if update else MESSAGE,
            "data": _message(messages[0].payload, update=update),
        }
        if len(messages) == 1 and answer.audit is None:
            return _json(first)
        response = await self._send_now(request, first)
        await self._follow_up(payload, messages[1:])
        await self._echo(answer.audit)
        return response

    async def _send_now(self, request: web.Request, body: dict[str, Any]) -> web.StreamResponse:
        """Send the response at once, so REST calls about the interaction may follow it."""
        response = _json(body)
        await response.prepare(request)
        await response.write_eof()
        return response

    async def _finish_deferred(
        self, payload: dict[str, Any], answer: Answer, locale: str, private: bool, update: bool
    ) -> None:
        """Replace the deferred response with the answer, as `send_reply` does on the gateway."""
        messages = self.runner.rendered.messages(answer.reply, locale)
        first, rest = messages[0], messages[1:]
        if update or answer.reply.private == private:
            edit = DiscordMessage(_message(first.payload, update=update), first.files)
            await self._rest(payload, "PATCH", ORIGINAL, edit)
        else:
            # "thinking…" cannot change who sees it: remove it and answer with the right one.
            await self._rest(payload, "DELETE", ORIGINAL, None)
            rest = messages
        await self._follow_up(payload, rest)
        await self._echo(answer.audit)

    async def _follow_up(self, payload: dict[str, Any], messages: list[DiscordMessage]) -> None:
        for message in messages:
            await self._rest(payload, "POST", WEBHOOK, message)

    async def _rest(
        self, payload: dict[str, Any], method: str, path: str, message: DiscordMessage | None
    ) -> None:
        """One REST call about the interaction: JSON, or a multipart upload with files.
        The webhook adapter retries a 429 after its `retry_after` and a 5xx, as on the
        gateway path."""
        assert self._session is not None, "opened when the front end starts"
        route = discord.http.Route(
            method, path, webhook_id=payload["application_id"], webhook_token=payload["token"]
        )
        adapter = async_context.get()
        try:
            if message is not None and message.files:
                await adapter.request(route, self._session, multipart=_multipart(message))
            else:
                body = message.payload if message is not None else None
                await adapter.request(route, self._session, payload=body)
        except discord.HTTPException as exc:
            log.warning("could not finish answering interaction %s: %s", payload.get("id"), exc)

    async def _echo(self, audit: Reply | None) -> None:
        if audit is not None:
            await self.runner.echo(audit)


class DiscordHttpFrontEnd:
    """Discord over HTTP interactions: the endpoint on the runner's aiohttp app, and a
    client that logs in over REST only (commands synced when changed, digests posted,
    follow-ups sent) and never opens the gateway."""

    name = "Discord (HTTP interactions)"

    def __init__(self, app: App, token: str, http: HttpServer) -> None:
        assert app.config.discord_public_key, "checked by the configuration"
        self.bot = BriefBot(app)
        self.token = token
        self.endpoint = InteractionsEndpoint(
            app, self.bot, SignatureCheck(app.config.discord_public_key)
        )
        http.web.router.add_post("/interactions", self.endpoint.handle)
        self._closed = asyncio.Event()

    async def start(self) -> None:
        """Log in (which runs the bot's `setup_hook`: commands registered and synced)."""
        self._closed.clear()
        await self.endpoint.open()
        try:
            await self.bot.login(self.token)
        except BaseException:
            await self.endpoint.close()
            raise
        self.endpoint.ready = True

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def stop(self) -> None:
        """Refuse new interactions, let those in flight finish their REST calls, log out."""
        self.endpoint.ready = False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.endpoint.drained(), STOP_GRACE_S)
        await self.endpoint.close()
        await self.bot.close()
        self._closed.set()


def _multipart(message: DiscordMessage) -> list[dict[str, Any]]:
    """The form of a message with files, as Discord takes it: `payload_json`, then each
    file as `files[n]` (the payload's `attachments` name them by index)."""
    form: list[dict[str, Any]] = [
        {"name": "payload_json", "value": json.dumps(message.payload, ensure_ascii=False)}
    ]
    for index, attachment in enumerate(message.files):
        form.append(
            {
                "name": f"files[{index}]",
                "value": attachment.data,
                "filename": attachment.filename,
                "content_type": attachment.media_type,
            }
        )
    return form
