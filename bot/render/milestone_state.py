"""Where a milestone stands on a given day, in the words every picture and file uses.

The store keeps a milestone's recorded status (`planned`, `done`, `cancelled`,
`unknown`); whether a plan is *overdue* depends on the day it is looked at. The
calendar and the timeline both need that judgement and the same words for it, so it
is made here once, by the rule the chat lists use (`store.queries.overdue_milestones`:
open and past the latest day its date allows).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from bot.i18n import t
from store.model import MilestoneView

State = Literal["done", "planned", "overdue", "cancelled", "unknown"]
STATES: tuple[State, ...] = ("done", "planned", "overdue", "cancelled", "unknown")
_OPEN = ("planned", "unknown")
_RECORDED: dict[str, State] = {
    "done": "done", "planned": "planned", "cancelled": "cancelled", "unknown": "unknown",
}  # fmt: skip
_OVERDUE_WORDS = ("기한 지남", "overdue")


def milestone_state(milestone: MilestoneView, today: date) -> State:
    """The milestone's status as of `today`: an open one past its latest day is `overdue`."""
    latest = milestone.date.latest
    if milestone.status in _OPEN and latest is not None and latest < today:
        return "overdue"
    return _RECORDED[milestone.status]


def state_word(state: State, locale: str) -> str:
    """`예정`, `완료`, `취소`, `상태 미상`, `기한 지남` (and their English), as chat says them."""
    if state == "overdue":
        return _OVERDUE_WORDS[1] if locale == "en" else _OVERDUE_WORDS[0]
    return t(f"ms.status.{state}", locale)
