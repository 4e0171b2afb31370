"""`Briefer`: answers a command invocation with a `Reply`, for any front end.

This is the one place that decides what each command says; adapters only parse input
and send what comes back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.briefing.cache import ReplyCache
from bot.briefing.cards import entity_card
from bot.briefing.commands import COMMANDS, OptionError, validate_options
from bot.briefing.lists import about_reply, milestones_reply, search_reply
from bot.briefing.model import COLORS, Card, Field, Reply
from bot.i18n import t
from store.errors import InvalidInput
from store.fact_store import FactStore
from store.resolve import Resolution

AUTOCOMPLETE_LIMIT = 25
CHOICE_NAME_MAX = 100


@dataclass(frozen=True)
class Invocation:
    """A command as typed or clicked: its name, raw option values, who asked, in which locale."""

    command: str
    options: dict[str, Any] = field(default_factory=dict)
    locale: str = "ko"
    user_id: str | None = None


@dataclass(frozen=True)
class Choice:
    """An autocomplete suggestion: what the user sees and the value sent back."""

    name: str
    value: str


def error_reply(message: str, locale: str) -> Reply:
    """A polite, private explanation of what went wrong."""
    return Reply(
        (Card(t("err.title", locale), message, color=COLORS["error"]),),
        ephemeral=True,
        is_error=True,
    )


class Briefer:
    """Answers commands from a `FactStore`; `today` is injectable so windows are testable."""

    def __init__(self, store: FactStore, today: Callable[[], date] = date.today) -> None:
        self.store = store
        self.today = today
        self.cache = ReplyCache()

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
            build = functools.partial(getattr(self, f"_{command.name}"), locale=locale, **values)
            return self.cache.get_or_build(key, build)
        except OptionError as exc:
            return error_reply(exc.message(locale), locale)
        except InvalidInput as exc:
            return error_reply(exc.message(locale), locale)

    def _entity(self, name: str, entity_class: str, locale: str) -> Reply:
        resolution = self.store.resolve(name, classes=[entity_class])
        if resolution.entity is None:
            return self.not_found(resolution, entity_class, locale)
        detail = self.store.entity(resolution.entity.id)
        assert detail is not None
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
                return self.not_found(resolution, "program", locale)
            ref = resolution.entity
        return milestones_reply(self.store, self.today(), days, past, ref, locale)

    def _search(self, *, query: str, page: int, locale: str) -> Reply:
        return search_reply(self.store.search(query), page, locale)

    def _about(self, *, locale: str) -> Reply:
        return about_reply(self.store, locale)

    def not_found(self, resolution: Resolution, entity_class: str, locale: str) -> Reply:
        """ "Did you mean" for an unknown or ambiguous name, or a pointer to the right command."""
        query = resolution.query
        lines = []
        if resolution.elsewhere is not None:
            lines.append(
                t(f"nf.elsewhere.{entity_class}", locale, name=resolution.elsewhere.name(locale))
            )
        ambiguous = len(resolution.candidates) > 1 and resolution.candidates[0].tier != "fuzzy"
        lines.append(t("nf.ambiguous" if ambiguous else f"nf.{entity_class}", locale, query=query))
        fields = []
        if resolution.candidates:
            suggestions = tuple(f"• {c.entity.display(locale)}" for c in resolution.candidates[:5])
            fields.append(Field(t("nf.did_you_mean", locale), suggestions))
        fields.append(Field("\u200b", (t("nf.hint", locale),)))
        card = Card(t("nf.title", locale), "\n".join(lines), tuple(fields), color=COLORS["error"])
        return Reply((card,), ephemeral=True, is_error=True)

    def autocomplete(self, command: str, option: str, text: str, locale: str) -> list[Choice]:
        """At most 25 suggestions for an entity option; the value is the entity's id."""
        spec = COMMANDS.get(command)
        opt = spec.option(option) if spec else None
        if opt is None or not opt.autocomplete:
            return []
        return self.complete_entities(text, opt.autocomplete, locale)

    def complete_entities(self, text: str, classes: Sequence[str], locale: str) -> list[Choice]:
        """At most 25 entities of `classes` matching `text` (all of them, by name, when
        nothing is typed yet); the value is the entity's id."""
        if not text.strip():
            candidates = self.store.complete_default(classes, AUTOCOMPLETE_LIMIT)
        else:
            candidates = [
                c.entity
                for c in self.store.complete(text[:CHOICE_NAME_MAX], classes, AUTOCOMPLETE_LIMIT)
            ]
        return [
            Choice(ref.display(locale)[:CHOICE_NAME_MAX], ref.id[:CHOICE_NAME_MAX])
            for ref in candidates
        ][:AUTOCOMPLETE_LIMIT]
