"""Program and institution cards: everything the store knows about one entity, sourced."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.briefing.format import (
    Footnotes,
    as_of,
    fact_value,
    milestone_line,
    reported_on,
    role_in_time,
    staleness,
)
from bot.briefing.model import Card, Line, Section, Tone, emphasis, line
from bot.i18n import MESSAGES, t
from store.model import EntityDetail, FactView, MilestoneView

# Attributes in the order a reader wants them: who, money, numbers, aims, people, notes.
ATTRIBUTE_ORDER = (
    "ministry", "lead", "host", "organizer", "operator", "team", "participant", "partner",
    "budget", "investment", "team_count", "member_count", "attendance", "gpu_count",
    "goal", "support", "research_area", "evaluation", "topic", "frequency", "location",
    "person", "note",
)  # fmt: skip
TONES: dict[str, Tone] = {"program": "program", "institution": "institution", "person": "person"}
MAX_LINES_PER_FIELD = 12
# A card whose newest source is older than this says so (`[bot] stale_after_days`).
STALE_AFTER_DAYS = 180
MAX_MILESTONES_PER_FIELD = 5


def _capped(
    lines: list[Line], locale: str, limit: int = MAX_LINES_PER_FIELD, total: int = 0
) -> tuple[Line, ...]:
    """At most `limit` lines; `total` is how many there are when `lines` holds only the first."""
    total = max(total, len(lines))
    if total <= limit:
        return tuple(lines)
    return (*lines[: limit - 1], line(t("card.more", locale, count=total - limit + 1)))


def _people_lines(group: list[FactView], locale: str, notes: Footnotes) -> list[Line]:
    """People in roles, newest report first, each role with the date its source gives;
    someone a later source replaces in the same role is shown as then holding it."""
    ordered = sorted(group, key=lambda f: reported_on(f) or date.min, reverse=True)
    roles_seen: set[str] = set()
    lines = []
    for fact in ordered:
        role = fact.role_ko or ""
        role_text = role_in_time(fact, locale, superseded=role in roles_seen)
        roles_seen.add(role)
        lines.append(line(f"{fact_value(fact, locale, role_text)} ", *notes.marks(fact.sources)))
    return lines


def _in_roles(fact: FactView) -> bool:
    return fact.linked is not None and fact.linked.entity_class == "person" and bool(fact.role_ko)


def _fact_sections(facts: Iterable[FactView], locale: str, notes: Footnotes) -> list[Section]:
    grouped: dict[str, list[FactView]] = {}
    for fact in facts:
        grouped.setdefault(fact.attribute, []).append(fact)
    order = {name: i for i, name in enumerate(ATTRIBUTE_ORDER)}
    sections = []
    for attribute in sorted(grouped, key=lambda a: order.get(a, len(order))):
        group = grouped[attribute]
        if all(_in_roles(f) for f in group):
            lines = _people_lines(group, locale, notes)
        else:
            lines = [line(f"{fact_value(f, locale)} ", *notes.marks(f.sources)) for f in group]
        sections.append(Section(group[0].label(locale), _capped(lines, locale)))
    return sections


def _inbound_lines(facts: list[FactView], locale: str, notes: Footnotes) -> list[Line]:
    """`subject — label: role` once per subject and label, however many statements (and
    sources) give it roles (`주관·개최: 개최·주관 [1][2]`); a role that only repeats the
    label is left out."""
    merged: dict[tuple[str, str], list[FactView]] = {}
    for fact in facts:
        merged.setdefault((fact.subject.id, fact.attribute), []).append(fact)
    lines = []
    for group in merged.values():
        first = group[0]
        label = first.label(locale)
        roles = [r for r in dict.fromkeys(f.role(locale) for f in group) if r and r != label]
        text = f"{label}: {'·'.join(roles)}" if roles else label
        marks = dict.fromkeys(mark for f in group for mark in notes.marks(f.sources))
        lines.append(line(f"{first.subject.display(locale)} — {text} ", *marks))
    return lines


def _milestone_sections(
    milestones: list[MilestoneView], today: date, locale: str, notes: Footnotes
) -> list[Section]:
    upcoming, recent, undated = [], [], []
    for m in milestones:
        if m.date.precision == "unknown":
            undated.append(m)
        elif m.status == "done" or (m.date.latest is not None and m.date.latest < today):
            recent.append(m)
        else:
            upcoming.append(m)
    sections = []
    if upcoming:
        lines = [milestone_line(m, locale, notes) for m in upcoming]
        sections.append(
            Section(t("card.upcoming", locale), _capped(lines, locale, MAX_MILESTONES_PER_FIELD))
        )
    if recent:
        recent.reverse()
        lines = [
            milestone_line(
                m,
                locale,
                notes,
                flag="⚠ " + t("ms.overdue", locale) if m.status in ("planned", "unknown") else None,
            )
            for m in recent
        ]
        sections.append(
            Section(t("card.recent", locale), _capped(lines, locale, MAX_MILESTONES_PER_FIELD))
        )
    if undated:
        lines = [milestone_line(m, locale, notes) for m in undated]
        sections.append(
            Section(t("card.undated", locale), _capped(lines, locale, MAX_MILESTONES_PER_FIELD))
        )
    return sections


def _kind(kind: str, locale: str) -> str:
    key = f"kind.{kind}"
    return t(key, locale) if key in MESSAGES else kind


def _lead(detail: EntityDetail, locale: str) -> tuple[Line, ...]:
    """The summary, then the kind and every name the entity goes by (a name no article
    prints is marked as general knowledge), and whether its "name" is only a description."""
    ref = detail.ref
    names = dict.fromkeys(n for n in (ref.name_ko, ref.name_en, ref.acronym, *detail.aliases) if n)
    by_field = {"ko": ref.name_ko, "en": ref.name_en, "acronym": ref.acronym}
    known = {by_field.get(name) for name in detail.general_knowledge_names}
    marked = [
        f"{name} ({t('card.general_knowledge', locale)})" if name in known else name
        for name in names
    ]
    lines = [line(emphasis(_kind(ref.kind, locale)), " · " + " · ".join(marked))]
    summary = detail.summary(locale)
    if summary:
        lines.insert(0, line(summary))
    if ref.name_is_description:
        lines.append(line(t("card.description_name", locale)))
    return tuple(lines)


def entity_card(
    detail: EntityDetail, today: date, locale: str, stale_after_days: int = STALE_AFTER_DAYS
) -> Card:
    """The card for any entity: its facts, who links to it, its milestones, its sources."""
    notes = Footnotes()
    notes.mark(detail.source)
    sections = _fact_sections(detail.facts, locale, notes)
    programs = [f for f in detail.inbound if f.subject.entity_class == "program"]
    others = [f for f in detail.inbound if f.subject.entity_class != "program"]
    counts = detail.inbound_counts
    if programs:
        lines = _inbound_lines(programs, locale, notes)
        total = counts.get("program", 0) - len(programs) + len(lines)
        sections.append(Section(t("card.programs", locale), _capped(lines, locale, total=total)))
    if others:
        lines = _inbound_lines(others, locale, notes)
        total = sum(n for c, n in counts.items() if c != "program") - len(others) + len(lines)
        sections.append(Section(t("card.related", locale), _capped(lines, locale, total=total)))
    sections += _milestone_sections(detail.milestones, today, locale, notes)
    source_lines = notes.lines(locale)
    if detail.deprecated_count:
        source_lines += (line(t("card.deprecated", locale, count=detail.deprecated_count)),)
    sections.append(Section(t("card.sources", locale), source_lines, role="sources"))
    newest = detail.sources()[0]
    stale = staleness(newest, today, stale_after_days, locale)
    return Card(
        title=detail.ref.display(locale),
        lead=(*_lead(detail, locale), *((stale,) if stale else ())),
        sections=tuple(sections),
        footer=as_of(newest, locale, today),
        tone=TONES.get(detail.ref.entity_class, "list"),
    )
