"""List answers: milestones in a window, search results in pages, and what the bot knows."""

from __future__ import annotations

from datetime import date, timedelta

from bot.briefing.format import Footnotes, milestone_line, source_line
from bot.briefing.model import COLORS, Card, Field, PageLink, Reply
from bot.i18n import t
from store.fact_store import FactStore
from store.model import EntityRef
from store.search import SearchResults

SEARCH_PAGE_SIZE = 5
MILESTONE_LINES_PER_FIELD = 10
MAX_MILESTONES = 500


def _chunks(lines: list[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(lines[i : i + size]) for i in range(0, len(lines), size)]


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
    lines = [
        milestone_line(
            w.milestone, locale, notes,
            flag=t("ms.surely", locale) if w.surely else t("ms.possibly", locale),
            with_entity=program is None,
        )
        for w in (reversed(windowed) if past else windowed)
    ]  # fmt: skip
    title_key = "ms.title.past" if past else "ms.title.upcoming"
    title = t(title_key, locale, start=start.isoformat(), end=end.isoformat())
    if program:
        title = f"{title} · {program.name(locale)}"
    fields = [
        Field("\u200b" if i else f"{len(lines)}", chunk)
        for i, chunk in enumerate(_chunks(lines, MILESTONE_LINES_PER_FIELD))
    ]
    if not past:
        overdue = store.overdue(today, entity_ids=entity_ids, limit=MAX_MILESTONES)
        overdue_lines = [
            milestone_line(m, locale, notes, with_entity=program is None) for m in overdue
        ]
        for i, chunk in enumerate(_chunks(overdue_lines, MILESTONE_LINES_PER_FIELD)):
            fields.append(Field(f"⚠ {t('ms.overdue', locale)}" if i == 0 else "\u200b", chunk))
    if notes.lines(locale):
        fields.append(Field(t("card.sources", locale), tuple(notes.lines(locale))))
    description = t("ms.hint", locale) if lines else t("ms.none", locale)
    return Reply((Card(title, description, tuple(fields), color=COLORS["list"]),))


def search_reply(results: SearchResults, page: int, locale: str) -> Reply:
    """One page of search hits, grouped by entity, with links to the neighbouring pages."""
    if not results.hits:
        card = Card(
            t("search.title", locale, query=results.query),
            t("search.none", locale, query=results.query),
            color=COLORS["list"],
        )
        return Reply((card,), ephemeral=True)
    pages = (len(results.hits) + SEARCH_PAGE_SIZE - 1) // SEARCH_PAGE_SIZE
    if page > pages:
        card = Card(
            t("err.title", locale),
            t("search.bad_page", locale, page=page, pages=pages),
            color=COLORS["error"],
        )
        return Reply((card,), ephemeral=True, is_error=True)
    shown = results.hits[(page - 1) * SEARCH_PAGE_SIZE : page * SEARCH_PAGE_SIZE]
    fields = []
    for hit in shown:
        lines = [f"*{t('search.field.' + s.field, locale)}* · {s.text}" for s in hit.snippets]
        fields.append(
            Field(
                f"{hit.entity.display(locale)} · {t('kind.' + hit.entity.kind, locale)}",
                tuple(lines) or ("-",),
            )
        )
    more = t("search.more", locale) if results.truncated else ""
    footer = t("search.page", locale, page=page, pages=pages, count=len(results.hits), more=more)
    links = []
    if page > 1:
        links.append(PageLink("◀", "search", page - 1, results.query))
    if page < pages:
        links.append(PageLink("▶", "search", page + 1, results.query))
    card = Card(
        t("search.title", locale, query=results.query),
        None,
        tuple(fields),
        footer=footer,
        color=COLORS["list"],
    )
    return Reply((card,), pages=tuple(links))


def about_reply(store: FactStore, locale: str) -> Reply:
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
    fields = [
        Field(t("about.counts", locale), (counts,)),
        Field(
            t("about.newest", locale),
            (source_line(newest, locale),) if newest else ("-",),
        ),
        Field(
            t("about.version", locale),
            (
                t(
                    "about.version.value",
                    locale,
                    version=stats["dataset_version"],
                    revisions=stats["tables"]["revisions"],
                ),
            ),
        ),
        Field(t("about.howto", locale), tuple(t("about.howto.value", locale).splitlines())),
    ]
    return Reply(
        (
            Card(
                t("about.title", locale),
                t("about.description", locale),
                tuple(fields),
                color=COLORS["list"],
            ),
        )
    )
