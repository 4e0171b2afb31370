"""How long text typed by an admin may be, and the one check that enforces it.

The limits are sized for the chat cards every edit ends up shown in: a fact's text
must fit one section of a card (about a thousand characters), a title a card's title,
a name one completion choice (100). Refusing longer input up front is kinder than storing
something every card would then have to cut.
"""

from __future__ import annotations

from store.errors import InvalidInput
from store.hangul import nfc

FACT_TEXT_MAX = 1000
SUMMARY_MAX = 1000
TITLE_MAX = 200
NAME_MAX = 100
REASON_MAX = 500
UNIT_MAX = 20
URL_MAX = 500
ACTOR_MAX = 100


def checked_text(
    value: str | None, limit: int, field_ko: str, field_en: str, *, required: bool = False
) -> str | None:
    """`value` in NFC (None when blank), refused when longer than `limit` or required but blank."""
    text = nfc(value) if value is not None else ""
    if not text:
        if required:
            raise InvalidInput(f"{field_ko}이(가) 필요합니다.", f"The {field_en} is required.")
        return None
    if len(text) > limit:
        raise InvalidInput(
            f"{field_ko}이(가) 너무 깁니다: {len(text)}자 (최대 {limit}자).",
            f"The {field_en} is too long: {len(text)} characters (at most {limit}).",
        )
    return text


def required_text(value: str | None, limit: int, field_ko: str, field_en: str) -> str:
    """Like `checked_text`, for a field that must not be blank."""
    text = checked_text(value, limit, field_ko, field_en, required=True)
    assert text is not None
    return text
