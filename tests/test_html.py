"""The HTML renderer on every answer of the data set: each page parses without an error,
says every line of the reply in the same words as chat, and keeps each footnote mark
linked to its source; store text is escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from web_helpers import line_text, parse_page, text_of, tiny_png, walk

from bot.briefing.answers import Briefer, Invocation
from bot.briefing.model import Attachment, Card, Cite, FollowUp, Line, Reply, Section, Span
from bot.render.html import page_html, png_size, reply_html, style_sheet
from store.fact_store import FactStore

TODAY = date(2025, 11, 20)


def page(reply: Reply, locale: str) -> str:
    """A whole page around the reply, as the web front end builds it."""
    body = reply_html(reply, locale, url_for=lambda f: f"/{f.command}", level=1)
    return page_html(
        locale=locale, title="t", body=body, css_href="/s.css", home_href="/", nav=[],
        languages=[], search_action="/search", lang_param="", query="", footer="f",
    )  # fmt: skip


def every_answer(store: FactStore) -> Iterator[tuple[str, dict[str, object]]]:
    """Every program and institution card, the milestone lists, searches, about and the
    answers for names nobody knows."""
    for command in ("program", "institution"):
        for ref in store.complete_default((command,), limit=1000):
            yield command, {"name": ref.id}
        yield command, {"name": "존재하지 않는 이름"}
    yield "milestones", {}
    yield "milestones", {"days": 3650}
    yield "milestones", {"days": 3650, "past": True}
    yield "milestones", {"program": "연구거점", "days": 400}
    for query in ("KAIST", "거점", "AI", "없는말"):
        yield "search", {"query": query}
    yield "search", {"query": "AI", "page": 2}
    yield "about", {}


def check_reply(reply: Reply, html: str) -> None:
    """Every line in chat's words, in order; every mark linked to a listed source."""
    root = parse_page(html)
    articles = [e for e in walk(root) if e.tag == "article"]
    assert len(articles) == len(reply.cards)
    for card, article in zip(reply.cards, articles, strict=True):
        elements = list(walk(article))
        shown = [text_of(li) for li in elements if li.tag == "li"]
        expected = [line_text(parts) for section in card.sections for parts in section.lines]
        assert shown == expected
        leads = [text_of(p) for p in elements if p.tag == "p" and p.get("class") == "lead"]
        assert leads == [line_text(parts) for parts in card.lead]
        headings = [text_of(h) for h in elements if h.tag in ("h1", "h2")]
        assert headings == [card.title, *(s.heading for s in card.sections)]
        listed = {li.get("id") for li in elements if li.tag == "li" and li.get("id")}
        marks = {
            a.get("href", "")[1:] for a in elements if a.tag == "a" and a.get("class") == "cite"
        }
        cited = {
            part.number
            for section in card.sections
            if section.role != "sources"
            for parts in section.lines
            for part in parts
            if isinstance(part, Cite)
        }
        assert marks == {f"{article.get('id')}-src-{n}" for n in cited}
        assert marks <= listed, "a mark points at a source the card does not list"


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_every_answer_of_the_data_set_renders_as_valid_html_with_its_citations(
    store: FactStore, locale: str
) -> None:
    briefer = Briefer(store, today=lambda: TODAY)
    answers = list(every_answer(store))
    assert len(answers) > 60
    for command, options in answers:
        reply = briefer.answer(Invocation(command, options, locale))
        check_reply(reply, page(reply, locale))


HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted" \'single\''


def test_text_from_the_store_is_shown_as_written_never_as_markup() -> None:
    hostile_line: Line = (
        Span(HOSTILE),
        Span(HOSTILE, "strong"),
        Span(HOSTILE, "code"),
        Span(HOSTILE, link='https://example.org/?a="><script>'),
        Span("javascript link", link="javascript:alert(1)"),
        Cite(1),
    )
    card = Card(
        HOSTILE,
        (hostile_line,),
        (
            Section(HOSTILE, (hostile_line,)),
            Section("출처", ((Cite(1), Span(" "), Span(HOSTILE)),), role="sources"),
        ),
        footer=(Span(HOSTILE),),
        image=Attachment("t.png", "image/png", tiny_png(), HOSTILE),
    )
    picks = (FollowUp(HOSTILE, "program", (("name", HOSTILE),)),)
    reply = Reply((card,), suggestions=picks, links=(Span(HOSTILE, link="https://x.test/"),))
    html = page(reply, "ko")
    root = parse_page(html)
    elements = list(walk(root))
    assert [e.tag for e in elements if e.tag in ("script", "img")] == ["img"]
    assert not any(name.startswith("on") for e in elements for name in e.attrib)
    assert all(not (e.get("href") or "").startswith("javascript:") for e in elements)
    assert text_of(next(e for e in elements if e.tag == "h1")) == HOSTILE
    assert next(e for e in elements if e.tag == "img").get("alt") == HOSTILE
    assert html.count("&lt;script&gt;") >= 6
    check_reply(reply, html)


def test_a_picture_keeps_its_size_so_the_page_does_not_jump() -> None:
    assert png_size(tiny_png(7, 3)) == (7, 3)
    assert png_size(b"not a png at all, just text") is None


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two `#rrggbb` colours."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_style_sheet_keeps_text_at_aa_contrast() -> None:
    """Every text colour on every background it is used on: at least 4.5:1 (WCAG AA)."""
    sheet = style_sheet().decode()
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", sheet))
    pairs = [
        (text, background) for text in ("text", "muted", "link") for background in ("page", "panel")
    ]
    for text, background in pairs:
        ratio = contrast(colours[text], colours[background])
        assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}"
    assert contrast("#ffffff", colours["link"]) >= 4.5, "button text"
    assert contrast("#ffffff", colours["text"]) >= 4.5, "the skip link"
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
