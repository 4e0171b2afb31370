"""Korean money amounts as integer won.

Articles write amounts the Korean way (`2136억원`, `1조807억원`, `946억 원`, `3천억원`);
admins type them the same way or in English (`₩213.6 billion`). Storing integer won
keeps sums and comparisons exact; the two formatters give each reader their own style.
"""

from __future__ import annotations

import re
from decimal import Decimal, Inexact, InvalidOperation, localcontext

from store.errors import InvalidInput
from store.hangul import nfc
from store.storable import INTEGER_MAX

_BIG_UNITS = {"조": 10**12, "억": 10**8, "만": 10**4}
_SMALL_UNITS = {"천": 1000, "백": 100, "십": 10}
_EN_UNITS = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
    "t": 10**12,
}
_EN_AMOUNT = re.compile(r"^([\d.,]+)([a-z]+)?$")
_KO_TOKEN = re.compile(r"(\d+(?:\.\d+)?)|([조억만천백십])")
# A digit run with commas must group thousands: `2,136억`, `1,000원`, never `1,0,0원`.
_DIGITS_WITH_COMMAS = re.compile(r"[\d,]*\d,[\d,]*|,")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_EXAMPLES_KO = "예: 2136억원, 1조 807억 원, 3천억원, ₩213.6 billion"
_EXAMPLES_EN = "e.g. 2136억원, 1조 807억 원, ₩213.6 billion, 213.6 billion won"


class MoneyError(InvalidInput):
    """A money amount that cannot be read; the message says what was wrong."""


def parse_won(text: str) -> int:
    """Parse a Korean or English money amount into integer won.

    Accepts `2136억원`, `2,136억 원`, `1조807억원`, `3천5백억`, `5000만원`, `1.5조`,
    `1,000원`, `₩213.6 billion`, `213.6 billion won`. Raises `MoneyError` naming
    the problem (empty, not a number, commas out of place, negative, fractions of a
    won, more than SQLite's 64-bit integers hold). Arithmetic is exact: no amount is
    rounded to fit.
    """
    raw = nfc(text)
    if not raw:
        raise MoneyError(
            f"금액이 비어 있습니다. {_EXAMPLES_KO}", f"The amount is empty; {_EXAMPLES_EN}."
        )
    if raw.startswith("-"):
        raise MoneyError(
            f"음수 금액은 받을 수 없습니다: {raw!r}", f"Negative amounts are not accepted: {raw!r}."
        )
    spaceless = raw.replace(" ", "")
    for digits in _DIGITS_WITH_COMMAS.findall(spaceless):
        if not _GROUPED.fullmatch(digits):
            raise MoneyError(
                f"쉼표는 세 자리마다 찍습니다 (예: 1,000원, 2,136억): {_shown(raw)}",
                f"Commas go between groups of three digits (e.g. 1,000원, 2,136억): {_shown(raw)}.",
            )
    compact = spaceless.replace(",", "").removesuffix("원").removeprefix("₩")
    if not compact:
        raise _unreadable(raw)
    # Precision enough for every digit typed, and Inexact trapped: exact or refused.
    with localcontext() as context:
        context.prec = 2 * len(compact) + 40
        context.traps[Inexact] = True
        try:
            value = _parse_korean(compact) if re.search(r"[조억만천백십]", compact) else None
            if value is None:
                value = _parse_english(compact.lower())
        except Inexact as exc:
            raise _unreadable(raw) from exc
    if value != value.to_integral_value():
        raise MoneyError(
            f"원 단위 아래 금액은 받을 수 없습니다: {raw!r}",
            f"Amounts below one won are not accepted: {raw!r}.",
        )
    if value > INTEGER_MAX:
        raise MoneyError(
            f"금액이 너무 큽니다: {_shown(raw)} (최대 {format_won_ko(INTEGER_MAX)}).",
            f"The amount {_shown(raw)} is too large (at most ₩{INTEGER_MAX:,}).",
        )
    return int(value)


def _shown(text: str) -> str:
    """`text` quoted for a message, cut short: a reply need not echo 400 digits."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _unreadable(text: str) -> MoneyError:
    return MoneyError(
        f"금액으로 읽을 수 없습니다: {_shown(text)}. {_EXAMPLES_KO}",
        f"Not an amount of money: {_shown(text)}; {_EXAMPLES_EN}.",
    )


def _number(token: str, raw: str) -> Decimal:
    try:
        return Decimal(token)
    except InvalidOperation as exc:
        raise _unreadable(raw) from exc


def _parse_korean(compact: str) -> Decimal:
    """Sum `조/억/만` groups, each itself a sum of `천/백/십` parts (`3천5백억` = 3500억)."""
    pos = 0
    total = Decimal(0)
    group = Decimal(0)
    pending: Decimal | None = None
    last_big = None
    for match in _KO_TOKEN.finditer(compact):
        if match.start() != pos:
            raise _unreadable(compact)
        pos = match.end()
        number, unit = match.groups()
        if number is not None:
            if pending is not None:
                raise _unreadable(compact)
            pending = _number(number, compact)
        elif unit in _SMALL_UNITS:
            group += (pending if pending is not None else Decimal(1)) * _SMALL_UNITS[unit]
            pending = None
        else:
            if last_big is not None and _BIG_UNITS[unit] >= _BIG_UNITS[last_big]:
                raise MoneyError(
                    f"단위 순서가 잘못되었습니다 ({last_big} 다음 {unit}): {compact!r}",
                    f"Units out of order ({unit} after {last_big}) in {compact!r}.",
                )
            if pending is None and not group:
                raise MoneyError(
                    f"'{unit}' 앞에 숫자가 없습니다: {compact!r}. {_EXAMPLES_KO}",
                    f"No number before '{unit}' in {compact!r}; {_EXAMPLES_EN}.",
                )
            group += pending if pending is not None else Decimal(0)
            total += group * _BIG_UNITS[unit]
            group, pending, last_big = Decimal(0), None, unit
    if pos != len(compact):
        raise _unreadable(compact)
    return total + group + (pending if pending is not None else 0)


def _parse_english(lowered: str) -> Decimal:
    match = _EN_AMOUNT.match(lowered.removeprefix("krw").removesuffix("won").removesuffix("krw"))
    if not match:
        raise _unreadable(lowered)
    number, unit = match.groups()
    value = _number(number.replace(",", ""), lowered)
    if unit is None:
        return value
    if unit not in _EN_UNITS:
        raise MoneyError(
            f"알 수 없는 단위 {unit!r}. {_EXAMPLES_KO}", f"Unknown unit {unit!r}; {_EXAMPLES_EN}."
        )
    return value * _EN_UNITS[unit]


def format_won_ko(won: int) -> str:
    """Korean style with 조/억/만 groups: 213600000000 → `2,136억 원`, 1조 807억 원."""
    if won == 0:
        return "0원"
    parts = []
    rest = won
    for unit, size in _BIG_UNITS.items():
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count:,}{unit}")
    if rest:
        parts.append(f"{rest:,}")
    return " ".join(parts) + ("원" if rest else " 원")


def format_won_en(won: int) -> str:
    """English style: `₩213.6 billion`, `₩1.0807 trillion`, `₩12,500`."""
    for name, size in (("trillion", 10**12), ("billion", 10**9), ("million", 10**6)):
        if won >= size:
            scaled = (Decimal(won) / size).quantize(Decimal("0.0001")).normalize()
            return f"₩{scaled:f} {name}"
    return f"₩{won:,}"
