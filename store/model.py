"""Read models: what the store hands to its callers, detached from SQLite rows.

These are plain frozen dataclasses so the briefing core can build answers from them
without knowing any table or column, and tests can compare them directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from store.dates import FuzzyDate

PROGRAM_KINDS = ("project", "lab", "forum", "committee", "policy", "event")
INSTITUTION_KINDS = (
    "ministry",
    "agency",
    "council",
    "research_institute",
    "company",
    "university",
    "local_government",
    "legislature",
    "facility",
)


@dataclass(frozen=True)
class EntityRef:
    """Enough of an entity to name it and link to it."""

    id: str
    entity_class: str
    kind: str
    name_ko: str
    name_en: str | None
    acronym: str | None
    # The "name" is how an article describes the entity, not a name it has (issue 12:
    # `차세대 AI 기술 연구개발 사업`); show it as a description, never as a proper name.
    name_is_description: bool = False

    @classmethod
    def from_row(cls, row: dict[str, Any], prefix: str = "") -> EntityRef:
        return cls(
            row[f"{prefix}id"], row[f"{prefix}class"], row[f"{prefix}kind"],
            row[f"{prefix}name_ko"], row[f"{prefix}name_en"], row[f"{prefix}acronym"],
            bool(row.get(f"{prefix}name_is_description")),
        )  # fmt: skip

    def name(self, locale: str) -> str:
        """The name in `locale`, falling back to Korean (people rarely have an English one)."""
        return (self.name_en or self.name_ko) if locale == "en" else self.name_ko

    def display(self, locale: str) -> str:
        """Name with the acronym or the other language in brackets: `한국전자통신연구원 (ETRI)`."""
        main = self.name(locale)
        other = self.acronym or (self.name_ko if locale == "en" else self.name_en)
        return f"{main} ({other})" if other and other != main else main


@dataclass(frozen=True)
class SourceRef:
    """Where a fact comes from: the article, its publisher and its (maybe imprecise) date."""

    id: str
    publisher: str
    publisher_en: str | None
    title: str
    author: str | None
    url: str | None
    published: FuzzyDate
    note: str | None = None
    # Later sources that confirmed a publication date this source does not print.
    confirmed_by: tuple[str, ...] = ()
    # The title in English where it has one (a placeholder for a title not seen).
    title_en: str | None = None

    def title_in(self, locale: str) -> str:
        """The title an answer in `locale` shows: the English one where there is one."""
        return (self.title_en or self.title) if locale == "en" else self.title

    @property
    def date_inferred(self) -> bool:
        """Whether the publication date was worked out rather than printed: the data set
        says so in the date's own wording (`(추정)`, store/data/README.md)."""
        return "추정" in self.published.text

    @classmethod
    def from_row(cls, row: dict[str, Any], prefix: str = "") -> SourceRef:
        published = FuzzyDate.stored(
            row[f"{prefix}published_text"], row[f"{prefix}published_edtf"],
            row[f"{prefix}published_precision"],
        )  # fmt: skip
        return cls(
            row[f"{prefix}id"], row[f"{prefix}publisher"], row[f"{prefix}publisher_en"],
            row[f"{prefix}title"], row[f"{prefix}author"], row[f"{prefix}url"], published,
            row.get(f"{prefix}published_note"),
            tuple(json.loads(row.get(f"{prefix}published_confirmed_by") or "[]")),
            row.get(f"{prefix}title_en"),
        )  # fmt: skip


CONFIDENCES = ("single", "same_outlet", "confirmed")
FACT_STATUSES = ("planned", "done")


@dataclass(frozen=True)
class FactView:
    """One statement about an entity with its typed value, qualifiers and sources.

    `sources` are every source the statement cites, in order; the first is the primary
    one (`source`). `confidence` is how the compiler of the data set rated it: `single`
    (one report only: show it as such, "단일 보도 / single report"), `same_outlet` (several
    pages of one publisher), `confirmed` (two publishers or more), or None (not
    assessed, as for the seed articles). `approximate` marks a number the source gives
    as approximate (`80여 석`: show "80여 석" / "about 80 seats"). `speaker` is whose
    words a quote is. `status` is `planned` for something announced or scheduled that no
    source reports as having happened (a plan is not an event), `done` for an event
    reported as having happened, None for a state of affairs.
    """

    id: int
    subject: EntityRef
    attribute: str
    label_ko: str
    label_en: str
    value_type: str
    text: str | None
    text_en: str | None
    money: int | None
    number: float | None
    unit: str | None
    date: FuzzyDate | None
    linked: EntityRef | None
    role_ko: str | None
    role_en: str | None
    qualifiers: dict[str, FuzzyDate]
    note_ko: str | None
    note_en: str | None
    rank: str
    sources: tuple[SourceRef, ...]
    created_rev: int
    confidence: str | None = None
    approximate: bool = False
    speaker: EntityRef | None = None
    status: str | None = None

    @property
    def source(self) -> SourceRef:
        """The primary source (the first cited)."""
        return self.sources[0]

    @property
    def single_report(self) -> bool:
        """True when the data set rates the statement as reported by one page only."""
        return self.confidence == "single"

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_ko

    def holds_on(self, day: date) -> bool | None:
        """Whether the statement is in effect on `day` by its `start` and `end` qualifiers:
        True, False, or None when an imprecise start or end leaves it open.

        An `end` day is the first day it no longer holds (a team eliminated on
        2026-01-15 is not in the project that day); an `end` worded `2028년까지` holds
        through 2028. A statement with neither qualifier holds.
        """
        start, end = self.qualifiers.get("start"), self.qualifiers.get("end")
        answers: list[bool | None] = []
        if start is not None:
            answers.append(_on_or_after(day, start))
        if end is not None and end.precision == "by" and end.latest is not None:
            answers.append(day <= end.latest)  # `2028년까지`: through 2028
        elif end is not None:
            after_end = _on_or_after(day, end)
            answers.append(None if after_end is None else not after_end)
        if False in answers:
            return False
        return None if None in answers else True

    def role(self, locale: str) -> str | None:
        return (self.role_en or self.role_ko) if locale == "en" else self.role_ko

    def note(self, locale: str) -> str | None:
        return (self.note_en or self.note_ko) if locale == "en" else self.note_ko


def _on_or_after(day: date, when: FuzzyDate) -> bool | None:
    """Whether `day` is on or after `when`: None when `when`'s window straddles it."""
    if when.latest is not None and day >= when.latest:
        return True
    if when.earliest is not None and day < when.earliest:
        return False
    return None


def newest_first(sources: Iterable[SourceRef]) -> list[SourceRef]:
    """Sources by publication, newest first: by the latest day each may be from, and of
    two that may be from the same day, the one known to the day first."""
    return sorted(
        sources,
        key=lambda s: (s.published.latest or s.published.earliest, s.published.precision == "day"),
        reverse=True,
    )


@dataclass(frozen=True)
class MilestoneView:
    """A dated event of a program, with the precision its sources gave."""

    id: int
    entity: EntityRef
    title_ko: str
    title_en: str | None
    date: FuzzyDate
    status: str
    # Every source reporting it, the primary one first (as for facts).
    sources: tuple[SourceRef, ...]
    created_rev: int

    @property
    def source(self) -> SourceRef:
        """The primary source: the one whose wording the title and date follow."""
        return self.sources[0]

    @property
    def latest_report(self) -> SourceRef:
        """The newest source reporting it: how fresh what is known of it is."""
        return newest_first(self.sources)[0]

    def title(self, locale: str) -> str:
        return (self.title_en or self.title_ko) if locale == "en" else self.title_ko


@dataclass(frozen=True)
class EntityDetail:
    """Everything a card about one entity shows."""

    ref: EntityRef
    summary_ko: str | None
    summary_en: str | None
    aliases: list[str]
    source: SourceRef
    facts: list[FactView]
    inbound: list[FactView]
    milestones: list[MilestoneView]
    deprecated_count: int = 0
    # How many facts of each subject class link here; `inbound` holds only the first few.
    inbound_counts: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # Which of the entity's names (`ko`, `en`, `acronym`) no cited article prints: they come
    # from general knowledge, and a card may say so.
    general_knowledge_names: tuple[str, ...] = ()

    def summary(self, locale: str) -> str | None:
        return (self.summary_en or self.summary_ko) if locale == "en" else self.summary_ko

    def sources(self) -> list[SourceRef]:
        """Every distinct source the card cites, newest first."""
        seen: dict[str, SourceRef] = {self.source.id: self.source}
        for item in [*self.facts, *self.inbound, *self.milestones]:
            for source in item.sources:
                seen.setdefault(source.id, source)
        return newest_first(seen.values())
