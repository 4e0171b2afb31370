"""Imprecise dates: parsing Korean phrases, windows, precision-aware labels."""

from __future__ import annotations

from datetime import date

import pytest

from store.dates import FuzzyDate, parse_date, shifted
from store.errors import InvalidInput

TODAY = date(2025, 9, 9)


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest", "ko", "en"),
    [
        ("2026-03-15", "day", "2026-03-15", "2026-03-15", "2026년 3월 15일", "Mar 15, 2026"),
        ("2026년 3월 15일", "day", "2026-03-15", "2026-03-15", "2026년 3월 15일", "Mar 15, 2026"),
        ("12월 말", "late_month", "2025-12-21", "2025-12-31", "2025년 12월 말", "late Dec 2025"),
        ("2월 말", "late_month", "2025-02-21", "2025-02-28", "2025년 2월 말", "late Feb 2025"),
        ("10월 중순", "mid_month", "2025-10-11", "2025-10-20", "2025년 10월 중순", "mid-Oct 2025"),
        ("2026년 3월", "month", "2026-03-01", "2026-03-31", "2026년 3월", "Mar 2026"),
        ("2026년 1분기", "quarter", "2026-01-01", "2026-03-31", "2026년 1분기", "Q1 2026"),
        ("2026년 상반기", "half", "2026-01-01", "2026-06-30", "2026년 상반기", "H1 2026"),
        ("연말", "late_year", "2025-11-01", "2025-12-31", "2025년 말", "late 2025"),
        ("내년 초", "early_year", "2026-01-01", "2026-02-28", "2026년 초", "early 2026"),
        ("2026년", "year", "2026-01-01", "2026-12-31", "2026년", "2026"),
        ("2028년까지", "by", None, "2028-12-31", "2028년까지", "by 2028"),
        ("../2028", "by", None, "2028-12-31", "2028년까지", "by 2028"),
    ],
)
def test_parses_korean_phrases_without_inventing_a_day(
    text: str, precision: str, earliest: str | None, latest: str, ko: str, en: str
) -> None:
    parsed = parse_date(text, TODAY)
    assert parsed.text == text
    assert parsed.precision == precision
    assert (parsed.earliest and parsed.earliest.isoformat()) == earliest
    assert parsed.latest.isoformat() == latest
    assert parsed.label("ko") == ko
    assert parsed.label("en") == en
    # What is stored (EDTF + precision) gives back the same window.
    again = FuzzyDate.from_edtf(parsed.text, parsed.edtf, parsed.precision)
    assert (again.earliest, again.latest) == (parsed.earliest, parsed.latest)


def test_late_december_is_possibly_in_a_window_touching_it_and_not_in_october() -> None:
    late_december = parse_date("12월 말", TODAY)
    assert late_december.possibly_in(date(2025, 12, 15), date(2025, 12, 22))
    assert not late_december.surely_in(date(2025, 12, 15), date(2025, 12, 22))
    assert late_december.surely_in(date(2025, 12, 1), date(2026, 1, 10))
    assert not late_december.possibly_in(date(2025, 10, 1), date(2025, 10, 31))
    assert not late_december.possibly_in(date(2025, 12, 1), date(2025, 12, 20))


def test_a_deadline_is_possible_until_it_passes() -> None:
    deadline = parse_date("2028년까지", TODAY)
    assert deadline.possibly_in(date(2020, 1, 1), date(2020, 1, 31))
    assert not deadline.possibly_in(date(2029, 1, 1), date(2029, 1, 31))
    assert not deadline.surely_in(date(2020, 1, 1), date(2028, 12, 31))


def test_an_unknown_date_is_in_no_window() -> None:
    unknown = FuzzyDate.from_edtf("다음 회의", None, "unknown")
    assert not unknown.possibly_in(date(2000, 1, 1), date(2100, 1, 1))
    assert unknown.label("ko") == "다음 회의 (날짜 미정)"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("13월", "Months run from 1 to 12"),
        ("2월 30일", "No such day"),
        ("언젠가", "Not a date"),
        ("2026-12-31/2026-01-01", "start is after the end"),
        # Outside what `date` holds: these raised ValueError.
        ("0000", "Years run from 1 to 9999"),
        ("0000년 3월", "Years run from 1 to 9999"),
        ("0000-03-15", "Years run from 1 to 9999"),
        ("0000-12/2025", "Years run from 1 to 9999"),
        ("[0000-01-01,2025-01-01]", "Years run from 1 to 9999"),
        # Intervals open at the end: one crashed every label; no bound at all was accepted.
        ("2025/", "open at the end"),
        ("2025/..", "open at the end"),
        ("/", "needs at least an end"),
        ("../..", "needs at least an end"),
        ("/..", "needs at least an end"),
        # Another script's digits are no EDTF.
        ("２０２５-１２", "Not a date"),
    ],
)
def test_invalid_dates_say_what_was_wrong(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, TODAY)
    assert fragment in caught.value.en
    assert "예:" in caught.value.ko


@pytest.mark.parametrize("text", ["내년", "내후년 초", "내년 3월 1일", "내년 상반기", "내년 1분기"])
def test_a_relative_year_past_9999_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, date(9999, 6, 1))
    assert "Years run from 1 to 9999" in caught.value.en


def test_the_last_representable_year_still_reads() -> None:
    assert parse_date("올해 말", date(9999, 6, 1)).latest == date(9999, 12, 31)
    assert parse_date("9999년까지", TODAY).label("en") == "by 9999"


def test_a_window_is_held_within_the_calendar() -> None:
    assert shifted(date(9999, 12, 31), 3650) == date(9999, 12, 31)
    assert shifted(date(1, 1, 1), -30) == date(1, 1, 1)
    assert shifted(date(2025, 12, 31), 1) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("edtf", "precision", "ko", "en"),
    [
        # A set of candidates is one of them, not a two-month event.
        (
            "[2025-09-09,2025-10-09,2025-11-09]",
            "range",
            "2025년 9월 9일·10월 9일·11월 9일 중 하루 (추정)",
            "one of 9 Sep, 9 Oct, 9 Nov 2025 (inferred)",
        ),
        (
            "[2025-12-09,2026-01-09]",
            "range",
            "2025년 12월 9일·2026년 1월 9일 중 하루 (추정)",
            "one of 9 Dec 2025, 9 Jan 2026 (inferred)",
        ),
        (
            "[2025-09,2025-11]",
            "range",
            "2025년 9월·11월 중 하나 (추정)",
            "one of Sep, Nov 2025 (inferred)",
        ),
        # A range within one year or month says the year or month once.
        ("2022/2022", "range", "2022년", "2022"),
        ("2025-01-01/2025-12-31", "range", "2025년", "2025"),
        ("2025-10-01/2025-10-31", "range", "2025년 10월", "Oct 2025"),
        ("2024-10-28/2024-10-31", "range", "2024년 10월 28일 ~ 31일", "Oct 28 – 31, 2024"),
        ("2025-08-25/2025-09-03", "range", "2025년 8월 25일 ~ 9월 3일", "Aug 25 – Sep 3, 2025"),
        ("2025-10/2025-11", "range", "2025년 10월 ~ 11월", "Oct – Nov 2025"),
        ("2025-33/2025-34", "range", "2025년 1분기 ~ 2분기", "Q1 – Q2 2025"),
        ("2025-12/2026-02", "range", "2025년 12월 ~ 2026년 2월", "Dec 2025 – Feb 2026"),
        ("../2026-40", "by", "2026년 상반기까지", "by H1 2026"),
    ],
)
def test_labels_say_dates_as_reported(edtf: str, precision: str, ko: str, en: str) -> None:
    value = FuzzyDate.from_edtf("as written", edtf, precision)
    assert (value.label("ko"), value.label("en")) == (ko, en)


@pytest.mark.parametrize(
    ("edtf", "precision"),
    [
        ("2025-12", "day"),
        ("2025", "month"),
        ("../2028", "year"),
        ("2025-12-21/2025-12-31", "by"),
        ("2025-12-01/2025-12-31", "late_month"),
        ("[2025-09-09,2025-10-09]", "day"),
        ("2026-33", "half"),
        ("2025-12", "unknown"),
    ],
)
def test_a_precision_must_match_its_edtf(edtf: str, precision: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        FuzzyDate.from_edtf("x", edtf, precision)
    assert f"precision {precision!r} does not match" in caught.value.en


@pytest.mark.parametrize(
    ("edtf", "precision"),
    [("2025/..", "range"), ("2025/", "range"), ("/", "range"), ("0000", "year"), ("2025-12", "by")],
)
def test_a_stored_date_that_does_not_read_still_labels(edtf: str, precision: str) -> None:
    value = FuzzyDate.stored("2025년 이후", edtf, precision)
    assert value.label("ko") == "2025년 이후 (날짜 미정)"
    assert value.label("en") == "2025년 이후 (date not known)"
    assert not value.possibly_in(date(2025, 1, 1), date(2030, 1, 1))
