"""A real server (uvicorn in a subprocess, on the test database) and a phone-sized Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from playwright.async_api import ConsoleMessage, Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/static/css/app.css", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free port; it opens its own pool and dispatch clock."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    env = {**os.environ, "DATABASE_URL": database_url, "FIELDLINE_BASE_URL": url}
    command = [sys.executable, "-m", "uvicorn", "--factory", "backend.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        _wait_until_serving(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _note_console(message: ConsoleMessage, problems: list[str]) -> None:
    """Console errors, except the browser's own note on the API's 4xx that the page handles."""
    if message.type != "error":
        return
    url = message.location.get("url", "")
    if message.text.startswith("Failed to load resource") and "/api/public/" in url:
        return
    problems.append(f"console: {message.text} ({url})")


@asynccontextmanager
async def _phone(locale: str) -> AsyncIterator[Page]:
    """A phone-sized page in Chromium; any script error on it fails the test."""
    if not CHROMIUM.exists():
        pytest.fail(f"browser tests need the system Chromium at {CHROMIUM} (apt install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = await browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            timezone_id="Asia/Shanghai",
        )
        page = await context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: _note_console(message, problems))
        try:
            yield page
        finally:
            await browser.close()
        assert not problems, problems


@pytest.fixture
async def phone() -> AsyncIterator[Page]:
    """A phone-sized Chromium page speaking English (Accept-Language en-US)."""
    async with _phone("en-US") as page:
        yield page


@pytest.fixture
async def chinese_phone() -> AsyncIterator[Page]:
    """The same phone set to Simplified Chinese (Accept-Language zh-CN)."""
    async with _phone("zh-CN") as page:
        yield page
