"""`Briefer`: answers a lookup command with a `Reply`, for any front end.

This is the one place that decides what each lookup says; adapters only parse input
and render what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.briefing.cache import ReplyCache
from bot.briefing.cards import entity_card
from bot.briefing.commands import COMMANDS, OptionError, validate_options
from bot.briefing.lists import about_reply, milestones_reply, search_reply
from bot.briefing.model import Card, FollowUp, Reply, Section, line, prose
from bot.i18n import t
from bot.trust import ANONYMOUS, Actor
from store.errors import InvalidInput
from store.fact_store import FactStore
from store.limits import NAME_MAX
from store.model import EntityRef
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


def error_reply(message: str, locale: str) -> Reply:
    """A polite, private explanation of what went wrong."""
    card = Card(t("err.title", locale), (prose(message),), tone="error")
    return Reply((card,), private=True, is_error=True)


class Briefer:
    """Answers lookups from a `FactStore`; `today` is injectable so windows are testable."""

    def __init__(self, store: FactStore, today: Callable[[], date] = date.today) -> None:
        self.store = store
        self.today = today
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
            return error_reply(
                t(
                    "err.unknown_command",
                    locale,
                    command=f"/{invocation.command}",
                    commands=", ".join(f"/{c}" for c in COMMANDS),
                ),
                locale,
            )
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

    def _entity(self, name: str, entity_class: str, locale: str) -> Reply:
        resolution = self.store.resolve(name, classes=[entity_class])
        if resolution.entity is None:
            return self.not_found(resolution, entity_class, locale, entity_class, "name")
        detail = self.store.entity(resolution.entity.id)
        if detail is None:  # removed between the two reads: say so rather than crash
            return self.not_found(resolution, entity_class, locale, entity_class, "name")
        return Reply((entity_card(detail, self.today(), locale),))

    def _program(self, *, name: str, locale: str) -> Reply:
        return self._entity(name, "program", locale)

    def _institution(self, *, name: str, locale: str) -> Reply:
        return self._entity(name, "institution", locale)

    def _milestones(self, *, program: str | None, days: int, past: bool, locale: str) -> Reply:
        ref = None
        if program:
            resolution = self.store.resolve(program, classes=["program"])
            if resolution.entity is None:
                return self.not_found(
                    resolution, "program", locale, "milestones", "program",
                    (("days", days), ("past", past)),
                )  # fmt: skip
            ref = resolution.entity
        return milestones_reply(self.store, self.today(), days, past, ref, locale)

    def _search(self, *, query: str, page: int, locale: str) -> Reply:
        return search_reply(self.store.search(query), page, locale)

    def _about(self, *, locale: str) -> Reply:
        return about_reply(self.store, locale)

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

    def autocomplete(
        self, command: str, option: str, text: str, locale: str, limit: int = COMPLETION_LIMIT
    ) -> list[Choice]:
        """Suggestions for an entity option of a lookup; the value is the entity's id."""
        spec = COMMANDS.get(command)
        opt = spec.option(option) if spec else None
        if opt is None or not opt.autocomplete:
            return []
        return self.complete_entities(text, opt.autocomplete, locale, limit)

    def complete_entities(
        self, text: str, classes: Sequence[str], locale: str, limit: int = COMPLETION_LIMIT
    ) -> list[Choice]:
        """At most `limit` entities of `classes` matching `text` (all of them, by name,
        when nothing is typed yet); the value is the entity's id. Remembered per store
        revision, like answers."""
        key = (text, tuple(classes), locale, limit, self.store.revision())

        def build() -> tuple[Choice, ...]:
            refs: list[EntityRef]
            if not text.strip():
                refs = self.store.complete_default(classes, limit)
            else:
                refs = [c.entity for c in self.store.complete(text[:NAME_MAX], classes, limit)]
            return tuple(Choice(ref.display(locale), ref.id) for ref in refs)[:limit]

        return list(self.completions.get_or_build(key, build))
