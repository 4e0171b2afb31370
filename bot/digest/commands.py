"""`DigestCommands`: the `/digest` operations for any front end, answering with `Reply`s.

Adapters pass plain ids and the raw option values; everything is checked here and bad
input comes back as a polite, private explanation in the asker's language, like every
other command's errors.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import ParamSpec

from bot.briefing.answers import error_reply
from bot.briefing.model import COLORS, Card, Field, Reply
from bot.digest.content import build_digest, run_time
from bot.digest.delivery import Clock, utc_now
from bot.digest.schedule import parse_schedule, parse_timezone
from bot.digest.subscriptions import ACTIVE, PAUSED, DigestBook, Settings, Subscription
from bot.i18n import DEFAULT_LOCALE, LOCALES, t
from store.errors import InvalidInput
from store.fact_store import FactStore

WINDOW_MIN, WINDOW_MAX, WINDOW_DEFAULT = 1, 90, 14
DEFAULT_TIMEZONE = "Asia/Seoul"
DEFAULT_SCHEDULE = "daily 09:00"
P = ParamSpec("P")


def channel_mention(channel_id: int) -> str:
    """How a channel is named in a card (`<#id>` renders as a link and never pings)."""
    return f"<#{channel_id}>"


def check_settings(
    schedule: str, window: int, timezone: str, language: str, post_empty: bool
) -> Settings:
    """The options of `/digest subscribe`, checked; raises `InvalidInput` naming the bad one."""
    if not WINDOW_MIN <= window <= WINDOW_MAX:
        raise InvalidInput(
            t("err.range", "ko", option="window", low=WINDOW_MIN, high=WINDOW_MAX, value=window),
            t("err.range", "en", option="window", low=WINDOW_MIN, high=WINDOW_MAX, value=window),
        )
    if language not in LOCALES:
        raise InvalidInput(
            t("digest.err.language", "ko", value=language),
            t("digest.err.language", "en", value=language),
        )
    zone = parse_timezone(timezone)
    return Settings(parse_schedule(schedule), zone.key, window, language, post_empty)


def parse_until(text: str, subscription: Subscription, now: datetime) -> datetime:
    """`YYYY-MM-DD` (midnight) or `YYYY-MM-DD HH:MM` in the subscription's zone, in the future."""
    try:
        moment: datetime | None = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=subscription.zone)
    if moment is None or moment <= now:
        raise InvalidInput(
            t("digest.err.until", "ko", value=text), t("digest.err.until", "en", value=text)
        )
    return moment


def _private(title: str, description: str | None, fields: tuple[Field, ...] = ()) -> Reply:
    """A card only the asker sees, like every answer about their own settings."""
    return Reply((Card(title, description, fields, color=COLORS["list"]),), ephemeral=True)


def _explains_bad_input(operation: Callable[P, Reply]) -> Callable[P, Reply]:
    """Turn `InvalidInput` into a polite private error in the asker's `locale` keyword."""

    @functools.wraps(operation)
    def answer(*args: P.args, **kwargs: P.kwargs) -> Reply:
        try:
            return operation(*args, **kwargs)
        except InvalidInput as exc:
            locale = str(kwargs.get("locale", DEFAULT_LOCALE))
            return error_reply(exc.message(locale), locale)

    return answer


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
        *,
        clock: Clock = utc_now,
        on_change: Callable[[], object] | None = None,
    ) -> None:
        self.store = store
        self.book = book
        self.clock = clock
        self.on_change = on_change

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _subscription(self, guild_id: int, channel_id: int) -> Subscription:
        subscription = self.book.for_channel(guild_id, channel_id)
        if subscription is None:
            channel = channel_mention(channel_id)
            raise InvalidInput(
                t("digest.err.none", "ko", channel=channel),
                t("digest.err.none", "en", channel=channel),
            )
        return subscription

    @_explains_bad_input
    def subscribe(
        self,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        schedule: str,
        window: int = WINDOW_DEFAULT,
        timezone: str = DEFAULT_TIMEZONE,
        language: str = "ko",
        post_empty: bool = True,
        locale: str = "ko",
    ) -> Reply:
        """Subscribe a channel (or change its settings); the reply echoes the next three runs."""
        settings = check_settings(schedule, window, timezone, language, post_empty)
        now = self.clock()
        subscription, created = self.book.subscribe(
            guild_id=guild_id, channel_id=channel_id, user_id=user_id, settings=settings,
            revision=self.store.revision(), now=now,
        )  # fmt: skip
        self._changed()
        key = "digest.subscribed" if created else "digest.updated"
        runs = tuple(run_time(run, locale) for run in subscription.next_runs(now))
        fields = (
            Field(t("digest.settings", locale), (self._settings_line(subscription, locale),)),
            Field(t("digest.next_runs", locale), runs),
        )
        return _private(
            t("digest.name", locale), t(key, locale, channel=channel_mention(channel_id)), fields
        )

    @_explains_bad_input
    def unsubscribe(self, *, guild_id: int, channel_id: int, locale: str = "ko") -> Reply:
        """Stop a channel's digest and forget its delivery log."""
        subscription = self._subscription(guild_id, channel_id)
        self.book.remove(subscription.id)
        self._changed()
        return self._done("digest.unsubscribed", channel_id, locale)

    @_explains_bad_input
    def pause(
        self, *, guild_id: int, channel_id: int, until: str | None = None, locale: str = "ko"
    ) -> Reply:
        """Pause a channel's digest, until a date or time in its zone or until resumed."""
        now = self.clock()
        subscription = self._subscription(guild_id, channel_id)
        resume_at = parse_until(until, subscription, now) if until else None
        self.book.set_status(subscription.id, PAUSED, now, reason="user", paused_until=resume_at)
        self._changed()
        extra = (
            t(
                "digest.paused_until",
                locale,
                until=run_time(resume_at.astimezone(subscription.zone), locale),
            )
            if resume_at
            else None
        )
        return self._done("digest.paused", channel_id, locale, extra)

    @_explains_bad_input
    def resume(self, *, guild_id: int, channel_id: int, locale: str = "ko") -> Reply:
        """Restart a paused (or stopped) digest; runs missed meanwhile are not sent."""
        subscription = self._subscription(guild_id, channel_id)
        if subscription.status == ACTIVE:
            return self._done("digest.already_active", channel_id, locale)
        now = self.clock()
        self.book.set_status(subscription.id, ACTIVE, now)
        self._changed()
        runs = subscription.next_runs(now, 1)
        extra = t("digest.list.next", locale, when=run_time(runs[0], locale)) if runs else None
        return self._done("digest.resumed", channel_id, locale, extra)

    def list_subscriptions(self, *, guild_id: int, locale: str = "ko") -> Reply:
        """Every digest of a server with its settings, state, next run and last delivery."""
        subscriptions = self.book.in_guild(guild_id)
        if not subscriptions:
            return _private(t("digest.list.title", locale), t("digest.list.none", locale))
        now = self.clock()
        fields = tuple(
            Field(
                subscription.schedule.describe(locale),
                self._status_lines(subscription, now, locale),
            )
            for subscription in subscriptions
        )
        return _private(t("digest.list.title", locale), None, fields)

    @_explains_bad_input
    def preview(
        self, *, guild_id: int, channel_id: int, window: int | None = None, locale: str = "ko"
    ) -> Reply:
        """Exactly the digest the channel would get now, shown only to the asker.

        A channel without a subscription previews the defaults (in the asker's
        language); `window` tries another number of days without changing anything.
        """
        now = self.clock()
        subscription = self.book.for_channel(guild_id, channel_id) or self._unsubscribed(
            guild_id, channel_id, locale, now
        )
        if window is not None:
            check_settings(subscription.schedule.text, window, subscription.timezone, "ko", True)
            subscription = replace(subscription, window_days=window)
        digest = build_digest(self.store, subscription, now)
        cards = digest.reply.cards
        if digest.empty and not subscription.post_empty:
            note = _private(t("digest.name", locale), t("digest.preview.skipped", locale))
            cards = (*note.cards, *cards)
        return Reply(cards, ephemeral=True)

    def _unsubscribed(
        self, guild_id: int, channel_id: int, locale: str, now: datetime
    ) -> Subscription:
        """What `subscribe` with every default would make, reporting no past changes."""
        settings = check_settings(DEFAULT_SCHEDULE, WINDOW_DEFAULT, DEFAULT_TIMEZONE, locale, True)
        return Subscription(
            0, guild_id, channel_id, settings.schedule, settings.timezone, settings.window_days,
            settings.language, settings.post_empty, "active", None, None, now, 0, now,
            self.store.revision(),
        )  # fmt: skip

    def _done(self, key: str, channel_id: int, locale: str, extra: str | None = None) -> Reply:
        text = t(key, locale, channel=channel_mention(channel_id))
        return _private(t("digest.name", locale), f"{text}\n{extra}" if extra else text)

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
    ) -> tuple[str, ...]:
        status = t(f"digest.status.{subscription.status}", locale)
        if subscription.status_reason in ("forbidden", "channel_gone"):
            status = f"{status} ({t(f'digest.reason.{subscription.status_reason}', locale)})"
        if subscription.paused_until:
            until = run_time(subscription.paused_until.astimezone(subscription.zone), locale)
            status = f"{status} · {t('digest.paused_until', locale, until=until)}"
        lines = [
            f"{channel_mention(subscription.channel_id)} · {status}",
            self._settings_line(subscription, locale),
        ]
        resumes = now if subscription.status == ACTIVE else subscription.paused_until
        runs = subscription.next_runs(max(now, resumes), 1) if resumes else []
        if runs:
            lines.append(t("digest.list.next", locale, when=run_time(runs[0], locale)))
        last = self.book.deliveries(subscription.id, limit=1)
        if last:
            delivery = last[0]
            state = t(f"digest.delivery.{delivery.status}", locale)
            if delivery.late:
                state = f"{state} ({t('digest.delivery.late', locale)})"
            when = run_time(delivery.scheduled_at.astimezone(subscription.zone), locale)
            lines.append(t("digest.list.last", locale, when=when, status=state))
        else:
            lines.append(t("digest.list.never", locale))
        return tuple(lines)
