"""Helpers of the staff PWA's browser tests: a phone with GPS, signing in, reading the outbox."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Page, Route, expect

from tests.support.chromium import chromium
from tests.support.factories import PASSWORD, Staff

# The map's default tiles (FIELDLINE_TILE_URL); the tests never reach the internet, so every tile
# is answered with a small local picture, or refused where a test shows pages work without them.
TILES = re.compile(r"^https://tile\.openstreetmap\.org/")
TILE = (Path(__file__).resolve().parents[2] / "pwa/static/icons/favicon-32.png").read_bytes()
# The browser's own console notes for what a test makes happen on purpose and the page handles:
# a write the network could not carry while offline, an answer lost on the way, a 404 for a job
# that is no longer the engineer's. Anything else (a script the worker could not serve, …) fails.
OFFLINE = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"
CONNECTION_RESET = "Failed to load resource: net::ERR_CONNECTION_RESET"
NOT_FOUND = "Failed to load resource: the server responded with a status of 404"


async def _tile(route: Route) -> None:
    await route.fulfill(status=200, content_type="image/png", body=TILE)


@asynccontextmanager
async def phone(
    server: str,
    *,
    locale: str = "en-US",
    position: tuple[float, float] | None = None,
    profile: Path | None = None,
    tolerate: tuple[str, ...] = (),
) -> AsyncIterator[tuple[BrowserContext, Page]]:
    """A 360 px wide Chromium phone (the narrowest the app supports), allowed to use GPS.

    Incognito unless given a profile directory (installability and push need a real profile).
    Any script error on the page fails the test; console errors too, except those in `tolerate`.
    """
    options: dict[str, Any] = {
        "viewport": {"width": 360, "height": 780},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    }
    if position:
        options["geolocation"] = {"latitude": position[0], "longitude": position[1], "accuracy": 15}
    opened = chromium(locale=locale, profile=profile, tolerate=tolerate, **options)
    async with opened as (context, page):
        await context.grant_permissions(["geolocation"], origin=server)
        await context.route(TILES, _tile)
        yield context, page


async def sign_in(page: Page, server: str, person: Staff, landing: str) -> None:
    """Signs in through the form, as a person would; lands on the role's app."""
    await page.goto(f"{server}/login")
    await page.get_by_label("Email").fill(person.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{server}{landing}")


async def until_ready_offline(page: Page) -> None:
    """Waits until the worker has kept the page and its data for offline use."""
    await page.wait_for_selector("body[data-offline-ready]", state="attached", timeout=20_000)


async def until_synced(page: Page) -> None:
    """Waits until the outbox has nothing left to send."""
    await expect(page.locator("#sync")).to_have_attribute("data-pending", "0", timeout=20_000)


async def eventually(
    probe: Callable[[], Awaitable[Any]], expected: Any, timeout: float = 20
) -> None:
    """Waits until probe() (e.g. a database read) gives `expected`: the outbox sends in the
    background, so the page has no event that says "the server has it" to wait for."""
    deadline = time.monotonic() + timeout
    while (value := await probe()) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"still {value!r} after {timeout} s, expected {expected!r}")
        await asyncio.sleep(0.1)


async def fits_the_screen(page: Page) -> None:
    """Nothing sticks out sideways: the page is usable at the phone's width, no side-scrolling."""
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide on a {widths[1]} px screen"
