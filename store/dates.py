"""Imprecise dates: what an article said, the window it allows, and how precise it is.

News rarely gives a day: `12월 말`, `연말`, `2028년까지`, `상반기`. A `FuzzyDate` keeps
the original wording, an EDTF string for the window, a precision label and the window's
`earliest`/`latest` days, so that a milestone known only as `12월 말` can be *possibly*
inside a window touching late December and *not* inside one that ends in October —
without ever inventing a day.

Every date is checked against what Python's `date` can hold (years 1 to 9999), so a
year 0 or a `내년` typed in 9999 is refused like any other unreadable date instead of
failing deep inside a label or a window.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from store.errors import InvalidInput
from store.hangul import nfc

PRECISIONS = (
    "day",
    "early_month",
    "mid_month",
    "late_month",
    "month",
    "quarter",
    "half",
    "early_year",
    "late_year",
    "year",
    "by",
    "range",
    "unknown",
)
_MONTH_PARTS = {"early_month": (1, 10), "mid_month": (11, 20), "late_month": (21, 31)}
_YEAR_PARTS = {"early_year": (1, 2), "late_year": (11, 12)}
_EN_MONTHS = [calendar.month_abbr[m] for m in range(13)]
_EXAMPLES_KO = "예: 2026-03-15, 2026년 3월, 12월 말, 2026년 상반기, 연말, 2028년까지"
_EXAMPLES_EN = "e.g. 2026-03-15, 2026년 3월, 12월 말, 2026년 상반기, 연말, 2028년까지, 2026-33 (Q1)"


def _bad_date(text: str, why_ko: str = "", why_en: str = "") -> InvalidInput:
    return InvalidInput(
        f"날짜로 읽을 수 없습니다: {text!r}. {why_ko}{_EXAMPLES_KO}",
        f"Not a date I can read: {text!r}. {why_en}{_EXAMPLES_EN}",
    )


def _checked_year(year: int, text: str) -> int:
    if not date.min.year <= year <= date.max.year:
        raise _bad_date(text, "연도는 1년부터 9999년까지입니다. ", "Years run from 1 to 9999. ")
    return year


def _check_month(month: int, text: str) -> int:
    if not 1 <= month <= 12:
        raise _bad_date(text, "월은 1~12입니다. ", "Months run from 1 to 12. ")
    return month


def _day(year: int, month: int, day: int, text: str) -> date:
    """The day, or the reason there is no such day (year, month or day out of range)."""
    _checked_year(year, text)
    _check_month(month, text)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise _bad_date(text, "없는 날짜입니다. ", "No such day. ")
    return date(year, month, day)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def shifted(day: date, days: int) -> date:
    """`day` moved by `days`, held within the days `date` can represent (years 1 to 9999).

    A window of 3650 days from 9999-12-31 ends on the last representable day instead of
    raising `OverflowError` in whoever adds the days.
    """
    ordinal = min(max(day.toordinal() + days, date.min.toordinal()), date.max.toordinal())
    return date.fromordinal(ordinal)


# --- EDTF ------------------------------------------------------------------------------

# ASCII digits only: `\d` would also take other scripts' digits into a stored EDTF string.
_EDTF_SINGLE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
_SUBYEAR = {33: (1, 3), 34: (4, 6), 35: (7, 9), 36: (10, 12), 40: (1, 6), 41: (7, 12)}
_OPEN = ("..", "")


@dataclass(frozen=True)
class _Point:
    """One EDTF date (`2025`, `2025-12`, `2025-12-21`, `2026-33`): its days and precision."""

    precision: str
    first: date
    last: date


def _edtf_point(part: str) -> _Point:
    match = _EDTF_SINGLE.fullmatch(part)
    if not match:
        raise _bad_date(part)
    year = _checked_year(int(match[1]), part)
    if match[2] is None:
        return _Point("year", date(year, 1, 1), date(year, 12, 31))
    code = int(match[2])
    if match[3] is None and code in _SUBYEAR:
        first, last = _SUBYEAR[code]
        precision = "half" if code >= 40 else "quarter"
        return _Point(precision, date(year, first, 1), _month_end(year, last))
    month = _check_month(code, part)
    if match[3] is None:
        return _Point("month", date(year, month, 1), _month_end(year, month))
    day = _day(year, month, int(match[3]), part)
    return _Point("day", day, day)


def _edtf_set(edtf: str) -> list[_Point]:
    """The members of an EDTF "one of" set `[a,b,c]`, in order."""
    members = [_edtf_point(p.strip()) for p in edtf[1:-1].split(",") if p.strip()]
    if not members:
        raise _bad_date(edtf, "후보 날짜가 없습니다. ", "The set has no dates. ")
    return members


def _edtf_interval(edtf: str) -> tuple[_Point | None, _Point]:
    """The two ends of `a/b`; an open start (`../b`) is None, an open end is refused.

    A window with no end would be "possibly" in every future window forever, so a
    plan without an end date is refused; a start alone is what a `start` qualifier says.
    """
    left, right = (p.strip() for p in edtf.split("/", 1))
    if left in _OPEN and right in _OPEN:
        raise _bad_date(
            edtf, "시작도 끝도 없는 기간입니다. ", "An interval needs at least an end. "
        )
    if right in _OPEN:
        raise _bad_date(
            edtf,
            "끝이 열린 기간은 받을 수 없습니다: 언제까지인지 적어 주세요. ",
            "An interval open at the end is not accepted: give its end. ",
        )
    start = None if left in _OPEN else _edtf_point(left)
    end = _edtf_point(right)
    if start and start.first > end.last:
        raise _bad_date(edtf, "시작이 끝보다 늦습니다. ", "The start is after the end. ")
    return start, end


def edtf_window(edtf: str) -> tuple[date | None, date | None]:
    """The window an EDTF string allows: single dates, `a/b` and `../b` intervals, `[a,b]` sets."""
    edtf = edtf.strip()
    if edtf.startswith("[") and edtf.endswith("]"):
        members = _edtf_set(edtf)
        return min(m.first for m in members), max(m.last for m in members)
    if "/" in edtf:
        start, end = _edtf_interval(edtf)
        return (start.first if start else None), end.last
    point = _edtf_point(edtf)
    return point.first, point.last


def edtf_precisions(edtf: str) -> frozenset[str]:
    """The precisions `edtf` can be stored with: `2025-12` is a month, `../2028` is "by",
    `2025-12-21/2025-12-31` a range or late December. Raises `InvalidInput` when unreadable."""
    edtf = edtf.strip()
    if edtf.startswith("[") and edtf.endswith("]"):
        _edtf_set(edtf)
        return frozenset(("range",))
    if "/" not in edtf:
        return frozenset((_edtf_point(edtf).precision,))
    start, end = _edtf_interval(edtf)
    if start is None:
        return frozenset(("by",))
    fits = {"range"}
    same_year = start.first.year == end.last.year
    if (
        start.precision == end.precision == "day"
        and same_year
        and start.first.month == end.last.month
    ):
        month_end = _month_end(end.last.year, end.last.month).day
        for precision, (first, last) in _MONTH_PARTS.items():
            if (start.first.day, end.last.day) == (first, min(last, month_end)):
                fits.add(precision)
    if start.precision == end.precision == "month" and same_year:
        for precision, months in _YEAR_PARTS.items():
            if (start.first.month, end.last.month) == months:
                fits.add(precision)
    return frozenset(fits)


# --- The value type ----------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzyDate:
    """A date as precise as its source: wording, EDTF window, precision and bounds."""

    text: str
    edtf: str | None
    precision: str
    earliest: date | None
    latest: date | None

    @classmethod
    def from_edtf(cls, text: str, edtf: str | None, precision: str) -> FuzzyDate:
        """Build from stored or hand-written parts, refusing parts that disagree.

        The precision must be one the EDTF string can have (`month` for `2025-12`, `by`
        for `../2028`), and `unknown` goes with no EDTF at all: a date that passes here
        can always be labelled and placed in a window.
        """
        if precision not in PRECISIONS:
            raise InvalidInput(
                f"알 수 없는 정밀도 {precision!r}: {', '.join(PRECISIONS)}",
                f"Unknown precision {precision!r}; one of {', '.join(PRECISIONS)}.",
            )
        if edtf is None:
            if precision != "unknown":
                raise _bad_date(text, "EDTF가 없습니다. ", "The EDTF string is missing. ")
            return cls(text, None, precision, None, None)
        fits = edtf_precisions(edtf)
        if precision not in fits:
            raise InvalidInput(
                f"정밀도 {precision!r}은(는) EDTF {edtf!r}와 맞지 않습니다"
                f" ({', '.join(sorted(fits))} 중 하나여야 합니다).",
                f"The precision {precision!r} does not match the EDTF {edtf!r}"
                f" (it takes {', '.join(sorted(fits))}).",
            )
        earliest, latest = edtf_window(edtf)
        return cls(text, edtf, precision, earliest, latest)

    @classmethod
    def stored(cls, text: str, edtf: str | None, precision: str) -> FuzzyDate:
        """A date as read back from the store, for showing: never raises.

        Parts that do not agree (written by another tool, or before a check existed)
        become a date of unknown precision that shows its wording, so one bad row cannot
        break every card and list it appears in; `store check` reports the row.
        """
        try:
            return cls.from_edtf(text, edtf, precision)
        except InvalidInput:
            return cls(text, edtf, "unknown", None, None)

    def possibly_in(self, start: date, end: date) -> bool:
        """True when the window [start, end] overlaps what this date allows."""
        if self.precision == "unknown":
            return False
        return (self.earliest is None or self.earliest <= end) and (
            self.latest is None or self.latest >= start
        )

    def surely_in(self, start: date, end: date) -> bool:
        """True when everything this date allows lies inside [start, end]."""
        return (
            self.earliest is not None
            and self.latest is not None
            and start <= self.earliest
            and self.latest <= end
        )

    def label(self, locale: str = "ko") -> str:
        """How a person writes this date at its real precision (`2025년 12월 말`, `late Dec 2025`).

        The words follow the EDTF string, which `from_edtf` has checked against the
        precision: a set is shown as a set, a range as its two ends.
        """
        en = locale == "en"
        if self.precision == "unknown" or self.edtf is None or self.latest is None:
            return f"{self.text} (date not known)" if en else f"{self.text} (날짜 미정)"
        if self.edtf.startswith("["):
            return _set_label(_edtf_set(self.edtf), en)
        if "/" not in self.edtf:
            return _point_label(_edtf_point(self.edtf), en)
        start, end = _edtf_interval(self.edtf)
        if start is None:
            return f"by {_point_label(end, en)}" if en else f"{_point_label(end, en)}까지"
        if self.precision == "range":
            return _interval_label(start, end, en)
        return _part_label(self.precision, start.first, en)


# --- Labels ------------------------------------------------------------------------------


def _part_label(precision: str, first: date, en: bool) -> str:
    """Part of a month or of a year (`2025년 12월 말`, `early 2026`), from its first day."""
    y, m = first.year, first.month
    if precision == "early_year":
        return f"early {y}" if en else f"{y}년 초"
    if precision == "late_year":
        return f"late {y}" if en else f"{y}년 말"
    part = precision.split("_")[0]
    if en:
        return f"{'mid-' if part == 'mid' else part + ' '}{_EN_MONTHS[m]} {y}"
    return f"{y}년 {m}월 {dict(early='초', mid='중순', late='말')[part]}"


def _point_parts(point: _Point, en: bool, *, day_first: bool = False) -> tuple[int, str]:
    """A point's year and the rest of its label (`3월 15일`, `Mar 15`, `Q1`; empty for a year)."""
    first = point.first
    m = first.month
    match point.precision:
        case "day":
            if not en:
                rest = f"{m}월 {first.day}일"
            elif day_first:
                rest = f"{first.day} {_EN_MONTHS[m]}"
            else:
                rest = f"{_EN_MONTHS[m]} {first.day}"
        case "month":
            rest = _EN_MONTHS[m] if en else f"{m}월"
        case "quarter":
            q = (m - 1) // 3 + 1
            rest = f"Q{q}" if en else f"{q}분기"
        case "half":
            rest = ("H1" if m == 1 else "H2") if en else ("상반기" if m == 1 else "하반기")
        case _:
            rest = ""
    return first.year, rest


def _joined(year: int, rest: str, en: bool, *, comma: bool = False) -> str:
    """Year and rest as one label: `2025년 3월 15일`, `Mar 15, 2025` (`comma`), `Q1 2025`."""
    if not rest:
        return f"{year}" if en else f"{year}년"
    if not en:
        return f"{year}년 {rest}"
    return f"{rest}{',' if comma else ''} {year}"


def _point_label(point: _Point, en: bool) -> str:
    return _joined(*_point_parts(point, en), en, comma=point.precision == "day")


def _interval_label(start: _Point, end: _Point, en: bool) -> str:
    """A range as reported, shared parts written once: `2024년 10월 28일 ~ 31일`,
    `Oct – Nov 2025`; a range that is exactly one year or one month is that year or month."""
    first, last = start.first, end.last
    if first.year == last.year and (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        return _joined(first.year, "", en)
    if (first.year, first.month, first.day) == (last.year, last.month, 1) and last == _month_end(
        last.year, last.month
    ):
        return _point_label(_Point("month", first, last), en)
    (y1, rest1), (y2, rest2) = _point_parts(start, en), _point_parts(end, en)
    if y1 != y2 or not rest1 or not rest2:
        return f"{_point_label(start, en)}{' – ' if en else ' ~ '}{_point_label(end, en)}"
    if start.precision == end.precision == "day" and first.month == last.month:
        rest2 = str(last.day) if en else f"{last.day}일"  # the month once: 10월 28일 ~ 31일
    if en:
        return _joined(y2, f"{rest1} – {rest2}", en, comma=end.precision == "day")
    return f"{y1}년 {rest1} ~ {rest2}"


def _set_label(members: list[_Point], en: bool) -> str:
    """One of several candidate dates, as a set: `2025년 9월 9일·10월 9일·11월 9일 중 하루 (추정)`,
    `one of 9 Sep, 9 Oct, 9 Nov 2025 (inferred)`. Never a span, which would read as an event
    lasting from the first candidate to the last."""
    if len(members) == 1:
        return _point_label(members[0], en)
    parts = [_point_parts(m, en, day_first=True) for m in members]
    separator = ", " if en else "·"
    years = {year for year, _ in parts}
    if len(years) == 1 and all(rest for _, rest in parts):
        shown = _joined(years.pop(), separator.join(rest for _, rest in parts), en)
    else:
        shown = separator.join(_joined(year, rest, en) for year, rest in parts)
    if en:
        return f"one of {shown} (inferred)"
    one = "하루" if all(m.precision == "day" for m in members) else "하나"
    return f"{shown} 중 {one} (추정)"


# --- Parsing what people type ----------------------------------------------------------

_YEAR = r"(?:(?P<year>\d{4})\s*년|(?P<rel>올해|금년|내년|내후년|작년|지난해))?"
_FULL_DAY = re.compile(r"^(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\.?$")
_KO_DAY = re.compile(_YEAR + r"\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일$")
_KO_MONTH_PART = re.compile(
    _YEAR + r"\s*(?P<month>\d{1,2})\s*월\s*(?:(?P<part>초순|상순|초|중순|중|하순|말)|(?P<plain>))$"
)
_KO_QUARTER = re.compile(_YEAR + r"\s*(?P<q>[1-4])\s*분기$")
_KO_HALF = re.compile(_YEAR + r"\s*(?P<half>상반기|하반기)$")
_KO_YEAR_PART = re.compile(
    r"^(?:(?P<year>\d{4})\s*년\s*|(?P<rel>올해|금년|내년|내후년|작년|지난해)\s*)?(?P<part>초|말|연초|연말)$"
)
_KO_YEAR = re.compile(r"^(?:(?P<year>\d{4})\s*년?|(?P<rel>올해|금년|내년|내후년|작년|지난해))$")
_RELATIVE_YEARS = {"올해": 0, "금년": 0, "내년": 1, "내후년": 2, "작년": -1, "지난해": -1}
_MONTH_PART_OF = {
    "초순": "early_month",
    "상순": "early_month",
    "초": "early_month",
    "중순": "mid_month",
    "중": "mid_month",
    "하순": "late_month",
    "말": "late_month",
}


def _year_of(match: re.Match[str], today: date, text: str) -> int:
    if match["year"]:
        return _checked_year(int(match["year"]), text)
    return _checked_year(today.year + _RELATIVE_YEARS.get(match["rel"] or "올해", 0), text)


def parse_date(text: str, today: date) -> FuzzyDate:
    """Read a date as people write it in Korean, or as EDTF, relative to `today`.

    `2026-03-15`, `2026년 3월 15일`, `3월 15일`, `12월 말`, `2026년 3월`, `2026년 1분기`,
    `2026년 상반기`, `연말`, `내년 초`, `2026년`, `2028년까지`, `2025-12-21/2025-12-31`.
    A missing year is this year. Raises `InvalidInput` with examples otherwise.
    """
    raw = nfc(text)
    if not raw:
        raise _bad_date(raw, "비어 있습니다. ", "It is empty. ")
    if raw.endswith("까지"):
        inner = parse_date(raw.removesuffix("까지").strip(), today)
        if inner.precision in ("by", "range", "unknown") or inner.edtf is None:
            raise _bad_date(raw)
        return FuzzyDate(raw, f"../{inner.edtf.split('/')[-1]}", "by", None, inner.latest)
    parsed = _parse_plain(raw, today)
    if parsed is not None:
        return parsed
    fits = edtf_precisions(raw)
    earliest, latest = edtf_window(raw)
    precision = "range" if "range" in fits else next(iter(fits))
    return FuzzyDate(raw, raw, precision, earliest, latest)


def _parse_plain(raw: str, today: date) -> FuzzyDate | None:
    if m := _FULL_DAY.match(raw):
        day = _day(int(m[1]), int(m[2]), int(m[3]), raw)
        return FuzzyDate(raw, day.isoformat(), "day", day, day)
    if m := _KO_DAY.match(raw):
        day = _day(_year_of(m, today, raw), int(m["month"]), int(m["day"]), raw)
        return FuzzyDate(raw, day.isoformat(), "day", day, day)
    if m := _KO_MONTH_PART.match(raw):
        year, month = _year_of(m, today, raw), _check_month(int(m["month"]), raw)
        if m["part"] is None:
            return FuzzyDate(
                raw,
                f"{year:04d}-{month:02d}",
                "month",
                date(year, month, 1),
                _month_end(year, month),
            )
        precision = _MONTH_PART_OF[m["part"]]
        first_day, last_day = _MONTH_PARTS[precision]
        first = date(year, month, first_day)
        last = _month_end(year, month) if precision == "late_month" else date(year, month, last_day)
        return FuzzyDate(raw, f"{first.isoformat()}/{last.isoformat()}", precision, first, last)
    if m := _KO_QUARTER.match(raw):
        return _from_code(raw, _year_of(m, today, raw), 32 + int(m["q"]), "quarter")
    if m := _KO_HALF.match(raw):
        code = 40 if m["half"] == "상반기" else 41
        return _from_code(raw, _year_of(m, today, raw), code, "half")
    if m := _KO_YEAR_PART.match(raw):
        year = _year_of(m, today, raw)
        precision = "early_year" if m["part"] in ("초", "연초") else "late_year"
        first_month, last_month = _YEAR_PARTS[precision]
        return FuzzyDate(
            raw,
            f"{year:04d}-{first_month:02d}/{year:04d}-{last_month:02d}",
            precision,
            date(year, first_month, 1),
            _month_end(year, last_month),
        )
    if m := _KO_YEAR.match(raw):
        year = _year_of(m, today, raw)
        return FuzzyDate(raw, f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31))
    return None


def _from_code(raw: str, year: int, code: int, precision: str) -> FuzzyDate:
    point = _edtf_point(f"{year:04d}-{code}")
    return FuzzyDate(raw, f"{year:04d}-{code}", precision, point.first, point.last)
