"""`Reply` → Discord message payloads that always fit Discord's limits.

The Discord side of the platform contract: how each element of a reply looks here
(markdown for emphasis and links, `<#id>` for channels, embed colours per tone, page
and pick buttons) and every limit of Discord's, enforced once for every answer: long
sections are split at line boundaries into continuation fields, crowded embeds into
continuation embeds, and embeds are packed into as many messages as needed. Text from
the store is escaped so it never turns into markup, and every payload disables
mentions, so fact text can never ping anyone. A card's picture is uploaded with the
message that holds the card and shown in its embed (`attachment://NAME`); the reply's
files go with the first message; its web links are link buttons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from bot.briefing.cache import CACHE_SIZE, ReplyCache
from bot.briefing.model import (
    Attachment,
    Card,
    FollowUp,
    Line,
    Reply,
    Section,
    Span,
    plain_text,
)
from bot.i18n import t
from bot.ids import discord as ids
from bot.render.fitting import cut, pack_lines, render_line

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
CONTENT_MAX = 2000
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
BUTTONS_PER_ROW = 5
URL_MAX = 512
ATTACHMENT_DESCRIPTION_MAX = 1024
LINK_STYLE = 5
EPHEMERAL = 1 << 6
NO_MENTIONS: dict[str, Any] = {"parse": [], "users": [], "roles": [], "replied_user": False}
BLANK = "\u200b"
COLORS = {
    "program": 0x2B6CB0,
    "institution": 0x2F855A,
    "person": 0x805AD5,
    "error": 0xC53030,
    "list": 0x4A5568,
}
# Which option of a paged command its page buttons carry (`bb:search:PAGE:QUERY`).
PAGED = {"search": "query"}
PAGE_ID = "bb:{command}:{page}:{token}"
PICK_ID = "bb:pick:{command}:{option}:{value}"

# Markdown Discord reads in embed text: emphasis, code, spoilers and link brackets
# anywhere, quotes, headings and list marks at the start; a URL is left whole.
_MARKDOWN = re.compile(r"(https?://\S+)|([\\*_~`|\[\]])|^(\s*)([>#-])")


def escape(text: str) -> str:
    """`text` shown as written: every markdown character escaped, URLs left intact."""

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        if match.group(2):
            return "\\" + match.group(2)
        return f"{match.group(3)}\\{match.group(4)}"

    return _MARKDOWN.sub(one, text)


def _link_target(url: str) -> str:
    """A URL safe inside `[text](…)`: parentheses and spaces percent-encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def place_mention(place: str) -> str:
    """A channel as Discord shows it (`<#id>`, a link that never pings); another front
    end's place by its id."""
    channel = ids.channel_of(place)
    return f"<#{channel}>" if channel is not None else escape(place)


def inline_markdown(parts: Line) -> str:
    """One line of a reply in Discord markdown."""
    return render_line(parts, _span, place_mention)


def _span(span: Span) -> str:
    if span.style == "code":  # inside a code span nothing is markup; a backtick would end it
        return f"`{span.text.replace('`', 'ˋ')}`"
    text = escape(span.text)
    if span.style == "strong":
        text = f"**{text}**"
    elif span.style == "emphasis":
        text = f"*{text}*"
    if span.link and span.link.startswith(("https://", "http://")):
        text = f"[{text}]({_link_target(span.link)})"
    return text


def _continued(text: str, limit: int, locale: str) -> str:
    """`text (계속)` within `limit`, cutting the text rather than the marker."""
    marker = t("card.continued", locale)
    return f"{cut(text, limit - len(marker) - 1)} {marker}"


def _split_section(section: Section, locale: str) -> Iterator[dict[str, Any]]:
    heading = section.heading
    name = cut(heading.strip() or BLANK, FIELD_NAME_MAX)
    lines = [inline_markdown(parts) for parts in section.lines]
    for i, value in enumerate(pack_lines(lines, FIELD_VALUE_MAX) or ["-"]):
        title = name if i == 0 else _continued(heading, FIELD_NAME_MAX, locale)
        yield {"name": title, "value": value.strip() or "-", "inline": False}


def embed_length(embed: dict[str, Any]) -> int:
    """Characters Discord counts towards the 6000 limit: title, description, fields, footer, author."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    return total


def card_embeds(card: Card, locale: str) -> list[dict[str, Any]]:
    """One card as one or more embeds, each inside every per-embed limit."""
    title = cut(card.title or BLANK, TITLE_MAX)
    color = COLORS[card.tone]
    head: dict[str, Any] = {"title": title, "type": "rich", "color": color}
    # Footers show no markdown at all: plain words.
    footer_text = plain_text(card.footer) if card.footer else ""
    footer = {"text": cut(footer_text, FOOTER_MAX)} if footer_text else None
    description = "\n".join(inline_markdown(parts) for parts in card.lead).strip()
    if description:
        room = EMBED_TOTAL_MAX - len(title) - (len(footer["text"]) if footer else 0)
        head["description"] = cut(description, min(DESCRIPTION_MAX, room))
    if card.image is not None:
        head["image"] = {"url": f"attachment://{card.image.filename}"}
    reserve = len(footer["text"]) if footer else 0
    embeds = [head]
    current = head
    current["fields"] = []
    for section in card.sections:
        for part in _split_section(section, locale):
            size = len(part["name"]) + len(part["value"])
            if (
                len(current["fields"]) >= FIELDS_MAX
                or embed_length(current) + size + reserve > EMBED_TOTAL_MAX
            ):
                current = {
                    "title": _continued(card.title, TITLE_MAX, locale),
                    "type": "rich",
                    "color": color,
                    "fields": [],
                }
                embeds.append(current)
            current["fields"].append(part)
    if footer:
        embeds[-1]["footer"] = footer
    for embed in embeds:
        if not embed["fields"]:
            del embed["fields"]
    return embeds


def page_custom_id(turn: FollowUp) -> str | None:
    """`bb:search:PAGE:QUERY` for a page of a paged command, or None if it cannot be one."""
    token_option = PAGED.get(turn.command)
    values = turn.option_values
    if token_option is None or set(values) != {token_option, "page"}:
        return None
    custom_id = PAGE_ID.format(
        command=turn.command, page=values["page"], token=values[token_option]
    )
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


def pick_custom_id(pick: FollowUp) -> str | None:
    """`bb:pick:program:name:ID` for a one-option follow-up, or None if it cannot be one."""
    if len(pick.options) != 1:
        return None
    ((option, value),) = pick.options
    custom_id = PICK_ID.format(command=pick.command, option=option, value=value)
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


def _button(label: str, custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 2, "label": cut(label, BUTTON_LABEL_MAX), "custom_id": custom_id}


def _link_buttons(reply: Reply) -> list[dict[str, Any]]:
    """The reply's web links as link buttons (style 5: Discord opens the URL itself)."""
    return [
        {
            "type": 2,
            "style": LINK_STYLE,
            "label": cut(link.text, BUTTON_LABEL_MAX),
            "url": link.link,
        }
        for link in reply.links
        if link.link and link.link.startswith(("https://", "http://")) and len(link.link) <= URL_MAX
    ][:BUTTONS_PER_ROW]


def _components(reply: Reply) -> list[dict[str, Any]]:
    """Buttons: one row of picks (a name to choose), one row of page turns, one row of
    links. A button whose custom_id would not fit is left out, never cut (a cut id would
    ask something else)."""
    rows = []
    picks = [
        _button(pick.label, custom_id)
        for pick in reply.suggestions
        if (custom_id := pick_custom_id(pick)) is not None
    ][:BUTTONS_PER_ROW]
    if picks:
        rows.append({"type": 1, "components": picks})
    pagination = reply.pagination
    turns = [pagination.previous, pagination.next] if pagination else []
    pages = [
        _button(turn.label, custom_id)
        for turn in turns
        if turn is not None and (custom_id := page_custom_id(turn)) is not None
    ]
    if pages:
        rows.append({"type": 1, "components": pages})
    links = _link_buttons(reply)
    if links:
        rows.append({"type": 1, "components": links})
    return rows


@dataclass(frozen=True)
class DiscordMessage:
    """One message to send: its JSON payload and the files uploaded with it (the payload's
    `attachments` name them by index, as Discord's multipart upload wants)."""

    payload: dict[str, Any]
    files: tuple[Attachment, ...] = ()


def _attachment_entries(files: tuple[Attachment, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(index),
            "filename": attachment.filename,
            "description": cut(
                attachment.description or attachment.filename, ATTACHMENT_DESCRIPTION_MAX
            ),
        }
        for index, attachment in enumerate(files)
    ]


def reply_messages(reply: Reply, locale: str) -> list[DiscordMessage]:
    """The messages to send for a reply, with their files: the first answers the
    interaction, the rest follow up."""
    batches: list[list[tuple[dict[str, Any], Attachment | None]]] = [[]]
    for card in reply.cards:
        for number, embed in enumerate(card_embeds(card, locale)):
            batch = batches[-1]
            embeds = [e for e, _ in batch]
            if (
                len(batch) >= EMBEDS_PER_MESSAGE
                or sum(map(embed_length, embeds)) + embed_length(embed) > EMBED_TOTAL_MAX
            ):
                batches.append([])
            batches[-1].append((embed, card.image if number == 0 else None))
    messages = []
    for index, batch in enumerate(batches):
        files = tuple(image for _, image in batch if image is not None)
        if index == 0:
            files += reply.attachments
        payload: dict[str, Any] = {
            "content": "",
            "embeds": [embed for embed, _ in batch],
            "allowed_mentions": dict(NO_MENTIONS),
            "flags": EPHEMERAL if reply.private else 0,
            "components": [],
        }
        if files:
            payload["attachments"] = _attachment_entries(files)
        messages.append(DiscordMessage(payload, files))
    messages[-1].payload["components"] = _components(reply)
    return messages


class RenderedReplies:
    """`reply_messages`, remembered per reply and locale for the replies an answer cache
    hands out again and again: `/milestones` for the next 30 days at 100,000 entities
    renders into eleven messages in about 7 ms of the event loop, and a copy of them
    takes a third of a millisecond. Each call gets payloads of its own, read back from
    their JSON, so whatever a sender does to one message never reaches the next. As many
    are kept as the briefer keeps answers: a rendering outlives its answer only until
    the answer is asked no more."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._rendered: ReplyCache[_Rendered] = ReplyCache(size)

    def messages(self, reply: Reply, locale: str) -> list[DiscordMessage]:
        """What `reply_messages(reply, locale)` returns, rendered once per reply object."""
        # By identity: a reply is frozen, so the same object always renders the same, and
        # hashing one by value would walk every span of it. The entry keeps its reply
        # alive, so no other object can take its id while the entry is there.
        rendered = self._rendered.get_or_build(
            (id(reply), locale), lambda: _Rendered.of(reply, locale)
        )
        return [
            DiscordMessage(orjson.loads(payload), files) for payload, files in rendered.messages
        ]


@dataclass(frozen=True)
class _Rendered:
    """A reply's messages as JSON and files, with the reply they were rendered from."""

    reply: Reply
    messages: tuple[tuple[bytes, tuple[Attachment, ...]], ...]

    @classmethod
    def of(cls, reply: Reply, locale: str) -> _Rendered:
        messages = reply_messages(reply, locale)
        return cls(reply, tuple((orjson.dumps(m.payload), m.files) for m in messages))


def reply_payloads(reply: Reply, locale: str) -> list[dict[str, Any]]:
    """The JSON payloads of `reply_messages` (what `ask --json` prints)."""
    return [message.payload for message in reply_messages(reply, locale)]
