"""Schedules: what people may type, the errors they get, next runs, and DST wall-clock runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from digest_fakes import utc

from bot.digest.schedule import parse_schedule, parse_timezone, period_of
from store.errors import InvalidInput

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("daily 9:00", "daily 09:00"),
        ("  DAILY   09:00 ", "daily 09:00"),
        ("매일 07:30", "daily 07:30"),
        ("weekly mon 09:00", "weekly mon 09:00"),
        ("weekly thu,mon 09:00", "weekly mon,thu 09:00"),
        ("매주 월요일 09:00", "weekly mon 09:00"),
        ("매주 월·목 18:00", "weekly mon,thu 18:00"),
        ("monthly 1 09:00", "monthly 1 09:00"),
        ("매월 15일 09:00", "monthly 15 09:00"),
        ("monthly last 17:00", "monthly last 17:00"),
        ("0 9 * * 1-5", "0 9 * * 1-5"),
        ("30 8 1 * *", "30 8 1 * *"),
    ],
)
def test_accepted_schedules_are_stored_in_one_canonical_form(typed: str, canonical: str) -> None:
    schedule = parse_schedule(typed)
    assert schedule.text == canonical
    assert parse_schedule(schedule.text) == schedule


@pytest.mark.parametrize(
    ("typed", "en_says", "ko_says"),
    [
        ("", "Cannot read the schedule", "일정을 읽을 수 없습니다"),
        ("every day at nine", "Cannot read the schedule", "일정을 읽을 수 없습니다"),
        ("daily", "wrong form", "형식이 맞지 않습니다"),
        ("daily 24:00", "24-hour HH:MM", "24시간제"),
        ("daily 9am", "24-hour HH:MM", "24시간제"),
        ("weekly someday 09:00", "weekday", "요일"),
        ("monthly 31 09:00", "1–28 or `last`", "1~28"),
        ("*/15 * * * *", "at most hourly", "한 시간에 한 번"),
        ("0 9 1 * 1", "not both", "하나만"),
        ("0 25 * * *", "Cannot read the cron line", "cron 식을 읽을 수 없습니다"),
        ("0 9 30 2 *", "never runs", "실행되는 날이 없습니다"),
        # `²` passes str.isdigit() but not int(): these raised ValueError.
        ("² 9 * * *", "at most hourly", "한 시간에 한 번"),
        ("monthly ² 09:00", "1–28 or `last`", "1~28"),
        ("monthly ²일 09:00", "1–28 or `last`", "1~28"),
        ("0 9 * * ²", "Cannot read the cron line", "cron 식을 읽을 수 없습니다"),
        ("daily ²:00", "24-hour HH:MM", "24시간제"),
    ],
)
def test_bad_schedules_get_a_bilingual_error_with_examples(
    typed: str, en_says: str, ko_says: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_schedule(typed)
    assert en_says in caught.value.en and ko_says in caught.value.ko
    assert "`weekly mon 09:00`" in caught.value.en and "`weekly mon 09:00`" in caught.value.ko


def test_unknown_time_zone_is_explained() -> None:
    with pytest.raises(InvalidInput, match="IANA") as caught:
        parse_timezone("Seoul")
    assert "IANA" in caught.value.en
    assert parse_timezone(" America/New_York ") == NEW_YORK


def test_next_three_runs_are_in_the_subscription_zone() -> None:
    runs = parse_schedule("weekly mon 09:00").next_runs(SEOUL, utc(2026, 3, 4))
    assert [r.isoformat() for r in runs] == [
        "2026-03-09T09:00:00+09:00",
        "2026-03-16T09:00:00+09:00",
        "2026-03-23T09:00:00+09:00",
    ]


@pytest.mark.parametrize(
    ("cron", "weekdays"),
    [
        ("0 9 * * 0", ["Sun"]),
        ("0 9 * * 7", ["Sun"]),
        ("0 9 * * 1", ["Mon"]),
        ("0 9 * * 1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("0 9 * * 5-7", ["Fri", "Sat", "Sun"]),
        ("0 9 * * sat,sun", ["Sat", "Sun"]),
        ("0 9 * * */3", ["Sun", "Wed", "Sat"]),
    ],
)
def test_cron_weekday_numbers_count_from_sunday_like_cron(cron: str, weekdays: list[str]) -> None:
    """APScheduler 3.x counts weekdays from Monday; a pasted crontab line must not shift a day."""
    runs = parse_schedule(cron).next_runs(SEOUL, utc(2026, 3, 7, 12), count=len(weekdays))
    assert sorted(r.strftime("%a") for r in runs) == sorted(weekdays)


def test_monthly_last_day_follows_the_month() -> None:
    runs = parse_schedule("monthly last 09:00").next_runs(SEOUL, utc(2026, 1, 1))
    assert [r.date().isoformat() for r in runs] == ["2026-01-31", "2026-02-28", "2026-03-31"]


def test_spring_forward_runs_a_missing_time_once_an_hour_later() -> None:
    """02:30 does not exist in New York on 2026-03-08; the digest still goes out, once."""
    schedule = parse_schedule("daily 02:30")
    runs = schedule.runs_between(NEW_YORK, utc(2026, 3, 7), utc(2026, 3, 10))
    local = [r.astimezone(NEW_YORK).strftime("%m-%d %H:%M %Z") for r in runs]
    assert local == ["03-07 02:30 EST", "03-08 03:30 EDT", "03-09 02:30 EDT"]
    assert [period_of(r) for r in runs][1] == "2026-03-08T03:30"


def test_fall_back_runs_a_repeated_time_once() -> None:
    """01:30 happens twice in New York on 2026-11-01; a daily digest still runs once."""
    schedule = parse_schedule("daily 01:30")
    runs = schedule.runs_between(NEW_YORK, utc(2026, 10, 31), utc(2026, 11, 3))
    local = [r.astimezone(NEW_YORK).strftime("%m-%d %H:%M %Z") for r in runs]
    assert local == ["10-31 01:30 EDT", "11-01 01:30 EDT", "11-02 01:30 EST"]


def test_the_trigger_gives_a_skipped_time_as_the_clock_shows_it() -> None:
    """`02:30-05:00` and `03:30-04:00` are one instant, but APScheduler compares wall
    fields when both sides share a tzinfo: only the second is found due at the right time."""
    trigger = parse_schedule("daily 02:30").trigger(NEW_YORK)
    fire = trigger.get_next_fire_time(None, datetime(2026, 3, 8, 1, 0, tzinfo=NEW_YORK))
    assert fire is not None
    assert (fire.hour, fire.minute, fire.utcoffset()) == (3, 30, timedelta(hours=-4))
    assert datetime(2026, 3, 8, 3, 29, tzinfo=NEW_YORK) < fire


def test_a_start_just_after_the_jump_still_sees_the_skipped_run() -> None:
    """At 03:10 EDT the 02:30 run (due at 03:30) has not happened yet."""
    trigger = parse_schedule("daily 02:30").trigger(NEW_YORK)
    fire = trigger.get_next_fire_time(None, datetime(2026, 3, 8, 3, 10, tzinfo=NEW_YORK))
    assert fire == datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)
    after = trigger.get_next_fire_time(None, datetime(2026, 3, 8, 3, 31, tzinfo=NEW_YORK))
    assert after == datetime(2026, 3, 9, 2, 30, tzinfo=NEW_YORK)


def test_the_trigger_itself_skips_the_repeated_hour() -> None:
    """What APScheduler asks the trigger after firing at the first 01:30."""
    trigger = parse_schedule("daily 01:30").trigger(NEW_YORK)
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)
    following = trigger.get_next_fire_time(first, first)
    assert following == datetime(2026, 11, 2, 1, 30, tzinfo=NEW_YORK)


def test_describe_reads_naturally_in_both_languages() -> None:
    weekly = parse_schedule("weekly mon,thu 09:00")
    assert weekly.describe("ko") == "매주 월·목 09:00"
    assert weekly.describe("en") == "weekly on Mon, Thu at 09:00"
    assert parse_schedule("monthly last 18:00").describe("ko") == "매월 말일 18:00"
    assert parse_schedule("0 9 * * 1-5").describe("en") == "cron `0 9 * * 1-5`"
