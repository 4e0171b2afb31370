"""`Reply` → HTML: the web pages' renderer, beside the Discord and console ones.

The same reply a chat command gets becomes an accessible page fragment: each card an
`<article>` with its title as a heading, sections with their own headings, footnote
marks (`[1]`) linked to the card's sources list exactly as chat numbers them, strong,
emphasis, code and links as their HTML elements, places by name, the card's picture
inline (`<img>` with its description as alt text), "did you mean" picks and page turns
as links. Text from the store is escaped everywhere, twice over: Jinja2's autoescape
for the templates and `markupsafe.escape` for inline parts, so a fact reading
`<script>` is shown as those characters. The page around it (header, language switch,
skip link, landmarks) is `page.html`.

Why Jinja2: autoescaping by default, template inheritance for one layout, and it is
what Datasette (the analyst's view of the same file) already brings along.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from bot.briefing.model import (
    Attachment,
    Card,
    Cite,
    FollowUp,
    Line,
    PlaceRef,
    Reply,
    Section,
    Span,
)
from bot.i18n import MESSAGES

PlaceNamer = Callable[[str], str]
FollowUpUrl = Callable[[FollowUp], str | None]
TEMPLATES = "templates"
_TAGS = {"strong": "strong", "emphasis": "em", "code": "code"}
# The words of the page around the answers (the answers bring their own).
WORDS: dict[str, tuple[str, str]] = {
    "site": ("briefbot · 한국 공공 AI 사업 브리핑", "briefbot · Korea's public AI programs"),
    "skip": ("본문으로 건너뛰기", "Skip to content"),
    "nav": ("사이트 메뉴", "Site"),
    "home": ("처음", "Home"),
    "milestones": ("일정", "Milestones"),
    "search": ("검색", "Search"),
    "search_label": ("검색어", "Search words"),
    "about": ("정보", "About"),
    "language": ("언어", "Language"),
    "programs": ("프로그램", "Programs"),
    "institutions": ("기관", "Institutions"),
    "upcoming": ("다가오는 일정", "Coming up"),
    "all_milestones": ("모든 일정 보기", "All milestones"),
    "pick": ("이것을 찾으셨나요?", "Did you mean"),
    "pages": ("쪽 넘기기", "Pages"),
    "links": ("링크", "Links"),
    "files": ("파일", "Files"),
    "calendar": ("달력", "Calendar"),
    "calendar_file": ("달력 파일 (.ics)", "Calendar file (.ics)"),
    "calendar_feed": (
        "달력 앱에서 이 주소를 구독하면 일정이 바뀔 때 함께 갱신됩니다:",
        "Subscribe to this address in a calendar app to follow changes:",
    ),
    "window": ("기간", "Window"),
    "program": ("프로그램 (비우면 모두)", "Program (empty: all)"),
    "days": ("일수", "Days"),
    "past": ("지난 일정", "Past milestones"),
    "show": ("보기", "Show"),
    "footer": (
        "모든 사실은 출처와 함께 보여 줍니다. 자료: 사실 저장소 변경 {revision}번 · 오늘 {today}.",
        "Every fact is shown with its sources. Data: fact store revision {revision} · today {today}.",
    ),
}
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}


def word(key: str, locale: str, **values: object) -> str:
    """A word of the page layout in `locale`."""
    ko, en = WORDS[key]
    text = en if locale == "en" else ko
    return text.format(**values) if values else text


@functools.cache
def environment() -> jinja2.Environment:
    """The templates, autoescaped, failing on any undefined name."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bot.render", TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def templates_digest() -> str:
    """A short digest of what shapes a page besides the facts: the templates, the style
    sheet, this renderer and every message. It is part of each page's ETag, so a new
    release is never answered with an old page's `304 Not Modified`."""
    hasher = hashlib.sha256()
    folder = resources.files("bot.render") / TEMPLATES
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        hasher.update(item.name.encode() + b"\0" + item.read_bytes())
    hasher.update(Path(__file__).read_bytes())
    hasher.update(repr(sorted(MESSAGES.items())).encode())
    return hasher.hexdigest()[:12]


def style_sheet() -> bytes:
    """The one style sheet of every page."""
    return (resources.files("bot.render") / TEMPLATES / "briefbot.css").read_bytes()


def _is_web(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("https://", "http://"))


def _span(span: Span) -> Markup:
    text = escape(span.text)
    tag = _TAGS.get(span.style)
    if tag:
        text = Markup(f"<{tag}>{text}</{tag}>")
    if _is_web(span.link):
        return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(span.link, text)
    return text


@dataclass(frozen=True)
class _Context:
    """What inline parts need to become HTML: the card's anchor prefix and place names."""

    card_id: str
    place_name: PlaceNamer

    def inline(self, parts: Iterable[Span | Cite | PlaceRef]) -> Markup:
        out = []
        for part in parts:
            if isinstance(part, Cite):
                out.append(
                    Markup('<a class="cite" href="#{}-src-{}">[{}]</a>').format(
                        self.card_id, part.number, part.number
                    )
                )
            elif isinstance(part, PlaceRef):
                out.append(escape(self.place_name(part.place)))
            else:
                out.append(_span(part))
        return Markup("").join(out)

    def source_item(self, parts: Line) -> dict[str, Any]:
        """A line of the sources list: its footnote mark becomes the anchor it links to."""
        if parts and isinstance(parts[0], Cite):
            number = parts[0].number
            return {
                "id": f"{self.card_id}-src-{number}",
                "html": Markup("[{}]").format(number) + self.inline(parts[1:]),
            }
        return {"id": None, "html": self.inline(parts)}


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's width and height from its header, so the page keeps room for the picture."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def data_url(attachment: Attachment) -> str:
    """The file inline, as a `data:` URL (pictures stay with the page they belong to)."""
    encoded = base64.b64encode(attachment.data).decode("ascii")
    return f"data:{attachment.media_type};base64,{encoded}"


def _image(attachment: Attachment) -> dict[str, Any]:
    size = png_size(attachment.data)
    return {
        "src": data_url(attachment),
        "alt": attachment.description or attachment.filename,
        "width": size[0] if size else None,
        "height": size[1] if size else None,
    }


def _section(
    section: Section, context: _Context, number: int, url_for: FollowUpUrl
) -> dict[str, Any]:
    if section.role == "sources":
        items = [context.source_item(parts) for parts in section.lines]
    else:
        items = [{"id": None, "html": context.inline(parts)} for parts in section.lines]
    return {
        "id": f"{context.card_id}-s{number}",
        "heading": section.heading,
        "href": url_for(section.subject) if section.subject is not None else None,
        "role": section.role,
        "items": items,
    }


def _card(card: Card, card_id: str, place_name: PlaceNamer, url_for: FollowUpUrl) -> dict[str, Any]:
    context = _Context(card_id, place_name)
    return {
        "id": card_id,
        "title": card.title,
        "tone": card.tone,
        "lead": [context.inline(parts) for parts in card.lead],
        "image": _image(card.image) if card.image is not None else None,
        "sections": [_section(s, context, n, url_for) for n, s in enumerate(card.sections, 1)],
        "footer": context.inline(card.footer) if card.footer else None,
    }


def _follow_ups(
    follow_ups: Sequence[FollowUp | None], url_for: FollowUpUrl
) -> list[dict[str, str]]:
    """Follow-ups that have a page, as links; the rest (no page) are left out."""
    links = []
    for follow_up in follow_ups:
        if follow_up is None:
            continue
        url = url_for(follow_up)
        if url is not None:
            links.append({"label": follow_up.label, "href": url})
    return links


def reply_html(
    reply: Reply,
    locale: str,
    *,
    url_for: FollowUpUrl,
    place_name: PlaceNamer = str,
    level: int = 1,
    id_prefix: str = "card",
) -> Markup:
    """A reply as an HTML fragment: cards with headings at `level` (sections one below),
    picks and page turns as links to their pages (`url_for`), links and files after."""
    pagination = reply.pagination
    context = {
        "cards": [
            _card(card, f"{id_prefix}{n}", place_name, url_for)
            for n, card in enumerate(reply.cards, 1)
        ],
        "level": level,
        "error": reply.is_error,
        "picks": _follow_ups(reply.suggestions, url_for),
        "previous": _follow_ups([pagination.previous], url_for) if pagination else [],
        "next": _follow_ups([pagination.next], url_for) if pagination else [],
        "page": f"{pagination.page} / {pagination.pages}"
        if pagination and pagination.pages > 1
        else None,
        "links": [
            {"label": link.text, "href": link.link} for link in reply.links if _is_web(link.link)
        ],
        "files": [
            {"name": a.filename, "label": a.description or a.filename, "href": data_url(a)}
            for a in reply.attachments
        ],
        "words": {key: word(key, locale) for key in WORDS},
    }
    return Markup(environment().get_template("reply.html").render(context))


def page_html(template: str = "page.html", **context: Any) -> str:
    """A whole page (`page.html`, or a page that extends it) around a rendered body;
    `context` names what the template needs."""
    locale = context["locale"]
    return (
        environment()
        .get_template(template)
        .render(
            words={key: word(key, locale) for key in WORDS},
            language_names=LANGUAGE_NAMES,
            **context,
        )
    )
