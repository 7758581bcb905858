"""Bytes a phone downloads to sign in and get the staff app ready for offline use, in Chromium.

    .venv/bin/python -m bench.shell_bytes [--list]

A real app server (uvicorn in a subprocess, started as the browser tests start it) on a scratch
database fieldline_bench_shell, and a phone-sized Chromium as the browser tests drive it (same
binary, arguments, 360 × 780 screen, locale, zone, GPS), each time in a fresh incognito context:
empty HTTP cache, no service worker yet. For an engineer, then a rep: open /login, sign in
through the form, land on the role's home page and wait until the service worker has installed
(precached the shell) and kept the day's pages and data (the page's data-offline-ready mark),
then until the connections have been quiet for a second.

What is counted: the browser reaches the server only through a TCP relay in this script, which
counts every byte in both directions and reads the HTTP/1.1 exchanges out of them. "Transferred"
is what came down the wire (status line, headers, body as sent, gzip or not), the page's and the
service worker's fetches alike; whatever the worker or the HTTP cache answered never reaches the
relay and costs nothing. Map tiles point at a closed local port: none is fetched (the map shows
its "no tiles" note). Baselines printed with it, same run: the decoded (uncompressed) size of
the same responses, and the login page alone (a context with service workers blocked).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, async_playwright

from backend.access import Role
from backend.staff import service as staff
from backend.staff.schemas import UserIn
from bench._scratch import app_server, scratch_database
from bench._world import SHANGHAI
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.factories import PASSWORD, Staff
from tests.support.staff_app import until_ready_offline

GOAL_KB = 150
NO_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # port 9 is closed: no tile is ever fetched
QUIET_S = 1.0  # nothing crossed the relay for this long: the load is over


# --- the relay and what crossed it ---------------------------------------------------------------


@dataclass
class Exchange:
    """One request and its response, as they crossed the relay."""

    method: str
    path: str
    status: int
    transferred: int  # response: status line + headers + body on the wire
    decoded: int  # response body after undoing Content-Encoding
    encoding: str
    sent: int  # request: request line + headers + body


@dataclass
class Connection:
    up: bytearray = field(default_factory=bytearray)  # browser → server
    down: bytearray = field(default_factory=bytearray)  # server → browser


def exchanges(connection: Connection) -> list[Exchange]:
    """Requests and responses of a keep-alive connection, in order (Chromium does not pipeline)."""
    requests = _split(bytes(connection.up), "request")
    responses = _split(bytes(connection.down), "response")
    # Every byte belongs to a message: nothing is left out of the count, nothing counted twice.
    up, down = sum(r[3] for r in requests), sum(r[3] for r in responses)
    if (up, down) != (len(connection.up), len(connection.down)):
        raise RuntimeError("bytes on a connection that are no complete HTTP message")
    found = []
    for (start, _, _, sent), (status_line, headers, body, wire) in zip(
        requests, responses, strict=False
    ):
        method, path, _ = start.decode("latin-1").split(" ", 2)
        encoding = headers.get("content-encoding", "")
        decoded = len(gzip.decompress(body)) if encoding == "gzip" else len(body)
        found.append(
            Exchange(method, path, int(status_line.split(b" ")[1]), wire, decoded, encoding, sent)
        )
    return found


def _split(
    data: bytes, kind: Literal["request", "response"]
) -> list[tuple[bytes, dict, bytes, int]]:
    """Each message with its exact size on the wire."""
    found = []
    at = 0
    while (end := data.find(b"\r\n\r\n", at)) != -1:
        start, *lines = data[at:end].split(b"\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode()] = value.strip().decode("latin-1")
        began, at = at, end + 4
        if kind == "response" and start.split(b" ")[1] in (b"204", b"304"):
            body = b""
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size_end = data.index(b"\r\n", at)
                size = int(data[at:size_end].split(b";")[0], 16)
                chunks.append(data[size_end + 2 : size_end + 2 + size])
                at = size_end + 2 + size + 2  # the chunk and its CRLF (the last: the empty line)
                if size == 0:
                    break
            body = b"".join(chunks)
        else:
            length = int(headers.get("content-length", "0"))
            body = data[at : at + length]
            at += length
        found.append((start, headers, body, at - began))
    return found


class CountingRelay:
    """A TCP relay in front of the app server: the browser talks to it, and it keeps every byte
    that crosses, per connection and direction, whatever Chromium or Playwright report."""

    def __init__(self, server: str) -> None:
        parts = urlsplit(server)
        self.target = (parts.hostname, parts.port)
        self.connections: list[Connection] = []
        self.last = time.monotonic()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def settle(self) -> list[Exchange]:
        """Once nothing has crossed for QUIET_S: every exchange so far; the count starts again."""
        while time.monotonic() - self.last < QUIET_S:
            await asyncio.sleep(0.1)
        done, self.connections = self.connections, []
        return [exchange for connection in done for exchange in exchanges(connection)]

    async def _relay(
        self, browser_r: asyncio.StreamReader, browser_w: asyncio.StreamWriter
    ) -> None:
        connection = Connection()
        self.connections.append(connection)
        server_r, server_w = await asyncio.open_connection(*self.target)

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter, kept: bytearray) -> None:
            try:
                while chunk := await r.read(65536):
                    self.last = time.monotonic()
                    kept += chunk
                    w.write(chunk)
                    await w.drain()
            except ConnectionError:
                pass
            finally:
                w.close()

        await asyncio.gather(
            pipe(browser_r, server_w, connection.up), pipe(server_r, browser_w, connection.down)
        )


# --- the phone -----------------------------------------------------------------------------------


@asynccontextmanager
async def fresh_phone(workers: bool = True) -> AsyncIterator[tuple[BrowserContext, Page]]:
    """The browser tests' phone (tests/support/staff_app.py: same Chromium, arguments, screen,
    locale, zone, GPS), without their request routing: Playwright turns the HTTP cache off in a
    context that routes requests, and a real phone has one. A script error fails the bench."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        context = await browser.new_context(
            viewport={"width": 360, "height": 780},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="en-US",
            timezone_id="Asia/Shanghai",
            geolocation={"latitude": SHANGHAI[0], "longitude": SHANGHAI[1], "accuracy": 15},
            permissions=["geolocation"],
            service_workers="allow" if workers else "block",
        )
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield context, page
        finally:
            await browser.close()
        if errors:
            raise RuntimeError(f"script errors on the page: {errors}")


async def first_load(front: str, who: Staff, home: str) -> None:
    """Sign in through the form as a person would, then until the app is ready offline."""
    async with fresh_phone() as (_, page):
        await page.goto(f"{front}/login")
        await page.get_by_label("Email").fill(who.email)
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(f"{front}{home}")
        await until_ready_offline(page)


async def person(role: Role) -> Staff:
    email = f"shell-{role.value}@bench.fieldline.test"
    user = await staff.create_user(
        UserIn(
            name=f"Shell {role.value}",
            email=email,
            password=PASSWORD,
            role=role,
            home_lat=SHANGHAI[0],
            home_lng=SHANGHAI[1],
        )
    )
    return Staff(user.id, role.value, email, token="")


# --- the report ------------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1024:6.1f} KB"


def group(path: str) -> str:
    path = urlsplit(path).path
    if path.startswith("/vendor/"):
        return "Leaflet (/vendor/leaflet)"
    if path.startswith("/static/js/"):
        return "scripts (/static/js)"
    if path.startswith("/static/css/"):
        return "style sheets (/static/css)"
    if path.startswith("/static/icons/"):
        return "icons (/static/icons)"
    if path.startswith("/api/"):
        return "API answers (/api)"
    if path == "/sw.js":
        return "the service worker (/sw.js)"
    return "pages and manifest"


def report(label: str, done: list[Exchange], listing: bool) -> tuple[int, int]:
    transferred = sum(e.transferred for e in done)
    decoded = sum(e.decoded for e in done)
    sent = sum(e.sent for e in done)
    print(
        f"{label}: {len(done)} responses, {kb(transferred)} down "
        f"(bodies {kb(decoded)} decoded), {kb(sent)} up"
    )
    groups: dict[str, list[Exchange]] = defaultdict(list)
    for exchange in done:
        groups[group(exchange.path)].append(exchange)
    for name, items in sorted(groups.items(), key=lambda g: -sum(e.transferred for e in g[1])):
        moved, body = sum(e.transferred for e in items), sum(e.decoded for e in items)
        print(f"    {name:30} {len(items):3} × {kb(moved)}  (decoded {kb(body)})")
    if listing:
        for e in sorted(done, key=lambda e: -e.transferred):
            print(
                f"        {e.method:4} {e.status} {e.transferred:7,} B  decoded {e.decoded:7,} B "
                f"{e.encoding or '-':4} {e.path}"
            )
    return transferred, decoded


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", action="store_true", help="every response, largest first")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min)")
    os.environ["FIELDLINE_TILE_URL"] = NO_TILES  # read by the server started below
    async with scratch_database("shell") as url:
        people = [(await person(Role.ENGINEER), "/engineer"), (await person(Role.REP), "/rep")]
        with tempfile.TemporaryDirectory() as logs:
            with app_server(url, Path(logs) / "uvicorn.log") as (server, _):
                relay = CountingRelay(server)
                front = await relay.start()
                async with fresh_phone(workers=False) as (_, page):
                    await page.goto(f"{front}/login", wait_until="networkidle")
                login, _ = report("login page alone (baseline)", await relay.settle(), args.list)
                results = {}
                for who, home in people:
                    await first_load(front, who, home)
                    print()
                    done = await relay.settle()
                    results[who.role] = report(f"{who.role}: first load", done, args.list)
                await relay.stop()
    print()
    for role, (transferred, decoded) in results.items():
        met = "met" if transferred <= GOAL_KB * 1024 else "NOT met"
        print(
            f"{role:9} {kb(transferred)} transferred | uncompressed {kb(decoded)}, ratio "
            f"{transferred / decoded:.2f} | × login page alone {transferred / login:.1f} | "
            f"goal ≤ {GOAL_KB} KB: {met}"
        )
    print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    asyncio.run(main())
