"""A real headless Chromium for tests: the `chromium_page` fixture and `screenshot`.

Playwright drives the system's Chromium (Debian's `chromium` package, which `.ci/run`
installs with a Hangul font where apt is available): Playwright's own browser download
cannot work on machines that reach only package registries. Chromium starts with a
fresh profile and with every background connection off, since nothing outside the
machine answers. Where no Chromium can be had the fixture skips and says how to get one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

OUTPUT = Path(__file__).resolve().parent / "output"
# Where to look, in order; BRIEFBOT_CHROMIUM names another binary.
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    """The Chromium binary to drive: `$BRIEFBOT_CHROMIUM`, else the first one on PATH."""
    named = os.environ.get("BRIEFBOT_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for candidate in _CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


@pytest.fixture
async def chromium_page(tmp_path: Path) -> AsyncIterator[Page]:
    """A page in a fresh headless Chromium (its own profile under `tmp_path`)."""
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "no Chromium found: install Debian's `chromium` (and `fonts-nanum` for Hangul),"
            " as .ci/run does where apt is available, or set BRIEFBOT_CHROMIUM"
        )
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            user_data_dir=tmp_path / "chromium-profile",
            executable_path=executable,
            headless=True,
            args=list(CHROMIUM_FLAGS),
            locale="ko-KR",
            viewport={"width": 1024, "height": 768},
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            yield page
        finally:
            await context.close()


async def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as `tests/output/NAME.png` (git-ignored) for people to look at."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    await page.screenshot(path=path, full_page=True)
    return path
