"""Digest schedules: what people type, checked, and turned into triggers and run times.

`daily 09:00`, `weekly mon 09:00`, `monthly 1 09:00` (Korean `매일`/`매주 월`/`매월 1`
too) or a standard 5-field cron line. Every schedule is read as wall-clock time in the
subscription's own time zone, and APScheduler's `CronTrigger` does the calendar
arithmetic, so the run times echoed to the user are the ones the scheduler fires at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from store.errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS_KO = "월화수목금토일"
_WEEKDAY_ALIASES = {
    **{day: day for day in WEEKDAYS},
    **{ko: en for ko, en in zip(_WEEKDAYS_KO, WEEKDAYS, strict=True)},
    **{f"{ko}요일": en for ko, en in zip(_WEEKDAYS_KO, WEEKDAYS, strict=True)},
}
# Standard cron counts weekdays from Sunday (0 and 7); APScheduler 3.x from Monday.
_CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_KEYWORDS = {"daily": "daily", "매일": "daily", "weekly": "weekly", "매주": "weekly"}
_KEYWORDS |= {"monthly": "monthly", "매월": "monthly", "매달": "monthly"}
_LAST_DAY = {"last", "말일", "마지막날"}
# ASCII digits only: `\d` and `str.isdigit()` also take digits `int()` cannot read (`²`).
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$", re.ASCII)
_CRON_RANGE = re.compile(r"^(\*|\w+)(?:-(\w+))?(?:/(\d+))?$", re.ASCII)
_EXAMPLES = "`daily 09:00` · `weekly mon 09:00` · `monthly 1 09:00` · `0 9 * * 1-5`"
_NEVER_AFTER = timedelta(days=366 * 5)
# Longer than any DST shift in the tz database (Lord Howe's is half an hour, most one).
_DST_LOOKBACK = timedelta(hours=3)


def _bad(ko: str, en: str) -> InvalidInput:
    return InvalidInput(f"{ko} 예: {_EXAMPLES}", f"{en} Examples: {_EXAMPLES}")


def _ascii_number(token: str) -> int | None:
    """`token` as a whole number when it is written in ASCII digits, else None."""
    return int(token) if token.isascii() and token.isdigit() else None


class WallClockTrigger(CronTrigger):
    """A cron trigger that fires once per wall-clock time, at an instant as the clock shows it.

    Three DST corrections to `CronTrigger`, which steps the clock's fields:

    - On a fall-back day 01:30 happens twice; `CronTrigger` fires at both, but a
      "daily 01:30" digest means once a day, so the repeated hour is skipped.
    - A time that does not exist (02:30 on a spring-forward day) fires once, an hour
      later on the clock. `CronTrigger` writes it as `02:30-05:00`, and Python compares
      datetimes sharing a tzinfo by their fields alone, so APScheduler would find it
      due at 03:00, before it is; it is returned as `03:30-04:00` instead.
    - Asked at 03:10 that day, `CronTrigger` thinks 02:30 is over and skips to the
      next day, though the run's instant (03:30) is still ahead; a first fire time is
      therefore looked for from a little earlier.
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is None:
            earlier = self._next(None, now - _DST_LOOKBACK)
            if earlier is not None and earlier >= now:
                return earlier
        return self._next(previous_fire_time, now)

    def _next(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        while fire is not None and _repeated_hour(fire):
            fire = super().get_next_fire_time(fire, fire)
        return fire.astimezone(UTC).astimezone(self.timezone) if fire is not None else None


def _repeated_hour(moment: datetime) -> bool:
    """True for the second occurrence of an ambiguous local time."""
    return moment.fold == 1 and moment.replace(fold=0).utcoffset() != moment.utcoffset()


@dataclass(frozen=True)
class Schedule:
    """A checked schedule: its canonical text and the cron fields it stands for."""

    text: str
    kind: str
    minute: str
    hour: str
    day: str = "*"
    month: str = "*"
    day_of_week: str = "*"

    def trigger(self, zone: ZoneInfo) -> WallClockTrigger:
        """The APScheduler trigger firing at this schedule's wall-clock times in `zone`."""
        return WallClockTrigger(
            minute=self.minute, hour=self.hour, day=self.day, month=self.month,
            day_of_week=self.day_of_week, timezone=zone,
        )  # fmt: skip

    def runs_between(
        self, zone: ZoneInfo, start: datetime, end: datetime, limit: int | None = None
    ) -> list[datetime]:
        """Run times in (`start`, `end`], oldest first, at most `limit` of them, in `zone`."""
        trigger = self.trigger(zone)
        runs: list[datetime] = []
        fire = trigger.get_next_fire_time(None, start + timedelta(microseconds=1))
        while fire is not None and fire <= end and (limit is None or len(runs) < limit):
            runs.append(fire)
            fire = trigger.get_next_fire_time(fire, fire)
        return runs

    def next_runs(self, zone: ZoneInfo, after: datetime, count: int = 3) -> list[datetime]:
        """The next `count` run times after `after`, each in `zone`."""
        return self.runs_between(zone, after, after + _NEVER_AFTER, limit=count)

    def describe(self, locale: str) -> str:
        """How a person reads it: `매주 월 09:00`, `monthly on day 1 at 09:00`."""
        time = f"{int(self.hour):02d}:{int(self.minute):02d}" if self.kind != "cron" else ""
        en = locale == "en"
        match self.kind:
            case "daily":
                return f"daily at {time}" if en else f"매일 {time}"
            case "weekly":
                days = self.day_of_week.split(",")
                if en:
                    return f"weekly on {', '.join(d.title() for d in days)} at {time}"
                return f"매주 {'·'.join(_WEEKDAYS_KO[WEEKDAYS.index(d)] for d in days)} {time}"
            case "monthly":
                if self.day == "last":
                    return f"monthly on the last day at {time}" if en else f"매월 말일 {time}"
                return f"monthly on day {self.day} at {time}" if en else f"매월 {self.day}일 {time}"
        return f"cron `{self.text}`"


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA time zone (`Asia/Seoul`, `America/New_York`), or a bilingual error."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InvalidInput(
            f"알 수 없는 시간대입니다: {name!r}. `Asia/Seoul`, `America/New_York`처럼 IANA 이름을 써 주세요.",
            f"Unknown time zone {name!r}; use an IANA name such as `Asia/Seoul` or `America/New_York`.",
        ) from exc


def parse_schedule(text: str) -> Schedule:
    """Read a schedule as typed; raise `InvalidInput` saying what is wrong and how to write it."""
    tokens = text.strip().lower().split()
    if len(tokens) == 5:
        schedule = _cron(tokens)
    elif tokens and tokens[0] in _KEYWORDS:
        schedule = _keyword(_KEYWORDS[tokens[0]], tokens[1:])
    else:
        raise _bad(f"일정을 읽을 수 없습니다: {text!r}.", f"Cannot read the schedule {text!r}.")
    if not schedule.next_runs(ZoneInfo("UTC"), datetime(2000, 1, 1, tzinfo=UTC), count=1):
        raise _bad(
            f"이 일정은 실행되는 날이 없습니다: {text!r}.", f"The schedule {text!r} never runs."
        )
    return schedule


def _time(token: str) -> tuple[str, str]:
    match = _TIME.match(token)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise _bad(
            f"시각은 24시간제 HH:MM으로 써 주세요 (입력: {token!r}).",
            f"Give the time as 24-hour HH:MM (got {token!r}).",
        )
    return str(int(match[2])), str(int(match[1]))


def _weekdays(token: str) -> list[str]:
    days = [_WEEKDAY_ALIASES.get(part) for part in token.replace("·", ",").split(",")]
    if not days or None in days:
        raise _bad(
            f"요일을 읽을 수 없습니다: {token!r}. mon~sun 또는 월~일로 써 주세요.",
            f"Cannot read the weekday {token!r}; use mon…sun (or 월…일).",
        )
    return sorted({d for d in days if d}, key=WEEKDAYS.index)


def _keyword(kind: str, args: list[str]) -> Schedule:
    want = 1 if kind == "daily" else 2
    if len(args) != want:
        raise _bad(
            f"'{kind}' 일정의 형식이 맞지 않습니다.", f"A '{kind}' schedule has the wrong form."
        )
    minute, hour = _time(args[-1])
    time = f"{int(hour):02d}:{int(minute):02d}"
    if kind == "daily":
        return Schedule(f"daily {time}", kind, minute, hour)
    if kind == "weekly":
        days = ",".join(_weekdays(args[0]))
        return Schedule(f"weekly {days} {time}", kind, minute, hour, day_of_week=days)
    day = args[0].removesuffix("일") if args[0] not in _LAST_DAY else "last"
    number = _ascii_number(day)
    if day != "last" and not (number is not None and 1 <= number <= 28):
        raise _bad(
            f"매월 일정의 날짜는 1~28 또는 last(말일)입니다 (입력: {args[0]!r}). 29~31일은 없는 달이 있습니다.",
            f"A monthly day is 1–28 or `last` (got {args[0]!r}); 29–31 are missing from some months.",
        )
    day = day if day == "last" else str(number)
    return Schedule(f"monthly {day} {time}", kind, minute, hour, day=day)


def _cron_weekday(token: str) -> int:
    number = _ascii_number(token)
    if number is not None and number <= 7:
        return number % 7
    if token in _CRON_WEEKDAYS:
        return _CRON_WEEKDAYS.index(token)
    raise ValueError(f"weekday {token!r}")


def _cron_weekdays(field: str) -> str:
    """A standard cron weekday field (0 and 7 are Sunday) as APScheduler weekday names."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        match = _CRON_RANGE.match(part)
        if not match:
            raise ValueError(f"weekday field {field!r}")
        first, last, step = match[1], match[2], int(match[3] or 1)
        if first == "*":
            low, high = 0, 6
        else:
            low = _cron_weekday(first)
            high = _cron_weekday(last) if last else 6 if match[3] else low
            if high < low:
                high += 7
        days.update(day % 7 for day in range(low, high + 1, step))
    return ",".join(sorted((WEEKDAYS[(day - 1) % 7] for day in days), key=WEEKDAYS.index))


def _cron(fields: list[str]) -> Schedule:
    minute, hour, day, month, weekday = fields
    text = " ".join(fields)
    minute_number = _ascii_number(minute)
    if minute_number is None or minute_number > 59:
        raise _bad(
            f"cron의 분 필드는 숫자 하나여야 합니다 (한 시간에 한 번 이하, 입력: {minute!r}).",
            f"The cron minute field must be one number, so a digest runs at most hourly (got {minute!r}).",
        )
    if day != "*" and weekday != "*":
        raise _bad(
            "cron에서는 날짜와 요일 중 하나만 지정해 주세요.",
            "In a cron line give either the day of month or the weekday, not both.",
        )
    try:
        schedule = Schedule(
            text, "cron", str(minute_number), hour, day, month, _cron_weekdays(weekday)
        )
        schedule.trigger(ZoneInfo("UTC"))
    except ValueError as exc:
        raise _bad(
            f"cron 식을 읽을 수 없습니다: {text!r} ({exc}).",
            f"Cannot read the cron line {text!r} ({exc}).",
        ) from exc
    return schedule


def period_of(fire: datetime) -> str:
    """The period a run time stands for: its wall-clock minute, `2026-11-01T01:30`.

    Both occurrences of a fall-back hour map to the same period, so even a second
    firing could never claim a second delivery.
    """
    return fire.replace(tzinfo=None).isoformat(timespec="minutes")
