"""Imprecise dates: what an article said, the window it allows, and how precise it is.

News rarely gives a day: `12월 말`, `연말`, `2028년까지`, `상반기`. A `FuzzyDate` keeps
the original wording, an EDTF string for the window, a precision label and the window's
`earliest`/`latest` days, so that a milestone known only as `12월 말` can be *possibly*
inside a window touching late December and *not* inside one that ends in October —
without ever inventing a day.
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
_EN_MONTHS = [calendar.month_abbr[m] for m in range(13)]
_EXAMPLES_KO = "예: 2026-03-15, 2026년 3월, 12월 말, 2026년 상반기, 연말, 2028년까지"
_EXAMPLES_EN = "e.g. 2026-03-15, 2026년 3월, 12월 말, 2026년 상반기, 연말, 2028년까지, 2026-33 (Q1)"


def _bad_date(text: str, why_ko: str = "", why_en: str = "") -> InvalidInput:
    return InvalidInput(
        f"날짜로 읽을 수 없습니다: {text!r}. {why_ko}{_EXAMPLES_KO}",
        f"Not a date I can read: {text!r}. {why_en}{_EXAMPLES_EN}",
    )


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _bad_date(text, "없는 날짜입니다. ", "No such day. ") from exc


def _check_month(month: int, text: str) -> int:
    if not 1 <= month <= 12:
        raise _bad_date(text, "월은 1~12입니다. ", "Months run from 1 to 12. ")
    return month


# --- EDTF ------------------------------------------------------------------------------

_EDTF_SINGLE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SUBYEAR = {33: (1, 3), 34: (4, 6), 35: (7, 9), 36: (10, 12), 40: (1, 6), 41: (7, 12)}


def _edtf_single(part: str) -> tuple[date, date]:
    """The first and last day of one EDTF date (`2025`, `2025-12`, `2025-12-21`, `2026-33`)."""
    match = _EDTF_SINGLE.match(part)
    if not match:
        raise _bad_date(part)
    year = int(match[1])
    if match[2] is None:
        return date(year, 1, 1), date(year, 12, 31)
    code = int(match[2])
    if match[3] is None and code in _SUBYEAR:
        first, last = _SUBYEAR[code]
        return date(year, first, 1), _month_end(year, last)
    month = _check_month(code, part)
    if match[3] is None:
        return date(year, month, 1), _month_end(year, month)
    day = _safe_date(year, month, int(match[3]), part)
    return day, day


def edtf_window(edtf: str) -> tuple[date | None, date | None]:
    """The window an EDTF string allows: single dates, `a/b` intervals (`..` open), `[a,b]` sets."""
    edtf = edtf.strip()
    if edtf.startswith("[") and edtf.endswith("]"):
        members = [_edtf_single(p.strip()) for p in edtf[1:-1].split(",") if p.strip()]
        if not members:
            raise _bad_date(edtf)
        return min(m[0] for m in members), max(m[1] for m in members)
    if "/" in edtf:
        left, right = edtf.split("/", 1)
        earliest = None if left in ("..", "") else _edtf_single(left)[0]
        latest = None if right in ("..", "") else _edtf_single(right)[1]
        if earliest and latest and earliest > latest:
            raise _bad_date(edtf, "시작이 끝보다 늦습니다. ", "The start is after the end. ")
        return earliest, latest
    return _edtf_single(edtf)


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
        """Build from stored or hand-written parts, checking they agree with each other."""
        if precision not in PRECISIONS:
            raise InvalidInput(
                f"알 수 없는 정밀도 {precision!r}: {', '.join(PRECISIONS)}",
                f"Unknown precision {precision!r}; one of {', '.join(PRECISIONS)}.",
            )
        if edtf is None:
            if precision != "unknown":
                raise _bad_date(text, "EDTF가 없습니다. ", "The EDTF string is missing. ")
            return cls(text, None, precision, None, None)
        earliest, latest = edtf_window(edtf)
        return cls(text, edtf, precision, earliest, latest)

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
        """How a person writes this date at its real precision (`2025년 12월 말`, `late Dec 2025`)."""
        if self.precision == "unknown" or (self.earliest is None and self.latest is None):
            return f"{self.text} (날짜 미정)" if locale != "en" else f"{self.text} (date not known)"
        if self.precision == "by":
            assert self.latest is not None
            inner = _edtf_tail(self.edtf)
            return (
                f"{_label(inner, locale)}까지" if locale != "en" else f"by {_label(inner, locale)}"
            )
        if self.precision == "range":
            assert self.earliest is not None and self.latest is not None
            return _range_label(self.earliest, self.latest, locale)
        return _label(self, locale)


def _edtf_tail(edtf: str | None) -> FuzzyDate:
    """The closing date of an open `../X` interval, at the precision X is written in."""
    assert edtf is not None
    tail = edtf.split("/")[-1]
    earliest, latest = _edtf_single(tail)
    match = _EDTF_SINGLE.match(tail)
    assert match is not None
    if match[2] is None:
        precision = "year"
    elif match[3] is not None:
        precision = "day"
    else:
        code = int(match[2])
        precision = "quarter" if 33 <= code <= 36 else "half" if code in (40, 41) else "month"
    return FuzzyDate(tail, tail, precision, earliest, latest)


def _label(value: FuzzyDate, locale: str) -> str:
    assert value.earliest is not None
    first = value.earliest
    y, m = first.year, first.month
    en = locale == "en"
    match value.precision:
        case "day":
            return f"{_EN_MONTHS[m]} {first.day}, {y}" if en else f"{y}년 {m}월 {first.day}일"
        case "early_month" | "mid_month" | "late_month":
            part = value.precision.split("_")[0]
            if en:
                return f"{'mid-' if part == 'mid' else part + ' '}{_EN_MONTHS[m]} {y}"
            return f"{y}년 {m}월 {dict(early='초', mid='중순', late='말')[part]}"
        case "month":
            return f"{_EN_MONTHS[m]} {y}" if en else f"{y}년 {m}월"
        case "quarter":
            q = (m - 1) // 3 + 1
            return f"Q{q} {y}" if en else f"{y}년 {q}분기"
        case "half":
            first_half = m == 1
            return (
                f"H{1 if first_half else 2} {y}"
                if en
                else f"{y}년 {'상' if first_half else '하'}반기"
            )
        case "early_year":
            return f"early {y}" if en else f"{y}년 초"
        case "late_year":
            return f"late {y}" if en else f"{y}년 말"
        case "year":
            return f"{y}" if en else f"{y}년"
    return _range_label(first, value.latest or first, locale)


def _range_label(first: date, last: date, locale: str) -> str:
    if locale == "en":
        return f"{_EN_MONTHS[first.month]} {first.day}, {first.year} – {_EN_MONTHS[last.month]} {last.day}, {last.year}"
    return (
        f"{first.year}년 {first.month}월 {first.day}일 ~ {last.year}년 {last.month}월 {last.day}일"
    )


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


def _year_of(match: re.Match[str], today: date) -> int:
    if match["year"]:
        return int(match["year"])
    return today.year + _RELATIVE_YEARS.get(match["rel"] or "올해", 0)


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
        return FuzzyDate(raw, f"../{_closing_edtf(inner)}", "by", None, inner.latest)
    parsed = _parse_plain(raw, today)
    if parsed is not None:
        return parsed
    earliest, latest = edtf_window(raw)
    return FuzzyDate(raw, raw, _edtf_precision(raw), earliest, latest)


def _closing_edtf(inner: FuzzyDate) -> str:
    """The EDTF of the last part of `inner` (`2028` for a year, `2026-40` for H1 2026)."""
    assert inner.edtf is not None
    return inner.edtf.split("/")[-1]


def _edtf_precision(edtf: str) -> str:
    if "/" in edtf:
        return "by" if edtf.startswith("..") else "range"
    if edtf.startswith("["):
        return "range"
    return _edtf_tail(edtf).precision


def _parse_plain(raw: str, today: date) -> FuzzyDate | None:
    if m := _FULL_DAY.match(raw):
        day = _safe_date(int(m[1]), _check_month(int(m[2]), raw), int(m[3]), raw)
        return FuzzyDate(raw, day.isoformat(), "day", day, day)
    if m := _KO_DAY.match(raw):
        day = _safe_date(_year_of(m, today), _check_month(int(m["month"]), raw), int(m["day"]), raw)
        return FuzzyDate(raw, day.isoformat(), "day", day, day)
    if m := _KO_MONTH_PART.match(raw):
        year, month = _year_of(m, today), _check_month(int(m["month"]), raw)
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
        year, q = _year_of(m, today), int(m["q"])
        return _from_code(raw, year, 32 + q, "quarter")
    if m := _KO_HALF.match(raw):
        year = _year_of(m, today)
        return _from_code(raw, year, 40 if m["half"] == "상반기" else 41, "half")
    if m := _KO_YEAR_PART.match(raw):
        year = _year_of(m, today)
        if m["part"] in ("초", "연초"):
            return FuzzyDate(
                raw,
                f"{year}-01/{year}-02",
                "early_year",
                date(year, 1, 1),
                date(year, 2, 28 + calendar.isleap(year)),
            )
        return FuzzyDate(
            raw, f"{year}-11/{year}-12", "late_year", date(year, 11, 1), date(year, 12, 31)
        )
    if m := _KO_YEAR.match(raw):
        year = _year_of(m, today)
        return FuzzyDate(raw, f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31))
    return None


def _from_code(raw: str, year: int, code: int, precision: str) -> FuzzyDate:
    edtf = f"{year:04d}-{code}"
    earliest, latest = _edtf_single(edtf)
    return FuzzyDate(raw, edtf, precision, earliest, latest)
