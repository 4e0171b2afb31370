"""Discord's message limits as one reusable check, for unit and end-to-end tests alike.

The numbers are Discord's documented limits, written out here rather than imported
from `bot.render.discord_payload`, so a wrong constant in the renderer is caught.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
CONTENT_MAX = 2000
ACTION_ROWS_MAX = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
LINK_STYLE = 5
URL_MAX = 512
EPHEMERAL = 64


def embed_total(embed: Mapping[str, Any]) -> int:
    """What Discord counts towards 6000: title, description, field names and values,
    footer text and author name."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for field in embed.get("fields") or []:
        total += len(field["name"]) + len(field["value"])
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def _assert_embed(embed: Mapping[str, Any], where: str) -> None:
    title = embed.get("title")
    if title is not None:
        assert isinstance(title, str) and 0 < len(title) <= TITLE_MAX, f"{where}: title {title!r}"
    description = embed.get("description")
    if description is not None:
        assert isinstance(description, str), where
        assert 0 < len(description) <= DESCRIPTION_MAX, f"{where}: description {len(description)}"
    fields = embed.get("fields") or []
    assert len(fields) <= FIELDS_MAX, f"{where}: {len(fields)} fields"
    for i, field in enumerate(fields):
        name, value = field.get("name"), field.get("value")
        assert isinstance(name, str) and name.strip(), f"{where} field {i}: empty name"
        assert len(name) <= FIELD_NAME_MAX, f"{where} field {i}: name is {len(name)} long"
        assert isinstance(value, str) and value.strip(), f"{where} field {i}: empty value"
        assert len(value) <= FIELD_VALUE_MAX, f"{where} field {i}: value is {len(value)} long"
        assert isinstance(field.get("inline", False), bool), f"{where} field {i}: inline"
    footer = embed.get("footer")
    if footer is not None:
        text = footer.get("text")
        assert isinstance(text, str) and 0 < len(text) <= FOOTER_MAX, f"{where}: footer"
    author = embed.get("author")
    if author is not None:
        assert 0 < len(author.get("name") or "") <= AUTHOR_MAX, f"{where}: author"
    color = embed.get("color")
    if color is not None:
        assert isinstance(color, int) and 0 <= color <= 0xFFFFFF, f"{where}: color {color!r}"
    assert embed_total(embed) <= EMBED_TOTAL_MAX, f"{where}: {embed_total(embed)} characters"
    assert title or description or fields, f"{where}: an empty embed"


def _assert_components(components: list[Mapping[str, Any]]) -> None:
    assert len(components) <= ACTION_ROWS_MAX, f"{len(components)} action rows"
    for row in components:
        assert row["type"] == 1, "top-level components must be action rows"
        buttons = row["components"]
        assert 1 <= len(buttons) <= BUTTONS_PER_ROW, f"{len(buttons)} buttons in a row"
        for button in buttons:
            assert button["type"] == 2
            if button.get("style") == LINK_STYLE:  # a link opens its URL and has no custom_id
                url = button.get("url")
                assert isinstance(url, str) and url.startswith(("https://", "http://")), button
                assert len(url) <= URL_MAX and "custom_id" not in button, button
            else:
                custom_id = button.get("custom_id")
                assert isinstance(custom_id, str) and 0 < len(custom_id) <= CUSTOM_ID_MAX, button
            assert 0 < len(button.get("label") or "") <= BUTTON_LABEL_MAX, button


def assert_discord_limits(payload: Mapping[str, Any], *, ephemeral: bool | None = None) -> None:
    """Fail unless Discord would accept `payload` as an interaction response or follow-up,
    and it can never mention anyone. With `ephemeral`, also check the ephemeral flag."""
    content = payload.get("content") or ""
    assert isinstance(content, str) and len(content) <= CONTENT_MAX, f"content {len(content)}"
    embeds = payload.get("embeds") or []
    assert content.strip() or embeds, "a message needs content or an embed"
    assert len(embeds) <= EMBEDS_PER_MESSAGE, f"{len(embeds)} embeds in one message"
    for i, embed in enumerate(embeds):
        _assert_embed(embed, f"embed {i}")
    total = sum(embed_total(e) for e in embeds)
    assert total <= EMBED_TOTAL_MAX, f"{total} characters across the message's embeds"
    mentions = payload.get("allowed_mentions")
    assert mentions is not None and mentions.get("parse") == [], f"mentions {mentions!r}"
    assert not mentions.get("users") and not mentions.get("roles"), mentions
    flags = payload.get("flags", 0)
    assert isinstance(flags, int), flags
    if ephemeral is not None:
        assert bool(flags & EPHEMERAL) == ephemeral, f"flags {flags} for ephemeral={ephemeral}"
    _assert_components(payload.get("components") or [])
