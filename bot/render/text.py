"""`Reply` → plain text for the console and `ask`, readable in any terminal."""

from __future__ import annotations

import re

from bot.briefing.model import Reply
from bot.i18n import t

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*(\S[^*]*?)\*(?![\w*])")


def _plain(text: str) -> str:
    return _EMPHASIS.sub(r"\1", _BOLD.sub(r"\1", text)).replace("\u200b", "")


def reply_text(reply: Reply, locale: str) -> str:
    """All cards of a reply as text, fields indented under their names."""
    blocks = []
    for card in reply.cards:
        lines = [f"━━ {_plain(card.title)} ━━"]
        if card.description:
            lines.append(_plain(card.description))
        for field in card.fields:
            name = _plain(field.name).strip()
            if name:
                lines.append(f"■ {name}")
            lines += [f"  {_plain(line)}" for line in field.lines]
        if card.footer:
            lines.append(f"— {_plain(card.footer)}")
        blocks.append("\n".join(lines))
    for link in reply.pages:
        if link.label == "▶":
            blocks.append(t("search.next", locale, query=link.token, page=link.page))
    return "\n\n".join(blocks)
