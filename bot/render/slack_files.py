"""A reply's files as Slack uploads, and the words that go with them, within Slack's limits.

Each file of `Reply.files()` becomes one entry of `files_upload_v2`'s `file_uploads`: its
name, its bytes, a title (what Slack shows above the file) and, for a picture, the
description screen readers read (`alt_txt`). Slack shows a shared picture as an image and
offers any other file (a calendar) to open or download, so the front end shares them
beside the card they belong to (`bot.slack_adapter.files` says why not in an `image`
block).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.briefing.model import Attachment, Reply, Span, line
from bot.i18n import t
from bot.render.fitting import cut
from bot.render.slack_blocks import HEADER_MAX, inline_mrkdwn

# `files.getUploadURLExternal` refuses a longer description (`alt_txt_too_large`).
ALT_TEXT_MAX = 1000
# Slack documents no limit for a file's title, which it shows like a heading: kept to a
# header's length.
TITLE_MAX = HEADER_MAX


def file_uploads(files: Sequence[Attachment]) -> list[dict[str, Any]]:
    """The `file_uploads` of one `files_upload_v2` call, in the reply's order."""
    uploads = []
    for attachment in files:
        upload: dict[str, Any] = {
            "filename": attachment.filename,
            "content": attachment.data,
            "title": cut(attachment.description or attachment.filename, TITLE_MAX),
        }
        if attachment.media_type.startswith("image/") and attachment.description:
            upload["alt_txt"] = cut(attachment.description, ALT_TEXT_MAX)
        uploads.append(upload)
    return uploads


def file_names(files: Sequence[Attachment]) -> str:
    """The files' names for a sentence of the bot's (`prose`): each one as code."""
    return ", ".join(f"`{attachment.filename.replace('`', '')}`" for attachment in files)


def direct_comment(reply: Reply, locale: str) -> str:
    """What a file sent by direct message says first (its `initial_comment`): which answer
    it goes with, as mrkdwn, escaped like any card title."""
    titles = [Span(card.title.strip(), "strong") for card in reply.cards if card.title.strip()]
    return inline_mrkdwn(line(t("slack.files.for", locale), *titles[:1]))
