"""Milestones as an iCalendar file that people subscribe to or import.

A calendar can only hold days and times, while the store keeps what the article said:
`12월 말`, `연말`, `2028년까지`. So a milestone becomes an all-day event spanning every
day its date allows (DTEND exclusive, as RFC 5545 wants), and its title says the real
precision in words, so `late Dec` is never read as ten days of events. A deadline
(`2028년까지`) becomes its last day, titled as a deadline; a milestone with no date
window at all cannot be placed and is left out (see `left_out`).

Two exports of an unchanged store are byte-identical: the UIDs come from the milestone
ids, the DTSTAMP from the caller (the store's newest revision time, not the wall
clock), and events are written in id order. Calendar clients that re-read the feed then
update events in place rather than duplicating them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vDuration

from bot.briefing.format import source_line
from bot.briefing.model import plain_text
from bot.render.milestone_state import State, milestone_state, state_word
from store.model import MilestoneView

UID_DOMAIN = "briefbot"
# How often subscribers should re-read the feed; facts change a few times a week.
REFRESH = timedelta(hours=12)
PRODUCT_ID = "-//briefbot//milestones//KO"
# RFC 5545 STATUS per state: a plan is tentative until it is done, never confirmed.
_ICAL_STATUS: dict[State, str] = {
    "done": "CONFIRMED",
    "planned": "TENTATIVE",
    "overdue": "TENTATIVE",
    "unknown": "TENTATIVE",
    "cancelled": "CANCELLED",
}
_WORDS = {
    "date": ("날짜", "Date"),
    "wording": ("기사 표현", "as reported"),
    "status": ("상태", "Status"),
    "source": ("출처", "Source"),
    "left_out": (
        "날짜를 알 수 없는 일정 {count}건은 달력에 넣지 않았습니다.",
        "{count} milestones without a known date are not in this calendar.",
    ),
}


def _word(key: str, locale: str, **values: object) -> str:
    ko, en = _WORDS[key]
    return (en if locale == "en" else ko).format(**values)


def milestone_uid(milestone: MilestoneView, domain: str = UID_DOMAIN) -> str:
    """`milestone-42@briefbot`: the same milestone keeps its UID in every export."""
    return f"milestone-{milestone.id}@{domain}"


def _placeable(milestone: MilestoneView) -> bool:
    return milestone.date.precision != "unknown" and milestone.date.latest is not None


def left_out(milestones: Sequence[MilestoneView]) -> list[MilestoneView]:
    """The milestones a calendar cannot hold (unknown or open-ended dates), once each."""
    return list({m.id: m for m in milestones if not _placeable(m)}.values())


def _span(milestone: MilestoneView) -> tuple[date, date]:
    """First day and exclusive end of the all-day event; a deadline is its last day."""
    latest = milestone.date.latest
    assert latest is not None
    first = milestone.date.earliest or latest
    return first, latest + timedelta(days=1)


def _summary(milestone: MilestoneView, state: State, locale: str) -> str:
    """`[국가 AI 연구거점] 대국민 콘테스트 · 2025년 12월 말 (예정)`; a day date needs no words."""
    when = milestone.date
    head = f"[{milestone.entity.name(locale)}] {milestone.title(locale)}"
    status = state_word(state, locale)
    if when.precision == "day":
        return f"{head} ({status})"
    return f"{head} · {when.label(locale)} ({status})"


def _description(milestone: MilestoneView, state: State, locale: str) -> str:
    """The program, the date as labelled and as the article worded it, status, and every
    source reporting it with its address."""
    when = milestone.date
    lines = [
        f"{milestone.entity.display(locale)} · {milestone.title(locale)}",
        f"{_word('date', locale)}: {when.label(locale)} ({_word('wording', locale)}: {when.text})",
        f"{_word('status', locale)}: {state_word(state, locale)}",
    ]
    for source in milestone.sources:
        lines.append(f"{_word('source', locale)}: {plain_text(source_line(source, locale))}")
        if source.url:
            lines.append(source.url)
    return "\n".join(lines)


def _event(
    milestone: MilestoneView, *, locale: str, today: date, stamp: datetime, domain: str
) -> Event:
    state = milestone_state(milestone, today)
    first, end = _span(milestone)
    event = Event()
    event.add("uid", milestone_uid(milestone, domain))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("dtstart", first)
    event.add("dtend", end)
    event.add("summary", _summary(milestone, state, locale))
    event.add("description", _description(milestone, state, locale))
    event.add("status", _ICAL_STATUS[state])
    event.add("categories", [milestone.entity.name(locale)])
    # A month-long window is when something may happen, not time the reader is busy.
    event.add("transp", "TRANSPARENT")
    if milestone.source.url:
        event.add("url", milestone.source.url)
    return event


def milestones_ics(
    milestones: Sequence[MilestoneView],
    *,
    locale: str,
    calendar_name: str,
    today: date,
    stamp: datetime,
    domain: str = UID_DOMAIN,
    refresh: timedelta = REFRESH,
) -> bytes:
    """An iCalendar (RFC 5545) file of `milestones`, in `locale`.

    `stamp` is the DTSTAMP and LAST-MODIFIED of every event: pass the time of the
    store's newest revision so the file changes only when the facts do. `today` decides
    which open milestones are overdue. Milestones that `left_out` names are not in the
    file; the calendar's description says how many.
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    stamp = stamp.astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", calendar_name)
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    skipped = left_out(milestones)
    if skipped:
        note = _word("left_out", locale, count=len(skipped))
        calendar.add("description", note)
        calendar.add("x-wr-caldesc", note)
    # One event per milestone id, in id order, whatever order or repeats the caller passed.
    placed = {m.id: m for m in milestones if _placeable(m)}
    for _, milestone in sorted(placed.items()):
        event = _event(milestone, locale=locale, today=today, stamp=stamp, domain=domain)
        calendar.add_component(event)
    return calendar.to_ical()
