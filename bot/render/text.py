"""`Reply` → plain text for the console and `ask`, readable in any terminal.

Emphasis has no markup here (the words carry the meaning); places are named by
`place_name`, so a front end that prints text can say "this console"; pages and
suggested follow-ups become the command lines that ask for them. A terminal shows no
pictures or files: each one is named by where the console wrote it (`saved`), else by
its file name, and links are printed as addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from bot.briefing.model import Attachment, FollowUp, Reply, plain_text
from bot.i18n import t

PlaceNamer = Callable[[str], str]


def command_line(follow_up: FollowUp) -> str:
    """The line that asks for `follow_up`, as typed at the console: `/search query:… page:2`."""
    options = " ".join(f"{name}:{value}" for name, value in follow_up.options)
    return f"/{follow_up.command} {options}".strip()


def _file_line(mark: str, attachment: Attachment, saved: Mapping[str, Path]) -> str:
    """`🖼 description: path` (or the file name when it was not written)."""
    where = saved.get(attachment.filename, attachment.filename)
    return f"{mark} {attachment.description or attachment.filename}: {where}"


def reply_text(
    reply: Reply,
    locale: str,
    place_name: PlaceNamer | None = None,
    saved: Mapping[str, Path] | None = None,
) -> str:
    """All cards of a reply as text, sections indented under their headings; `saved`
    maps the reply's file names to where they were written."""
    saved = saved or {}
    blocks = []
    for card in reply.cards:
        lines = [f"━━ {card.title} ━━"]
        lines += [plain_text(parts, place_name) for parts in card.lead]
        if card.image is not None:
            lines.append(_file_line("🖼", card.image, saved))
        for section in card.sections:
            lines.append(f"■ {section.heading}")
            lines += [f"  {plain_text(parts, place_name)}" for parts in section.lines]
        if card.footer:
            lines.append(f"— {plain_text(card.footer, place_name)}")
        blocks.append("\n".join(lines))
    extras = [_file_line("📎", attachment, saved) for attachment in reply.attachments]
    extras += [f"🔗 {link.text}: {link.link}" for link in reply.links if link.link]
    if extras:
        blocks.append("\n".join(extras))
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
