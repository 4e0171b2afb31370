"""What SQLite can take: checked once, where a value enters the store.

Text reaches a SQLite bind as UTF-8, so a string that is not valid Unicode (a lone
surrogate from a Discord option, or the `\\udcff` Python makes of an invalid byte on
argv or stdin) fails inside `sqlite3` with a `UnicodeEncodeError`; an integer outside
64 bits fails with an `OverflowError`. Both would be a traceback. `FactStore` passes
every argument of every call through `check_storable` first, so such input is an
`InvalidInput` with a message, before any statement runs and with nothing written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from store.errors import InvalidInput

INTEGER_MIN = -(2**63)
INTEGER_MAX = 2**63 - 1


def _broken_text(text: str, error: UnicodeEncodeError) -> InvalidInput:
    shown = text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
    if len(shown) > 60:
        shown = shown[:60] + "…"
    position = error.start + 1
    return InvalidInput(
        f"글자로 읽을 수 없는 문자가 있습니다 ({position}번째 글자, 깨진 인코딩): {shown}."
        " 다시 입력해 주세요.",
        f"The text has a character that is not valid Unicode (character {position},"
        f" a broken encoding): {shown}. Please type it again.",
    )


def _check_scalar(value: object) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _broken_text(value, exc) from exc
    elif isinstance(value, int) and not isinstance(value, bool):
        if not INTEGER_MIN <= value <= INTEGER_MAX:
            raise InvalidInput(
                f"숫자가 너무 큽니다: {value} (저장할 수 있는 정수는 ±{INTEGER_MAX}까지입니다).",
                f"The number {value} is too large (integers are stored up to ±{INTEGER_MAX}).",
            )
    elif isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"유한한 숫자가 아닙니다: {value}.", f"{value} is not a finite number.")


def check_storable(*values: Any) -> None:
    """Refuse text that is not valid Unicode, integers beyond 64 bits and non-finite
    floats anywhere in `values`, including inside lists, tuples, sets and mappings.

    Each container is visited once, so data with shared references (what a YAML alias
    makes) costs its size, not the size it would have unfolded.
    """
    seen: set[int] = set()
    pending: list[Any] = list(values)
    while pending:
        value = pending.pop()
        if isinstance(value, Mapping | list | tuple | set | frozenset):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, Mapping):
                pending.extend(value.keys())
                pending.extend(value.values())
            else:
                pending.extend(value)
        else:
            _check_scalar(value)
