"""What keeps the store's reads bounded on large stores (issue 7) still answers correctly."""

from __future__ import annotations

from datetime import date

import pytest

from bot.briefing.cards import _capped
from bot.briefing.model import line
from store import queries
from store.fact_store import FactStore


def test_an_entity_detail_reads_the_first_links_and_counts_them_all(
    store: FactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = store.entity("msit")
    assert full is not None and full.inbound_counts["program"] == 5
    monkeypatch.setattr(queries, "INBOUND_PER_CLASS", 2)
    capped = store.entity("msit")
    assert capped is not None
    programs = [f for f in capped.inbound if f.subject.entity_class == "program"]
    assert [f.id for f in programs] == [
        f.id for f in full.inbound if f.subject.entity_class == "program"
    ][:2]
    assert capped.inbound_counts == full.inbound_counts


def test_a_capped_field_counts_the_lines_it_was_not_given() -> None:
    a, b, c = line("a"), line("b"), line("c")
    assert _capped([a, b, c], "en", limit=3, total=40) == (a, b, line("… and 38 more"))
    assert _capped([a, b], "en", limit=3) == (a, b)


def test_an_alias_added_later_is_found_as_a_substring(store: FactStore) -> None:
    store.add_alias(entity="msit", alias="과학정통부처", actor="console:test")
    assert "msit" in [c.entity.id for c in store.complete("정통부처")]
    assert store.check() == []


@pytest.mark.parametrize(("start", "end"), [(date(2025, 8, 1), date(2025, 12, 31))])
def test_milestone_windows_keep_their_order_and_limit(
    store: FactStore, start: date, end: date
) -> None:
    every = store.milestones(start, end)
    keys = [
        (w.milestone.date.earliest or w.milestone.date.latest, w.milestone.date.latest)
        for w in every
    ]
    assert keys == sorted(keys) and len(every) > 3
    assert [w.milestone.id for w in store.milestones(start, end, limit=3)] == [
        w.milestone.id for w in every[:3]
    ]


def test_overdue_milestones_come_oldest_first_and_stop_at_the_limit(store: FactStore) -> None:
    overdue = store.overdue(date(2030, 1, 1))
    latest = [m.date.latest for m in overdue]
    assert latest == sorted(latest) and overdue
    assert all(m.status in ("planned", "unknown") for m in overdue)
    assert store.overdue(date(2030, 1, 1), limit=1) == overdue[:1]
