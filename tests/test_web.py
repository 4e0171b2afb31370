"""The web pages over real HTTP: each page is the chat command's answer, in the language
asked for, cached by ETag until the facts change, with 404 and 400 pages that say why,
fact text escaped, and the calendar feed a calendar app can read and re-read."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import vobject
from conftest import LOOPBACK_TODAY, copy_database
from edit_helpers import file_digests
from icalendar import Calendar
from multidict import CIMultiDict
from web_helpers import Site, parse_page, quick_pictures, serving_web, text_of, walk

from bot.app import App
from bot.briefing.answers import Invocation
from bot.config import Config
from bot.web.pages import etag_matches, negotiate_locale
from store.fact_store import FactStore

LAB = "national-ai-research-lab"
PROJECT = "sovereign-ai-foundation-model"
BASE_URL = "https://briefbot.example.org/kr"


def make_site_app(store: FactStore, base_url: str | None = None) -> App:
    config = Config(store_path=store.path, web_base_url=base_url)
    app = App(config, store, today=lambda: LOOPBACK_TODAY)
    quick_pictures(app)
    return app


@pytest.fixture
async def site(store: FactStore) -> AsyncIterator[Site]:
    async with serving_web(make_site_app(store)) as running:
        yield running


async def fetch(site: Site, path: str, **headers: str) -> tuple[int, CIMultiDict[str], str]:
    """Status, headers (case-insensitive, as HTTP's are) and text of a GET."""
    async with site.client.get(path, headers=headers) as response:
        return response.status, response.headers.copy(), await response.text()


def headings(html: str) -> list[str]:
    return [text_of(e) for e in walk(parse_page(html)) if e.tag in ("h1", "h2", "h3")]


def links(html: str) -> dict[str, str]:
    return {text_of(e): e.get("href", "") for e in walk(parse_page(html)) if e.tag == "a"}


async def test_a_program_page_is_the_program_card_by_name_or_id(site: Site) -> None:
    status, headers, html = await fetch(site, "/program/국가 AI 연구거점")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headings(html)[0] == "국가 AI 연구거점 (National AI Research Lab)"
    assert "946억원" in html and 'href="#card1-src-1"' in html
    assert 'alt="국가 AI 연구거점 일정 타임라인 그림 (1건)"' in html
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    by_id = await fetch(site, f"/program/{LAB}")
    assert by_id[0] == 200 and headings(by_id[2]) == headings(html)
    institution = await fetch(site, "/institution/ETRI")
    assert headings(institution[2])[0] == "한국전자통신연구원 (ETRI)"


async def test_a_page_is_cached_by_etag_until_the_facts_change(site: Site) -> None:
    _, headers, _ = await fetch(site, f"/program/{LAB}")
    etag = headers["ETag"]
    status, again, body = await fetch(site, f"/program/{LAB}", **{"If-None-Match": etag})
    assert (status, body, again["ETag"]) == (304, "", etag)
    weak = await fetch(site, f"/program/{LAB}", **{"If-None-Match": f'"other", W/{etag}'})
    assert weak[0] == 304
    english = await fetch(site, f"/program/{LAB}?lang=en", **{"If-None-Match": etag})
    assert english[0] == 200 and english[1]["ETag"] != etag, "one ETag per language"
    site.app.store.set_fact(
        entity=LAB, attribute="budget", value="1조 원",
        source="mediaeconews-2024-10-national-ai-lab", actor="console:test",
    )  # fmt: skip
    status, changed, html = await fetch(site, f"/program/{LAB}", **{"If-None-Match": etag})
    assert status == 200 and changed["ETag"] != etag and "1조 원" in html


def test_the_language_is_the_switch_then_the_browser_then_the_default() -> None:
    assert negotiate_locale("en", "ko-KR,ko;q=0.9", "ko") == "en"
    assert negotiate_locale(None, "en-GB,en;q=0.9,ko;q=0.8", "ko") == "en"
    assert negotiate_locale(None, "fr-FR,ko;q=0.5,en;q=0.4", "en") == "ko"
    assert negotiate_locale(None, "en;q=0.2, ko-KR;q=0.8", "en") == "ko"
    assert negotiate_locale("fr", "fr, de;q=0.9, en;q=0", "ko") == "ko"
    assert negotiate_locale(None, "ko;q=abc, en", "ko") == "en"
    assert negotiate_locale(None, None, "en") == "en"
    assert etag_matches("*", '"a"') and etag_matches('W/"a", "b"', '"a"')
    assert not etag_matches('"ab"', '"a"') and not etag_matches(None, '"a"')


async def test_pages_follow_accept_language_and_the_switch_sticks(site: Site) -> None:
    _, headers, html = await fetch(site, f"/program/{LAB}", **{"Accept-Language": "en-US,en"})
    assert headers["Content-Language"] == "en" and headers["Vary"] == "Accept-Language"
    assert parse_page(html).get("lang") == "en"
    assert headings(html)[0] == "National AI Research Lab (국가 AI 연구거점)"
    switch = links(html)
    assert switch["한국어"] == f"/program/{LAB}?lang=ko"
    assert switch["Milestones"] == "/milestones", "the browser's language needs no parameter"
    _, _, korean = await fetch(site, switch["한국어"], **{"Accept-Language": "en-US,en"})
    assert headings(korean)[0] == "국가 AI 연구거점 (National AI Research Lab)"
    assert links(korean)["일정"] == "/milestones?lang=ko", "a chosen language is kept"


async def test_an_unknown_name_is_a_404_that_keeps_the_did_you_mean_links(site: Site) -> None:
    status, headers, html = await fetch(site, "/program/독자 AI 파운데이숀")
    assert status == 404 and "ETag" not in headers
    assert headings(html)[0] == "찾을 수 없습니다"
    picks = links(html)
    assert picks["독자 AI 파운데이션 모델 프로젝트 (Sovereign AI Foundation Model Project)"] == (
        f"/program/{PROJECT}"
    )
    elsewhere = await fetch(site, "/milestones?program=없는사업&lang=en")
    assert elsewhere[0] == 404 and "could not find a program" in elsewhere[2]


async def test_bad_input_is_a_polite_400_and_leaves_the_database_untouched(site: Site) -> None:
    before = file_digests(site.app.store.path)
    for path, words in (
        ("/milestones?days=abc", "days"),
        ("/milestones?days=0", "days"),
        ("/search?q=" + "가" * 101, "100"),
        ("/search?q=AI&page=x", "page"),
        ("/milestones?past=maybe&lang=en", "past"),
    ):
        status, _, html = await fetch(site, path)
        assert status == 400, path
        assert words in text_of(parse_page(html)), path
    assert (await fetch(site, "/search?q=AI&page=999"))[0] == 404, "no such page"
    assert file_digests(site.app.store.path) == before


async def test_a_fact_containing_a_script_renders_as_text(site: Site) -> None:
    hostile = '<script>alert("x")</script><b onclick="x()">굵게</b>'
    site.app.store.set_fact(
        entity=LAB, attribute="note", value=hostile, add=True,
        source="mediaeconews-2024-10-national-ai-lab", actor="console:test",
    )  # fmt: skip
    _, _, html = await fetch(site, f"/program/{LAB}")
    elements = list(walk(parse_page(html)))
    assert not [e for e in elements if e.tag in ("script", "b")]
    assert any(hostile in text_of(li) for li in elements if li.tag == "li")
    _, _, found = await fetch(site, "/search?q=굵게")
    assert "&lt;script&gt;" in found and "<script" not in found


def page_turns(html: str) -> dict[str, str]:
    return {
        e.get("rel", ""): e.get("href", "")
        for e in walk(parse_page(html))
        if e.tag == "a" and e.get("rel") in ("prev", "next")
    }


async def test_search_pages_link_to_their_neighbours(site: Site) -> None:
    status, _, html = await fetch(site, "/search?q=AI&lang=en")
    assert status == 200
    assert headings(html)[:2] == ["Search", "Search: AI"]
    assert page_turns(html) == {"next": "/search?q=AI&page=2&lang=en"}
    _, _, second = await fetch(site, page_turns(html)["next"])
    assert page_turns(second) == {
        "prev": "/search?q=AI&lang=en",
        "next": "/search?q=AI&page=3&lang=en",
    }
    empty = await fetch(site, "/search")
    assert empty[0] == 200 and headings(empty[2]) == ["검색"]


async def test_the_index_lists_programs_institutions_and_what_is_due(site: Site) -> None:
    status, _, html = await fetch(site, "/")
    assert status == 200
    assert headings(html)[:4] == [
        "briefbot · 한국 공공 AI 사업 브리핑", "프로그램", "기관", "다가오는 일정",
    ]  # fmt: skip
    found = links(html)
    assert found["국가 AI 연구거점 (National AI Research Lab)"] == f"/program/{LAB}"
    assert found["한국전자통신연구원 (ETRI)"] == "/institution/etri"
    head = await site.client.head("/")
    assert head.status == 200 and "ETag" in head.headers


async def test_the_style_sheet_is_served_for_ever_under_its_digest(site: Site) -> None:
    _, _, html = await fetch(site, "/about")
    sheet = next(e.get("href") for e in walk(parse_page(html)) if e.get("rel") == "stylesheet")
    status, headers, css = await fetch(site, sheet)
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"] and ".skip:focus" in css


def calendar_events(data: bytes) -> dict[str, tuple[str, str]]:
    """UID → (summary, status), read by icalendar and checked against vobject's reading."""
    by_icalendar = {
        str(e["uid"]): (str(e["summary"]), str(e["status"]))
        for e in Calendar.from_ical(data).walk("VEVENT")
    }
    parsed = vobject.readOne(data.decode("utf-8"))
    by_vobject = {
        e.uid.value: (e.summary.value, e.status.value) for e in parsed.contents.get("vevent", [])
    }
    assert by_icalendar == by_vobject
    return by_icalendar


async def test_the_calendar_feed_round_trips_and_updates_in_place(site: Site) -> None:
    path = f"/calendar.ics?program={PROJECT}"
    async with site.client.get(path) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        etag, first = response.headers["ETag"], await response.read()
    events = calendar_events(first)
    contest = events["milestone-5@briefbot"]
    assert contest == (
        "[독자 AI 파운데이션 모델 프로젝트] 대국민 콘테스트 · 2025년 12월 말 (예정)",
        "TENTATIVE",
    )
    chat = site.app.answer(
        Invocation("milestones", {"program": PROJECT, "days": 3650, "format": "ics"}, "ko")
    )
    assert chat.reply.attachments[0].data == first, "the feed is the chat command's file"
    async with site.client.get(path, headers={"If-None-Match": etag}) as response:
        assert response.status == 304
    site.app.store.set_milestone_status(5, "done", actor="console:test")
    async with site.client.get(path, headers={"If-None-Match": etag}) as response:
        assert response.status == 200 and response.headers["ETag"] != etag
        after = calendar_events(await response.read())
    assert set(after) == set(events), "the same UIDs: a subscribed calendar updates in place"
    assert after["milestone-5@briefbot"][1] == "CONFIRMED"
    english = calendar_events((await fetch(site, path + "&lang=en"))[2].encode())
    assert english["milestone-5@briefbot"][0].endswith("Public contest · late Dec 2025 (done)")
    assert (await fetch(site, "/calendar.ics?program=없는사업"))[0] == 404


async def test_with_a_base_url_pages_name_their_permanent_address(store: FactStore) -> None:
    async with serving_web(make_site_app(store, BASE_URL)) as site:
        _, _, html = await fetch(site, "/program/연구거점")
        found = links(html)
        assert found["웹에서 보기"] == f"{BASE_URL}/program/{LAB}"
        assert found["처음"] == "/kr/", "links keep the base URL's path"
        _, _, listing = await fetch(site, f"/milestones?program={LAB}&days=90")
        feed = f"{BASE_URL}/calendar.ics?program={LAB}"
        assert feed in text_of(parse_page(listing)) and links(listing)["달력 구독 주소"] == feed


async def test_python_m_bot_serve_serves_the_pages(tmp_path: Path, seeded_db: Path) -> None:
    """The real entry point, in its own process: `serve` on a free port, until SIGTERM."""
    db = tmp_path / "serve.db"
    copy_database(seeded_db, db)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "BRIEFBOT_HTTP_PORT": "0"}
    env.pop("DISCORD_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--db", str(db), "serve",
        cwd=tmp_path, env=env, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        url = None
        while url is None:  # start-up may log other things first (a data set upgrade)
            line = await asyncio.wait_for(process.stderr.readline(), timeout=30)
            assert line, "serve ended before it listened"
            url = re.search(r"HTTP on (\S+)", line.decode())
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"{url[1]}/institution/ETRI?lang=en") as response,
        ):
            assert response.status == 200
            assert "Electronics and Telecommunications" in await response.text()
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=15)
    assert process.returncode == 0
