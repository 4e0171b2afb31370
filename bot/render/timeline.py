"""A program's milestones as a timeline picture (PNG).

One row per milestone, in date order, so labels never overlap however many there are:
the title on the left, the date at its real precision and the status on the right, and
between them the milestone on a time axis. A day date is a point; an imprecise date
(`12월 말`, `2025년 말`) is a bar over every day it allows; a deadline (`2028년까지`)
is a bar from the left edge with an arrow, since its start is not known; a milestone
without a known date has a dotted row and its wording. Today is a dashed line.

Why Pillow, with the Nanum Gothic fonts that `koreanize-matplotlib` ships: a program card
draws its picture on the answer's path whenever it is not remembered, and Pillow draws
one in a few milliseconds where matplotlib took about 75 (its text layout, tick machinery
and figure set-up), which capped a whole process at about 85 answers a second. The
picture is simple enough to lay out by hand: rows, a date axis, points and bars. The
fonts install from pip alone on a fresh machine (nothing downloaded at run time, no
system fonts); only the font files are used. A character the font has no glyph for is
logged (`missing_glyphs`), since the picture would show a box. It is drawn at twice its
size and reduced, which smooths the shapes as anti-aliasing would; the same input gives
the same bytes, and the PNG carries no software version or time.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import itertools
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from bot.briefing.cache import ReplyCache
from bot.render.milestone_state import STATES, State, milestone_state, state_word
from store.model import EntityRef, MilestoneView

log = logging.getLogger(__name__)

_FONT_FILES = {"regular": "NanumGothic.ttf", "bold": "NanumGothicBold.ttf"}
# Drawn at SCALE times the size and reduced: Pillow's shapes have no anti-aliasing.
SCALE = 2
WIDTH = 1150
HEADER, FOOTER, ROW = 75, 65, 30
# Where the time axis runs, as shares of the width: titles to its left, dates to its right.
AXIS_LEFT, AXIS_RIGHT = 0.28, 0.73
_TITLE_PAD = 8
# Font sizes in pixels (points at 100 dots per inch).
_TEXT, _DATE_TEXT, _HEADING, _SMALL = 12.5, 11.8, 16.7, 11.1
_INK, _GRID, _SPINE, _TODAY, _RANGE = "#212529", "#dee2e6", "#343a40", "#e8590c", "#adb5bd"
_COLORS: dict[State, str] = {
    "done": "#2b8a3e",
    "planned": "#1c63b7",
    "overdue": "#c92a2a",
    "cancelled": "#868e96",
    "unknown": "#5f3dc4",
}
# The marks a row or legend entry is drawn with; `left` is a deadline's arrow.
Marker = Literal["circle", "square", "diamond", "cross", "left"]
_MARKERS: dict[State, Marker] = {
    "done": "circle",
    "planned": "circle",
    "overdue": "diamond",
    "cancelled": "cross",
    "unknown": "square",
}
_WORDS = {
    "heading": ("{program} 일정", "{program}: milestones"),
    "today": ("오늘", "today"),
    "range": ("기간으로만 알려진 날짜", "date known only as a period"),
    "none": ("일정이 없습니다", "No milestones"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Tick steps tried in order, the first whose labels fit and number at most MAX_TICKS.
_STEPS: tuple[tuple[str, int], ...] = (
    ("day", 1), ("day", 2), ("day", 7), ("day", 14),
    ("month", 1), ("month", 2), ("month", 3), ("month", 4), ("month", 6),
    ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 50),
    ("year", 100), ("year", 1000), ("year", 10000),
)  # fmt: skip
MAX_TICKS = 8
_UNIT_DAYS = {"day": 1, "month": 30.4, "year": 365.25}
# Week steps fall on these days of each month, as matplotlib's day locator places them.
_WEEK_DAYS = {7: (1, 8, 15, 22), 14: (1, 15)}


def _word(key: str, locale: str, **values: object) -> str:
    ko, en = _WORDS[key]
    return (en if locale == "en" else ko).format(**values)


@functools.cache
def _font_file(style: str) -> Path:
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("koreanize-matplotlib is not installed: pip install briefbot")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / _FONT_FILES[style]


@functools.cache
def _font(size: float, style: str = "regular") -> ImageFont.FreeTypeFont:
    """A font at `size` pixels of the finished picture (drawn at `SCALE` times that)."""
    return ImageFont.truetype(str(_font_file(style)), size * SCALE)


@functools.cache
def _covered() -> frozenset[int]:
    """The characters both fonts have glyphs for."""
    maps = [TTFont(_font_file(style), lazy=True).getBestCmap() for style in _FONT_FILES]
    return frozenset(set(maps[0]).intersection(*maps[1:]))


def missing_glyphs(text: str) -> set[str]:
    """The characters of `text` the fonts cannot draw (spaces and controls aside)."""
    covered = _covered()
    return {c for c in text if ord(c) not in covered and c.isprintable() and not c.isspace()}


@functools.cache
def _warn_missing(character: str) -> None:
    """Once per character and process: an admin's title with a rare character."""
    log.warning("the timeline font has no glyph for %r (U+%04X)", character, ord(character))


def _fitted(text: str, room: float, measure: Callable[[str], float]) -> str:
    """`text`, or its longest start that fits `room` pixels with `…`, as the font draws it.

    The first cut is in proportion to the overflow, then one character at a time: two or
    three measurements of a long title rather than one per character.
    """
    width = measure(text)
    if width <= room:
        return text
    keep = max(1, int(len(text) * room / width))
    while keep > 1 and measure(text[:keep].rstrip() + "…") > room:
        keep -= 1
    while keep < len(text) and measure(text[: keep + 1].rstrip() + "…") <= room:
        keep += 1
    return text[:keep].rstrip() + "…"


def _sort_key(milestone: MilestoneView) -> tuple[bool, date, date, int]:
    when = milestone.date
    first = when.earliest or when.latest or date.max
    return (when.latest is None, first, when.latest or date.max, milestone.id)


def _axis_span(milestones: Sequence[MilestoneView], today: date) -> tuple[date, date]:
    """Every known day and today, with a margin of a twentieth on each side."""
    days = [today]
    for m in milestones:
        days += [d for d in (m.date.earliest, m.date.latest) if d is not None]
    first, last = min(days), max(days)
    margin = max(timedelta(days=15), (last - first) / 20)
    # An admin may date something in year 9999: the margin stops at the calendar's ends.
    return first - min(margin, first - date.min), last + min(margin, date.max - last)


def _blend(color: str, alpha: float) -> tuple[int, int, int]:
    """`color` at `alpha` over the white background."""
    rgb = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(round(255 - alpha * (255 - c)) for c in rgb)  # type: ignore[return-value]


def _ticks(unit: str, step: int, start: date, end: date) -> Iterator[date]:
    """The first days of every `step` units (days 1, 8, 15, 22 for weeks) in the span."""
    if unit == "day":
        days = _WEEK_DAYS.get(step)
        day = start
        while day <= end:
            if (day.day in days) if days else (day.day - 1) % step == 0:
                yield day
            day += timedelta(days=1)
        return
    if unit == "year":
        for year in range(start.year + -start.year % step, end.year + 1, step):
            if start <= (tick := date(year, 1, 1)) <= end:
                yield tick
        return
    year, month = start.year, start.month
    while (tick := date(year, month, 1)) <= end:
        if tick >= start and (month - 1) % step == 0:
            yield tick
        if (year, month) == (end.year, 12):
            return
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _tick_label(tick: date, unit: str, locale: str) -> str:
    """What a tick says, in the spirit of matplotlib's concise dates: a year where one
    starts, else the month where one starts, else the day."""
    if unit == "year" or (tick.month == 1 and tick.day == 1):
        return str(tick.year) if locale == "en" else f"{tick.year}년"
    if tick.day == 1:
        return _MONTHS_EN[tick.month - 1] if locale == "en" else f"{tick.month}월"
    return str(tick.day) if locale == "en" else f"{tick.day}일"


@dataclass
class Canvas:
    """The picture being drawn at `SCALE`, in the finished picture's pixels, with every
    label's box kept: the tests check that no two overlap and all are inside."""

    width: int
    height: int
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)
    labels: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.image = Image.new("RGB", (self.width * SCALE, self.height * SCALE), "white")
        self.draw = ImageDraw.Draw(self.image)

    def text(
        self, xy: tuple[float, float], text: str, font: ImageFont.FreeTypeFont,
        color: str, anchor: str = "lm",
    ) -> None:  # fmt: skip
        """`text` placed by its `anchor` (Pillow's: `l`/`m`/`r` then `t`/`m`/`b`/`s`)."""
        for character in missing_glyphs(text):
            _warn_missing(character)
        at = (xy[0] * SCALE, xy[1] * SCALE)
        box = self.draw.textbbox(at, text, font=font, anchor=anchor)
        self.labels.append((text, tuple(v / SCALE for v in box)))  # type: ignore[arg-type]
        self.draw.text(at, text, font=font, fill=color, anchor=anchor)

    def measure(self, font: ImageFont.FreeTypeFont) -> Callable[[str], float]:
        return lambda text: font.getlength(text) / SCALE

    def line(self, points: Sequence[tuple[float, float]], color: object, width: float) -> None:
        scaled = [(x * SCALE, y * SCALE) for x, y in points]
        self.draw.line(scaled, fill=color, width=max(1, round(width * SCALE)))  # type: ignore[arg-type]

    def dashed(
        self, start: tuple[float, float], end: tuple[float, float], color: object,
        width: float, on: float, off: float,
    ) -> None:  # fmt: skip
        """A dashed (or, with short dashes, dotted) straight line."""
        (x0, y0), (x1, y1) = start, end
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        done = 0.0
        while done < length:
            upto = min(done + on, length)
            a, b = done / length, upto / length
            self.line(
                [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)],
                color, width,
            )  # fmt: skip
            done += on + off

    def box(
        self, box: tuple[float, float, float, float], fill: object, outline: object,
        width: float, hatch: bool = False,
    ) -> None:  # fmt: skip
        """A bar; `hatch` crosses it with diagonal lines (a cancelled window)."""
        x0, y0, x1, y1 = (v * SCALE for v in box)
        self.draw.rectangle((x0, y0, x1, y1), fill=fill)  # type: ignore[arg-type]
        if hatch:
            tile = Image.new("RGB", (max(1, round(x1 - x0)), max(1, round(y1 - y0))), fill)  # type: ignore[arg-type]
            pen = ImageDraw.Draw(tile)
            side = tile.height
            for offset in range(-side, tile.width + side, 6 * SCALE):
                pen.line([(offset, side), (offset + side, 0)], fill=outline, width=SCALE)  # type: ignore[arg-type]
            self.image.paste(tile, (round(x0), round(y0)))
        self.draw.rectangle(
            (x0, y0, x1, y1),
            outline=outline,
            width=max(1, round(width * SCALE)),  # type: ignore[arg-type]
        )

    def marker(self, shape: Marker, center: tuple[float, float], size: float, color: str,
               filled: bool = True) -> None:  # fmt: skip
        """One of the status markers, `size` pixels across."""
        cx, cy, r = center[0] * SCALE, center[1] * SCALE, size * SCALE / 2
        face = color if filled else "white"
        edge = round(1.6 * SCALE)
        if shape == "circle":
            self.draw.ellipse(
                (cx - r, cy - r, cx + r, cy + r), fill=face, outline=color, width=edge
            )
        elif shape == "square":
            r *= 0.85
            self.draw.rectangle(
                (cx - r, cy - r, cx + r, cy + r), fill=face, outline=color, width=edge
            )
        elif shape == "diamond":
            points = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
            self.draw.polygon(points, fill=face, outline=color, width=edge)
        elif shape == "cross":
            stroke = round(2.6 * SCALE)
            r *= 0.8
            self.draw.line([(cx - r, cy - r), (cx + r, cy + r)], fill=color, width=stroke)
            self.draw.line([(cx - r, cy + r), (cx + r, cy - r)], fill=color, width=stroke)
        elif shape == "left":  # a deadline's arrow: the start is not known
            self.draw.polygon(
                [(cx - r, cy), (cx + r * 0.8, cy - r), (cx + r * 0.8, cy + r)], fill=color
            )
        else:
            raise ValueError(f"unknown marker {shape!r}")

    def png(self) -> bytes:
        """The finished picture. A palette of 255 colours keeps every colour drawn exactly
        (a few, and their anti-aliased shades) and makes the file a third of an RGB one,
        quicker to compress; a light compression is most of the gain for a fraction of
        the time."""
        buffer = io.BytesIO()
        picture = self.image.reduce(SCALE).quantize(255, method=Image.Quantize.FASTOCTREE)
        picture.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


@dataclass(frozen=True)
class Axis:
    """The time axis: where a day is across the picture, and the rows below it."""

    left: float
    right: float
    top: float
    bottom: float
    start: date
    end: date

    def x(self, day: date) -> float:
        span = (self.end - self.start).days or 1
        return self.left + (day - self.start).days / span * (self.right - self.left)

    def row(self, index: int) -> float:
        """The middle of row `index`."""
        return self.top + 5 + ROW * index + ROW / 2


def _fitting_ticks(
    axis: Axis, locale: str, measure: Callable[[str], float]
) -> tuple[str, list[date], list[str]]:
    """The first step (unit, ticks, labels) with at most `MAX_TICKS` whose labels keep
    apart; the last step, ten thousand years, fits any span a date can have."""
    days = (axis.end - axis.start).days
    for unit, step in _STEPS:
        if days / (step * _UNIT_DAYS[unit]) > MAX_TICKS + 1:
            continue  # far too many, without listing them day by day
        ticks = list(_ticks(unit, step, axis.start, axis.end))
        if len(ticks) > MAX_TICKS:
            continue
        labels = [_tick_label(tick, unit, locale) for tick in ticks]
        edges = [
            (axis.x(tick) - measure(label) / 2, axis.x(tick) + measure(label) / 2)
            for tick, label in zip(ticks, labels, strict=True)
        ]
        if all(a[1] + 6 < b[0] for a, b in itertools.pairwise(edges)):
            return unit, ticks, labels
    raise AssertionError(f"no tick step fits {axis.start}–{axis.end}")


def _draw_ticks(canvas: Canvas, axis: Axis, locale: str) -> None:
    """Grid lines and labels above the axis, at the first step whose labels fit."""
    font = _font(_TEXT)
    unit, ticks, labels = _fitting_ticks(axis, locale, canvas.measure(font))
    for tick, label in zip(ticks, labels, strict=True):
        x = axis.x(tick)
        canvas.line([(x, axis.top), (x, axis.bottom)], _GRID, 1)
        canvas.line([(x, axis.top - 4), (x, axis.top)], _SPINE, 1)
        canvas.text((x, axis.top - 7), label, font, _INK, "ms")
    if unit == "day" and ticks:  # which month the days are of, at the right end
        first = ticks[0]
        offset = first.strftime("%b %Y") if locale == "en" else f"{first.year}년 {first.month}월"
        canvas.text((axis.right + 10, axis.top - 7), offset, font, _INK, "ls")
    canvas.line([(axis.left, axis.top), (axis.right, axis.top)], _SPINE, 1)


def _draw_row(canvas: Canvas, axis: Axis, y: float, milestone: MilestoneView, state: State) -> None:
    """One milestone: a point for a day, a bar for a window, a dotted line for no date."""
    when = milestone.date
    color = _COLORS[state]
    if when.precision == "unknown" or when.latest is None:
        canvas.dashed((axis.left, y), (axis.right, y), _blend(color, 0.6), 1.1, 1.5, 2.5)
        return
    if when.precision == "day":
        canvas.marker(_MARKERS[state], (axis.x(when.latest), y), 11, color, state != "planned")
        return
    first = when.earliest or axis.start
    left, right = axis.x(first), axis.x(when.latest + timedelta(days=1))
    fill = _blend(color, 0.35 if state == "planned" else 0.6)
    canvas.box((left, y - 7.5, right, y + 7.5), fill, color, 1.5, hatch=state == "cancelled")
    if when.earliest is None:
        canvas.marker("left", (left, y), 10, color)


def _state_key(canvas: Canvas, state: State, x: float, y: float) -> None:
    """A status's legend entry: its marker, as drawn for a day date."""
    canvas.marker(_MARKERS[state], (x + 6, y), 10, _COLORS[state], state != "planned")


def _legend(canvas: Canvas, states: set[State], has_range: bool, locale: str) -> None:
    """Statuses drawn, the bar of an imprecise date and today, in one row at the bottom."""
    font = _font(_DATE_TEXT)
    measure = canvas.measure(font)
    items: list[tuple[Callable[[float, float], None], str]] = [
        (functools.partial(_state_key, canvas, state), state_word(state, locale))
        for state in STATES
        if state in states
    ]
    if has_range:
        items.append(
            (lambda x, y: canvas.box((x, y - 5, x + 14, y + 5), _RANGE, "#495057", 1),
             _word("range", locale))
        )  # fmt: skip
    items.append(
        (lambda x, y: canvas.dashed((x, y), (x + 14, y), _TODAY, 1.7, 4, 2), _word("today", locale))
    )
    key, pad, gap = 14, 5, 16
    widths = [key + pad + measure(label) for _, label in items]
    x = (canvas.width - sum(widths) - gap * (len(items) - 1)) / 2
    y = canvas.height - 22
    for (draw_key, label), width in zip(items, widths, strict=True):
        draw_key(x, y)
        canvas.text((x + key + pad, y), label, font, _INK, "lm")
        x += width + gap


def timeline_canvas(
    program: EntityRef, milestones: Sequence[MilestoneView], *, today: date, locale: str
) -> Canvas:
    """The picture, drawn: heading, a row per milestone between its title and its date,
    the axis with today, and the legend (its labels kept on the canvas to inspect)."""
    ordered = sorted(milestones, key=_sort_key)
    rows = max(len(ordered), 1)
    canvas = Canvas(WIDTH, HEADER + 10 + ROW * rows + FOOTER)
    heading_font = _font(_HEADING, "bold")
    heading = _fitted(
        _word("heading", locale, program=program.display(locale)), WIDTH - 24,
        canvas.measure(heading_font),
    )  # fmt: skip
    canvas.text((12, 12), heading, heading_font, _INK, "lt")
    start, end = _axis_span(ordered, today)
    axis = Axis(WIDTH * AXIS_LEFT, WIDTH * AXIS_RIGHT, HEADER, HEADER + 10 + ROW * rows, start, end)
    if not ordered:
        # Nothing to place in time: no axis, no today line, only the words.
        middle = ((axis.left + axis.right) / 2, (axis.top + axis.bottom) / 2)
        canvas.text(middle, _word("none", locale), _font(_TEXT), _INK, "mm")
        return canvas
    _draw_ticks(canvas, axis, locale)
    title_font, date_font = _font(_TEXT), _font(_DATE_TEXT)
    title_room = axis.left - _TITLE_PAD - 4
    date_left = axis.right + 0.02 * (axis.right - axis.left)
    date_room = WIDTH - date_left - 4
    states: set[State] = set()
    for index, milestone in enumerate(ordered):
        state = milestone_state(milestone, today)
        states.add(state)
        y = axis.row(index)
        _draw_row(canvas, axis, y, milestone, state)
        title = _fitted(milestone.title(locale), title_room, canvas.measure(title_font))
        canvas.text((axis.left - _TITLE_PAD, y), title, title_font, _INK, "rm")
        # A long date is shortened, never the state after it.
        state_part = f" · {state_word(state, locale)}"
        measure_date = canvas.measure(date_font)
        room = date_room - measure_date(state_part)
        when = _fitted(milestone.date.label(locale), room, measure_date) + state_part
        canvas.text((date_left, y), when, date_font, _COLORS[state], "lm")
    today_x = axis.x(today)
    canvas.dashed((today_x, axis.top), (today_x, axis.bottom), _TODAY, 1.7, 6, 3)
    today_label = f"{_word('today', locale)} {today.isoformat()}"
    canvas.text((today_x, axis.bottom + 3), today_label, _font(_SMALL), _TODAY, "mt")
    has_range = any(m.date.precision not in ("day", "unknown") for m in ordered)
    _legend(canvas, states, has_range, locale)
    return canvas


def timeline_png(
    program: EntityRef, milestones: Sequence[MilestoneView], *, today: date, locale: str
) -> bytes:
    """A PNG timeline of `program`'s milestones as of `today`, labelled in `locale`.

    The same input always gives the same bytes. Callers that draw for a revision of the
    store go through `TimelineCache`, so a picture is drawn once, not once per request.
    """
    return timeline_canvas(program, milestones, today=today, locale=locale).png()


@dataclass(frozen=True)
class TimelineKey:
    """What a picture depends on: the facts (by revision), the program, language and day."""

    revision: int
    program_id: str
    locale: str
    today: date


Draw = Callable[..., bytes]
# A picture is 10–40 KB: 256 of them (every program of a large store in both languages,
# and more than a day's worth of the bundled one) hold under 10 MB.
CACHE_SIZE = 256


class TimelineCache:
    """Timeline pictures remembered per store revision, least recently used dropped first.

    A picture is drawn once per (revision, program, locale, today): any edit to the
    store starts a new revision and with it new keys, so a stale picture is never
    served. Milestones are read only when the picture has to be drawn.
    """

    def __init__(self, size: int = CACHE_SIZE, draw: Draw = timeline_png) -> None:
        self._draw = draw
        self._pictures: ReplyCache[bytes] = ReplyCache(size)

    def picture(
        self,
        revision: int,
        program: EntityRef,
        milestones: Callable[[], Sequence[MilestoneView]],
        *,
        today: date,
        locale: str,
    ) -> bytes:
        """The PNG for `program` at `revision`, drawn from `milestones()` if not remembered."""
        return self._pictures.get_or_build(
            TimelineKey(revision, program.id, locale, today),
            lambda: self._draw(program, milestones(), today=today, locale=locale),
        )
