"""`FileSharer`: an answer's files (a program's timeline picture, a calendar) in Slack.

Where they go:

- An answer in the channel: its files are shared in that channel right after the card,
  with Slack's current upload flow (`files_upload_v2`: `files.getUploadURLExternal`, the
  upload, `files.completeUploadExternal` with `channel_id`). Slack shows the picture as an
  image under its title, described for screen readers, and the calendar as a file to open.
- A private answer: Slack cannot attach a file to an ephemeral message, and sharing it in
  the channel would show everyone what only the asker should see. The files go to the
  asker's direct messages with the bot instead (`conversations.open`, scope `im:write`),
  saying which answer they go with, and the private answer says where they went.

Why beside the card rather than inside it, in an `image` block naming the upload with
`slack_file`: an upload completes asynchronously, and Slack refuses a block that names a
file it has not finished processing, or one shared nowhere (which only the bot can see),
as `invalid_blocks`, now and then rather than always (slackapi/python-slack-sdk#1521,
#1658, #1797). A shared file needs no second step and always shows. Not in a thread
either: the card goes through the request's `response_url`, which does not tell its `ts`.

The card always answers first, and an upload that fails never takes it back. The asker
alone is told what failed and how to fix it: invite the bot (`/invite @briefbot`: it can
share a file only where it is a member), grant the scope Slack says is missing
(`files:write`), or ask again after a `429` that outlasted the client's retries.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.briefing.answers import Invocation
from bot.briefing.model import Attachment, Card, Reply, prose
from bot.i18n import t
from bot.ids import slack as ids
from bot.render.slack_files import direct_comment, file_names, file_uploads
from bot.slack_adapter.respond import ResponseUrl

log = logging.getLogger(__name__)

# Slack's error for an upload → what the asker is told (anything else: `slack.files.failed`).
REASONS = {
    "not_in_channel": "slack.files.not_member",
    "channel_not_found": "slack.files.not_member",
    "is_archived": "slack.files.not_member",
    "missing_scope": "slack.files.scope",
    "ratelimited": "slack.files.busy",
}
# The scope named when Slack's `needed` is missing or not a scope's name.
UPLOAD_SCOPE = "files:write"
_SCOPE = re.compile(r"[a-z]+(?::[a-z.]+)+")


class NowhereToShare(Exception):
    """The answer has no Slack channel or asker to share its files with."""


def refusal(response: Mapping[str, Any], files: Sequence[Attachment], locale: str) -> str:
    """Why Slack would not take the files, and what to do, as a sentence of the bot's."""
    key = REASONS.get(str(response.get("error") or ""), "slack.files.failed")
    needed = str(response.get("needed") or "")
    scope = needed if _SCOPE.fullmatch(needed) else UPLOAD_SCOPE
    return t(key, locale, files=file_names(files), scope=scope)


class FileSharer:
    """Shares replies' files with the Web API client the front end built (its `429`
    handler retries each step after Slack's `Retry-After`)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def share(self, reply: Reply, invocation: Invocation, responder: ResponseUrl) -> None:
        """Share `reply`'s files where its answer went (the asker's direct messages for a
        private answer), once the card is sent; tell the asker anything that went wrong."""
        files = reply.files()
        if not files:
            return
        locale = invocation.locale
        try:
            if reply.private:
                channel = await self._direct_channel(invocation)
                comment: str | None = direct_comment(reply, locale)
            else:
                channel, comment = self._channel(invocation), None
            await self.client.files_upload_v2(
                file_uploads=file_uploads(files), channel=channel, initial_comment=comment
            )
        except SlackApiError as exc:
            log.warning("could not share %s: %s", file_names(files), exc.response.get("error"))
            note = refusal(exc.response, files, locale)
        except (SlackClientError, aiohttp.ClientError, OSError, NowhereToShare) as exc:
            log.warning("could not share %s: %r", file_names(files), exc)
            note = t("slack.files.failed", locale, files=file_names(files))
        else:
            if not reply.private:
                return
            note = t("slack.files.direct", locale, files=file_names(files))
        await responder.send(Reply((Card("", (prose(note),)),), private=True), locale)

    @staticmethod
    def _channel(invocation: Invocation) -> str:
        channel = ids.channel_of(invocation.place or "")
        if channel is None:
            raise NowhereToShare(f"no Slack channel: {invocation.place!r}")
        return channel

    async def _direct_channel(self, invocation: Invocation) -> str:
        """The asker's direct messages with the bot."""
        user = ids.user_of(invocation.actor.id)
        if user is None:
            raise NowhereToShare(f"no Slack user: {invocation.actor.id!r}")
        opened = await self.client.conversations_open(users=user)
        return str(opened["channel"]["id"])
