"""`Reply` → Discord message payloads that always fit Discord's limits.

The Discord side of the platform contract: how each element of a reply looks here
(markdown for emphasis and links, `<#id>` for channels, embed colours per tone, page
and pick buttons) and every limit of Discord's, enforced once for every answer: long
sections are split at line boundaries into continuation fields, crowded embeds into
continuation embeds, and embeds are packed into as many messages as needed. Text from
the store is escaped so it never turns into markup, and every payload disables
mentions, so fact text can never ping anyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.briefing.model import (
    Card,
    Cite,
    FollowUp,
    Line,
    PlaceRef,
    Reply,
    Section,
    Span,
    plain_text,
)
from bot.discord_adapter import ids
from bot.i18n import t

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
    out = []
    for part in parts:
        if isinstance(part, Cite):
            out.append(f"[{part.number}]")
        elif isinstance(part, PlaceRef):
            out.append(place_mention(part.place))
        else:
            out.append(_span(part))
    return "".join(out)


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


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _continued(text: str, limit: int, locale: str) -> str:
    """`text (계속)` within `limit`, cutting the text rather than the marker."""
    marker = t("card.continued", locale)
    return f"{_cut(text, limit - len(marker) - 1)} {marker}"


def _pack_lines(lines: list[str], limit: int) -> list[str]:
    """Lines joined into chunks of at most `limit` characters, never splitting a line that fits."""
    chunks: list[str] = []
    current = ""
    for text in lines:
        text = _cut(text, limit)
        candidate = f"{current}\n{text}" if current else text
        if len(candidate) > limit:
            chunks.append(current)
            candidate = text
        current = candidate
    if current:
        chunks.append(current)
    return chunks or ["-"]


def _split_section(section: Section, locale: str) -> Iterator[dict[str, Any]]:
    heading = section.heading
    name = _cut(heading.strip() or BLANK, FIELD_NAME_MAX)
    lines = [inline_markdown(parts) for parts in section.lines]
    for i, value in enumerate(_pack_lines(lines, FIELD_VALUE_MAX)):
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
    title = _cut(card.title or BLANK, TITLE_MAX)
    color = COLORS[card.tone]
    head: dict[str, Any] = {"title": title, "type": "rich", "color": color}
    # Footers show no markdown at all: plain words.
    footer_text = plain_text(card.footer) if card.footer else ""
    footer = {"text": _cut(footer_text, FOOTER_MAX)} if footer_text else None
    description = "\n".join(inline_markdown(parts) for parts in card.lead).strip()
    if description:
        room = EMBED_TOTAL_MAX - len(title) - (len(footer["text"]) if footer else 0)
        head["description"] = _cut(description, min(DESCRIPTION_MAX, room))
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
    return {"type": 2, "style": 2, "label": _cut(label, BUTTON_LABEL_MAX), "custom_id": custom_id}


def _components(reply: Reply) -> list[dict[str, Any]]:
    """Buttons: one row of picks (a name to choose), one row of page turns. A button whose
    custom_id would not fit is left out, never cut (a cut id would ask something else)."""
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
    return rows


def reply_payloads(reply: Reply, locale: str) -> list[dict[str, Any]]:
    """The messages to send for a reply: the first answers the interaction, the rest follow up."""
    embeds = [embed for card in reply.cards for embed in card_embeds(card, locale)]
    messages: list[list[dict[str, Any]]] = [[]]
    for embed in embeds:
        batch = messages[-1]
        if (
            len(batch) >= EMBEDS_PER_MESSAGE
            or sum(map(embed_length, batch)) + embed_length(embed) > EMBED_TOTAL_MAX
        ):
            messages.append([])
        messages[-1].append(embed)
    payloads = [
        {
            "content": "",
            "embeds": batch,
            "allowed_mentions": dict(NO_MENTIONS),
            "flags": EPHEMERAL if reply.private else 0,
            "components": [],
        }
        for batch in messages
    ]
    payloads[-1]["components"] = _components(reply)
    return payloads
