"""The web pages: each is the answer a chat command gives, rendered as HTML.

`/program/<id-or-name>`, `/institution/<…>`, `/milestones?program=&days=&past=`,
`/search?q=&page=` and `/about` run exactly the `Invocation` the chat command would
(`front_end="web"`) through the same `App`; `/` puts the program and institution lists
(the app's own completions) beside what is due next; `/calendar.ics?program=` is the
`/milestones … format:ics` answer's file, for calendar apps to subscribe to.

Every page is in Korean or English: `?lang=` when given (the visible switch, kept in
every link from then on), else the browser's `Accept-Language`, else `[bot] locale`.
A page depends on the store's revision, the language and the day, so that is its ETag
(with a digest of the templates): a browser revalidates and gets `304 Not Modified`
until the facts change. A name nobody knows is a 404 page that keeps the "did you
mean" links; an option that does not read is a 400 page saying why. Nothing here
writes to the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import hdrs, web
from markupsafe import Markup

from bot.app import App
from bot.briefing.answers import Invocation
from bot.briefing.commands import COMMANDS, OptionError, validate_options
from bot.briefing.links import CALENDAR_PATH, absolute, answer_path, calendar_path
from bot.briefing.model import FollowUp, Reply
from bot.http_server import HttpServer
from bot.i18n import LOCALES, t
from bot.render.html import page_html, reply_html, style_sheet, templates_digest, word
from bot.trust import Actor

# Who a web page is answered for: anyone, trusted with nothing (pages only read).
VISITOR = Actor("web:visitor")
FRONT_END = "web"
# The index lists at most this many programs and institutions (the rest are a search away).
INDEX_LIMIT = 100
# A subscribed calendar holds the next ten years (the most `days` allows) and what is overdue.
FEED_DAYS = 3650
STYLE_PATH = "/static/briefbot.css"
HTML = "text/html"
CALENDAR = "text/calendar"
SECURITY_HEADERS = {
    # No script runs on these pages, whatever a fact's text says.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:;"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def negotiate_locale(query_lang: str | None, accept_language: str | None, default: str) -> str:
    """`?lang=` if it names a language we speak, else the most preferred one of
    `Accept-Language` we speak (`ko-KR,ko;q=0.9,en;q=0.8`), else `default`."""
    if query_lang in LOCALES:
        return query_lang
    ranked = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LOCALES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else default


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weakly, as RFC 9110 compares for GET), or `*`."""
    if not header:
        return False
    candidates = [item.strip().removeprefix("W/") for item in header.split(",")]
    return "*" in candidates or etag in candidates


@dataclass(frozen=True)
class Visit:
    """One request as the pages see it: the language, whether it was chosen (then every
    link keeps it), the store's revision and today, read before anything else."""

    locale: str
    chosen: bool
    revision: int
    today: date

    @property
    def etag(self) -> str:
        return f'"{self.revision}-{self.locale}-{self.today.isoformat()}-{templates_digest()}"'


@dataclass(frozen=True)
class Page:
    """What a page handler produces: a status, a body and its content type."""

    status: int
    body: bytes
    content_type: str = HTML
    filename: str | None = None


class WebPages:
    """The handlers of every page, answering through `app` like any front end."""

    def __init__(self, app: App) -> None:
        self.app = app
        base = app.config.web_base_url
        # Behind a proxy that serves the pages under a path, links keep that path.
        self.prefix = urlsplit(base).path.rstrip("/") if base else ""

    def routes(self) -> list[web.RouteDef]:
        """Every page's route; GET answers HEAD too."""
        return [
            web.get("/", self.index),
            web.get("/program/{name:.+}", self.program),
            web.get("/institution/{name:.+}", self.institution),
            web.get("/milestones", self.milestones),
            web.get("/search", self.search),
            web.get("/about", self.about),
            web.get(CALENDAR_PATH, self.calendar),
            web.get(STYLE_PATH, self.style),
        ]

    # -- requests ------------------------------------------------------------------------

    async def _serve(
        self, request: web.Request, build: Callable[[Visit, web.Request], Page]
    ) -> web.StreamResponse:
        """Answer with a page built for this request's visit, or `304` if the browser's
        copy (by ETag) is current. Building runs off the event loop: it reads the store."""
        chosen = request.query.get("lang")
        locale = negotiate_locale(
            chosen, request.headers.get(hdrs.ACCEPT_LANGUAGE), self.app.config.locale
        )
        revision = await asyncio.to_thread(self.app.store.revision)
        visit = Visit(locale, chosen in LOCALES, revision, self.app.today())
        headers = {
            hdrs.ETAG: visit.etag,
            hdrs.CACHE_CONTROL: "no-cache",
            hdrs.VARY: hdrs.ACCEPT_LANGUAGE,
            hdrs.CONTENT_LANGUAGE: locale,
            **SECURITY_HEADERS,
        }
        if etag_matches(request.headers.get(hdrs.IF_NONE_MATCH), visit.etag):
            return web.Response(status=304, headers=headers)
        page = await asyncio.to_thread(build, visit, request)
        if page.status != 200:  # an error page is not worth revalidating
            del headers[hdrs.ETAG]
        if page.filename:
            headers[hdrs.CONTENT_DISPOSITION] = f'inline; filename="{page.filename}"'
        return web.Response(
            status=page.status,
            body=page.body,
            content_type=page.content_type,
            charset="utf-8",
            headers=headers,
        )

    async def index(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._index)

    async def program(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._entity_page("program"))

    async def institution(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._entity_page("institution"))

    async def milestones(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._milestones)

    async def search(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._search)

    async def about(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._about)

    async def calendar(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self._calendar)

    async def style(self, request: web.Request) -> web.StreamResponse:
        """The style sheet: its address carries the templates' digest, so it never changes."""
        return web.Response(
            body=style_sheet(),
            content_type="text/css",
            charset="utf-8",
            headers={hdrs.CACHE_CONTROL: "public, max-age=31536000, immutable"},
        )

    # -- addresses -----------------------------------------------------------------------

    def href(self, path: str, visit: Visit) -> str:
        """An address on this site, keeping the chosen language."""
        if not visit.chosen:
            return self.prefix + path
        separator = "&" if "?" in path else "?"
        return f"{self.prefix}{path}{separator}{urlencode({'lang': visit.locale})}"

    def absolute(self, request: web.Request, path: str) -> str:
        """The full address of `path`: under `[web] base_url`, else as this request came."""
        base = self.app.config.web_base_url
        if base:
            return absolute(base, path)
        return f"{request.scheme}://{request.host}{path}"

    def follow_up_href(self, visit: Visit) -> Callable[[FollowUp], str | None]:
        def url(follow_up: FollowUp) -> str | None:
            path = answer_path(follow_up.command, follow_up.option_values)
            return self.href(path, visit) if path is not None else None

        return url

    def _languages(self, request: web.Request, visit: Visit) -> list[dict[str, Any]]:
        """The switch: this same page in each language."""
        return [
            {
                "locale": locale,
                "href": self.prefix + str(request.rel_url.update_query(lang=locale)),
                "current": locale == visit.locale,
            }
            for locale in LOCALES
        ]

    def _nav(self, request: web.Request, visit: Visit) -> list[dict[str, Any]]:
        items = (("home", "/"), ("milestones", "/milestones"), ("about", "/about"))
        return [
            {
                "label": word(key, visit.locale),
                "href": self.href(path, visit),
                "current": request.path == path,
            }
            for key, path in items
        ]

    # -- pages ---------------------------------------------------------------------------

    def _answer(self, command: str, options: Mapping[str, Any], visit: Visit) -> Reply:
        invocation = Invocation(
            command, dict(options), visit.locale, VISITOR, None, front_end=FRONT_END
        )
        return self.app.answer(invocation).reply

    def _status(self, command: str, options: Mapping[str, Any], reply: Reply) -> int:
        """200; for an error, 400 when an option does not read, else 404 (no such name
        or page)."""
        if not reply.is_error:
            return 200
        try:
            validate_options(COMMANDS[command], dict(options))
        except OptionError:
            return 400
        return 404

    def _fragment(self, reply: Reply, visit: Visit, level: int) -> Markup:
        return reply_html(reply, visit.locale, url_for=self.follow_up_href(visit), level=level)

    def _html(
        self,
        request: web.Request,
        visit: Visit,
        *,
        title: str,
        body: Markup,
        status: int = 200,
        template: str = "page.html",
        **extra: Any,
    ) -> Page:
        html = page_html(
            template=template,
            locale=visit.locale,
            title=title,
            body=body,
            css_href=f"{self.prefix}{STYLE_PATH}?v={templates_digest()}",
            home_href=self.href("/", visit),
            nav=self._nav(request, visit),
            languages=self._languages(request, visit),
            search_action=self.prefix + "/search",
            lang_param=visit.locale if visit.chosen else "",
            query=extra.pop("query", ""),
            footer=word("footer", visit.locale, revision=visit.revision, today=visit.today),
            **extra,
        )
        return Page(status, html.encode("utf-8"))

    def _reply_page(
        self, request: web.Request, visit: Visit, command: str, options: Mapping[str, Any]
    ) -> Page:
        """A page that is one command's answer, its first card's title the page's heading."""
        reply = self._answer(command, options, visit)
        title = reply.cards[0].title if reply.cards else word("site", visit.locale)
        return self._html(
            request,
            visit,
            title=title,
            body=self._fragment(reply, visit, level=1),
            status=self._status(command, options, reply),
        )

    def _entity_page(self, command: str) -> Callable[[Visit, web.Request], Page]:
        def build(visit: Visit, request: web.Request) -> Page:
            return self._reply_page(request, visit, command, {"name": request.match_info["name"]})

        return build

    def _about(self, visit: Visit, request: web.Request) -> Page:
        return self._reply_page(request, visit, "about", {})

    def _entities(self, command: str, visit: Visit) -> list[dict[str, str]]:
        """Every entity the command answers for, by name, as links (the completions a
        chat client offers before anything is typed)."""
        choices = self.app.complete(command, "name", "", visit.locale, INDEX_LIMIT)
        return [
            {
                "name": c.name,
                "href": self.href(answer_path(command, {"name": c.value}) or "/", visit),
            }
            for c in choices
        ]

    def _index(self, visit: Visit, request: web.Request) -> Page:
        upcoming = self._answer("milestones", {}, visit)
        return self._html(
            request,
            visit,
            template="index.html",
            title=word("site", visit.locale),
            body=self._fragment(upcoming, visit, level=3),
            description=t("about.description", visit.locale),
            programs=self._entities("program", visit),
            institutions=self._entities("institution", visit),
            milestones_href=self.href("/milestones", visit),
        )

    def _milestones(self, visit: Visit, request: web.Request) -> Page:
        query = request.query
        options = {
            name: query[name] for name in ("program", "days", "past") if query.get(name, "").strip()
        }
        reply = self._answer("milestones", options, visit)
        status = self._status("milestones", options, reply)
        program = options.get("program")
        calendar = None
        if status == 200:
            path = calendar_path(program)
            calendar = {"href": self.href(path, visit), "url": self.absolute(request, path)}
        return self._html(
            request,
            visit,
            template="milestones.html",
            title=word("milestones", visit.locale),
            body=self._fragment(reply, visit, level=2),
            status=status,
            form_action=self.prefix + "/milestones",
            form={
                "program": options.get("program", ""),
                "days": options.get("days", COMMANDS["milestones"].option("days").default),
                "past": options.get("past", "") in ("true", "1", "on", "yes"),
            },
            program_names=[
                c.name
                for c in self.app.complete("milestones", "program", "", visit.locale, INDEX_LIMIT)
            ],
            calendar=calendar,
        )

    def _search(self, visit: Visit, request: web.Request) -> Page:
        query = request.query.get("q", "").strip()
        options: dict[str, Any] = {"query": query}
        if request.query.get("page", "").strip():
            options["page"] = request.query["page"]
        status, body = 200, Markup("")
        if query:
            reply = self._answer("search", options, visit)
            status = self._status("search", options, reply)
            body = self._fragment(reply, visit, level=2)
        return self._html(
            request,
            visit,
            template="search.html",
            site_search=False,
            title=word("search", visit.locale) + (f": {query}" if query else ""),
            body=body,
            status=status,
            query=query,
            hint=t("cmd.search.query", visit.locale),
        )

    def _calendar(self, visit: Visit, request: web.Request) -> Page:
        """The `.ics` of `/milestones … format:ics`: by default ten years ahead and what is
        overdue, for calendar apps to subscribe to."""
        query = request.query
        options: dict[str, Any] = {"format": "ics", "days": query.get("days") or FEED_DAYS}
        for name in ("program", "past"):
            if query.get(name, "").strip():
                options[name] = query[name]
        reply = self._answer("milestones", options, visit)
        status = self._status("milestones", options, reply)
        if status != 200 or not reply.attachments:
            return self._html(
                request,
                visit,
                title=reply.cards[0].title,
                body=self._fragment(reply, visit, level=1),
                status=status if status != 200 else 404,
            )
        ics = reply.attachments[0]
        return Page(200, ics.data, CALENDAR, ics.filename)


def add_web_routes(server: HttpServer, app: App) -> WebPages:
    """Serve the web pages on the bot's HTTP application (before it starts)."""
    pages = WebPages(app)
    server.web.add_routes(pages.routes())
    return pages
