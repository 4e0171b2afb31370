"""Imprecise dates: parsing Korean phrases, windows, precision-aware labels."""

from __future__ import annotations

from datetime import date

import pytest

from store.dates import FuzzyDate, parse_date
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
    ],
)
def test_invalid_dates_say_what_was_wrong(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, TODAY)
    assert fragment in caught.value.en
    assert "예:" in caught.value.ko
