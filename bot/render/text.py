"""`Reply` → plain text for the console and `ask`, readable in any terminal.

Emphasis has no markup here (the words carry the meaning); places are named by
`place_name`, so a front end that prints text can say "this console"; pages and
suggested follow-ups become the command lines that ask for them.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.briefing.model import FollowUp, Reply, plain_text
from bot.i18n import t

PlaceNamer = Callable[[str], str]


def command_line(follow_up: FollowUp) -> str:
    """The line that asks for `follow_up`, as typed at the console: `/search query:… page:2`."""
    options = " ".join(f"{name}:{value}" for name, value in follow_up.options)
    return f"/{follow_up.command} {options}".strip()


def reply_text(reply: Reply, locale: str, place_name: PlaceNamer | None = None) -> str:
    """All cards of a reply as text, sections indented under their headings."""
    blocks = []
    for card in reply.cards:
        lines = [f"━━ {card.title} ━━"]
        lines += [plain_text(parts, place_name) for parts in card.lead]
        for section in card.sections:
            lines.append(f"■ {section.heading}")
            lines += [f"  {plain_text(parts, place_name)}" for parts in section.lines]
        if card.footer:
            lines.append(f"— {plain_text(card.footer, place_name)}")
        blocks.append("\n".join(lines))
    if reply.suggestions:
        picks = [f"  → {command_line(pick)}" for pick in reply.suggestions]
        blocks.append("\n".join([t("reply.pick", locale), *picks]))
    pagination = reply.pagination
    if pagination is not None:
        turns = [
            t(key, locale, command=command_line(turn))
            for key, turn in (
                ("page.previous", pagination.previous),
                ("page.next", pagination.next),
            )
            if turn is not None
        ]
        blocks.append("\n".join(turns))
    return "\n\n".join(blocks)
