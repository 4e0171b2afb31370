"""What an answer says, before any front end decides how it looks.

A `Reply` carries meaning only: titled cards with a lead and sections of lines, each
line a run of `Span`s (plain, strong or emphasised text, maybe a link), footnote marks
(`Cite`) and places (`PlaceRef`, a channel the front end names its own way), plus
pagination and suggested follow-up commands as data. There is no markup, no platform
limit and no layout trick in here: each front end's renderer (`bot.render.*`) turns the
same reply into its own messages, console text or HTML, and splits it as its platform
requires.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Style = Literal["plain", "strong", "emphasis", "code"]
Tone = Literal["program", "institution", "person", "list", "error"]
SectionRole = Literal["body", "sources", "hint"]


@dataclass(frozen=True)
class Span:
    """A run of text with one emphasis (`code` is something to type, such as a command);
    `link` makes it point at a URL."""

    text: str
    style: Style = "plain"
    link: str | None = None


@dataclass(frozen=True)
class Cite:
    """A footnote mark: the `number`th source listed in the card's sources section."""

    number: int


@dataclass(frozen=True)
class PlaceRef:
    """A place (channel) named by its opaque id; its own front end knows how to show it."""

    place: str


Inline = Span | Cite | PlaceRef
Line = tuple[Inline, ...]


def line(*parts: Inline | str) -> Line:
    """A line from spans, marks and plain strings (a `str` is a plain span)."""
    return tuple(Span(p) if isinstance(p, str) else p for p in parts if p != "")


def prose(text: str) -> Line:
    """A sentence of the bot's own (an i18n message), whose `backticked` parts are things
    to type: they become `code` spans. Never used on text from the store."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick is a character, not markup
        return line(text)
    return tuple(
        Span(piece, "code" if i % 2 else "plain") for i, piece in enumerate(pieces) if piece
    )


def strong(text: str) -> Span:
    return Span(text, "strong")


def emphasis(text: str) -> Span:
    return Span(text, "emphasis")


def plain_text(parts: Iterable[Inline], place_name: Any = None) -> str:
    """A line's words without any markup: marks as `[n]`, places by `place_name(place)`
    (their raw id when no namer is given). For logs, tests and plain renderers."""
    out = []
    for part in parts:
        if isinstance(part, Span):
            out.append(f"`{part.text}`" if part.style == "code" else part.text)
        elif isinstance(part, Cite):
            out.append(f"[{part.number}]")
        else:
            out.append(place_name(part.place) if place_name else part.place)
    return "".join(out)


@dataclass(frozen=True)
class Section:
    """A heading (always saying what follows) and its lines, kept whole when split.

    `role` says what the section is for, so a renderer may place it apart: `sources`
    lists the card's footnotes, `hint` tells the reader what to do next.
    """

    heading: str
    lines: tuple[Line, ...]
    role: SectionRole = "body"


@dataclass(frozen=True)
class Attachment:
    """A file that goes with an answer (a timeline picture, a calendar): each front end
    sends it its own way (an attachment, an upload, a file written at the console)."""

    filename: str
    media_type: str
    data: bytes
    description: str = ""


@dataclass(frozen=True)
class Card:
    """One titled answer: a lead paragraph, sections, a footer line, and a picture shown
    with it (`image`), if any."""

    title: str
    lead: tuple[Line, ...] = ()
    sections: tuple[Section, ...] = ()
    footer: Line | None = None
    tone: Tone = "list"
    image: Attachment | None = None


@dataclass(frozen=True)
class FollowUp:
    """A command the reader can run next with one click: a page, or a name to pick.

    `options` are the command's raw option values, as a typed line would give them.
    """

    label: str
    command: str
    options: tuple[tuple[str, Any], ...]

    @property
    def option_values(self) -> dict[str, Any]:
        return dict(self.options)


@dataclass(frozen=True)
class Pagination:
    """Page `page` of `pages` of the same answer, with the commands for its neighbours."""

    page: int
    pages: int
    previous: FollowUp | None = None
    next: FollowUp | None = None


@dataclass(frozen=True)
class Reply:
    """Everything one command answers.

    `private` replies are seen only by the asker; `suggestions` are follow-ups offered
    as choices (the candidates for an ambiguous name); `attachments` are files the
    answer comes with (a calendar), besides the cards' pictures; `links` are web
    addresses of the same answer (its page), as labelled URLs. `refused` marks an error
    that is about who asked, not what they typed (the asker may not do this), so that it
    is counted apart from bad input.
    """

    cards: tuple[Card, ...]
    private: bool = False
    is_error: bool = False
    refused: bool = False
    pagination: Pagination | None = None
    suggestions: tuple[FollowUp, ...] = field(default=())
    attachments: tuple[Attachment, ...] = field(default=())
    links: tuple[Span, ...] = field(default=())


@dataclass(frozen=True)
class FormField:
    """One field of a form: its current value and how much text it takes."""

    name: str
    label: str
    value: str
    max_length: int
    required: bool = False
    long: bool = False


@dataclass(frozen=True)
class Form:
    """A multi-field edit (a modal where the front end has one): what it edits (`kind`,
    `key`) as of which store revision, so a form submitted after someone else changed
    the same thing is refused rather than applied over their change."""

    kind: str  # "milestone" | "fact"
    key: str
    revision: int
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class Answer:
    """What a command produces: the reply to the asker; for a change, the card an audit
    channel may echo; for a form command, the form to show (`reply` then says in words
    what the form holds, for front ends without forms)."""

    reply: Reply
    audit: Reply | None = None
    form: Form | None = None
