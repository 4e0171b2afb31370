"""What an answer is, before any front end shapes it: cards of titled fields."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """A titled block of lines; renderers keep whole lines together when they must split."""

    name: str
    lines: tuple[str, ...]
    inline: bool = False

    @property
    def value(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Card:
    """One titled answer: a Discord embed, a Slack section, a block of console text."""

    title: str
    description: str | None = None
    fields: tuple[Field, ...] = ()
    footer: str | None = None
    color: int | None = None


@dataclass(frozen=True)
class PageLink:
    """A way to another page of the same answer (a button on Discord, a hint in text)."""

    label: str
    command: str
    page: int
    token: str


@dataclass(frozen=True)
class Reply:
    """Everything one command answers: cards, whether only the asker sees it, page links."""

    cards: tuple[Card, ...]
    ephemeral: bool = False
    is_error: bool = False
    pages: tuple[PageLink, ...] = field(default=())


COLORS = {
    "program": 0x2B6CB0,
    "institution": 0x2F855A,
    "person": 0x805AD5,
    "error": 0xC53030,
    "list": 0x4A5568,
}
