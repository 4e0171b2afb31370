"""`Briefer`: answers a lookup command with a `Reply`, for any front end.

This is the one place that decides what each lookup says; adapters only parse input
and render what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from bot.briefing.cache import ReplyCache
from bot.briefing.cards import STALE_AFTER_DAYS, entity_card
from bot.briefing.commands import COMMANDS, OptionError, validate_options
from bot.briefing.links import absolute, answer_path, calendar_path
from bot.briefing.lists import (
    SEARCH_PAGE_SIZE,
    about_reply,
    calendar_milestones,
    calendar_reply,
    milestones_reply,
    search_reply,
)
from bot.briefing.model import Attachment, Card, FollowUp, Reply, Section, Span, line, prose
from bot.i18n import t
from bot.trust import ANONYMOUS, Actor
from store.errors import InvalidInput
from store.fact_store import FactStore
from store.limits import NAME_MAX
from store.model import EntityRef, MilestoneView
from store.resolve import Resolution

# How many names a completion offers at most; each front end shows as many as it can.
COMPLETION_LIMIT = 25
# A did-you-mean list offers this many names to pick from.
SUGGESTIONS = 5


@dataclass(frozen=True)
class Invocation:
    """A command as typed or clicked: its name, raw option values, the locale to answer
    in, who asked (`actor`), where (`place`, the front end's opaque channel id) and
    through which front end (`front_end`, a name for logs and metrics only: the answer
    never depends on it)."""

    command: str
    options: dict[str, Any] = field(default_factory=dict)
    locale: str = "ko"
    actor: Actor = ANONYMOUS
    place: str | None = None
    front_end: str = "console"


@dataclass(frozen=True)
class Choice:
    """A completion: what the user sees and the value sent back."""

    name: str
    value: str


class TimelineDrawer(Protocol):
    """Draws a program's milestones as a PNG, remembered per store `revision` (the
    composition root passes `bot.render.timeline.TimelineCache.picture`)."""

    def __call__(
        self,
        revision: int,
        program: EntityRef,
        milestones: Callable[[], Sequence[MilestoneView]],
        *,
        today: date,
        locale: str,
    ) -> bytes: ...


class CalendarWriter(Protocol):
    """Writes milestones as an iCalendar file (`bot.render.ics.milestones_ics`)."""

    def __call__(
        self,
        milestones: Sequence[MilestoneView],
        *,
        locale: str,
        calendar_name: str,
        today: date,
        stamp: datetime,
    ) -> bytes: ...


def file_stem(text: str) -> str:
    """`text` as a file name any system and upload accepts: ASCII letters, digits, `-`."""
    stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in text)
    return stem.strip("-") or "entity"


def error_reply(message: str, locale: str, *, refused: bool = False) -> Reply:
    """A polite, private explanation of what went wrong; `refused` when it is that the
    asker may not do this, rather than anything they typed."""
    card = Card(t("err.title", locale), (prose(message),), tone="error")
    return Reply((card,), private=True, is_error=True, refused=refused)


def unknown_command_reply(command: str, known: Iterable[str], locale: str) -> Reply:
    """The answer to a command nobody here handles: it names the ones that are (every
    part of the core answers a stray invocation the same way)."""
    commands = ", ".join(f"/{name}" for name in known)
    return error_reply(
        t("err.unknown_command", locale, command=f"/{command}", commands=commands), locale
    )


class Briefer:
    """Answers lookups from a `FactStore`; `today` is injectable so windows are testable.

    What needs a drawing or a file format comes in from the composition root, so the
    core imports no renderer: `timeline` puts a picture on program cards, `calendar`
    makes `/milestones format:ics` answer with a file, and `base_url` (the web pages'
    address) gives answers a link to their page.
    """

    def __init__(
        self,
        store: FactStore,
        today: Callable[[], date] = date.today,
        stale_after_days: int = STALE_AFTER_DAYS,
        *,
        timeline: TimelineDrawer | None = None,
        calendar: CalendarWriter | None = None,
        base_url: str | None = None,
    ) -> None:
        self.store = store
        self.today = today
        self.stale_after_days = stale_after_days
        self.timeline = timeline
        self.calendar = calendar
        self.base_url = base_url
        self.cache: ReplyCache[Reply] = ReplyCache()
        self.completions: ReplyCache[tuple[Choice, ...]] = ReplyCache()
        self._handlers: dict[str, Callable[..., Reply]] = {
            "program": self._program,
            "institution": self._institution,
            "milestones": self._milestones,
            "search": self._search,
            "about": self._about,
        }

    def answer(self, invocation: Invocation) -> Reply:
        """The reply to one invocation; bad input becomes an explanation, never an exception."""
        locale = invocation.locale
        command = COMMANDS.get(invocation.command)
        if command is None:
            return unknown_command_reply(invocation.command, COMMANDS, locale)
        try:
            values = validate_options(command, invocation.options)
            key = (
                command.name,
                tuple(sorted(values.items())),
                locale,
                self.today(),
                self.store.revision(),
            )
            handler = self._handlers[command.name]
            return self.cache.get_or_build(key, lambda: handler(locale=locale, **values))
        except (OptionError, InvalidInput) as exc:
            return error_reply(exc.message(locale), locale)

    def _linked(self, reply: Reply, locale: str, *paths: tuple[str, str | None]) -> Reply:
        """`reply` with links to its web page (and feed), when the pages have an address."""
        if self.base_url is None or reply.is_error:
            return reply
        links = tuple(
            Span(t(label, locale), link=absolute(self.base_url, path))
            for label, path in paths
            if path is not None
        )
        return replace(reply, links=(*reply.links, *links))

    def _entity(self, name: str, entity_class: str, locale: str) -> Reply:
        resolution = self.store.resolve(name, classes=[entity_class])
        if resolution.entity is None:
            return self.not_found(resolution, entity_class, locale, entity_class, "name")
        # Read before the facts: a picture drawn from them is never filed under a later
        # revision than the one it shows.
        revision = self.store.revision()
        detail = self.store.entity(resolution.entity.id)
        if detail is None:  # removed between the two reads: say so rather than crash
            return self.not_found(resolution, entity_class, locale, entity_class, "name")
        card = entity_card(detail, self.today(), locale, self.stale_after_days)
        if entity_class == "program" and detail.milestones and self.timeline is not None:
            card = replace(
                card, image=self._timeline(revision, detail.ref, detail.milestones, locale)
            )
        page = answer_path(entity_class, {"name": detail.ref.id})
        return self._linked(Reply((card,)), locale, ("web.page", page))

    def _timeline(
        self, revision: int, program: EntityRef, milestones: list[MilestoneView], locale: str
    ) -> Attachment:
        """The program's timeline picture, described in words for those who cannot see it."""
        assert self.timeline is not None
        png = self.timeline(
            revision, program, lambda: milestones, today=self.today(), locale=locale
        )
        description = t(
            "card.timeline", locale, program=program.name(locale), count=len(milestones)
        )
        return Attachment(f"timeline-{file_stem(program.id)}.png", "image/png", png, description)

    def _program(self, *, name: str, locale: str) -> Reply:
        return self._entity(name, "program", locale)

    def _institution(self, *, name: str, locale: str) -> Reply:
        return self._entity(name, "institution", locale)

    def _milestones(
        self, *, program: str | None, days: int, past: bool, format: str, locale: str
    ) -> Reply:
        ref = None
        if program:
            resolution = self.store.resolve(program, classes=["program"])
            if resolution.entity is None:
                return self.not_found(
                    resolution, "program", locale, "milestones", "program",
                    (("days", days), ("past", past), ("format", format)),
                )  # fmt: skip
            ref = resolution.entity
        options = {"program": ref.id if ref else None, "days": days, "past": past}
        page = answer_path("milestones", options)
        feed = calendar_path(ref.id if ref else None)
        if format == "ics":
            return self._linked(
                self._calendar(ref, days, past, locale), locale, ("web.calendar", feed)
            )
        reply = milestones_reply(self.store, self.today(), days, past, ref, locale)
        return self._linked(reply, locale, ("web.page", page), ("web.calendar", feed))

    def _calendar(self, program: EntityRef | None, days: int, past: bool, locale: str) -> Reply:
        """The window's milestones as an `.ics` file, with a card that says what it holds."""
        if self.calendar is None:
            return error_reply(t("ics.unavailable", locale), locale)
        today = self.today()
        milestones = calendar_milestones(self.store, today, days, past, program)
        newest = self.store.revisions_since(self.store.revision() - 1, limit=1)
        name = t("ics.name", locale)
        if program is not None:
            name = f"{name} · {program.name(locale)}"
        data = self.calendar(
            milestones,
            locale=locale,
            calendar_name=name,
            today=today,
            stamp=datetime.fromisoformat(newest[0].at),
        )
        stem = f"milestones-{file_stem(program.id)}" if program else "milestones"
        ics = Attachment(f"{stem}.ics", "text/calendar", data, name)
        return calendar_reply(milestones, ics, today, days, past, program, locale)

    def _search(self, *, query: str, page: int, locale: str) -> Reply:
        first = (page - 1) * SEARCH_PAGE_SIZE
        results = self.store.search(query, first=first, count=SEARCH_PAGE_SIZE)
        reply = search_reply(results, page, locale)
        path = answer_path("search", {"query": query, "page": page})
        return self._linked(reply, locale, ("web.page", path))

    def _about(self, *, locale: str) -> Reply:
        reply = about_reply(self.store, self.today(), locale)
        return self._linked(reply, locale, ("web.page", answer_path("about", {})))

    def not_found(
        self,
        resolution: Resolution,
        entity_class: str,
        locale: str,
        command: str,
        option: str,
        other_options: tuple[tuple[str, Any], ...] = (),
    ) -> Reply:
        """ "Did you mean" for an unknown name, a choice for an ambiguous one, or a pointer
        to the right command; each candidate is offered as the command to run with it."""
        query = resolution.query
        lines = []
        if resolution.elsewhere is not None:
            lines.append(
                t(f"nf.elsewhere.{entity_class}", locale, name=resolution.elsewhere.name(locale))
            )
        ambiguous = len(resolution.candidates) > 1 and resolution.candidates[0].tier != "fuzzy"
        lines.append(t("nf.ambiguous" if ambiguous else f"nf.{entity_class}", locale, query=query))
        candidates = [c.entity for c in resolution.candidates[:SUGGESTIONS]]
        sections = []
        if candidates:
            names = tuple(line(f"• {ref.display(locale)}") for ref in candidates)
            sections.append(Section(t("nf.did_you_mean", locale), names))
        sections.append(Section(t("nf.hint.title", locale), (prose(t("nf.hint", locale)),), "hint"))
        title = t("nf.title.ambiguous" if ambiguous else "nf.title", locale)
        card = Card(title, tuple(prose(text) for text in lines), tuple(sections), tone="error")
        suggestions = tuple(
            FollowUp(ref.display(locale), command, ((option, ref.id), *other_options))
            for ref in candidates
        )
        return Reply((card,), private=True, is_error=True, suggestions=suggestions)

    def complete_entities(
        self, text: str, classes: Sequence[str], locale: str, limit: int = COMPLETION_LIMIT
    ) -> list[Choice]:
        """At most `limit` entities of `classes` matching `text` (all of them, by name,
        when nothing is typed yet); the value is the entity's id. Remembered per store
        revision, like answers."""
        key = (text, tuple(classes), locale, limit, self.store.revision())

        def build() -> tuple[Choice, ...]:
            refs: list[EntityRef]
            try:
                if not text.strip():
                    refs = self.store.complete_default(classes, limit)
                else:
                    found = self.store.complete(text[:NAME_MAX], classes, limit)
                    refs = [c.entity for c in found]
            except InvalidInput:  # text that is no text (a lone surrogate): nothing matches
                return ()
            return tuple(Choice(ref.display(locale), ref.id) for ref in refs)[:limit]

        return list(self.completions.get_or_build(key, build))
