"""`DigestCommands`: the `/digest` operations for any front end, answering with `Reply`s.

Front ends hand in an `Invocation` whose places and actor are their own opaque ids;
everything is checked here (options, trust) and bad input comes back as a polite,
private explanation in the asker's language, like every other command's errors.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.briefing.answers import Choice, Invocation, error_reply, unknown_command_reply
from bot.briefing.commands import OptionError, validate_options
from bot.briefing.format import message_line
from bot.briefing.model import Card, Line, PlaceRef, Reply, Section, line, prose
from bot.digest.content import build_digest, run_time
from bot.digest.delivery import Clock, utc_now
from bot.digest.schedule import parse_schedule, parse_timezone
from bot.digest.specs import (
    DEFAULT_SCHEDULE,
    DEFAULT_TIMEZONE,
    DIGEST_COMMANDS,
    SCHEDULE,
    SCHEDULE_MAX,
    TIMEZONE,
    WINDOW_DEFAULT,
    WINDOW_MAX,
    WINDOW_MIN,
)
from bot.digest.subscriptions import ACTIVE, PAUSED, DigestBook, Settings, Subscription
from bot.i18n import t
from bot.trust import TrustRules, may_manage_digests
from store.errors import InvalidInput
from store.fact_store import FactStore

PAUSE_MAX = timedelta(days=3653)
SCHEDULE_EXAMPLES = ("daily 09:00", "weekly mon 09:00", "weekly mon,thu 08:30", "monthly 1 09:00")
TIMEZONES = sorted(zoneinfo.available_timezones())
COMMON_TIMEZONES = (DEFAULT_TIMEZONE, "UTC", "America/New_York", "Europe/London")


def check_settings(
    schedule: str, window: int, timezone: str, language: str, post_empty: bool
) -> Settings:
    """The options of `/digest subscribe`, checked; raises `InvalidInput` naming the bad one."""
    if not WINDOW_MIN <= window <= WINDOW_MAX:
        raise InvalidInput(
            t("err.range", "ko", option="window", low=WINDOW_MIN, high=WINDOW_MAX, value=window),
            t("err.range", "en", option="window", low=WINDOW_MIN, high=WINDOW_MAX, value=window),
        )
    zone = parse_timezone(timezone)
    return Settings(parse_schedule(schedule), zone.key, window, language, post_empty)


def parse_until(text: str, subscription: Subscription, now: datetime) -> datetime:
    """`YYYY-MM-DD` (midnight) or `YYYY-MM-DD HH:MM` in the subscription's zone, in the
    future but within `PAUSE_MAX` (a pause for ever is `/digest pause` without `until`;
    a date near the year 9999 would leave no room to compute the next run)."""
    try:
        moment: datetime | None = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=subscription.zone)
    if moment is None or moment <= now or moment - now > PAUSE_MAX:
        raise InvalidInput(
            t("digest.err.until", "ko", value=text), t("digest.err.until", "en", value=text)
        )
    return moment


def _private(title: str, lead: tuple[Line, ...], sections: tuple[Section, ...] = ()) -> Reply:
    """A card only the asker sees, like every answer about their own settings."""
    return Reply((Card(title, lead, sections),), private=True)


class DigestCommands:
    """Subscribe, unsubscribe, pause, resume, list and preview digests.

    The methods read and write SQLite, so an event loop calls them in a worker thread.
    `on_change` is called after every change to the table (for the scheduler to
    reconcile its jobs at once rather than at the next sweep).
    """

    def __init__(
        self,
        store: FactStore,
        book: DigestBook,
        rules: TrustRules,
        *,
        clock: Clock = utc_now,
        on_change: Callable[[], object] | None = None,
    ) -> None:
        self.store = store
        self.book = book
        self.rules = rules
        self.clock = clock
        self.on_change = on_change
        self._handlers: dict[str, Callable[..., Reply]] = {
            "digest subscribe": self.subscribe,
            "digest unsubscribe": self.unsubscribe,
            "digest pause": self.pause,
            "digest resume": self.resume,
            "digest list": self.list_subscriptions,
            "digest preview": self.preview,
        }

    def answer(self, invocation: Invocation) -> Reply:
        """Check who asks, where and with what, then run the operation."""
        locale, actor = invocation.locale, invocation.actor
        spec = DIGEST_COMMANDS.get(invocation.command)
        if spec is None:
            return unknown_command_reply(invocation.command, DIGEST_COMMANDS, locale)
        if actor.scope is None:
            return error_reply(t("err.needs_scope", locale), locale)
        if spec.visibility == "managers" and not may_manage_digests(self.rules, actor):
            return error_reply(t("err.manage_scope", locale), locale, refused=True)
        try:
            values = validate_options(spec, invocation.options)
            if "channel" in values:
                values["channel"] = values["channel"] or invocation.place
                if values["channel"] is None:
                    raise OptionError("err.empty", option="channel")
            return self._handlers[spec.name](scope=actor.scope, invocation=invocation, **values)
        except (OptionError, InvalidInput) as exc:
            return error_reply(exc.message(locale), locale)

    def autocomplete(self, source: str, current: str, limit: int) -> list[Choice]:
        """Schedules (what was typed first, so it can be sent as is, then the forms the
        parser understands) or time zones matching what was typed."""
        typed = current.strip()
        if source == SCHEDULE:
            examples = [e for e in SCHEDULE_EXAMPLES if e != typed]
            values = ([typed[:SCHEDULE_MAX]] if typed else []) + examples
        elif source == TIMEZONE:
            needle = typed.lower().replace(" ", "_")
            values = (
                [zone for zone in TIMEZONES if needle in zone.lower()]
                if needle
                else list(COMMON_TIMEZONES)
            )
        else:
            values = []
        return [Choice(value, value) for value in values[:limit]]

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _subscription(self, scope: str, place: str) -> Subscription:
        subscription = self.book.for_place(scope, place)
        if subscription is None:
            raise InvalidInput(t("digest.err.none", "ko"), t("digest.err.none", "en"))
        return subscription

    def subscribe(
        self,
        *,
        scope: str,
        invocation: Invocation,
        channel: str,
        schedule: str,
        window: int,
        timezone: str,
        language: str | None,
        post_empty: bool,
    ) -> Reply:
        """Subscribe a channel (or change its settings); the reply echoes the next three runs."""
        locale = invocation.locale
        settings = check_settings(schedule, window, timezone, language or locale, post_empty)
        now = self.clock()
        subscription, created = self.book.subscribe(
            scope=scope, place=channel, actor=invocation.actor.id, settings=settings,
            revision=self.store.revision(), now=now,
        )  # fmt: skip
        self._changed()
        key = "digest.subscribed" if created else "digest.updated"
        runs = tuple(line(run_time(run, locale)) for run in subscription.next_runs(now))
        sections = (
            Section(
                t("digest.settings", locale), (line(self._settings_line(subscription, locale)),)
            ),
            Section(t("digest.next_runs", locale), runs),
        )
        return _private(t("digest.name", locale), (self._about(key, channel, locale),), sections)

    def unsubscribe(self, *, scope: str, invocation: Invocation, channel: str) -> Reply:
        """Stop a channel's digest and forget its delivery log."""
        subscription = self._subscription(scope, channel)
        self.book.remove(subscription.id)
        self._changed()
        return self._done("digest.unsubscribed", channel, invocation.locale)

    def pause(
        self, *, scope: str, invocation: Invocation, channel: str, until: str | None
    ) -> Reply:
        """Pause a channel's digest, until a date or time in its zone or until resumed."""
        now = self.clock()
        subscription = self._subscription(scope, channel)
        resume_at = parse_until(until, subscription, now) if until else None
        self.book.set_status(subscription.id, PAUSED, now, reason="user", paused_until=resume_at)
        self._changed()
        locale = invocation.locale
        extra = (
            t("digest.paused_until", locale, until=run_time(resume_at, locale, subscription.zone))
            if resume_at
            else None
        )
        return self._done("digest.paused", channel, locale, extra)

    def resume(self, *, scope: str, invocation: Invocation, channel: str) -> Reply:
        """Restart a paused (or stopped) digest; runs missed meanwhile are not sent."""
        locale = invocation.locale
        subscription = self._subscription(scope, channel)
        if subscription.status == ACTIVE:
            return self._done("digest.already_active", channel, locale)
        now = self.clock()
        self.book.set_status(subscription.id, ACTIVE, now)
        self._changed()
        runs = subscription.next_runs(now, 1)
        extra = t("digest.list.next", locale, when=run_time(runs[0], locale)) if runs else None
        return self._done("digest.resumed", channel, locale, extra)

    def list_subscriptions(self, *, scope: str, invocation: Invocation) -> Reply:
        """Every digest of a community with its settings, state, next run and last delivery."""
        locale = invocation.locale
        subscriptions = self.book.in_scope(scope)
        title = t("digest.list.title", locale)
        if not subscriptions:
            return _private(title, (prose(t("digest.list.none", locale)),))
        now = self.clock()
        sections = tuple(
            Section(
                subscription.schedule.describe(locale),
                self._status_lines(subscription, now, locale),
            )
            for subscription in subscriptions
        )
        return _private(title, (), sections)

    def preview(
        self, *, scope: str, invocation: Invocation, channel: str, window: int | None
    ) -> Reply:
        """Exactly the digest the channel would get now, shown only to the asker.

        A channel without a subscription previews the defaults (in the asker's
        language); `window` tries another number of days without changing anything.
        """
        now = self.clock()
        locale = invocation.locale
        subscription = self.book.for_place(scope, channel) or self._unsubscribed(
            scope, channel, locale, now
        )
        if window is not None:
            subscription = replace(subscription, window_days=window)
        digest = build_digest(self.store, subscription, now)
        cards = digest.reply.cards
        if digest.empty and not subscription.post_empty:
            note = Card(t("digest.name", locale), (line(t("digest.preview.skipped", locale)),))
            cards = (note, *cards)
        return Reply(cards, private=True)

    def _unsubscribed(self, scope: str, place: str, locale: str, now: datetime) -> Subscription:
        """What `subscribe` with every default would make, reporting no past changes."""
        settings = check_settings(DEFAULT_SCHEDULE, WINDOW_DEFAULT, DEFAULT_TIMEZONE, locale, True)
        return Subscription(
            0, scope, place, settings.schedule, settings.timezone, settings.window_days,
            settings.language, settings.post_empty, ACTIVE, None, None, now, "", now,
            self.store.revision(),
        )  # fmt: skip

    @staticmethod
    def _about(key: str, place: str, locale: str) -> Line:
        """A message naming a channel, which its front end shows its own way."""
        return message_line(key, locale, channel=PlaceRef(place))

    def _done(self, key: str, place: str, locale: str, extra: str | None = None) -> Reply:
        lead = (self._about(key, place, locale), *((line(extra),) if extra else ()))
        return _private(t("digest.name", locale), lead)

    @staticmethod
    def _settings_line(subscription: Subscription, locale: str) -> str:
        return t(
            "digest.settings.value", locale, schedule=subscription.schedule.describe(locale),
            timezone=subscription.timezone, days=subscription.window_days,
            language=t(f"digest.language.{subscription.language}", locale),
            empty=t("digest.empty.post" if subscription.post_empty else "digest.empty.skip", locale),
        )  # fmt: skip

    def _status_lines(
        self, subscription: Subscription, now: datetime, locale: str
    ) -> tuple[Line, ...]:
        status = t(f"digest.status.{subscription.status}", locale)
        if subscription.status_reason in ("forbidden", "channel_gone"):
            status = f"{status} ({t(f'digest.reason.{subscription.status_reason}', locale)})"
        if subscription.paused_until:
            until = run_time(subscription.paused_until, locale, subscription.zone)
            status = f"{status} · {t('digest.paused_until', locale, until=until)}"
        lines = [
            line(PlaceRef(subscription.place), f" · {status}"),
            line(self._settings_line(subscription, locale)),
        ]
        resumes = now if subscription.status == ACTIVE else subscription.paused_until
        runs = subscription.next_runs(max(now, resumes), 1) if resumes else []
        if runs:
            lines.append(line(t("digest.list.next", locale, when=run_time(runs[0], locale))))
        last = self.book.deliveries(subscription.id, limit=1)
        if last:
            delivery = last[0]
            state = t(f"digest.delivery.{delivery.status}", locale)
            if delivery.late:
                state = f"{state} ({t('digest.delivery.late', locale)})"
            when = run_time(delivery.scheduled_at, locale, subscription.zone)
            lines.append(line(t("digest.list.last", locale, when=when, status=state)))
        else:
            lines.append(line(t("digest.list.never", locale)))
        return tuple(lines)
