"""The web pages in a real headless Chromium: what a reader sees (rendered text, not the
HTML), the footnote marks and the language switch working by clicks, the picture
loaded, no script anywhere, nothing the page's security policy had to block, and one
screenshot per page in `tests/output/` for people to look at."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from browser import screenshot
from conftest import LOOPBACK_TODAY
from playwright.async_api import ConsoleMessage, Page
from web_helpers import Site, serving_web

from bot.app import App
from bot.config import Config
from store.fact_store import FactStore

LAB = "national-ai-research-lab"


@pytest.fixture
async def site(store: FactStore) -> AsyncIterator[Site]:
    """The pages with real timeline pictures, as the bot serves them."""
    app = App(Config(store_path=store.path), store, today=lambda: LOOPBACK_TODAY)
    async with serving_web(app) as running:
        yield running


@pytest.fixture
def browser_errors(chromium_page: Page) -> list[str]:
    """Errors the page logs (a blocked style sheet or picture would be one)."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    chromium_page.on("console", keep)
    chromium_page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


async def text(page: Page, selector: str) -> str:
    return await page.locator(selector).first.inner_text()


async def test_a_program_page_reads_as_the_card_with_its_sources_and_picture(
    site: Site, chromium_page: Page, browser_errors: list[str]
) -> None:
    page = chromium_page
    response = await page.goto(f"{site.url}/program/{quote('국가 AI 연구거점')}")
    assert response is not None and response.status == 200
    assert await text(page, "h1") == "국가 AI 연구거점 (National AI Research Lab)"
    body = await page.locator("main").inner_text()
    assert "946억원 [1]" in body.replace("\u00a0", " ") or "946억원" in body
    assert "출처" in body and "미디어경제뉴스" in body
    picture = page.locator("figure img")
    assert await picture.evaluate("img => img.complete && img.naturalWidth > 500")
    assert "타임라인" in (await picture.get_attribute("alt") or "")
    await page.locator("a.cite").first.click()
    assert page.url.endswith("#card1-src-1")
    assert (await text(page, "li:target")).startswith("[1] ")
    assert await page.evaluate("document.scripts.length") == 0
    await screenshot(page, "web_program")
    await page.set_viewport_size({"width": 390, "height": 844})
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert await page.evaluate(fits), "nothing overflows a phone's width"
    await screenshot(page, "web_program_phone")
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.textContent")
    assert focused == "본문으로 건너뛰기", "the first stop is the skip link"
    assert browser_errors == []


async def test_search_from_the_header_and_switch_language_by_clicking(
    site: Site, chromium_page: Page, browser_errors: list[str]
) -> None:
    page = chromium_page
    await page.goto(f"{site.url}/")
    assert await text(page, "h1") == "briefbot · 한국 공공 AI 사업 브리핑"
    await screenshot(page, "web_index")
    await page.get_by_label("검색어").fill("KAIST 946억")
    await page.get_by_label("검색어").press("Enter")
    await page.wait_for_url("**/search?q=*")
    assert await text(page, "h2") == "검색: KAIST 946억"
    hit = page.get_by_role("link", name="국가 AI 연구거점 (National AI Research Lab)")
    assert await hit.get_attribute("href") == f"/program/{LAB}", "a hit leads to its card"
    await screenshot(page, "web_search")
    await page.get_by_role("link", name="English").click()
    await page.wait_for_url("**lang=en*")
    assert await page.get_attribute("html", "lang") == "en"
    assert await text(page, "h2") == "Search: KAIST 946억"
    await page.get_by_role("link", name="Milestones", exact=True).click()
    await page.wait_for_url("**/milestones?lang=en")
    assert await text(page, "h1") == "Milestones"
    listing = await page.locator("main").inner_text()
    assert "Upcoming milestones" in listing and "Calendar" in listing
    await screenshot(page, "web_milestones_en")
    assert browser_errors == []


async def test_a_fact_with_a_script_tag_is_shown_as_text_in_the_browser(
    site: Site, chromium_page: Page, browser_errors: list[str]
) -> None:
    hostile = '<script>document.title="pwned"</script><img src=x onerror="document.title=1">'
    site.app.store.set_fact(
        entity=LAB, attribute="note", value=hostile, add=True,
        source="mediaeconews-2024-10-national-ai-lab", actor="console:test",
    )  # fmt: skip
    page = chromium_page
    await page.goto(f"{site.url}/program/{LAB}?lang=en")
    assert hostile in await page.locator("main").inner_text()
    assert await page.title() != "pwned" and await page.evaluate("document.scripts.length") == 0
    assert await page.locator("main img").count() == 1, "only the timeline picture"
    await screenshot(page, "web_script_fact")
    assert browser_errors == []
