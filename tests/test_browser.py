"""The browser harness itself: headless Chromium loads a page served on 127.0.0.1, reads
its Hangul text back, draws real Hangul glyphs, and leaves a screenshot to look at."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from browser import screenshot
from playwright.async_api import Page

PAGE = """<!doctype html>
<html lang="ko">
<head><meta charset="utf-8"><title>briefbot 브라우저 시험</title></head>
<body>
<main>
<h1>국가 AI 연구거점</h1>
<p id="summary">독자 AI 파운데이션 모델 · 12월 말 대국민 콘테스트 (예정)</p>
</main>
</body>
</html>
"""

# Draws one character on a canvas and returns its pixels as a string: a missing glyph is
# drawn as the same empty box whatever the character, so two real syllables must differ.
_GLYPH_PIXELS = """(text) => {
    const canvas = document.createElement('canvas');
    canvas.width = 48; canvas.height = 48;
    const context = canvas.getContext('2d');
    context.font = '40px sans-serif';
    context.fillText(text, 4, 40);
    return Array.from(context.getImageData(0, 0, 48, 48).data).join(',');
}"""


@pytest.fixture
async def hangul_site() -> AsyncIterator[str]:
    """A one-page aiohttp site on 127.0.0.1 (a free port); yields its address."""

    async def page(_: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        await runner.cleanup()


async def test_chromium_renders_hangul_from_a_local_page(
    chromium_page: Page, hangul_site: str
) -> None:
    response = await chromium_page.goto(hangul_site)
    assert response is not None and response.ok
    assert await chromium_page.title() == "briefbot 브라우저 시험"
    assert await chromium_page.locator("h1").inner_text() == "국가 AI 연구거점"
    summary = await chromium_page.locator("#summary").inner_text()
    assert summary == "독자 AI 파운데이션 모델 · 12월 말 대국민 콘테스트 (예정)"
    blank = await chromium_page.evaluate(_GLYPH_PIXELS, " ")
    guk, ga = [await chromium_page.evaluate(_GLYPH_PIXELS, c) for c in ("국", "가")]
    assert blank not in (guk, ga)
    assert guk != ga, "Hangul drawn as empty boxes: install a Hangul font (fonts-nanum)"
    path = await screenshot(chromium_page, "browser_harness")
    assert path.read_bytes().startswith(b"\x89PNG")
