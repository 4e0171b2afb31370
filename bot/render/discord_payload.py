"""`Reply` → Discord message payloads that always fit Discord's limits.

Limits are enforced here, once, for every answer: long fields are split at line
boundaries into continuation fields, crowded embeds into continuation embeds, and
embeds are packed into as many messages as needed. Every payload disables mentions,
so fact text can never ping `@everyone`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.briefing.model import Card, Field, Reply
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
EPHEMERAL = 1 << 6
NO_MENTIONS: dict[str, Any] = {"parse": [], "users": [], "roles": [], "replied_user": False}
BLANK = "\u200b"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _continued(text: str, limit: int, locale: str) -> str:
    """`text (계속)` within `limit`, cutting the text rather than the marker."""
    marker = t("card.continued", locale)
    return f"{_cut(text, limit - len(marker) - 1)} {marker}"


def _pack_lines(lines: tuple[str, ...], limit: int) -> list[str]:
    """Lines joined into chunks of at most `limit` characters, never splitting a line that fits."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = _cut(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            candidate = line
        current = candidate
    if current:
        chunks.append(current)
    return chunks or ["-"]


def _split_field(field: Field, locale: str) -> Iterator[dict[str, Any]]:
    name = _cut(field.name.strip() or BLANK, FIELD_NAME_MAX)
    for i, value in enumerate(_pack_lines(field.lines, FIELD_VALUE_MAX)):
        title = name if i == 0 else _continued(field.name, FIELD_NAME_MAX, locale)
        yield {"name": title, "value": value.strip() or "-", "inline": field.inline}


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
    head: dict[str, Any] = {"title": title, "type": "rich"}
    footer = {"text": _cut(card.footer, FOOTER_MAX)} if card.footer else None
    if card.description:
        room = EMBED_TOTAL_MAX - len(title) - (len(footer["text"]) if footer else 0)
        head["description"] = _cut(card.description, min(DESCRIPTION_MAX, room))
    if card.color is not None:
        head["color"] = card.color
    reserve = len(footer["text"]) if footer else 0
    embeds = [head]
    current = head
    current.setdefault("fields", [])
    for field in card.fields:
        for part in _split_field(field, locale):
            size = len(part["name"]) + len(part["value"])
            if (
                len(current["fields"]) >= FIELDS_MAX
                or embed_length(current) + size + reserve > EMBED_TOTAL_MAX
            ):
                current = {
                    "title": _continued(card.title, TITLE_MAX, locale),
                    "type": "rich",
                    "fields": [],
                }
                if card.color is not None:
                    current["color"] = card.color
                embeds.append(current)
            current["fields"].append(part)
    if footer:
        embeds[-1]["footer"] = footer
    for embed in embeds:
        if not embed["fields"]:
            del embed["fields"]
    return embeds


def _buttons(reply: Reply) -> list[dict[str, Any]]:
    buttons = []
    for link in reply.pages:
        custom_id = f"bb:{link.command}:{link.page}:{link.token}"
        if len(custom_id) <= CUSTOM_ID_MAX:
            buttons.append(
                {
                    "type": 2,
                    "style": 2,
                    "label": _cut(link.label, BUTTON_LABEL_MAX),
                    "custom_id": custom_id,
                }
            )
    return [{"type": 1, "components": buttons}] if buttons else []


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
            "flags": EPHEMERAL if reply.ephemeral else 0,
            "components": [],
        }
        for batch in messages
    ]
    payloads[-1]["components"] = _buttons(reply)
    return payloads
