"""Input a hostile user or a broken client sends, at every door of a real store.

Each case once crashed (a `UnicodeEncodeError` or `OverflowError` at a SQLite bind, a
`ValueError` from `date`, an assertion in a label) or stored wrong data. Now each is an
`InvalidInput` saying what was expected, with the database and WAL byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from store.fact_store import FactStore
from tests.edit_helpers import ACTOR, PROJECT, SOURCE, refused

TODAY = date(2025, 11, 1)
# What Python makes of the byte \xff on argv or stdin, and a lone surrogate as a Discord
# option can carry.
BROKEN = ("ET\udcffRI", "\ud800")


def _set(store: FactStore, **overrides: Any) -> Any:
    kwargs = {"entity": PROJECT, "attribute": "goal", "value": "목표", "source": SOURCE}
    return store.set_fact(**{**kwargs, "actor": ACTOR, "today": TODAY, **overrides})


def _milestone(store: FactStore, **overrides: Any) -> Any:
    kwargs = {"entity": PROJECT, "title": "중간 평가", "date": "2026년", "source": SOURCE}
    return store.add_milestone(**{**kwargs, "actor": ACTOR, "today": TODAY, **overrides})


def _source(store: FactStore, **overrides: Any) -> Any:
    kwargs = {"title": "기사", "publisher": "매체", "published": "2025년 9월 1일"}
    return store.add_source(**{**kwargs, "actor": ACTOR, "today": TODAY, **overrides})


TEXT_DOORS: dict[str, Callable[[FactStore, str], Any]] = {
    "resolve": lambda s, t: s.resolve(t, ["institution"]),
    "complete": lambda s, t: s.complete(t),
    "search": lambda s, t: s.search(t),
    "find_milestones": lambda s, t: s.find_milestones(t),
    "history": lambda s, t: s.history(t),
    "current_statements": lambda s, t: s.current_statements("ETRI", t),
    "set_fact value": lambda s, t: _set(s, value=t),
    "set_fact entity": lambda s, t: _set(s, entity=t),
    "set_fact reason": lambda s, t: _set(s, reason=t),
    "retire_fact": lambda s, t: s.retire_fact(
        entity=PROJECT, attribute="budget", reason=t, actor=ACTOR
    ),
    "add_milestone": lambda s, t: _milestone(s, title=t),
    "update_milestone": lambda s, t: s.update_milestone(1, actor=ACTOR, title=t),
    "set_milestone_status": lambda s, t: s.set_milestone_status(1, "done", actor=ACTOR, reason=t),
    "add_entity": lambda s, t: s.add_entity(kind="company", name_ko=t, source=SOURCE, actor=ACTOR),
    "add_alias": lambda s, t: s.add_alias(entity="ETRI", alias=t, actor=ACTOR),
    "add_source": lambda s, t: _source(s, title=t),
    "revert": lambda s, t: s.revert(1, actor=ACTOR, reason=t),
    "import": lambda s, t: s.import_dataset({"entities": [{"id": "x", "ko": t}]}, actor=ACTOR),
}


@pytest.mark.parametrize("text", BROKEN)
@pytest.mark.parametrize("door", TEXT_DOORS)
def test_text_that_is_not_unicode_is_refused_at_every_door(
    store: FactStore, door: str, text: str
) -> None:
    with refused(store) as info:
        TEXT_DOORS[door](store, text)
    assert "not valid Unicode" in info.value.en
    assert "깨진 인코딩" in info.value.ko
    info.value.en.encode("utf-8")  # the message itself can be printed and sent


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.revert(2**64, actor=ACTOR),
        lambda s: s.milestone(2**70),
        lambda s: s.update_milestone(-(2**63) - 1, actor=ACTOR, title="x"),
        lambda s: s.set_milestone_status(2**64, "done", actor=ACTOR),
    ],
)
def test_integers_beyond_64_bits_are_refused(store: FactStore, call: Callable) -> None:
    with refused(store) as info:
        call(store)
    assert "too large" in info.value.en


@pytest.mark.parametrize("number", [float("inf"), float("-inf"), float("nan")])
def test_numbers_that_are_not_finite_are_refused_on_import(store: FactStore, number: float) -> None:
    data = store.export()
    facts = [f for e in data["entities"] for f in e.get("facts", []) if "number" in f]
    facts[0]["number"] = number  # what YAML's `.inf` and `.nan` load as
    with refused(store) as info:
        store.import_dataset(data, actor="import:edit.yaml")
    assert "not a finite number" in info.value.en


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("1e400", "Exponent notation"),
        ("1.5e3", "Exponent notation"),
        ("1,00", "Commas group thousands"),
        ("5.5.5", "one decimal point"),
        ("12345678901234567", "stored exactly"),
        ("0.10000000000000001", "stored exactly"),
        ("9223372036854775808", "stored exactly"),
        ("9" * 400, "too large"),
    ],
)
def test_numbers_that_would_not_read_back_as_typed_are_refused(
    store: FactStore, value: str, says: str
) -> None:
    with refused(store) as info:
        _set(store, attribute="team_count", value=value)
    assert says in info.value.en and "For example: 5개팀" in info.value.en


@pytest.mark.parametrize(
    "value", ["3 e-sports teams", "100000000000000000000", "0.1", "3,000 명", "-2.50"]
)
def test_numbers_that_read_back_exactly_are_kept(store: FactStore, value: str) -> None:
    _set(store, attribute="team_count", value=value)


@pytest.mark.parametrize(
    ("value", "says"),
    [("1,0,0원", "groups of three"), ("9223372036854775808원", "too large")],
)
def test_money_out_of_shape_or_range_is_refused(store: FactStore, value: str, says: str) -> None:
    with refused(store) as info:
        _set(store, attribute="budget", value=value)
    assert says in info.value.en


@pytest.mark.parametrize(
    ("when", "today", "says"),
    [
        ("/", TODAY, "needs at least an end"),
        ("../..", TODAY, "needs at least an end"),
        ("2025/..", TODAY, "open at the end"),
        ("2025/", TODAY, "open at the end"),
        ("0000", TODAY, "Years run from 1 to 9999"),
        ("0000년 3월", TODAY, "Years run from 1 to 9999"),
        ("내년", date(9999, 6, 1), "Years run from 1 to 9999"),
    ],
)
def test_dates_without_a_day_datetime_holds_are_refused(
    store: FactStore, when: str, today: date, says: str
) -> None:
    with refused(store) as info:
        _milestone(store, date=when, today=today)
    assert says in info.value.en
    with refused(store) as info:
        _source(store, published=when, today=today)
    assert says in info.value.en


def test_a_fact_cannot_link_an_entity_to_itself(store: FactStore) -> None:
    with refused(store) as info:
        _set(store, entity="ETRI", attribute="partner", value="한국전자통신연구원", add=True)
    assert "cannot be its own" in info.value.en


@pytest.mark.parametrize(
    "typed", ["E\u200bTRI", "\u202eETRI\u202c", "ET\u2060RI", "\u3164ETRI", "\ufeffETRI"]
)
def test_invisible_characters_do_not_hide_a_name(store: FactStore, typed: str) -> None:
    assert store.resolve(typed).entity.id == "etri"
    assert "etri" in [c.entity.id for c in store.complete(typed[:3])]
    with refused(store) as info:
        store.add_alias(entity="KAIST", alias=typed, actor=ACTOR)
    assert "already a name of" in info.value.en


def test_invisible_characters_are_not_stored(store: FactStore) -> None:
    result = store.add_entity(
        kind="company", name_ko="새\u200b기업", name_en="New\u202eCo", aliases="N\u00adC",
        source=SOURCE, actor=ACTOR,
    )  # fmt: skip
    row = next(store.db.query("SELECT * FROM entities WHERE id = ?", [result.row_id]))
    assert (row["name_ko"], row["name_en"]) == ("새기업", "NewCo")
    assert store.resolve("NC").entity.id == result.row_id
    assert store.check() == []
