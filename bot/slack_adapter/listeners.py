"""The slack-bolt listeners: Slack requests in, invocations of the app, Block Kit out.

Every listener acks first (Slack gives three seconds, and a busy store must not cost an
answer), then works: the typed line is read with the console's grammar, the asker's
language and standing come from `users.info`, the core answers in a worker thread, and
the reply goes back through the request's `response_url`. A name picked from a modal,
a page or pick button and a submitted form take the same way, and an answer's files
follow the card (`bot.slack_adapter.files`). The one exception is a
form submission, whose ack carries the verdict: a refused form stays open with the
reason under its first field (`response_action: errors`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.briefing.answers import Invocation, error_reply
from bot.briefing.commands import OptionError
from bot.briefing.model import Card, Form, Reply, Section, Span, line, prose
from bot.commandline import parse_command_line
from bot.i18n import t
from bot.ids import slack as ids
from bot.render.slack_blocks import (
    FORM_CALLBACK,
    NAME_ACTION,
    NAME_BLOCK,
    NAME_CALLBACK,
    PAGE_ACTIONS,
    error_text,
    form_view,
    home_view,
    name_picker_view,
    options_payload,
    read_follow_up,
)
from bot.slack_adapter.files import FileSharer
from bot.slack_adapter.people import People
from bot.slack_adapter.poster import SlackPoster
from bot.slack_adapter.respond import ResponseUrl
from bot.slack_adapter.text import read_options, slash_commands, typed_line
from bot.trust import Actor, may_manage_digests

log = logging.getLogger(__name__)

# Commands that, typed without a name, open a modal to find one.
PICKERS = ("program", "institution")
FOLLOW_UP_ACTIONS = re.compile(r"^bb:(page|pick):")
LINK_ACTIONS = re.compile(r"^bb:link:")
# Slack gives an ack 3 s. Where the ack must carry an answer, `users.info` gets this long
# (then the defaults serve), and a form's change this long (then the form closes and the
# verdict follows as a message).
LOOKUP_SECONDS = 0.5
FORM_ACK_SECONDS = 1.5
# What the App Home shows coming up, in days.
HOME_DAYS = 30
SUGGESTED = 25


def _metadata(view: Mapping[str, Any] | None) -> dict[str, Any]:
    """A view's `private_metadata` as we wrote it (empty when it is not ours)."""
    try:
        data = json.loads((view or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


Listener = Callable[..., Awaitable[None]]


def guarded(listener: Listener) -> Listener:
    """Red's one `on_error`, for every listener: a failure is logged with its traceback and
    the user told, if they can be; a request not yet acked is acked, so Slack does not
    report a timeout. (Bolt's own error path would lose an ack made just before the crash.)
    Bolt reads the wrapped listener's parameters to know what to pass."""

    @functools.wraps(listener)
    async def run(self: SlackListeners, **kwargs: Any) -> None:
        try:
            await listener(self, **kwargs)
        except Exception:
            log.exception("Slack %s failed", listener.__name__)
            await self.failed(kwargs)

    return run


def usage_reply(prefix: str, locale: str) -> Reply:
    """What `/brief` alone answers: every command, as this workspace types it."""
    lines = tuple(
        line(Span(slash, "code"), " ", t(f"cmd.{name}", locale))
        for slash, name in slash_commands(prefix).items()
        if name is not None
    )
    card = Card(
        t("slack.usage.title", locale),
        (prose(t("slack.usage.hint", locale)),),
        (Section(t("slack.usage.title", locale), lines),),
    )
    return Reply((card,), private=True)


class SlackListeners:
    """The adapter between slack-bolt and the app: one listener per kind of request."""

    def __init__(self, app: App, client: AsyncWebClient, poster: SlackPoster) -> None:
        self.app = app
        self.config = app.config
        self.people = People(client, app.config.locale)
        self.poster = poster
        self.files = FileSharer(client)
        self.slash = slash_commands(app.config.slack_command_prefix)

    def register(self, bolt: AsyncApp) -> None:
        """Attach every listener to `bolt`, by what Slack sends."""
        for slash in self.slash:
            bolt.command(slash)(self.on_command)
        bolt.action(FOLLOW_UP_ACTIONS)(self.on_follow_up)
        bolt.action(LINK_ACTIONS)(self.on_link)
        bolt.options(NAME_ACTION)(self.on_name_options)
        bolt.view(NAME_CALLBACK)(self.on_name_picked)
        bolt.view(FORM_CALLBACK)(self.on_form)
        bolt.event("app_home_opened")(self.on_home)

    # -- answering ---------------------------------------------------------------------

    async def _answer(
        self, invocation: Invocation, responder: ResponseUrl, trigger_id: str | None = None
    ) -> None:
        """Run the command off the event loop; show a form as a modal while its trigger is
        fresh (else the form in words), otherwise the reply; echo a change."""
        answer = await asyncio.to_thread(self.app.answer, invocation)
        if (
            answer.form is not None
            and trigger_id is not None
            and await self._open_form(answer.form, trigger_id, invocation, responder)
        ):
            return
        await responder.send(answer.reply, invocation.locale)
        await self.files.share(answer.reply, invocation, responder)
        if answer.audit is not None:
            await self.poster.echo(answer.audit, invocation.locale)

    async def _open(self, trigger_id: str, view: dict[str, Any] | None) -> bool:
        """Open a modal; False when it cannot be (too big, or the trigger expired)."""
        if view is None:
            return False
        try:
            await self.poster.client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as exc:
            log.warning("could not open a modal: %s", exc.response.get("error"))
            return False
        return True

    async def _open_form(
        self, form: Form, trigger_id: str, invocation: Invocation, responder: ResponseUrl
    ) -> bool:
        context = {"response_url": responder.url, "place": invocation.place}
        return await self._open(trigger_id, form_view(form, invocation.locale, context))

    async def _who(
        self, context: AsyncBoltContext, within: float | None = None
    ) -> tuple[Actor, str, str]:
        """The asker, their language, and their workspace's id."""
        team = str(context.team_id or context.enterprise_id or "")
        actor, locale = await self.people.actor(team, str(context.user_id), within=within)
        return actor, locale, team

    # -- listeners ---------------------------------------------------------------------

    @guarded
    async def on_command(
        self, ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A slash command: `/program KAIST`, `/brief search 946억`, `/fact set …`."""
        await ack()
        responder = ResponseUrl(command["response_url"])
        actor, locale, team = await self._who(context)
        named, text = self.slash.get(command["command"]), command.get("text") or ""
        if named is None and text.strip().lower() in ("", "help"):
            await responder.send(usage_reply(self.config.slack_command_prefix, locale), locale)
            return
        name, raw = parse_command_line(typed_line(named, text))
        place = ids.place(team, command["channel_id"])
        if name in PICKERS and not raw:
            view = name_picker_view(name, locale, {"response_url": responder.url, "place": place})
            if await self._open(command["trigger_id"], view):
                return
        try:
            options = read_options(name, raw, team)
        except OptionError as exc:
            await responder.send(error_reply(exc.message(locale), locale), locale)
            return
        invocation = Invocation(name, options, locale, actor, place, front_end="slack")
        await self._answer(invocation, responder, command["trigger_id"])

    @guarded
    async def on_follow_up(
        self, ack: AsyncAck, action: dict[str, Any], body: dict[str, Any],
        context: AsyncBoltContext,
    ) -> None:  # fmt: skip
        """A page or pick button: the command its value carries, run for whoever clicked.
        A page replaces the message; a pick replaces a private list, or answers in the
        channel and removes the list."""
        await ack()
        responder = ResponseUrl(body["response_url"])
        actor, locale, team = await self._who(context)
        try:
            command, options = read_follow_up(action.get("value") or "")
        except ValueError:
            log.warning("refused a button value we did not make: %r", action.get("value"))
            await responder.send(error_reply(t("err.form_invalid", locale), locale), locale)
            return
        channel = (body.get("channel") or {}).get("id")
        place = ids.place(team, channel) if channel else None
        invocation = Invocation(command, options, locale, actor, place, front_end="slack")
        is_page = action["action_id"] in PAGE_ACTIONS
        answer = await asyncio.to_thread(self.app.answer, invocation)
        if is_page or answer.reply.private:
            await responder.send(answer.reply, locale, replace_original=True)
        else:
            await responder.send(answer.reply, locale)
            await responder.delete_original()
        await self.files.share(answer.reply, invocation, responder)

    @guarded
    async def on_link(self, ack: AsyncAck) -> None:
        """A link button (a web page, a calendar feed): Slack opens the URL and tells the
        app too, which only has to ack."""
        await ack()

    @guarded
    async def on_name_options(
        self, ack: AsyncAck, body: dict[str, Any], payload: dict[str, Any],
        context: AsyncBoltContext,
    ) -> None:  # fmt: skip
        """What the name picker suggests for what has been typed so far."""
        command = _metadata(body.get("view")).get("command")
        if command not in PICKERS:
            await ack(options=[])
            return
        person = await self.people.person(str(context.user_id), within=LOOKUP_SECONDS)
        choices = await asyncio.to_thread(
            self.app.complete, command, "name", payload.get("value") or "", person.locale,
            SUGGESTED,
        )  # fmt: skip
        await ack(**options_payload(choices))

    @guarded
    async def on_name_picked(
        self, ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """The name picker's submit: the card of the entity picked, where it was asked."""
        metadata = _metadata(view)
        state = view.get("state", {}).get("values", {})
        selected = (state.get(NAME_BLOCK, {}).get(NAME_ACTION) or {}).get("selected_option")
        actor, locale, _ = await self._who(context, LOOKUP_SECONDS)
        if metadata.get("command") not in PICKERS or not metadata.get("response_url"):
            await ack(response_action="errors", errors={NAME_BLOCK: t("err.form_invalid", locale)})
            return
        if not selected:
            await ack(
                response_action="errors",
                errors={NAME_BLOCK: t("err.empty", locale, option=t("opt.name", locale))},
            )
            return
        await ack()
        invocation = Invocation(
            metadata["command"], {"name": selected["value"]}, locale, actor,
            metadata.get("place"), front_end="slack",
        )  # fmt: skip
        await self._answer(invocation, ResponseUrl(metadata["response_url"]))

    @guarded
    async def on_form(self, ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
        """A submitted edit form: applied if nothing it shows changed since it was opened,
        else refused in the form itself; the confirmation follows like any private reply."""
        metadata = _metadata(view)
        actor, locale, _ = await self._who(context, LOOKUP_SECONDS)
        blocks = view.get("blocks") or [{}]
        first = blocks[0].get("block_id") or "value"
        try:
            kind, key, revision = metadata["kind"], metadata["key"], int(metadata["revision"])
        except (KeyError, TypeError, ValueError):
            await ack(response_action="errors", errors={first: t("err.form_invalid", locale)})
            return
        values = {
            action: entry.get("value") or ""
            for entries in view.get("state", {}).get("values", {}).values()
            for action, entry in entries.items()
        }
        task = asyncio.ensure_future(
            asyncio.to_thread(self.app.admin.submit, kind, key, revision, values, actor, locale)
        )
        done, _ = await asyncio.wait({task}, timeout=FORM_ACK_SECONDS)
        if done and task.result().reply.is_error:
            await ack(response_action="errors", errors={first: error_text(task.result().reply)})
            return
        await ack()
        answer = await task
        if metadata.get("response_url"):
            await ResponseUrl(metadata["response_url"]).send(answer.reply, locale)
        if answer.audit is not None:
            await self.poster.echo(answer.audit, locale)

    @guarded
    async def on_home(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        """The App Home tab: the workspace's digests (for those who manage them) and what
        is due in the next 30 days."""
        if event.get("tab", "home") != "home":
            return
        actor, locale, _ = await self._who(context)
        ask = [Invocation("milestones", {"days": HOME_DAYS}, locale, actor, front_end="slack")]
        if may_manage_digests(self.app.rules, actor):
            ask.insert(0, Invocation("digest list", {}, locale, actor, front_end="slack"))
        replies = [(await asyncio.to_thread(self.app.answer, i)).reply for i in ask]
        await self.poster.client.views_publish(
            user_id=event["user"], view=home_view(replies, locale)
        )

    async def failed(self, kwargs: Mapping[str, Any]) -> None:
        """After a listener crashed: ack if it had not, and apologise where it can."""
        ack = kwargs.get("ack")
        if ack is not None and ack.response is None:
            await ack()
        request = kwargs.get("body") or kwargs.get("command") or {}
        url = request.get("response_url") or _metadata(kwargs.get("view")).get("response_url")
        if url:
            locale = self.config.locale
            await ResponseUrl(url).send(error_reply(t("err.internal", locale), locale), locale)
