"""The timeline picture: a real PNG, the same bytes for the same input, every Hangul glyph
found, labels that never overlap, statuses in their colours, and drawn once per revision."""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy
import pytest
from PIL import Image

from bot.render.timeline import TimelineCache, missing_glyphs, timeline_canvas, timeline_png
from store.dates import FuzzyDate, parse_date
from store.fact_store import FactStore
from store.model import EntityRef, MilestoneView

TODAY = date(2025, 11, 20)
FOUNDATION_MODEL = "sovereign-ai-foundation-model"
# Every precision the store knows, in Korean as admins write it; the last has no date.
_DATES = [
    "2024-03-15", "2024년 5월", "2024년 6월 말", "2024년 3분기", "2024년 하반기", "2024년 말",
    "2025년 초", "2025-02-10", "2025년 3월 초", "2025년 4월 중순", "2025년 상반기", "2025년",
    "2025-07-01", "2025년 8월", "2025년 9월 말", "2025-10-28", "2025년 11월", "2025년 4분기",
    "2025년 12월 말", "2026-01-05", "2026년 1분기", "2026년 상반기", "2026년 6월", "2026-08-15",
    "2026년 하반기", "2026년 말", "2027년", "2027년 상반기", "2028년까지",
]  # fmt: skip
_STATUSES = ("done", "planned", "cancelled", "unknown")


def thirty(store: FactStore) -> tuple[EntityRef, list[MilestoneView]]:
    """Thirty milestones of the foundation model program at every precision and status,
    with long Korean and English titles."""
    detail = store.entity(FOUNDATION_MODEL)
    assert detail is not None
    sources = detail.milestones[0].sources
    dates = [parse_date(text, TODAY) for text in _DATES]
    dates.append(FuzzyDate("추후 발표", None, "unknown", None, None))
    title_ko = "차 국가 인공지능 정예팀 단계평가 결과 발표 및 후속 지원 협약"
    title_en = " review of the national AI teams and the follow-up support agreement"
    milestones = [
        MilestoneView(
            100 + i,
            detail.ref,
            f"{i}{title_ko}",
            f"Stage {i}{title_en}",
            when,
            _STATUSES[i % 4],
            sources,
            1,
        )
        for i, when in enumerate(dates)
    ]
    return detail.ref, milestones


def program(store: FactStore, entity_id: str) -> tuple[EntityRef, list[MilestoneView]]:
    detail = store.entity(entity_id)
    assert detail is not None
    return detail.ref, detail.milestones


def image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_a_png_of_sane_size_that_grows_with_the_rows(store: FactStore) -> None:
    one = image(timeline_png(*program(store, "national-ai-research-lab"), today=TODAY, locale="ko"))
    many = image(timeline_png(*thirty(store), today=TODAY, locale="en"))
    assert one.width == many.width == 1150
    assert 150 <= one.height < 300
    assert one.height + 29 * 30 == many.height <= 1200


def test_the_same_input_gives_the_same_bytes(store: FactStore) -> None:
    ref, milestones = program(store, FOUNDATION_MODEL)
    first = timeline_png(ref, milestones, today=TODAY, locale="ko")
    assert timeline_png(ref, milestones[::-1], today=TODAY, locale="ko") == first
    assert timeline_png(ref, milestones, today=TODAY, locale="en") != first


def test_every_hangul_glyph_is_in_the_fonts(
    store: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Every status, precision and legend word in Korean and every title of the bundled
    data, with the font's own list of characters; a missing one would also be logged."""
    ref, milestones = thirty(store)
    with caplog.at_level(logging.WARNING, logger="bot.render.timeline"):
        canvas = timeline_canvas(ref, milestones, today=TODAY, locale="ko")
    assert [text for text, _ in canvas.labels if missing_glyphs(text)] == []
    assert caplog.records == []
    titles = store.db.conn.execute("SELECT title_ko || coalesce(title_en, '') FROM milestones")
    names = store.db.conn.execute("SELECT name_ko || coalesce(name_en, '') FROM entities")
    assert set().union(*(missing_glyphs(text) for (text,) in [*titles, *names])) == set()


def test_a_missing_glyph_would_be_noticed(
    store: FactStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The check above can fail: Nanum Gothic has no emoji, and drawing one says so."""
    assert missing_glyphs("국가 AI 연구거점 🚀\t") == {"🚀"}
    ref, milestones = program(store, "national-ai-research-lab")
    rocket = [replace(milestones[0], title_ko="발사 🚀")]
    with caplog.at_level(logging.WARNING, logger="bot.render.timeline"):
        timeline_png(ref, rocket, today=TODAY, locale="ko")
    assert "U+1F680" in caplog.text


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_no_two_labels_overlap(store: FactStore, locale: str) -> None:
    for ref, milestones in (program(store, FOUNDATION_MODEL), thirty(store)):
        canvas = timeline_canvas(ref, milestones, today=TODAY, locale=locale)
        boxes = canvas.labels
        assert len(boxes) > 2 * len(milestones)
        for text, box in boxes:
            assert box[0] >= 0 and box[2] <= canvas.width, text
            assert box[1] >= 0 and box[3] <= canvas.height, text
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not _overlap(box_a, box_b), (a, b)


def _pixels_of(picture: Image.Image, color: str) -> int:
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return int((numpy.asarray(picture) == rgb).all(axis=2).sum())


def test_overdue_and_today_are_drawn(store: FactStore) -> None:
    """A plan whose window has passed turns red (overdue) once today is after it."""
    ref, milestones = program(store, FOUNDATION_MODEL)
    before = image(timeline_png(ref, milestones, today=date(2025, 11, 20), locale="ko"))
    after = image(timeline_png(ref, milestones, today=date(2026, 2, 1), locale="ko"))
    overdue_red = "#c92a2a"
    assert _pixels_of(before, overdue_red) == 0
    assert _pixels_of(after, overdue_red) > 100


def test_pictures_are_drawn_once_per_revision(store: FactStore) -> None:
    drawn: list[tuple[str, date, str]] = []
    read: list[str] = []

    def draw(ref: EntityRef, milestones: Sequence[MilestoneView], **options) -> bytes:
        """Stands in for `timeline_png` (tested above): records the call, and its bytes
        change with every input the real picture depends on."""
        drawn.append((ref.id, options["today"], options["locale"]))
        states = [(m.id, m.status) for m in milestones]
        return repr((ref.id, options, states)).encode()

    def milestones_of(ref: EntityRef):
        def read_store() -> list[MilestoneView]:
            read.append(ref.id)
            return program(store, ref.id)[1]

        return read_store

    cache = TimelineCache(size=2, draw=draw)
    ref = program(store, FOUNDATION_MODEL)[0]
    lab = program(store, "national-ai-research-lab")[0]
    first = cache.picture(store.revision(), ref, milestones_of(ref), today=TODAY, locale="ko")
    again = cache.picture(store.revision(), ref, milestones_of(ref), today=TODAY, locale="ko")
    assert first == again and len(drawn) == len(read) == 1
    store.set_milestone_status(5, "cancelled", actor="console:test")
    changed = cache.picture(store.revision(), ref, milestones_of(ref), today=TODAY, locale="ko")
    assert changed != first and len(drawn) == 2
    cache.picture(store.revision(), lab, milestones_of(lab), today=TODAY, locale="ko")
    cache.picture(store.revision(), ref, milestones_of(ref), today=TODAY, locale="en")
    assert len(drawn) == 4
    # Size 2: the Korean foundation-model picture was the least recently used, and is gone.
    cache.picture(store.revision(), ref, milestones_of(ref), today=TODAY, locale="ko")
    assert len(drawn) == 5


def test_a_program_without_milestones_says_so_and_draws_no_axis(store: FactStore) -> None:
    ref = program(store, FOUNDATION_MODEL)[0]
    canvas = timeline_canvas(ref, [], today=TODAY, locale="en")
    texts = [text for text, _ in canvas.labels]
    assert sorted(texts) == ["No milestones", f"{ref.display('en')}: milestones"]
    assert image(timeline_png(ref, [], today=TODAY, locale="ko")).width == 1150


def test_dates_centuries_apart_get_a_few_year_ticks(store: FactStore) -> None:
    """An admin may date a plan in year 9999: the axis spans it with a few year ticks."""
    ref, milestones = program(store, FOUNDATION_MODEL)
    far = [
        replace(milestones[0], date=parse_date("2999년", TODAY)),
        replace(milestones[1], id=-1, date=parse_date("9999-12-31", TODAY)),
        *milestones,
    ]
    canvas = timeline_canvas(ref, far, today=TODAY, locale="en")
    years = [text for text, box in canvas.labels if text.isdigit() and box[3] <= 75]
    assert 2 <= len(years) <= 8, years
    image(canvas.png())
