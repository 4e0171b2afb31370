"""What a digest says: milestones in the window, overdue ones, and what changed since the last.

The digest is a `Reply` like any command's answer, so each front end's renderer keeps
it inside its platform's limits however many milestones it lists, and the same date
labels and source footnotes appear in `/milestones` and in a digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.briefing.format import Footnotes, milestone_line, source_date
from bot.briefing.lists import MAX_MILESTONES
from bot.briefing.model import Card, Line, Reply, Section, line
from bot.digest.subscriptions import Subscription
from bot.i18n import t
from store.changeset import revision_summary
from store.dates import shifted
from store.fact_store import FactStore
from store.model import MilestoneView
from store.revisions import Revision

MAX_REVISIONS = 500
MAX_CHANGE_LINES = 100
CHANGED_TABLES = ("facts", "milestones")


@dataclass(frozen=True)
class Digest:
    """A built digest: the reply to post, whether it has nothing to say, and the newest
    revision whose changes it reports (where the next digest's change list starts)."""

    reply: Reply
    empty: bool
    revision: int


def run_time(moment: datetime, locale: str, zone: ZoneInfo | None = None) -> str:
    """`2026-03-09 (월) 09:00 KST` / `Mon 2026-03-09 09:00 KST`, in `zone` (else the
    moment's own); a moment the zone cannot show (past year 9999) is shown in UTC."""
    if zone is not None:
        try:
            moment = moment.astimezone(zone)
        except OverflowError:
            moment = moment.astimezone(UTC)
    if locale == "en":
        return moment.strftime("%a %Y-%m-%d %H:%M %Z")
    weekday = "월화수목금토일"[moment.weekday()]
    return moment.strftime(f"%Y-%m-%d ({weekday}) %H:%M %Z")


def build_digest(
    store: FactStore, subscription: Subscription, now: datetime, *, due: datetime | None = None
) -> Digest:
    """The digest `subscription` would post at `now`; `due` is the run time it is late for.

    It is empty when nothing falls in the window and nothing changed. Overdue milestones
    alone do not count: they stay overdue until someone corrects the data, and would
    turn every quiet day's short "nothing due" into a full digest.
    """
    locale = subscription.language
    today = now.astimezone(subscription.zone).date()
    end = shifted(today, subscription.window_days)
    windowed = store.milestones(today, end, limit=MAX_MILESTONES)
    overdue = store.overdue(today, limit=MAX_MILESTONES)
    revisions = store.revisions_since(subscription.last_revision, limit=MAX_REVISIONS)
    revision = revisions[-1].id if revisions else subscription.last_revision
    changes = change_lines(revisions, locale)
    title = t("digest.title", locale, start=today.isoformat(), end=end.isoformat())
    footer = t(
        "digest.footer", locale, schedule=subscription.schedule.describe(locale),
        timezone=subscription.timezone, revision=revision,
    )  # fmt: skip
    late = [line(t("digest.late", locale, due=run_time(due, locale)))] if due else []
    if not windowed and not changes:
        empty = line(t("digest.empty", locale, days=subscription.window_days))
        card = Card(title, (*late, empty), footer=line(footer))
        return Digest(Reply((card,)), True, revision)
    notes = Footnotes()

    def lines(milestones: list[MilestoneView]) -> tuple[Line, ...]:
        return tuple(
            milestone_line(
                m, locale, notes, with_entity=True,
                flag=t("digest.source_date", locale, date=source_date(m.latest_report.published, locale)),
            )
            for m in milestones
        )  # fmt: skip

    surely = lines([w.milestone for w in windowed if w.surely])
    possibly = lines([w.milestone for w in windowed if not w.surely])
    stale = lines(overdue)
    sections = (
        Section(f"{t('digest.surely', locale)} · {len(surely)}", surely),
        Section(f"{t('digest.possibly', locale)} · {len(possibly)}", possibly),
        Section(f"⚠ {t('ms.overdue', locale)} · {len(stale)}", stale),
        Section(t("digest.changes", locale), tuple(line(text) for text in changes)),
        Section(t("card.sources", locale), notes.lines(locale), role="sources"),
    )
    summary = t(
        "digest.summary", locale, surely=len(surely), possibly=len(possibly),
        overdue=len(stale), changes=len(changes),
    )  # fmt: skip
    card = Card(
        title,
        (*late, line(summary)),
        tuple(section for section in sections if section.lines),
        footer=line(footer),
    )
    return Digest(Reply((card,)), False, revision)


def change_lines(revisions: list[Revision], locale: str) -> tuple[str, ...]:
    """One line per revision that touched facts or milestones, in the store's own words
    (`독자 AI 파운데이션 모델 프로젝트 · 예산: 2,136억 원 (#2) → 2,500억 원`)."""
    lines = [
        f"#{revision.id} {revision_summary(revision, locale) or revision.action}"
        for revision in revisions
        if any(change.table in CHANGED_TABLES for change in revision.changes)
    ]
    if len(lines) > MAX_CHANGE_LINES:
        more = t("card.more", locale, count=len(lines) - MAX_CHANGE_LINES)
        lines = [*lines[:MAX_CHANGE_LINES], more]
    return tuple(lines)
