"""Serving the web pages for tests, and reading them as a browser's parser does.

`serving_web(app)` starts the bot's HTTP application with the pages on a free port of
127.0.0.1 and yields it with a real aiohttp client; `parse_page` parses a page with
html5lib in strict mode (any HTML parse error fails) and checks what the pages promise
everywhere: one `main` and one `h1`, headings that never skip a level, unique ids,
every in-page link landing on an id, every picture with alt text.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import aiohttp
import html5lib

from bot.app import App
from bot.briefing.model import Cite, Line, PlaceRef, Span
from bot.http_server import HttpServer
from bot.render.timeline import TimelineCache
from bot.web import add_web_routes

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class Site:
    """The pages being served, the app behind them and a client pointed at them."""

    app: App
    server: HttpServer
    client: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return self.server.url


@asynccontextmanager
async def serving_web(app: App) -> AsyncIterator[Site]:
    """The app's web pages on a free port, as `python -m bot serve` serves them."""
    server = HttpServer("127.0.0.1", 0)
    add_web_routes(server, app)
    await server.start()
    try:
        async with aiohttp.ClientSession(server.url) as client:
            yield Site(app, server, client)
    finally:
        await server.stop()


def tiny_png(width: int = 4, height: int = 2) -> bytes:
    """A valid PNG of white pixels: a stand-in picture where drawing is not under test."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + b"\xff" * 3 * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def quick_pictures(app: App) -> None:
    """Give the app's program cards stand-in pictures (drawing is tested on its own)."""
    app.briefer.timeline = TimelineCache(draw=lambda *_, **__: tiny_png()).picture


def text_of(element: Element) -> str:
    return "".join(element.itertext())


def walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element:
        yield from walk(child)


def parse_page(html: str) -> Element:
    """The page's tree; fails on any parse error or broken promise of the pages."""
    parser = html5lib.HTMLParser(
        strict=True, tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False
    )
    root: Any = parser.parse(html)
    elements = list(walk(root))
    assert root.get("lang") in ("ko", "en"), "the page names its language"
    assert len([e for e in elements if e.tag == "main"]) == 1, "one main landmark"
    headings = [e for e in elements if e.tag in HEADINGS]
    assert [h.tag for h in headings].count("h1") == 1, "one h1"
    level = 0
    for heading in headings:
        new = int(heading.tag[1])
        assert new <= level + 1, f"{heading.tag} {text_of(heading)!r} skips a level"
        level = new
    ids = [e.get("id") for e in elements if e.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    for element in elements:
        href = element.get("href") or ""
        if element.tag == "a" and href.startswith("#"):
            assert href[1:] in ids, f"the link {href} lands nowhere"
        if element.tag == "img":
            assert (element.get("alt") or "").strip(), "a picture without alt text"
    return root


def line_text(parts: Line) -> str:
    """A line's words as a page shows them: marks as `[n]`, code without backticks."""
    out = []
    for part in parts:
        if isinstance(part, Cite):
            out.append(f"[{part.number}]")
        elif isinstance(part, PlaceRef):
            out.append(part.place)
        else:
            assert isinstance(part, Span)
            out.append(part.text)
    return "".join(out)
