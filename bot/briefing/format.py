"""Turning store values into the words of a card, with their sources as footnotes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from string import Formatter

from bot.briefing.model import Cite, Inline, Line, Span, line, prose, strong
from bot.i18n import MESSAGES, t, template
from store.dates import FuzzyDate
from store.model import FactView, MilestoneView, SourceRef
from store.money import format_won_en, format_won_ko


class Footnotes:
    """Numbers each cited source once, in order of first use: `[1]`, `[2]`, …"""

    def __init__(self) -> None:
        self._order: dict[str, tuple[int, SourceRef]] = {}

    def mark(self, source: SourceRef) -> Cite:
        """The mark citing `source`, numbering it if it is new."""
        return Cite(self._order.setdefault(source.id, (len(self._order) + 1, source))[0])

    def marks(self, sources: Iterable[SourceRef]) -> tuple[Cite, ...]:
        """The marks of every source a statement cites, in its order: `[3][4]`."""
        return tuple(dict.fromkeys(self.mark(source) for source in sources))

    def lines(self, locale: str) -> tuple[Line, ...]:
        """One line per cited source, in numbering order: `[1] 2025-08-13 지디넷코리아 「…」`."""
        return tuple((Cite(n), Span(" "), *source_line(s, locale)) for n, s in self._order.values())


def message_line(key: str, locale: str, **values: Inline | str) -> Line:
    """The message `key` as a line whose placeholders may be spans or places: a channel
    named inside a sentence stays a `PlaceRef` for its front end to show."""
    parts: list[Inline] = []
    text = ""
    for literal, name, spec, _ in Formatter().parse(template(key, locale)):
        text += literal
        if name is None:
            continue
        value = values[name]
        if isinstance(value, str):
            text += format(value, spec)
        else:
            parts += [*prose(text), value]
            text = ""
    return (*parts, *prose(text))


def source_date(published: FuzzyDate, locale: str, *, inferred: bool = False) -> str:
    """An article's date in ISO form at its real precision. A date the article does not
    print (`inferred`, or any that is not a day or a month) says so, whatever its
    precision; one worked out as one of several candidates is shown as that set."""
    if published.edtf and published.edtf.startswith("["):
        return published.label(locale)
    mark = f" ({t('card.inferred', locale)})" if inferred else ""
    if published.precision == "day" and published.earliest:
        return published.earliest.isoformat() + mark
    if published.precision == "month" and published.earliest:
        return published.earliest.isoformat()[:7] + mark
    first = published.earliest.isoformat() if published.earliest else ""
    last = published.latest.isoformat() if published.latest else ""
    if last.startswith(first[:8]):
        last = last[8:]
    elif last.startswith(first[:5]):
        last = last[5:]
    return f"{first}~{last} ({t('card.inferred', locale)})"


def _publisher(source: SourceRef, locale: str) -> str:
    return (source.publisher_en or source.publisher) if locale == "en" else source.publisher


def published_label(source: SourceRef, locale: str) -> str:
    """A source's publication date as the card shows it: inferred dates marked, and an
    inference later reports confirmed says so."""
    label = source_date(source.published, locale, inferred=source.date_inferred)
    if source.confirmed_by:
        label = f"{label} · {t('card.date_confirmed', locale)}"
    return label


def source_line(source: SourceRef, locale: str) -> Line:
    """`2025-08-13 지디넷코리아 「title」` — date, publisher, title (linked to the article)."""
    return line(
        f"{published_label(source, locale)} {_publisher(source, locale)} ",
        Span(f"「{source.title_in(locale)}」", link=source.url),
    )


def age_in_days(source: SourceRef, today: date) -> int | None:
    """How many days ago a source was published (its latest possible day, and never after
    today: an article cannot be from the future), if known."""
    last = source.published.latest or source.published.earliest
    return (today - min(last, today)).days if last is not None else None


def age_label(days: int, locale: str) -> str:
    """`110일 전`, or `오늘` for today."""
    return t("age.today", locale) if days == 0 else t("age.days", locale, days=days)


def as_of(source: SourceRef, locale: str, today: date) -> Line:
    """The footer form, with the source's age: `기준: 2025-08-13 지디넷코리아 · 110일 전`."""
    published = published_label(source, locale)
    text = f"{t('card.as_of', locale)}: {published} {_publisher(source, locale)}"
    age = age_in_days(source, today)
    return line(f"{text} · {age_label(age, locale)}" if age is not None else text)


def staleness(
    source: SourceRef | None, today: date, stale_after_days: int, locale: str
) -> Line | None:
    """One line saying the newest source is old (older than `stale_after_days`), else None."""
    age = age_in_days(source, today) if source else None
    if age is None or age <= stale_after_days:
        return None
    return prose(t("card.stale", locale, days=age))


def money(won: int, locale: str) -> str:
    """Korean style for Korean readers; English with the Korean figure alongside."""
    return f"{format_won_en(won)} ({format_won_ko(won)})" if locale == "en" else format_won_ko(won)


def unit_label(unit: str | None, locale: str) -> str:
    """A counting unit after a number: `5개팀` in Korean, `5 teams` in English (a unit
    with no English wording keeps its Korean one, after a space)."""
    if not unit:
        return ""
    if locale == "ko":
        return unit
    key = f"unit.{unit}"
    return f" {t(key, locale) if key in MESSAGES else unit}"


def reported_on(fact: FactView) -> date | None:
    """When a fact was true as far as its source says: its `as_of` qualifier, else the
    day its source was published (the earliest it may have been)."""
    as_of = fact.qualifiers.get("as_of")
    if as_of is not None and as_of.earliest is not None:
        return as_of.earliest
    return fact.source.published.earliest


def role_in_time(fact: FactView, locale: str, *, superseded: bool) -> str | None:
    """A person's role with the date its source establishes: `장관 (2025-09 기사 기준)`, or
    `당시 장관, 2021-09 기사` when a later source names someone else in the same role."""
    role = fact.role(locale)
    when = reported_on(fact)
    if not role or when is None:
        return role
    key = "role.then" if superseded else "role.as_of"
    return t(key, locale, role=role, date=when.isoformat()[:7])


def fact_value(fact: FactView, locale: str, role: str | None = None) -> str:
    """The value of a fact as a person reads it, with its role (or `role` instead), period
    and note; a role that only repeats the attribute's name is left out."""
    if fact.linked is not None:
        value = fact.linked.display(locale)
    elif fact.money is not None:
        value = money(fact.money, locale)
    elif fact.number is not None:
        value = number_label(fact, locale)
    elif fact.date is not None:
        value = fact.date.label(locale)
    else:
        value = (fact.text_en or fact.text or "") if locale == "en" else (fact.text or "")
    role = role if role is not None else fact.role(locale)
    if role and role != fact.label(locale):
        value = f"{value} — {role}"
    period = period_label(fact, locale)
    if period:
        value = f"{value} ({period})"
    if fact.speaker is not None:
        value = f"{value} ({t('fact.said_by', locale, name=fact.speaker.name(locale))})"
    note = fact.note(locale)
    if note:
        value = f"{value} · {note}"
    if fact.status == "planned":
        value = f"{value} · {t('fact.planned', locale)}"
    if fact.single_report:
        value = f"{value} · {t('fact.single_report', locale)}"
    return value


def number_label(fact: FactView, locale: str) -> str:
    """`5개팀` / `5 teams`; an approximate number as its source gives it: `80여 석` /
    `about 80 seats`."""
    assert fact.number is not None
    number = int(fact.number) if float(fact.number).is_integer() else fact.number
    unit = unit_label(fact.unit, locale)
    if not fact.approximate:
        return f"{number:,}{unit}"
    if locale == "en":
        return t("fact.about", locale, value=f"{number:,}{unit}")
    return f"{number:,}여 {fact.unit}".rstrip() if fact.unit else f"{number:,}여"


def period_label(fact: FactView, locale: str) -> str | None:
    """`2022년 ~ 2026년`, `2028년까지`, or None when the fact has no period."""
    start, end = fact.qualifiers.get("start"), fact.qualifiers.get("end")
    if start and end and end.precision != "by":
        return f"{start.label(locale)} ~ {end.label(locale)}"
    if end:
        return end.label(locale)
    if start:
        return f"{start.label(locale)} ~"
    return None


def date_label(milestone: MilestoneView, locale: str) -> str:
    """A milestone's date as reported; an undated one in words of the reader's language
    (the Korean wording of a date nobody gave is no English)."""
    if milestone.date.precision == "unknown" and locale == "en":
        return t("ms.date_unknown", locale)
    return milestone.date.label(locale)


def milestone_line(
    milestone: MilestoneView,
    locale: str,
    notes: Footnotes,
    *,
    flag: str | None = None,
    with_entity: bool = False,
) -> Line:
    """`2025년 12월 말` (strong) `대국민 콘테스트 · 예정 [1]`, optionally naming the program."""
    parts = [milestone.title(locale)]
    if with_entity:
        parts.append(milestone.entity.name(locale))
    parts.append(t(f"ms.status.{milestone.status}", locale))
    if flag:
        parts.append(flag)
    return line(
        strong(date_label(milestone, locale)),
        f" {' · '.join(parts)} ",
        *notes.marks(milestone.sources),
    )
