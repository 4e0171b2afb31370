"""List answers: milestones in a window, search results in pages, and what the bot knows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from bot.briefing.format import Footnotes, age_in_days, milestone_line, source_date, source_line
from bot.briefing.model import (
    Card,
    FollowUp,
    Line,
    Pagination,
    Reply,
    Section,
    emphasis,
    line,
    prose,
)
from bot.i18n import t
from store.fact_store import FactStore
from store.model import EntityRef, SourceRef
from store.queries import WindowedMilestone
from store.search import SearchResults

SEARCH_PAGE_SIZE = 5
MAX_MILESTONES = 500


def milestones_reply(
    store: FactStore, today: date, days: int, past: bool, program: EntityRef | None, locale: str
) -> Reply:
    """Milestones in the next (or last) `days` days, precision-aware, with overdue ones apart."""
    start, end = (
        (today - timedelta(days=days), today) if past else (today, today + timedelta(days=days))
    )
    entity_ids = [program.id] if program else None
    # Looking ahead, what is already done (or cancelled) is no longer coming up.
    statuses = ("planned", "unknown", "done") if past else ("planned", "unknown")
    windowed = store.milestones(
        start, end, entity_ids=entity_ids, statuses=statuses, limit=MAX_MILESTONES
    )
    notes = Footnotes()

    def lines_of(milestones: Iterable[WindowedMilestone], flagged: bool) -> tuple[Line, ...]:
        return tuple(
            milestone_line(
                w.milestone, locale, notes, with_entity=program is None,
                flag=(t("ms.surely", locale) if w.surely else t("ms.possibly", locale))
                if flagged else None,
            )
            for w in milestones
        )  # fmt: skip

    if past:
        # Looking back, only what was done happened: a still-planned milestone whose day
        # has passed is not an event, it is data waiting for a correction.
        newest_first = list(reversed(windowed))
        lines = lines_of((w for w in newest_first if w.milestone.status == "done"), True)
        overdue_lines = lines_of((w for w in newest_first if w.milestone.status != "done"), False)
    else:
        lines = lines_of(windowed, True)
        overdue = store.overdue(today, entity_ids=entity_ids, limit=MAX_MILESTONES)
        overdue_lines = tuple(
            milestone_line(m, locale, notes, with_entity=program is None) for m in overdue
        )
    title_key = "ms.title.past" if past else "ms.title.upcoming"
    title = t(title_key, locale, start=start.isoformat(), end=end.isoformat())
    if program:
        title = f"{title} · {program.name(locale)}"
    heading = "ms.heading.past" if past else "ms.heading.window"
    sections = [Section(t(heading, locale, count=len(lines)), lines)] if lines else []
    if overdue_lines:
        heading = t("ms.heading.overdue", locale, count=len(overdue_lines))
        sections.append(Section(f"⚠ {heading}", overdue_lines))
    if notes.lines(locale):
        sections.append(Section(t("card.sources", locale), notes.lines(locale), role="sources"))
    if lines:
        lead: tuple[Line, ...] = (line(t("ms.hint", locale)),)
    else:
        lead = (line(t("ms.none", locale)), *_how_current(store, today, locale))
    return Reply((Card(title, lead, tuple(sections)),))


def _how_current(store: FactStore, today: date, locale: str) -> tuple[Line, ...]:
    """When the newest report in the store was published, and how an admin adds news."""
    newest = store.newest_source()
    age = age_in_days(newest, today) if newest else None
    lines = []
    if newest is not None and age is not None:
        published = source_date(newest.published, locale)
        lines.append(line(t("ms.newest", locale, date=published, days=age)))
    lines.append(prose(t("ms.add_news", locale)))
    return tuple(lines)


def search_reply(results: SearchResults, page: int, locale: str) -> Reply:
    """One page of search hits, grouped by entity, with the commands for the neighbouring pages."""
    title = t("search.title", locale, query=results.query)
    if not results.hits:
        return Reply((Card(title, (line(t("search.none", locale, query=results.query)),)),), True)
    pages = (len(results.hits) + SEARCH_PAGE_SIZE - 1) // SEARCH_PAGE_SIZE
    if page > pages:
        message = t("search.bad_page", locale, page=page, pages=pages)
        card = Card(t("err.title", locale), (line(message),), tone="error")
        return Reply((card,), private=True, is_error=True)
    shown = results.hits[(page - 1) * SEARCH_PAGE_SIZE : page * SEARCH_PAGE_SIZE]
    sections = tuple(
        Section(
            f"{hit.entity.display(locale)} · {t('kind.' + hit.entity.kind, locale)}",
            tuple(
                line(emphasis(t("search.field." + s.field, locale)), f" · {s.text}")
                for s in hit.snippets
            )
            or (line("-"),),
        )
        for hit in shown
    )
    more = t("search.more", locale) if results.truncated else ""
    footer = t("search.page", locale, page=page, pages=pages, count=len(results.hits), more=more)

    def turn(label_key: str, to: int) -> FollowUp:
        label = t(label_key, locale, page=to)
        return FollowUp(label, "search", (("query", results.query), ("page", to)))

    pagination = Pagination(
        page,
        pages,
        previous=turn("search.previous", page - 1) if page > 1 else None,
        next=turn("search.next_page", page + 1) if page < pages else None,
    )
    card = Card(title, (), sections, footer=line(footer))
    return Reply((card,), pagination=pagination)


def _newest_lines(newest: SourceRef | None, today: date, locale: str) -> tuple[Line, ...]:
    """The newest source and how old it is."""
    if newest is None:
        return (line("-"),)
    age = age_in_days(newest, today)
    aged = (line(t("age.days", locale, days=age)),) if age is not None else ()
    return (source_line(newest, locale), *aged)


def about_reply(store: FactStore, today: date, locale: str) -> Reply:
    """Counts, the newest source, the data set version and how to ask."""
    stats = store.stats()
    by_class = stats["entities_by_class"]
    counts = t(
        "about.counts.value", locale,
        programs=by_class.get("program", 0), institutions=by_class.get("institution", 0),
        people=by_class.get("person", 0), facts=stats["facts_by_rank"].get("normal", 0)
        + stats["facts_by_rank"].get("preferred", 0),
        milestones=stats["tables"]["milestones"], sources=stats["tables"]["sources"],
    )  # fmt: skip
    newest = store.newest_source()
    version = t(
        "about.version.value", locale,
        version=stats["dataset_version"], revisions=stats["tables"]["revisions"],
    )  # fmt: skip
    sections = (
        Section(t("about.counts", locale), (line(counts),)),
        Section(t("about.newest", locale), _newest_lines(newest, today, locale)),
        Section(t("about.version", locale), (line(version),)),
        Section(
            t("about.howto", locale),
            tuple(prose(text) for text in t("about.howto.value", locale).splitlines()),
            role="hint",
        ),
    )
    card = Card(t("about.title", locale), (line(t("about.description", locale)),), sections)
    return Reply((card,))
