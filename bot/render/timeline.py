"""A program's milestones as a timeline picture (PNG).

One row per milestone, in date order, so labels never overlap however many there are:
the title on the left, the date at its real precision and the status on the right, and
between them the milestone on a time axis. A day date is a point; an imprecise date
(`12월 말`, `2025년 말`) is a bar over every day it allows; a deadline (`2028년까지`)
is a bar from the left edge with an arrow, since its start is not known; a milestone
without a known date has a dotted row and its wording. Today is a dashed line.

Why matplotlib with the Nanum Gothic fonts of `koreanize-matplotlib`: both install
from pip alone on a fresh machine (no system fonts, nothing downloaded at run time),
matplotlib draws dates, bars, legends and text layout that Pillow would have us
write by hand, and it warns for every glyph missing from the fonts, which the tests
turn into failures. The package is not imported (importing it changes matplotlib's
global settings and needs `distutils`): only its font files are used, inside an
`rc_context`, so no other user of matplotlib is affected. The Agg canvas renders the
same input to the same bytes; the PNG carries no software version or time.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import matplotlib
import matplotlib.dates as mdates
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.briefing.cache import ReplyCache
from bot.render.milestone_state import STATES, State, milestone_state, state_word
from store.model import EntityRef, MilestoneView

FONT_FAMILY = "NanumGothic"
_FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")
DPI = 100
WIDTH_IN = 11.5
ROW_IN = 0.3
_TITLE_PAD_PX = 8
_COLORS: dict[State, str] = {
    "done": "#2b8a3e",
    "planned": "#1c63b7",
    "overdue": "#c92a2a",
    "cancelled": "#868e96",
    "unknown": "#5f3dc4",
}
_MARKERS: dict[State, str] = {
    "done": "o",
    "planned": "o",
    "overdue": "D",
    "cancelled": "X",
    "unknown": "s",
}
_WORDS = {
    "heading": ("{program} 일정", "{program}: milestones"),
    "today": ("오늘", "today"),
    "range": ("기간으로만 알려진 날짜", "date known only as a period"),
    "none": ("일정이 없습니다", "No milestones"),
}
# ConciseDateFormatter's three lists (tick labels, labels at a unit's start, the offset).
_KO_DATE_FORMATS = (
    ["%Y년", "%-m월", "%-d일", "%H:%M", "%H:%M", "%S.%f"],
    ["", "%Y년", "%-m월", "%-m월 %-d일", "%H:%M", "%H:%M"],
    ["", "%Y년", "%Y년 %-m월", "%Y년 %-m월 %-d일", "", ""],
)


_DATE_FONT_SIZE = 8.5


def _word(key: str, locale: str, **values: object) -> str:
    ko, en = _WORDS[key]
    return (en if locale == "en" else ko).format(**values)


@functools.cache
def _register_fonts() -> None:
    """Add the bundled Nanum Gothic files to matplotlib's font list, once per process."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("koreanize-matplotlib is not installed: pip install briefbot")
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    for name in _FONT_FILES:
        font_manager.fontManager.addfont(str(fonts / name))


_RC = {
    # Latin letters, digits and symbols from matplotlib's own DejaVu Sans, whose arrows and
    # quotes stay legible at 9 points where Nanum Gothic's blur; Hangul from Nanum Gothic.
    "font.family": ["DejaVu Sans", FONT_FAMILY],
    "font.size": 9,
    "axes.unicode_minus": False,
    "svg.hashsalt": "briefbot",
}
# matplotlib's rc settings and font list are process-wide: draw one picture at a time.
_DRAWING = threading.Lock()


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
    return first - margin, last + margin


def _draw_row(axes: Axes, row: int, milestone: MilestoneView, state: State, start: date) -> None:
    """One milestone: a point for a day, a bar for a window, a dotted line for no date."""
    when = milestone.date
    color = _COLORS[state]
    if when.precision == "unknown" or when.latest is None:
        axes.axhline(row, color=color, linestyle=":", linewidth=0.8, alpha=0.6)
        return
    filled = state != "planned"
    if when.precision == "day":
        axes.plot(
            [when.latest], [row], marker=_MARKERS[state], markersize=8, color=color,
            markerfacecolor=color if filled else "white", markeredgewidth=1.6, linestyle="",
        )  # fmt: skip
        return
    first = when.earliest or start
    end = when.latest + timedelta(days=1)
    axes.barh(
        row, mdates.date2num(end) - mdates.date2num(first), left=mdates.date2num(first),
        height=0.5, color=color, alpha=0.35 if state == "planned" else 0.6,
        edgecolor=color, linewidth=1.5, hatch="///" if state == "cancelled" else None,
    )  # fmt: skip
    if when.earliest is None:
        axes.plot(
            [first], [row], marker="<", markersize=7, color=color, linestyle="", clip_on=False
        )


def _state_handle(state: State, locale: str) -> Line2D:
    """The legend entry of a status: its marker, as drawn for a day date."""
    face = "white" if state == "planned" else _COLORS[state]
    return Line2D(
        [], [], marker=_MARKERS[state], color=_COLORS[state], linestyle="", markersize=7,
        markerfacecolor=face, label=state_word(state, locale),
    )  # fmt: skip


def _legend(figure: Figure, states: set[State], has_range: bool, locale: str) -> None:
    """Statuses drawn, the bar of an imprecise date and today, in one row under the axis."""
    handles: list[Line2D | Patch] = [_state_handle(s, locale) for s in STATES if s in states]
    if has_range:
        handles.append(
            Patch(facecolor="#adb5bd", edgecolor="#495057", label=_word("range", locale))
        )
    handles.append(Line2D([], [], color="#e8590c", linestyle="--", label=_word("today", locale)))
    figure.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles),
        frameon=False, fontsize=8.5, handletextpad=0.4, columnspacing=1.2,
    )  # fmt: skip


def _date_axis(axes: Axes, locale: str) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    if locale == "en":
        formatter = mdates.ConciseDateFormatter(locator)
    else:
        formats, zero_formats, offset_formats = _KO_DATE_FORMATS
        formatter = mdates.ConciseDateFormatter(
            locator, formats=formats, zero_formats=zero_formats, offset_formats=offset_formats
        )
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(formatter)
    axes.xaxis.tick_top()
    axes.grid(axis="x", color="#dee2e6", linewidth=0.8)
    axes.set_axisbelow(True)


def _draw(
    program: EntityRef, milestones: Sequence[MilestoneView], today: date, locale: str
) -> Figure:
    """The figure: heading, a row per milestone between its title and its date, legend."""
    ordered = sorted(milestones, key=_sort_key)
    rows = max(len(ordered), 1)
    figure = Figure(figsize=(WIDTH_IN, 1.5 + ROW_IN * rows), dpi=DPI)
    FigureCanvasAgg(figure)
    header_in, footer_in = 0.75, 0.65
    height = figure.get_figheight()
    axes = figure.add_axes((0.28, footer_in / height, 0.45, 1 - (header_in + footer_in) / height))
    figure.text(
        0.01, 1 - 0.12 / height, _word("heading", locale, program=program.display(locale)),
        fontsize=12, fontweight=600, fontfamily=FONT_FAMILY, va="top",
    )  # fmt: skip
    start, end = _axis_span(ordered, today)
    axes.set_xlim(mdates.date2num(start), mdates.date2num(end))
    axes.set_ylim(rows - 0.5, -0.5)
    _date_axis(axes, locale)
    for side in ("left", "right", "bottom"):
        axes.spines[side].set_visible(False)
    states: set[State] = set()
    rows_transform = axes.get_yaxis_transform()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    font = FontProperties(size=_RC["font.size"])

    def measure(text: str) -> float:
        return renderer.get_text_width_height_descent(text, font, ismath=False)[0]

    title_room = axes.get_position().x0 * figure.bbox.width - _TITLE_PAD_PX - 4
    # The date column starts 2 % of the axes past its right edge and ends at the picture's.
    date_font = FontProperties(size=_DATE_FONT_SIZE)
    date_room = (1 - axes.get_position().x1) * figure.bbox.width - 0.02 * axes.bbox.width - 4

    def measure_date(text: str) -> float:
        return renderer.get_text_width_height_descent(text, date_font, ismath=False)[0]

    for row, milestone in enumerate(ordered):
        state = milestone_state(milestone, today)
        states.add(state)
        _draw_row(axes, row, milestone, state, start)
        # Plain texts rather than tick labels: a tick is a dozen artists, a text is one.
        axes.text(
            -_TITLE_PAD_PX / axes.bbox.width, row, _fitted(milestone.title(locale), title_room, measure),
            transform=rows_transform, ha="right", va="center", color="#212529",
        )  # fmt: skip
        # A long date is shortened, never the state after it.
        state_part = f" · {state_word(state, locale)}"
        room = date_room - measure_date(state_part)
        when = _fitted(milestone.date.label(locale), room, measure_date) + state_part
        axes.text(
            1.02, row, when,
            transform=rows_transform, va="center", fontsize=_DATE_FONT_SIZE, color=_COLORS[state],
        )  # fmt: skip
    axes.set_yticks([])
    if not ordered:
        # Nothing to place in time: no axis, no today line, only the words.
        axes.set_axis_off()
        axes.text(0.5, 0.5, _word("none", locale), transform=axes.transAxes, ha="center")
        return figure
    today_x = mdates.date2num(today)
    axes.axvline(today_x, color="#e8590c", linestyle="--", linewidth=1.2)
    axes.text(
        today_x, rows - 0.5, f"{_word('today', locale)} {today.isoformat()}", color="#e8590c",
        fontsize=8, va="top", ha="center",
    )  # fmt: skip
    has_range = any(m.date.precision not in ("day", "unknown") for m in ordered)
    _legend(figure, states, has_range, locale)
    return figure


def timeline_png(
    program: EntityRef, milestones: Sequence[MilestoneView], *, today: date, locale: str
) -> bytes:
    """A PNG timeline of `program`'s milestones as of `today`, labelled in `locale`.

    The same input always gives the same bytes. Callers that draw for a revision of the
    store go through `TimelineCache`, so a picture is drawn once, not once per request.
    """
    buffer = io.BytesIO()
    with timeline_figure(program, milestones, today=today, locale=locale) as figure:
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


@contextlib.contextmanager
def timeline_figure(
    program: EntityRef, milestones: Sequence[MilestoneView], *, today: date, locale: str
) -> Iterator[Figure]:
    """The timeline as a matplotlib figure, to save in any format (PNG, or SVG for a page)
    or to inspect; valid only inside the `with` block, which holds the drawing lock."""
    with _DRAWING:
        _register_fonts()
        with matplotlib.rc_context(_RC):
            yield _draw(program, milestones, today, locale)


@dataclass(frozen=True)
class TimelineKey:
    """What a picture depends on: the facts (by revision), the program, language and day."""

    revision: int
    program_id: str
    locale: str
    today: date


Draw = Callable[..., bytes]
CACHE_SIZE = 64


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
