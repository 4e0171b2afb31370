"""Reading a `Reply` as plain words in tests: what a reader sees, without any renderer."""

from __future__ import annotations

from bot.briefing.model import Card, Reply, Section, plain_text


def lead(card: Card) -> str:
    """The card's lead paragraph as text."""
    return "\n".join(plain_text(parts) for parts in card.lead)


def lines(section: Section) -> list[str]:
    """The section's lines as text (`[n]` for footnote marks)."""
    return [plain_text(parts) for parts in section.lines]


def value(section: Section) -> str:
    return "\n".join(lines(section))


def footer(card: Card) -> str:
    return plain_text(card.footer) if card.footer else ""


def section(card: Card, heading: str) -> Section:
    """The section of `card` whose heading starts with `heading`."""
    found = [s for s in card.sections if s.heading.startswith(heading)]
    assert found, f"no section {heading!r} in {[s.heading for s in card.sections]}"
    return found[0]


def words(reply: Reply) -> str:
    """Everything a reply says, as one text (titles, leads, headings, lines, footers)."""
    parts = []
    for card in reply.cards:
        parts += [card.title, lead(card)]
        for part in card.sections:
            parts += [part.heading, *lines(part)]
        parts.append(footer(card))
    return "\n".join(p for p in parts if p)
