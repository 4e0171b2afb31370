"""The composition root: one store, one briefer, one admin desk, one digest service.

Built once per process and handed to every front end (console, `ask`, Discord, Slack,
the HTTP application), so they all answer from the same objects: the same answer
cache, the same trust rules, the same scheduler. Nothing a second front end would
need is built inside one client's start-up hook.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from time import perf_counter
from typing import TYPE_CHECKING

from bot.admin.desk import AdminDesk
from bot.admin.specs import ADMIN_COMMANDS, ATTRIBUTE, ENTITIES, KIND, MILESTONE, SOURCE
from bot.briefing.answers import (
    COMPLETION_LIMIT,
    Briefer,
    Choice,
    Invocation,
    unknown_command_reply,
)
from bot.briefing.commands import COMMANDS
from bot.briefing.model import Answer
from bot.commandline import ALL_COMMANDS
from bot.config import Config
from bot.digest.delivery import Clock, utc_now
from bot.digest.service import DigestService
from bot.digest.specs import DIGEST_COMMANDS, SCHEDULE, TIMEZONE
from bot.ids import discord as discord_ids
from bot.ids import slack as slack_ids
from bot.metrics import Metrics
from bot.render.ics import milestones_ics
from bot.trust import TrustRules
from store.fact_store import FactStore
from store.model import EntityRef, MilestoneView

if TYPE_CHECKING:
    from bot.render.timeline import TimelineCache


def trust_rules(config: Config) -> TrustRules:
    """The configured fact admins as the ids their front ends give them (Slack's users by
    the role naming their user id: see `bot.ids.slack`)."""
    slack_roles = {slack_ids.user_role(u) for u in config.slack_admin_user_ids}
    if config.slack_workspace_admins:
        slack_roles.add(slack_ids.WORKSPACE_ADMIN)
    return TrustRules(
        admin_ids=frozenset(discord_ids.actor(u) for u in config.admin_user_ids),
        admin_roles=frozenset(discord_ids.role(r) for r in config.admin_role_ids) | slack_roles,
        admin_scopes=frozenset(discord_ids.scope(g) for g in config.admin_guild_ids),
    )


def fixed_clock(day: date, config: Config) -> Clock:
    """A clock stopped at noon of `day` in the configured zone (`ask --now`)."""
    moment = datetime.combine(day, time(12), config.zone)
    return lambda: moment


class App:
    """What every front end answers from. `clock` is injectable so tests can move time;
    `today`, the day lookups answer for, follows the clock unless pinned on its own."""

    def __init__(
        self,
        config: Config,
        store: FactStore,
        *,
        clock: Clock = utc_now,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self._pinned_today = today
        self.rules = trust_rules(config)
        self.briefer = Briefer(
            store,
            today=self.today,
            stale_after_days=config.stale_after_days,
            timeline=self.timeline,
            calendar=milestones_ics,
            base_url=config.web_base_url,
        )
        self.admin = AdminDesk(store, self.rules, today=self.today)
        self.metrics = Metrics()
        self.digests = DigestService(
            store, config, self.rules, clock=clock, on_outcome=self.metrics.count_digest
        )
        self.metrics.watch(store, self.digests.scheduler)
        self._completers: dict[str, Callable[[str, tuple[str, ...], str, int], list[Choice]]] = {
            **dict.fromkeys(ENTITIES, self._complete_entities),
            **dict.fromkeys((ATTRIBUTE, SOURCE, MILESTONE, KIND), self._complete_admin),
            **dict.fromkeys((SCHEDULE, TIMEZONE), self._complete_digest),
        }

    @functools.cached_property
    def timelines(self) -> TimelineCache:
        """The timeline pictures, per store revision. Made on the first picture: drawing
        imports Pillow and fontTools, about a tenth of a second on every process start
        (`ask`, `healthcheck`) that draws nothing."""
        from bot.render.timeline import TimelineCache

        return TimelineCache()

    def timeline(
        self,
        revision: int,
        program: EntityRef,
        milestones: Callable[[], Sequence[MilestoneView]],
        *,
        today: date,
        locale: str,
    ) -> bytes:
        """A program's timeline picture, drawn once per revision, language and day."""
        return self.timelines.picture(revision, program, milestones, today=today, locale=locale)

    def today(self) -> date:
        """Today in the configured zone, by the app's clock (or the pinned day)."""
        if self._pinned_today is not None:
            return self._pinned_today()
        return self.clock().astimezone(self.config.zone).date()

    def answer(self, invocation: Invocation) -> Answer:
        """The answer to any command, from the desk that owns it; counted and timed here,
        the one place every front end's commands pass through."""
        started = perf_counter()
        answer: Answer | None = None
        try:
            answer = self._answer(invocation)
        finally:
            self.metrics.count_answer(invocation, answer, perf_counter() - started)
        return answer

    def _answer(self, invocation: Invocation) -> Answer:
        name = invocation.command
        if name in COMMANDS:
            return Answer(self.briefer.answer(invocation))
        if name in ADMIN_COMMANDS:
            return self.admin.answer(invocation)
        if name in DIGEST_COMMANDS:
            return Answer(self.digests.commands.answer(invocation))
        return Answer(unknown_command_reply(name, ALL_COMMANDS, invocation.locale))

    def complete(
        self, command: str, option: str, text: str, locale: str, limit: int = COMPLETION_LIMIT
    ) -> list[Choice]:
        """Completions for one option of one command (names, attributes, schedules, …)."""
        spec = ALL_COMMANDS.get(command)
        opt = spec.option(option) if spec else None
        if opt is None or not opt.autocomplete:
            return []
        return self._completers[opt.autocomplete[0]](text, opt.autocomplete, locale, limit)

    def _complete_entities(
        self, text: str, sources: tuple[str, ...], locale: str, limit: int
    ) -> list[Choice]:
        return self.briefer.complete_entities(text, sources, locale, limit)

    def _complete_admin(
        self, text: str, sources: tuple[str, ...], locale: str, limit: int
    ) -> list[Choice]:
        return self.admin.autocomplete(sources[0], text, locale, limit)

    def _complete_digest(
        self, text: str, sources: tuple[str, ...], locale: str, limit: int
    ) -> list[Choice]:
        return self.digests.commands.autocomplete(sources[0], text, limit)

    async def close(self) -> None:
        """Stop the scheduler and close the digests' connection (the store is the caller's)."""
        await self.digests.close()
