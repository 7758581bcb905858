"""Pages in the system Chromium (never a downloaded browser), for the browser tests and benches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _note_console(
    message: ConsoleMessage,
    problems: list[str],
    tolerate: tuple[str, ...],
    may_fail: tuple[str, ...],
) -> None:
    if message.type != "error" or message.text.startswith(tolerate):
        return
    url = message.location.get("url", "")
    if message.text.startswith("Failed to load resource") and any(part in url for part in may_fail):
        return
    problems.append(f"console: {message.text} ({url})")


@asynccontextmanager
async def chromium(
    *,
    locale: str,
    profile: Path | None = None,
    tolerate: tuple[str, ...] = (),
    may_fail: tuple[str, ...] = (),
    **options: Any,
) -> AsyncIterator[tuple[BrowserContext, Page]]:
    """A page in the system Chromium, in Asia/Shanghai, with these context options (viewport, …).

    Incognito unless given a profile directory. Any script error on the page fails the test;
    console errors too, except those starting with one of `tolerate` and the browser's own note
    on a failed load from a URL containing one of `may_fail` (an answer the page handles).
    """
    if not CHROMIUM.exists():
        pytest.fail(f"browser tests need the system Chromium at {CHROMIUM} (apt install chromium)")
    options |= {"locale": locale, "timezone_id": "Asia/Shanghai"}
    launch: dict[str, Any] = {
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }
    async with async_playwright() as playwright:
        browser: Browser | None = None
        if profile is None:
            browser = await playwright.chromium.launch(**launch)
            context = await browser.new_context(**options)
        else:
            context = await playwright.chromium.launch_persistent_context(
                str(profile), **launch, **options
            )
        # A persistent context opens with a blank tab: that one is the page.
        page = context.pages[0] if context.pages else await context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: _note_console(message, problems, tolerate, may_fail))
        try:
            yield context, page
        finally:
            await context.close()
            if browser is not None:
                await browser.close()
        assert not problems, problems
