"""List answers: milestones in a window, search results in pages, and what the bot knows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.briefing.format import (
    Footnotes,
    age_in_days,
    age_label,
    date_label,
    fact_value,
    milestone_line,
    role_in_time,
    source_date,
    source_line,
)
from bot.briefing.model import (
    Attachment,
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
from store.dates import shifted
from store.fact_store import FactStore
from store.model import EntityRef, MilestoneView, SourceRef
from store.queries import WindowedMilestone
from store.search import SearchHit, SearchResults

SEARCH_PAGE_SIZE = 5
MAX_MILESTONES = 500
EVERY_STATUS = ("planned", "unknown", "done", "cancelled")
# The entity classes that have a card, each answered by the command of the same name.
CARD_COMMANDS = ("program", "institution")


def _window(today: date, days: int, past: bool) -> tuple[date, date]:
    """The last `days` days up to today, or the next `days` days from today."""
    return (shifted(today, -days), today) if past else (today, shifted(today, days))


def _window_title(
    start: date, end: date, past: bool, program: EntityRef | None, locale: str
) -> str:
    title_key = "ms.title.past" if past else "ms.title.upcoming"
    title = t(title_key, locale, start=start.isoformat(), end=end.isoformat())
    return f"{title} · {program.name(locale)}" if program else title


def milestones_reply(
    store: FactStore, today: date, days: int, past: bool, program: EntityRef | None, locale: str
) -> Reply:
    """Milestones in the next (or last) `days` days, precision-aware, with overdue ones apart."""
    start, end = _window(today, days, past)
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
    title = _window_title(start, end, past, program, locale)
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


def calendar_milestones(
    store: FactStore, today: date, days: int, past: bool, program: EntityRef | None
) -> list[MilestoneView]:
    """What a calendar of the window holds: every milestone whose dates overlap it, done
    and cancelled ones too (a subscribed calendar must hear that a plan was done or
    dropped, not lose the event), and, looking ahead, the overdue plans listed apart."""
    start, end = _window(today, days, past)
    entity_ids = [program.id] if program else None
    windowed = store.milestones(
        start, end, entity_ids=entity_ids, statuses=EVERY_STATUS, limit=MAX_MILESTONES
    )
    found = [w.milestone for w in windowed]
    if not past:
        found += store.overdue(today, entity_ids=entity_ids, limit=MAX_MILESTONES)
    return found


def calendar_reply(
    milestones: list[MilestoneView],
    ics: Attachment,
    today: date,
    days: int,
    past: bool,
    program: EntityRef | None,
    locale: str,
) -> Reply:
    """The card that comes with a calendar file: what the file holds and how to use it."""
    start, end = _window(today, days, past)
    title = t("ics.title", locale, window=_window_title(start, end, past, program, locale))
    count = len({m.id for m in milestones})
    lead = prose(t("ics.lead" if count else "ics.none", locale, count=count, file=ics.filename))
    hint = Section(t("ics.hint.title", locale), (line(t("ics.hint", locale)),), role="hint")
    return Reply((Card(title, (lead,), (hint,)),), attachments=(ics,))


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


def _card_of(entity: EntityRef, locale: str) -> FollowUp | None:
    """The command that shows `entity`'s card, if one does (people have no card)."""
    if entity.entity_class not in CARD_COMMANDS:
        return None
    return FollowUp(entity.display(locale), entity.entity_class, (("name", entity.id),))


def search_reply(results: SearchResults, page: int, locale: str) -> Reply:
    """One page of search hits, grouped by entity, with the commands for the neighbouring
    pages. `results` may hold that page's hits only (from rank `results.first`), as the
    briefing asks the store for, or all of them."""
    title = t("search.title", locale, query=results.query)
    if not results.total:
        return Reply((Card(title, (line(t("search.none", locale, query=results.query)),)),), True)
    pages = (results.total + SEARCH_PAGE_SIZE - 1) // SEARCH_PAGE_SIZE
    if page > pages:
        message = t("search.bad_page", locale, page=page, pages=pages)
        card = Card(t("err.title", locale), (line(message),), tone="error")
        return Reply((card,), private=True, is_error=True)
    start = (page - 1) * SEARCH_PAGE_SIZE - results.first
    shown = results.hits[start : start + SEARCH_PAGE_SIZE]
    notes = Footnotes()
    sections = [
        Section(
            f"{hit.entity.display(locale)} · {t('kind.' + hit.entity.kind, locale)}",
            _hit_lines(hit, locale, notes) or (line("-"),),
            subject=_card_of(hit.entity, locale),
        )
        for hit in shown
    ]
    if notes.lines(locale):
        sections.append(Section(t("card.sources", locale), notes.lines(locale), role="sources"))
    more = t("search.more", locale) if results.truncated else ""
    footer = t("search.page", locale, page=page, pages=pages, count=results.total, more=more)

    def turn(label_key: str, to: int) -> FollowUp:
        label = t(label_key, locale, page=to)
        return FollowUp(label, "search", (("query", results.query), ("page", to)))

    pagination = Pagination(
        page,
        pages,
        previous=turn("search.previous", page - 1) if page > 1 else None,
        next=turn("search.next_page", page + 1) if page < pages else None,
    )
    card = Card(title, (), tuple(sections), footer=line(footer))
    return Reply((card,), pagination=pagination)


def _hit_lines(hit: SearchHit, locale: str, notes: Footnotes) -> tuple[Line, ...]:
    """What matched, each with what a reader needs to trust it, as on a card: a
    milestone's date and status, a person's roles (with when their source says so), and
    every text's sources."""
    lines = []
    for snippet in hit.snippets:
        # A fact or milestone is shown as on a card, in the reader's language; the search
        # document's text holds both languages.
        text = snippet.text
        if snippet.fact is not None:
            text = fact_value(snippet.fact, locale)
        elif snippet.milestone is not None:
            milestone = snippet.milestone
            status = t(f"ms.status.{milestone.status}", locale)
            text = f"{milestone.title(locale)} · {date_label(milestone, locale)} · {status}"
        field = emphasis(t("search.field." + snippet.field, locale))
        lines.append(line(field, f" · {text} ", *notes.marks(snippet.sources)))
    for role in hit.roles:
        in_time = role_in_time(role, locale, superseded=False) or role.label(locale)
        lines.append(
            line(
                emphasis(t("search.field.role", locale)),
                f" · {in_time} — {role.subject.display(locale)} ",
                *notes.marks(role.sources),
            )
        )
    return tuple(lines)


def _newest_lines(newest: SourceRef | None, today: date, locale: str) -> tuple[Line, ...]:
    """The newest source and how old it is."""
    if newest is None:
        return (line("-"),)
    age = age_in_days(newest, today)
    aged = (line(age_label(age, locale)),) if age is not None else ()
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
