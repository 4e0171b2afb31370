"""Answering through a `response_url`: after the ack, every reply takes this way.

A `response_url` takes at most five posts in thirty minutes. A reply longer than that
(rare: each message holds about 12,000 characters) shows what fits and says the rest was
left out, rather than failing. Private replies are ephemeral, the others in channel;
a post answering a click says whether it replaces the clicked message.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.briefing.model import Card, Reply, prose
from bot.i18n import t
from bot.render.slack_blocks import reply_messages

log = logging.getLogger(__name__)

POSTS_PER_URL = 5


class ResponseUrl:
    """One `response_url`, counting the posts made to it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.posts = 0

    async def _post(self, body: dict[str, Any]) -> bool:
        if self.posts >= POSTS_PER_URL:
            log.warning("response_url used up; a message was not sent")
            return False
        self.posts += 1
        response = await AsyncWebhookClient(self.url).send_dict(body)
        if response.status_code != 200:
            log.warning("response_url answered %s: %s", response.status_code, response.body)
            return False
        return True

    async def send(self, reply: Reply, locale: str, *, replace_original: bool = False) -> None:
        """Post every message of `reply` (the first replacing the clicked message when
        `replace_original`), as many as the URL still takes."""
        messages = reply_messages(reply, locale)
        room = POSTS_PER_URL - self.posts
        if len(messages) > room:
            note = Reply((Card("", (prose(t("slack.more", locale)),)),))
            messages = [*messages[: max(room - 1, 0)], *reply_messages(note, locale)][:room]
        response_type = "ephemeral" if reply.private else "in_channel"
        for number, message in enumerate(messages):
            body = {
                **message,
                "response_type": response_type,
                "replace_original": replace_original and number == 0,
            }
            if not await self._post(body):
                return

    async def delete_original(self) -> None:
        """Remove the message whose button was clicked (a picker that has done its job)."""
        await self._post({"delete_original": True})
