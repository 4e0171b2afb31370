"""Reading a value typed by an admin as its attribute's type, and showing one back.

An attribute's `value_type` decides the column a value lands in: money as integer won
(`2136억원`), numbers with their unit (`5개팀`), imprecise dates (`2026년 상반기`,
EDTF), links to other entities by name, or text. A value that does not read as its
type is refused with what was expected and an example, never stored as text instead.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from typing import Any

import sqlite_utils

from store.dates import FuzzyDate, parse_date
from store.errors import InvalidInput
from store.hangul import nfc
from store.limits import FACT_TEXT_MAX, TITLE_MAX, UNIT_MAX, checked_text, required_text
from store.money import format_won_en, format_won_ko, parse_won
from store.queries import entity_ref
from store.references import Attribute, find_entity

VALUE_TYPES = ("text", "money", "number", "date", "entity")
# Every column a statement's value occupies; a parsed value sets all of them.
VALUE_COLUMNS = (
    "value_text",
    "value_text_en",
    "value_money",
    "value_number",
    "unit",
    "value_date_text",
    "value_date_edtf",
    "value_date_precision",
    "value_entity",
)
_TYPE_NAMES = {
    "text": ("글", "text"),
    "money": ("금액", "an amount of money"),
    "number": ("숫자", "a number"),
    "date": ("날짜", "a date"),
    "entity": ("다른 항목의 이름", "the name of another entity"),
}
_EXAMPLES = {
    "text": "정부안 기준",
    "money": "2136억원, 1조 807억 원",
    "number": "5개팀, 3,000명, 2.5",
    "date": "2026-03-15, 2026년 상반기, 12월 말, 2028년까지",
    "entity": "ETRI, 과학기술정보통신부",
}
_NUMBER = re.compile(
    r"(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>[^\d\s]\S*(?:\s+\S+)*)?"
)
# A "unit" that is really the rest of a number: `1,00`, `5.5.5`, `1e400`.
_NOT_A_UNIT = (
    (
        re.compile(r"[,，]"),
        "쉼표는 세 자리마다 찍습니다 (3,000).",
        "Commas group thousands (3,000).",
    ),
    (re.compile(r"\."), "소수점은 하나만 씁니다 (2.5).", "A number has one decimal point (2.5)."),
    (
        re.compile(r"[eE][+-]?\d"),
        "지수 표기(1e5)는 받지 않습니다: 숫자를 풀어 적어 주세요.",
        "Exponent notation (1e5) is not accepted; write the number out.",
    ),
)
_MONEY_HINT = re.compile(r"[원₩]|krw|\d\s*[조억]", re.IGNORECASE)


def resolved_today(today: date | None) -> date:
    """`today`, or the machine's date when the caller has none (front ends pass their zone's)."""
    return today if today is not None else date.today()


def _expected(attribute: Attribute, value: str, reason: InvalidInput | None = None) -> InvalidInput:
    type_ko, type_en = _TYPE_NAMES[attribute.value_type]
    example = _EXAMPLES[attribute.value_type]
    return InvalidInput(
        f"{attribute.label_ko}에는 {type_ko}을(를) 넣어야 합니다: {value!r}. "
        + (reason.ko if reason else f"예: {example}"),
        f"{attribute.label_en} takes {type_en}, got {value!r}. "
        + (reason.en if reason else f"For example: {example}."),
    )


def parse_when(text: str, today: date, field_ko: str, field_en: str) -> FuzzyDate:
    """A date an admin typed for `field` (Korean phrases or EDTF), refused with examples."""
    raw = required_text(text, TITLE_MAX, field_ko, field_en)
    try:
        return parse_date(raw, today)
    except InvalidInput as exc:
        raise InvalidInput(f"{field_ko}: {exc.ko}", f"{field_en.capitalize()}: {exc.en}") from exc


# The columns a date is stored in, per table (see `date_columns`).
MILESTONE_DATE_COLUMNS = ("date_text", "date_edtf", "precision", "earliest", "latest")
PUBLISHED_COLUMNS = (
    "published_text",
    "published_edtf",
    "published_precision",
    "published_earliest",
    "published_latest",
)


def date_columns(when: FuzzyDate | None, names: tuple[str, ...]) -> dict[str, Any]:
    """`when` as a table stores it: its text, EDTF, precision, then earliest and latest day,
    named `names` (a table that keeps no day range names three); no date stores nulls."""
    parts: tuple[Any, ...] = (None,) * 5
    if when is not None:
        parts = (
            when.text,
            when.edtf,
            when.precision,
            when.earliest and when.earliest.isoformat(),
            when.latest and when.latest.isoformat(),
        )
    return dict(zip(names, parts, strict=False))


def checked_value_type(value_type: str) -> str:
    """`value_type` when it is one the store knows, else an error listing them."""
    if value_type not in VALUE_TYPES:
        raise InvalidInput(
            f"알 수 없는 값 종류 {value_type!r}: {', '.join(VALUE_TYPES)} 중 하나여야 합니다.",
            f"Unknown value type {value_type!r}; one of {', '.join(VALUE_TYPES)}.",
        )
    return value_type


def infer_value_type(text: str, today: date) -> str:
    """The type a new attribute's first value looks like: money, date, number, else text.

    Dates come before numbers because `2026년 상반기` or `2026-03-15` also read as a
    number with a unit. Links to entities are never guessed: a short text such as `KT`
    would otherwise become a link whenever some entity happens to be called that.
    """
    raw = nfc(text)
    if _MONEY_HINT.search(raw):
        try:
            parse_won(raw)
            return "money"
        except InvalidInput:
            pass
    try:
        parse_date(raw, today)
        return "date"
    except InvalidInput:
        pass
    try:
        _read_number(raw)
        return "number"
    except InvalidInput:
        return "text"


def parse_value(
    db: sqlite_utils.Database,
    attribute: Attribute,
    text: str,
    *,
    today: date,
    unit: str | None = None,
    text_en: str | None = None,
) -> dict[str, Any]:
    """The value columns of a statement saying `text` about `attribute`.

    `unit` is for numbers (it may also be written after the number, `5개팀`) and
    `text_en` is the English rendering of a text value; either is refused elsewhere.
    """
    row: dict[str, Any] = dict.fromkeys(VALUE_COLUMNS)
    value_type = attribute.value_type
    raw = required_text(text, FACT_TEXT_MAX, "값", "value")
    unit, row["value_text_en"] = value_extras(attribute, unit, text_en)
    if value_type == "text":
        row["value_text"] = raw
    elif value_type == "money":
        row["value_money"] = parse_money(attribute, raw)
    elif value_type == "number":
        row["value_number"], row["unit"] = parse_number(attribute, raw, unit)
    elif value_type == "date":
        try:
            parsed = parse_date(raw, today)
        except InvalidInput as exc:
            raise _expected(attribute, raw, exc) from exc
        row.update(
            value_date_text=parsed.text,
            value_date_edtf=parsed.edtf,
            value_date_precision=parsed.precision,
        )
    else:
        row["value_entity"] = find_entity(db, raw).id
    return row


def value_extras(
    attribute: Attribute, unit: str | None, text_en: str | None
) -> tuple[str | None, str | None]:
    """A statement's unit and English rendering, checked: only a number takes a unit, only
    text an English rendering."""
    value_type = attribute.value_type
    unit = checked_text(unit, UNIT_MAX, "단위", "unit")
    if unit is not None and value_type != "number":
        raise InvalidInput(
            f"단위는 숫자 값에만 붙일 수 있습니다 ({attribute.label_ko}: {_TYPE_NAMES[value_type][0]}).",
            f"Only numbers take a unit ({attribute.label_en} takes {_TYPE_NAMES[value_type][1]}).",
        )
    english = checked_text(text_en, FACT_TEXT_MAX, "영어 값", "English value")
    if english is not None and value_type != "text":
        raise InvalidInput(
            "영어 값은 글 값에만 붙일 수 있습니다.", "Only text values take an English rendering."
        )
    return unit, english


def parse_money(attribute: Attribute, raw: str) -> int:
    """An amount written for `attribute` (`2136억원`), in won."""
    try:
        return parse_won(raw)
    except InvalidInput as exc:
        raise _expected(attribute, raw, exc) from exc


def _not_a_number(why_ko: str, why_en: str) -> InvalidInput:
    example = _EXAMPLES["number"]
    return InvalidInput(f"{why_ko} 예: {example}", f"{why_en} For example: {example}.")


def _read_number(raw: str) -> tuple[float, str | None]:
    """A number as typed and the unit written after it (`5개팀`, `3,000 명`, `2.5`).

    Refused unless the float SQLite stores reads back as exactly the number typed: not
    infinite, not rounded (a double keeps 15 significant digits exactly, some of 17),
    and not a number followed by what only looks like a unit (`1e400`, `1,00`, `5.5.5`).
    """
    match = _NUMBER.fullmatch(raw)
    if not match:
        raise _not_a_number("숫자로 시작해야 합니다.", "It must start with a number.")
    unit = match["unit"]
    for pattern, why_ko, why_en in _NOT_A_UNIT:
        if unit and pattern.match(unit):
            raise _not_a_number(why_ko, why_en)
    digits = match["number"].replace(",", "")
    value = float(digits)
    if not math.isfinite(value):
        raise _not_a_number("숫자가 너무 큽니다.", "The number is too large.")
    if Decimal(repr(value)) != Decimal(digits):
        raise _not_a_number(
            f"유효숫자가 너무 많아 그대로 저장할 수 없습니다 ({value!r}로 바뀝니다)."
            " 15자리까지는 언제나 정확합니다.",
            f"The number has more significant digits than can be stored exactly (it would"
            f" become {value!r}); up to 15 are always kept.",
        )
    return value, checked_text(unit, UNIT_MAX, "단위", "unit")


def parse_number(attribute: Attribute, raw: str, unit: str | None) -> tuple[float, str | None]:
    """A number written for `attribute` and its unit, given apart or after it (`5개팀`)."""
    try:
        value, written_unit = _read_number(raw)
    except InvalidInput as exc:
        raise _expected(attribute, raw, exc) from exc
    if unit and written_unit and unit != written_unit:
        raise InvalidInput(
            f"단위가 두 가지입니다: {written_unit!r}와 {unit!r}.",
            f"Two different units given: {written_unit!r} and {unit!r}.",
        )
    return value, unit or written_unit


def describe_value(db: sqlite_utils.Database, row: dict[str, Any], locale: str) -> str:
    """A statement's value as a person reads it (`2,136억 원`, `5개팀`, `2026년 상반기`)."""
    if row.get("value_money") is not None:
        won = row["value_money"]
        return format_won_en(won) if locale == "en" else format_won_ko(won)
    if row.get("value_number") is not None:
        number = row["value_number"]
        shown = f"{int(number):,}" if float(number).is_integer() else f"{number:,}"
        unit = row.get("unit") or ""
        return f"{shown} {unit}" if unit[:1].isascii() and unit[:1].isalpha() else shown + unit
    if row.get("value_date_text") is not None:
        parsed = FuzzyDate.stored(
            row["value_date_text"], row["value_date_edtf"], row["value_date_precision"]
        )
        return parsed.label(locale)
    if row.get("value_entity") is not None:
        linked = entity_ref(db, row["value_entity"])
        return linked.name(locale) if linked else row["value_entity"]
    if locale == "en" and row.get("value_text_en"):
        return row["value_text_en"]
    return row.get("value_text") or ""
