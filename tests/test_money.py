"""Korean money amounts: parsing what articles and admins write, and formatting it back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.money import MoneyError, format_won_en, format_won_ko, parse_won


@pytest.mark.parametrize(
    ("text", "won"),
    [
        ("2136억원", 213_600_000_000),
        ("2,136억 원", 213_600_000_000),
        ("1조807억원", 1_080_700_000_000),
        ("1조 807억 원", 1_080_700_000_000),
        ("946억 원", 94_600_000_000),
        ("3018억원", 301_800_000_000),
        ("3천억원", 300_000_000_000),
        ("3천5백억", 350_000_000_000),
        ("5000만원", 50_000_000),
        ("1.5조", 1_500_000_000_000),
        ("1,000원", 1000),
        ("₩213.6 billion", 213_600_000_000),
        ("213.6 billion won", 213_600_000_000),
        ("KRW 1.08 trillion", 1_080_000_000_000),
        ("9,223,372,036,854,775,807원", 2**63 - 1),
    ],
)
def test_parses_korean_and_english_amounts(text: str, won: int) -> None:
    assert parse_won(text) == won


@pytest.mark.parametrize(
    ("won", "ko", "en"),
    [
        (213_600_000_000, "2,136억 원", "₩213.6 billion"),
        (1_080_700_000_000, "1조 807억 원", "₩1.0807 trillion"),
        (94_600_000_000, "946억 원", "₩94.6 billion"),
        (12_345, "1만 2,345원", "₩12,345"),
        (0, "0원", "₩0"),
    ],
)
def test_formats_in_both_styles(won: int, ko: str, en: str) -> None:
    assert format_won_ko(won) == ko
    assert format_won_en(won) == en


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("abc", "Not an amount"),
        ("-5억", "Negative"),
        ("0.5원", "below one won"),
        ("억원", "No number before"),
        ("1조2조", "out of order"),
        ("5 zillion", "Unknown unit"),
        # Commas were dropped wherever they stood: 1,0,0원 was 100원.
        ("1,0,0원", "groups of three"),
        ("1,00원", "groups of three"),
        ("1234,567원", "groups of three"),
        ("2,1364억", "groups of three"),
        # More than SQLite's 64-bit integers: an OverflowError at the bind.
        ("9223372036854775808원", "too large"),
        ("9" * 400 + "원", "too large"),
        # Rounded to 28 digits, this was exactly 1조.
        ("1.00000000000000000000000000000001조", "below one won"),
    ],
)
def test_bad_amounts_say_what_is_wrong_in_both_languages(text: str, fragment: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_won(text)
    assert fragment in caught.value.en
    assert caught.value.ko and caught.value.ko != caught.value.en


@given(st.integers(min_value=0, max_value=10**17))
def test_korean_format_round_trips(won: int) -> None:
    assert parse_won(format_won_ko(won)) == won


@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_korean_units_compose(jo: int, eok: int) -> None:
    text = (f"{jo}조" if jo else "") + (f"{eok}억" if eok or not jo else "") + "원"
    assert parse_won(text) == jo * 10**12 + eok * 10**8
