"""Answering interactions: run the core off the event loop, keep Discord's 3 seconds, send.

`InteractionRunner` is the "respond or follow up" helper every handler goes through:
it turns an interaction into an `Invocation`, answers directly when the core is quick
and defers first when it is not, shows a form as a modal when the answer is one (and
there is still time to), sends each payload exactly as `bot.render.discord_payload`
built it, and echoes a change to the audit channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord

from bot.app import App
from bot.briefing.answers import Invocation
from bot.briefing.model import Answer, Reply
from bot.discord_adapter.checks import actor_of, locale_of, place_of
from bot.discord_adapter.views import FormModal, components_view, message_kwargs, post_reply
from bot.render.discord_payload import DiscordMessage, RenderedReplies, reply_messages

log = logging.getLogger(__name__)

# Answer directly if the core finishes within this; otherwise defer and edit later.
FAST_PATH_SECONDS = 1.5
# `interaction.extras` key: whether the deferred "thinking…" is private (absent: not deferred).
DEFERRED_PRIVATE = "briefbot.deferred_private"


class InteractionRunner:
    """Runs commands for Discord interactions through the platform-neutral `App`."""

    def __init__(self, app: App, client: discord.Client) -> None:
        self.app = app
        self.client = client
        # The answers it sends repeat (the briefer remembers them), and so do their messages.
        self.rendered = RenderedReplies()

    def locale(self, interaction: discord.Interaction) -> str:
        return locale_of(interaction, self.app.config.locale)

    def invocation(
        self, interaction: discord.Interaction, command: str, options: dict[str, Any]
    ) -> Invocation:
        """The command as the core sees it: who asked, where, in which language."""
        return Invocation(
            command,
            {name: value for name, value in options.items() if value is not None},
            self.locale(interaction),
            actor_of(interaction),
            place_of(interaction),
            front_end="discord",
        )

    async def run(
        self,
        interaction: discord.Interaction,
        command: str,
        options: dict[str, Any],
        *,
        private: bool = False,
    ) -> None:
        """Answer one command; `private` is how to defer if the answer is slow."""
        invocation = self.invocation(interaction, command, options)
        await self.respond(interaction, lambda: self.app.answer(invocation), private=private)

    async def respond(
        self,
        interaction: discord.Interaction,
        compute: Callable[[], Answer],
        *,
        private: bool = False,
    ) -> None:
        """Answer within Discord's 3 seconds, whatever the store does: run `compute` in a
        worker thread, defer ("thinking…", private if the answer will be) if it is slow.
        A form is shown as a modal if nothing has been sent yet (a modal must be the first
        response), else in words."""
        task = asyncio.ensure_future(asyncio.to_thread(compute))
        done, _ = await asyncio.wait({task}, timeout=FAST_PATH_SECONDS)
        if not done:
            await interaction.response.defer(thinking=True, ephemeral=private)
            interaction.extras[DEFERRED_PRIVATE] = private
        answer = await task
        if answer.form is not None and not interaction.response.is_done():
            await interaction.response.send_modal(FormModal(answer.form))
            return
        locale = self.locale(interaction)
        await send_reply(interaction, answer.reply, locale, render=self.rendered.messages)
        if answer.audit is not None:
            await self.echo(answer.audit)

    async def echo(self, audit: Reply) -> None:
        """Post what changed to the configured audit channel (if any); never fails the edit."""
        channel_id = self.app.config.admin_audit_channel_id
        if channel_id is None:
            return
        try:
            await post_reply(
                self.client.get_partial_messageable(channel_id), audit, self.app.config.locale
            )
        except discord.HTTPException:
            log.warning("could not echo a fact change to the audit channel %s", channel_id)


async def send_reply(
    interaction: discord.Interaction,
    reply: Reply,
    locale: str,
    *,
    render: Callable[[Reply, str], list[DiscordMessage]] = reply_messages,
) -> None:
    """Send every payload of a reply: respond, or replace a deferred "thinking…", then
    follow up. After a real first message (an error later on), only follow up. `render`
    makes the messages (`InteractionRunner` passes its remembered renderings)."""
    deferred_private = interaction.extras.get(DEFERRED_PRIVATE)
    for index, message in enumerate(render(reply, locale)):
        payload = message.payload
        kwargs = message_kwargs(payload, components_view(payload["components"]), message.files)
        if index == 0 and not interaction.response.is_done():
            await interaction.response.send_message(ephemeral=reply.private, **kwargs)
        elif index == 0 and deferred_private == reply.private:
            # An edit names its uploads `attachments` (the message keeps only those listed).
            files = kwargs.pop("files", None)
            if files:
                kwargs["attachments"] = files
            await interaction.edit_original_response(**kwargs)
        elif index == 0 and deferred_private is not None:
            # "thinking…" cannot change who sees it: remove it and answer with the right one.
            await interaction.delete_original_response()
            await interaction.followup.send(ephemeral=reply.private, **kwargs)
        else:
            await interaction.followup.send(ephemeral=reply.private, **kwargs)
