"""What a digest says: milestones in the window, overdue ones, and what changed since the last.

The digest is a `Reply` like any command's answer, so `reply_payloads` keeps it inside
Discord's limits however many milestones it lists, and the same card shapes, date
labels and source footnotes appear in `/milestones` and in a digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.briefing.format import Footnotes, milestone_line, money, source_date
from bot.briefing.lists import MAX_MILESTONES
from bot.briefing.model import COLORS, Card, Field, Reply
from bot.digest.subscriptions import Subscription
from bot.i18n import t
from store.fact_store import FactStore
from store.model import MilestoneView
from store.revisions import Change, Revision

MAX_REVISIONS = 500
MAX_CHANGE_LINES = 100


@dataclass(frozen=True)
class Digest:
    """A built digest: the reply to post, whether it has nothing to say, and the newest
    revision whose changes it reports (where the next digest's change list starts)."""

    reply: Reply
    empty: bool
    revision: int


def run_time(moment: datetime, locale: str) -> str:
    """`2026-03-09 (월) 09:00 KST` / `Mon 2026-03-09 09:00 KST`, in the moment's own zone."""
    if locale == "en":
        return moment.strftime("%a %Y-%m-%d %H:%M %Z")
    weekday = "월화수목금토일"[moment.weekday()]
    return moment.strftime(f"%Y-%m-%d ({weekday}) %H:%M %Z")


def build_digest(
    store: FactStore, subscription: Subscription, now: datetime, *, due: datetime | None = None
) -> Digest:
    """The digest `subscription` would post at `now`; `due` is the run time it is late for."""
    locale = subscription.language
    today = now.astimezone(subscription.zone).date()
    end = today + timedelta(days=subscription.window_days)
    windowed = store.milestones(today, end, limit=MAX_MILESTONES)
    overdue = store.overdue(today, limit=MAX_MILESTONES)
    revisions = store.revisions_since(subscription.last_revision, limit=MAX_REVISIONS)
    revision = revisions[-1].id if revisions else subscription.last_revision
    changes = change_lines(store, revisions, locale)
    title = t("digest.title", locale, start=today.isoformat(), end=end.isoformat())
    footer = t(
        "digest.footer", locale, schedule=subscription.schedule.describe(locale),
        timezone=subscription.timezone, revision=revision,
    )  # fmt: skip
    late = [t("digest.late", locale, due=run_time(due, locale))] if due else []
    if not windowed and not changes:
        description = "\n".join([*late, t("digest.empty", locale, days=subscription.window_days)])
        card = Card(title, description, footer=footer, color=COLORS["list"])
        return Digest(Reply((card,)), True, revision)
    notes = Footnotes()

    def lines(milestones: list[MilestoneView]) -> tuple[str, ...]:
        return tuple(
            milestone_line(
                m, locale, notes, with_entity=True,
                flag=t("digest.source_date", locale, date=source_date(m.source.published, locale)),
            )
            for m in milestones
        )  # fmt: skip

    surely = lines([w.milestone for w in windowed if w.surely])
    possibly = lines([w.milestone for w in windowed if not w.surely])
    stale = lines(overdue)
    sections = [
        (f"{t('digest.surely', locale)} · {len(surely)}", surely),
        (f"{t('digest.possibly', locale)} · {len(possibly)}", possibly),
        (f"⚠ {t('ms.overdue', locale)} · {len(stale)}", stale),
        (t("digest.changes", locale), changes),
        (t("card.sources", locale), tuple(notes.lines(locale))),
    ]
    summary = t(
        "digest.summary", locale, surely=len(surely), possibly=len(possibly),
        overdue=len(stale), changes=len(changes),
    )  # fmt: skip
    card = Card(
        title,
        "\n".join([*late, summary]),
        tuple(Field(name, body) for name, body in sections if body),
        footer=footer,
        color=COLORS["list"],
    )
    return Digest(Reply((card,)), False, revision)


def change_lines(store: FactStore, revisions: list[Revision], locale: str) -> tuple[str, ...]:
    """One line per fact or milestone created, changed or removed in `revisions`."""
    describe: dict[str, Callable[[FactStore, Change, str], str]] = {
        "milestones": _milestone_change,
        "facts": _fact_change,
    }
    lines = [
        describe[change.table](store, change, locale)
        for revision in revisions
        for change in revision.changes
        if change.table in describe
    ]
    if len(lines) > MAX_CHANGE_LINES:
        more = t("card.more", locale, count=len(lines) - MAX_CHANGE_LINES)
        lines = [*lines[:MAX_CHANGE_LINES], more]
    return tuple(lines)


def _verb(change: Change, noun: str, locale: str) -> str:
    state = "new" if change.before is None else "removed" if change.after is None else "changed"
    return t(f"digest.change.{state}_{noun}", locale)


def _entity_name(store: FactStore, row: dict[str, Any], locale: str) -> str:
    entity_id = row.get("entity_id")
    ref = store.entity_ref(entity_id) if entity_id else None
    return ref.name(locale) if ref else str(entity_id or "?")


def _localised(row: dict[str, Any], key: str, locale: str) -> str:
    """`title_en` for English when there is one, else `title_ko`."""
    return str((row.get(f"{key}_en") if locale == "en" else None) or row.get(f"{key}_ko") or "")


def _before_after(before: str | None, after: str | None) -> str:
    """`old → new` when a value changed; the one value there is otherwise."""
    if after is None or before in (None, after):
        return after or before or ""
    return f"{before} → {after}"


def _milestone_change(store: FactStore, change: Change, locale: str) -> str:
    row = change.after or change.before or {}
    before, after = change.before or {}, change.after or {}
    parts = [_verb(change, "milestone", locale), _entity_name(store, row, locale)]
    parts.append(_localised(row, "title", locale))
    parts.append(_before_after(before.get("date_text"), after.get("date_text")))
    if before.get("status") and after.get("status") and before["status"] != after["status"]:
        parts.append(
            _before_after(
                t(f"ms.status.{before['status']}", locale),
                t(f"ms.status.{after['status']}", locale),
            )
        )
    return " · ".join(p for p in parts if p)


def _fact_value(store: FactStore, row: dict[str, Any] | None, locale: str) -> str | None:
    """A fact's value from its raw row, as briefly as a change line needs it."""
    if not row:
        return None
    if row.get("value_entity"):
        return _entity_name(store, {"entity_id": row["value_entity"]}, locale)
    if row.get("value_money") is not None:
        return money(int(row["value_money"]), locale)
    if row.get("value_number") is not None:
        return f"{row['value_number']:g}{row.get('unit') or ''}"
    if row.get("value_date_text"):
        return str(row["value_date_text"])
    text = row.get("value_text_en") if locale == "en" else None
    return str(text or row.get("value_text") or "")


def _fact_change(store: FactStore, change: Change, locale: str) -> str:
    row = change.after or change.before or {}
    attribute = str(row.get("attribute") or "")
    detail = store.entity(str(row.get("entity_id"))) if row.get("entity_id") else None
    labels = [f.label(locale) for f in (detail.facts if detail else []) if f.attribute == attribute]
    value = _before_after(
        _fact_value(store, change.before, locale), _fact_value(store, change.after, locale)
    )
    what = f"{labels[0] if labels else attribute}: {value}" if value else attribute
    return " · ".join([_verb(change, "fact", locale), _entity_name(store, row, locale), what])
