"""Read models: what the store hands to its callers, detached from SQLite rows.

These are plain frozen dataclasses so the briefing core can build answers from them
without knowing any table or column, and tests can compare them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

    @classmethod
    def from_row(cls, row: dict[str, Any], prefix: str = "") -> EntityRef:
        return cls(
            row[f"{prefix}id"], row[f"{prefix}class"], row[f"{prefix}kind"],
            row[f"{prefix}name_ko"], row[f"{prefix}name_en"], row[f"{prefix}acronym"],
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
        )  # fmt: skip


@dataclass(frozen=True)
class FactView:
    """One statement about an entity with its typed value, qualifiers and source."""

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
    source: SourceRef
    created_rev: int

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_ko

    def role(self, locale: str) -> str | None:
        return (self.role_en or self.role_ko) if locale == "en" else self.role_ko

    def note(self, locale: str) -> str | None:
        return (self.note_en or self.note_ko) if locale == "en" else self.note_ko


@dataclass(frozen=True)
class MilestoneView:
    """A dated event of a program, with the precision its source gave."""

    id: int
    entity: EntityRef
    title_ko: str
    title_en: str | None
    date: FuzzyDate
    status: str
    source: SourceRef
    created_rev: int

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

    def summary(self, locale: str) -> str | None:
        return (self.summary_en or self.summary_ko) if locale == "en" else self.summary_ko

    def sources(self) -> list[SourceRef]:
        """Every distinct source the card cites, newest first."""
        seen: dict[str, SourceRef] = {self.source.id: self.source}
        for item in [*self.facts, *self.inbound, *self.milestones]:
            seen.setdefault(item.source.id, item.source)
        return sorted(
            seen.values(),
            key=lambda s: (
                s.published.latest or s.published.earliest,
                s.published.precision == "day",
            ),
            reverse=True,
        )
