"""Buttons and forms: dynamic items and modals that carry what they ask for in their
custom_id, so they keep working after a restart (nothing is kept in the process)."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.briefing.model import Attachment, Form, Reply
from bot.render.discord_payload import (
    CUSTOM_ID_MAX,
    LINK_STYLE,
    PAGE_ID,
    PICK_ID,
    reply_messages,
)

PAGE_TEMPLATE = r"bb:(?P<command>search):(?P<page>\d+):(?P<token>.+)"
PICK_TEMPLATE = r"bb:pick:(?P<command>[a-z]+):(?P<option>[a-z_]+):(?P<value>.+)"
FORM_PREFIX = "bb:form:"
FORM_TEMPLATE = r"bb:form:(?P<kind>fact|milestone):(?P<revision>\d+):(?P<key>.+)"
MODAL_TITLE_MAX = 45
MODAL_LABEL_MAX = 45


def _runner(interaction: discord.Interaction) -> Any:
    return interaction.client.runner  # type: ignore[attr-defined]


def _button(label: str, custom_id: str) -> discord.ui.Button:
    """A quiet button whose `custom_id` carries all it needs (buttons outlive restarts)."""
    return discord.ui.Button(label=label, style=discord.ButtonStyle.secondary, custom_id=custom_id)


class PageButton(discord.ui.DynamicItem[discord.ui.Button], template=PAGE_TEMPLATE):
    """A page button whose custom_id carries the command, the page and the query."""

    def __init__(self, command: str, page: int, token: str, label: str = "▶") -> None:
        super().__init__(_button(label, PAGE_ID.format(command=command, page=page, token=token)))
        self.command = command
        self.page = page
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> PageButton:
        return cls(match["command"], int(match["page"]), match["token"], item.label or "▶")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Replace the message with the requested page of the same answer."""
        runner = _runner(interaction)
        invocation = runner.invocation(
            interaction, self.command, {"query": self.token, "page": self.page}
        )
        answer = await asyncio.to_thread(runner.app.answer, invocation)
        payload = runner.rendered.messages(answer.reply, invocation.locale)[0].payload
        view = components_view(payload["components"])
        await interaction.response.edit_message(
            **message_kwargs(payload, view) | ({} if view else {"view": None})
        )


class PickButton(discord.ui.DynamicItem[discord.ui.Button], template=PICK_TEMPLATE):
    """One of the names an ambiguous or misspelt question might have meant: clicking it
    asks the command again with that entity."""

    def __init__(self, command: str, option: str, value: str, label: str) -> None:
        super().__init__(
            _button(label, PICK_ID.format(command=command, option=option, value=value))
        )
        self.command = command
        self.option = option
        self.value = value

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> PickButton:
        return cls(match["command"], match["option"], match["value"], item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _runner(interaction).run(interaction, self.command, {self.option: self.value})


class FormModal(discord.ui.Modal):
    """A form as a modal of prefilled text inputs. Only sent, never kept: its custom_id
    (`bb:form:KIND:REVISION:KEY`) carries what `submitted_form` needs to apply it."""

    def __init__(self, form: Form) -> None:
        custom_id = f"bb:form:{form.kind}:{form.revision}:{form.key}"[:CUSTOM_ID_MAX]
        super().__init__(title=form.title[:MODAL_TITLE_MAX], custom_id=custom_id, timeout=None)
        for field in form.fields:
            self.add_item(
                discord.ui.TextInput(
                    label=field.label[:MODAL_LABEL_MAX],
                    custom_id=field.name,
                    default=field.value or None,
                    required=field.required,
                    max_length=field.max_length,
                    style=discord.TextStyle.paragraph if field.long else discord.TextStyle.short,
                )
            )
        # Stateless from here: a submission is read back from its custom_id, so a form
        # opened before a restart still saves.
        self.stop()


def submitted_form(data: dict[str, Any]) -> tuple[str, int, str, dict[str, str]] | None:
    """`(kind, revision, key, values)` of a submitted form of ours, None for another's;
    raises ValueError for one of ours that is not what we sent (a forged custom_id)."""
    custom_id = str(data.get("custom_id", ""))
    if not custom_id.startswith(FORM_PREFIX):
        return None
    match = re.fullmatch(FORM_TEMPLATE, custom_id)
    if match is None:
        raise ValueError(f"malformed form id {custom_id!r}")
    values = {
        component["custom_id"]: component.get("value") or ""
        for row in data.get("components", [])
        for component in row.get("components") or [row.get("component") or {}]
        if "custom_id" in component
    }
    return match["kind"], int(match["revision"]), match["key"], values


class UploadFile(discord.File):
    """A file whose `attachments` entry names it by a string index: Discord's API types
    attachment ids as snowflake strings, where discord.py would send an int."""

    def to_dict(self, index: int) -> dict[str, Any]:
        return {**super().to_dict(index), "id": str(index)}


def upload(files: Sequence[Attachment], payload: dict[str, Any]) -> list[discord.File]:
    """Fresh discord.py files (each can be sent once) for a payload's `attachments`."""
    entries = payload.get("attachments", [])
    return [
        UploadFile(io.BytesIO(a.data), filename=a.filename, description=entry["description"])
        for a, entry in zip(files, entries, strict=True)
    ]


def message_kwargs(
    payload: dict[str, Any], view: discord.ui.View | None, files: Sequence[Attachment] = ()
) -> dict[str, Any]:
    """discord.py keyword arguments that send exactly this payload (and upload its
    files), pings disabled."""
    kwargs: dict[str, Any] = {
        "embeds": [discord.Embed.from_dict(embed) for embed in payload["embeds"]],
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if payload["content"]:
        kwargs["content"] = payload["content"]
    if view is not None:
        kwargs["view"] = view
    if files:
        kwargs["files"] = upload(files, payload)
    return kwargs


def _item(button: dict[str, Any]) -> discord.ui.Item[Any] | None:
    """The view item of one button of a payload: a link, or one of our dynamic buttons."""
    if button.get("style") == LINK_STYLE:
        return discord.ui.Button(
            style=discord.ButtonStyle.link, label=button["label"], url=button["url"]
        )
    page = re.fullmatch(PAGE_TEMPLATE, button["custom_id"])
    if page:
        return PageButton(page["command"], int(page["page"]), page["token"], button["label"])
    pick = re.fullmatch(PICK_TEMPLATE, button["custom_id"])
    if pick:
        return PickButton(pick["command"], pick["option"], pick["value"], button["label"])
    return None


def components_view(components: list[dict[str, Any]]) -> discord.ui.View | None:
    """A persistent view holding the buttons a payload's components describe, row by row."""
    if not components:
        return None
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(components):
        for button in row["components"]:
            item = _item(button)
            if item is not None:
                item.row = number
                view.add_item(item)
    return view


async def post_reply(target: discord.abc.Messageable, reply: Reply, locale: str) -> None:
    """Post a reply to a channel (or DM) as plain messages with their files, pings disabled."""
    for message in reply_messages(reply, locale):
        await target.send(**message_kwargs(message.payload, None, message.files))
