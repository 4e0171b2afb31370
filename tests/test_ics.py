"""The iCalendar export, read back by `icalendar` and by `vobject`, an independent parser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
import vobject
from icalendar import Calendar

from bot.render.ics import left_out, milestone_uid, milestones_ics
from store.fact_store import FactStore
from store.model import MilestoneView

TODAY = date(2025, 11, 20)
ALL_STATUSES = ("planned", "unknown", "done", "cancelled")


def every_milestone(store: FactStore) -> list[MilestoneView]:
    """Every milestone of every entity, undated ones included."""
    entities = store.complete_default(("program", "institution", "person"), limit=1000)
    found = []
    for entity in entities:
        detail = store.entity(entity.id)
        assert detail is not None
        found += detail.milestones
    return found


def store_stamp(store: FactStore) -> datetime:
    """The newest revision's time: what a caller passes so exports follow the facts."""
    newest = store.revisions_since(store.revision() - 1)[0]
    return datetime.fromisoformat(newest.at)


def export(store: FactStore, locale: str = "ko", milestones: list[MilestoneView] | None = None):
    return milestones_ics(
        every_milestone(store) if milestones is None else milestones,
        locale=locale,
        calendar_name="브리프봇 일정" if locale == "ko" else "briefbot milestones",
        today=TODAY,
        stamp=store_stamp(store),
    )


def icalendar_events(data: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(data)
    return {
        str(e["uid"]): {
            "start": e.decoded("dtstart"),
            "end": e.decoded("dtend"),
            "summary": str(e["summary"]),
            "description": str(e["description"]),
            "status": str(e["status"]),
            "stamp": e.decoded("dtstamp"),
        }
        for e in calendar.walk("VEVENT")
    }


def vobject_events(data: bytes) -> dict[str, dict]:
    calendar = vobject.readOne(data.decode("utf-8"))
    return {
        e.uid.value: {
            "start": e.dtstart.value,
            "end": e.dtend.value,
            "summary": e.summary.value,
            "status": e.status.value,
        }
        for e in calendar.contents.get("vevent", [])
    }


def test_every_dated_milestone_is_an_event_both_parsers_read_alike(store: FactStore) -> None:
    milestones = every_milestone(store)
    undated = left_out(milestones)
    assert sorted(m.id for m in undated) == [10, 12, 17]
    data = export(store)
    by_icalendar, by_vobject = icalendar_events(data), vobject_events(data)
    dated = [m for m in milestones if m not in undated]
    assert set(by_icalendar) == set(by_vobject) == {f"milestone-{m.id}@briefbot" for m in dated}
    for milestone in dated:
        uid = milestone_uid(milestone)
        first = milestone.date.earliest or milestone.date.latest
        end = milestone.date.latest + timedelta(days=1)
        for events in (by_icalendar, by_vobject):
            event = events[uid]
            assert (event["start"], event["end"]) == (first, end), uid
            assert type(event["start"]) is date, "all-day events carry dates, not times"
            assert milestone.title_ko in event["summary"]
            assert milestone.entity.name_ko in event["summary"]
        description = by_icalendar[uid]["description"]
        for source in milestone.sources:
            assert source.publisher in description and source.title in description
        assert milestone.date.text in description, "the article's own wording is kept"
    calendar = Calendar.from_ical(data)
    assert str(calendar["x-wr-calname"]) == "브리프봇 일정"
    assert "3건" in str(calendar["x-wr-caldesc"])


def test_titles_say_the_precision_and_the_status(store: FactStore) -> None:
    events = icalendar_events(export(store))
    contest = events["milestone-5@briefbot"]
    assert contest["summary"].endswith("대국민 콘테스트 · 2025년 12월 말 (예정)")
    assert (contest["start"], contest["end"]) == (date(2025, 12, 21), date(2026, 1, 1))
    assert contest["status"] == "TENTATIVE"
    year_end = events["milestone-4@briefbot"]
    assert year_end["summary"].endswith("· 2025년 말 (예정)")
    opening = events["milestone-6@briefbot"]
    assert opening["summary"] == "[국가 AI 연구거점] 개소식 개최 (출범) (완료)"
    assert (opening["start"], opening["end"]) == (date(2024, 10, 28), date(2024, 10, 29))
    assert opening["status"] == "CONFIRMED"
    # Planned for November 2024 and not marked done by 20 November 2025.
    assert events["milestone-18@briefbot"]["summary"].endswith("2024년 11월 (기한 지남)")
    english = vobject_events(export(store, "en"))
    assert english["milestone-5@briefbot"]["summary"].endswith(
        "Public contest · late Dec 2025 (planned)"
    )


def test_a_cancelled_milestone_keeps_its_uid_and_is_marked(store: FactStore) -> None:
    before = export(store)
    with time_machine.travel(datetime(2026, 1, 5, 9, 30, tzinfo=UTC), tick=False):
        store.set_milestone_status(5, "cancelled", actor="console:test", reason="계획 철회")
    after = export(store)
    assert before != after
    for events in (icalendar_events(after), vobject_events(after)):
        assert set(events) == set(icalendar_events(before))
        assert events["milestone-5@briefbot"]["status"] == "CANCELLED"
        assert events["milestone-5@briefbot"]["summary"].endswith("(취소)")
    # Every event is stamped with the newest revision's time, not the wall clock.
    assert {e["stamp"] for e in icalendar_events(after).values()} == {
        datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    }


def test_a_deadline_is_its_last_day_titled_as_a_deadline(store: FactStore) -> None:
    store.add_milestone(
        entity="국가 AI 연구거점", title="연구 성과 공개", date="2028년까지",
        source="byline-2025-foundation-kickoff", actor="console:test", today=TODAY,
    )  # fmt: skip
    events = icalendar_events(export(store))
    deadline = next(e for e in events.values() if "연구 성과 공개" in e["summary"])
    assert (deadline["start"], deadline["end"]) == (date(2028, 12, 31), date(2029, 1, 1))
    assert deadline["summary"].endswith("연구 성과 공개 · 2028년까지 (예정)")


def test_two_exports_of_an_unchanged_store_are_byte_identical(store: FactStore) -> None:
    milestones = every_milestone(store)
    first = export(store, milestones=milestones)
    assert export(store, milestones=milestones[::-1] + milestones[:3]) == first
    assert b"milestone-1@briefbot" in first


def test_a_calendar_of_nothing_dated_still_parses(store: FactStore) -> None:
    undated = left_out(every_milestone(store))
    data = export(store, "en", milestones=undated)
    assert icalendar_events(data) == vobject_events(data) == {}
    assert "3 milestones without a known date" in str(Calendar.from_ical(data)["x-wr-caldesc"])


def test_the_stamp_must_say_its_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        milestones_ics([], locale="ko", calendar_name="x", today=TODAY, stamp=datetime(2025, 1, 1))
    data = milestones_ics(
        [], locale="ko", calendar_name="x", today=TODAY, stamp=datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H" in data
