"""Buttons for paged answers, as dynamic items so they keep working after a restart."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import discord

from bot.briefing.answers import Invocation
from bot.briefing.model import Reply
from bot.render.discord_payload import reply_payloads

PAGE_TEMPLATE = r"bb:(?P<command>search):(?P<page>\d+):(?P<token>.+)"


class PageButton(discord.ui.DynamicItem[discord.ui.Button], template=PAGE_TEMPLATE):
    """A ◀/▶ button whose custom_id carries the command, the page and the query."""

    def __init__(self, command: str, page: int, token: str, label: str = "▶") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"bb:{command}:{page}:{token}",
            )
        )
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
        client: Any = interaction.client
        runner = client.runner
        locale = runner.locale(interaction)
        invocation = Invocation(
            self.command, {"query": self.token, "page": self.page}, locale, str(interaction.user.id)
        )
        reply = await asyncio.to_thread(runner.briefer.answer, invocation)
        payload = reply_payloads(reply, locale)[0]
        view = page_view(payload["components"]) if payload["components"] else None
        await interaction.response.edit_message(
            **message_kwargs(payload, view) | ({} if view else {"view": None})
        )


def message_kwargs(payload: dict[str, Any], view: discord.ui.View | None) -> dict[str, Any]:
    """discord.py keyword arguments that send exactly this payload, pings disabled."""
    kwargs: dict[str, Any] = {
        "embeds": [discord.Embed.from_dict(embed) for embed in payload["embeds"]],
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if payload["content"]:
        kwargs["content"] = payload["content"]
    if view is not None:
        kwargs["view"] = view
    return kwargs


def page_view(components: list[dict[str, Any]]) -> discord.ui.View:
    """A persistent view holding the page buttons described by a payload's components."""
    view = discord.ui.View(timeout=None)
    for row in components:
        for button in row["components"]:
            match = re.fullmatch(PAGE_TEMPLATE, button["custom_id"])
            if match:
                view.add_item(
                    PageButton(
                        match["command"], int(match["page"]), match["token"], button["label"]
                    )
                )
    return view


async def post_reply(target: discord.abc.Messageable, reply: Reply, locale: str) -> None:
    """Post a reply to a channel (or DM) as plain messages, pings disabled."""
    for payload in reply_payloads(reply, locale):
        await target.send(**message_kwargs(payload, None))
