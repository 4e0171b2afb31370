"""What every chat renderer does the same way: fit text into a platform's limits and walk
the parts of a line, each platform saying only how a span or a place looks."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.briefing.model import Cite, Line, PlaceRef, Span


def cut(text: str, limit: int) -> str:
    """`text`, or its first `limit - 1` characters and `…`."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pack_lines(lines: Iterable[str], limit: int) -> list[str]:
    """Lines joined into chunks of at most `limit` characters, never splitting a line that
    fits (a longer one is cut): a section split over several fields or blocks keeps every
    line whole and in order."""
    chunks: list[str] = []
    current = ""
    for text in lines:
        text = cut(text, limit)
        candidate = f"{current}\n{text}" if current else text
        if len(candidate) > limit:
            chunks.append(current)
            candidate = text
        current = candidate
    if current:
        chunks.append(current)
    return chunks


def render_line(parts: Line, span: Callable[[Span], str], place: Callable[[str], str]) -> str:
    """One line in a platform's markup: footnote marks as `[n]`, spans and places as the
    platform writes them."""
    out = []
    for part in parts:
        if isinstance(part, Cite):
            out.append(f"[{part.number}]")
        elif isinstance(part, PlaceRef):
            out.append(place(part.place))
        else:
            out.append(span(part))
    return "".join(out)
