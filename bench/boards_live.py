"""Live board latency across workers: a change made through one server, seen on another's stream.

    .venv/bin/python -m bench.boards_live [--changes 60]

Starts two app servers (two processes, as two workers or two hosts would be) on a scratch
database fieldline_bench_live, opens a board stream on the second, and through the first
toggles an engineer's duty and walks work orders through their lifecycle. For every change it
times the request and the moment its event arrives on the other server's stream; the baseline
printed with it is the request's own round trip (the time the change takes to be made at all).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx

from backend import db
from bench._scratch import app_server, scratch_database

GOAL_S = 2.0


async def user(role: str, name: str, **profile: Any) -> tuple[int, str]:
    """A user with a live session; returns (id, bearer token)."""
    user_id = await db.fetchval(
        """INSERT INTO app_user (name, email, role, password_hash, skills, home_lat, home_lng)
           VALUES ($1, $2, $3, 'x', $4, $5, $6) RETURNING id""",
        name,
        f"{name.replace(' ', '.').lower()}@bench.test",
        role,
        profile.get("skills", []),
        profile.get("lat"),
        profile.get("lng"),
    )
    token = secrets.token_urlsafe(32)
    await db.execute(
        """INSERT INTO auth_session (uid, "user", token_hash, csrf_token, created_at, expires_at)
           VALUES ($1, $2, $3, 'x', now(), now() + interval '1 day')""",
        uuid.uuid4(),
        user_id,
        hashlib.sha256(token.encode()).hexdigest(),
    )
    return int(user_id), token


@contextlib.contextmanager
def servers(database_url: str, logs: Path, count: int) -> Iterator[list[str]]:
    """count app servers on the one database (as count workers or hosts would be); their URLs."""
    with contextlib.ExitStack() as stack:
        started = [
            stack.enter_context(app_server(database_url, logs / f"server-{n}.log"))
            for n in range(count)
        ]
        yield [url for url, _ in started]


@contextlib.asynccontextmanager
async def stream(url: str, token: str) -> AsyncIterator[asyncio.Queue[tuple[float, Any]]]:
    """(arrival time, event) of every change on the server's board stream."""
    events: asyncio.Queue[tuple[float, Any]] = asyncio.Queue()
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as http,
        http.stream("GET", f"{url}/api/boards/stream", headers=headers) as response,
    ):
        ready = asyncio.Event()

        async def read() -> None:
            kind = ""
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and kind == "hello":
                    ready.set()
                elif line.startswith("data:") and kind == "change":
                    await events.put((time.perf_counter(), json.loads(line.split(":", 1)[1])))

        reader = asyncio.create_task(read())
        await ready.wait()
        try:
            yield events
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)


async def wait_for(events: asyncio.Queue[tuple[float, Any]], **fields: Any) -> float:
    async with asyncio.timeout(10):
        while True:
            at, event = await events.get()
            if all(event.get(k) == v for k, v in fields.items()):
                return at


async def seed() -> tuple[str, int, str, int]:
    """A supervisor, an hvac engineer and a device needing hvac: (supervisor's token, engineer's
    id, engineer's token, device id)."""
    _, boss = await user("supervisor", "Supervisor")
    engineer_id, engineer = await user(
        "engineer", "Engineer One", skills=["hvac"], lat=31.24, lng=121.47
    )
    product = await db.fetchval(
        "INSERT INTO product (sku, name, required_skill) VALUES ('B-1', 'Chiller', 'hvac') "
        "RETURNING id"
    )
    account = await db.fetchval(
        "INSERT INTO account (name, name_key, lat, lng) VALUES ('Site', 'site', 31.23, 121.47) "
        "RETURNING id"
    )
    device = await db.fetchval(
        "INSERT INTO device (account, product, serial, qr_token) VALUES ($1, $2, 'S1', 't1') "
        "RETURNING id",
        account,
        product,
    )
    return boss, engineer_id, engineer, int(device)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=60)
    changes = parser.parse_args().changes
    requests: list[float] = []
    arrivals: list[float] = []
    async with scratch_database("live") as url:
        boss, engineer_id, engineer, device = await seed()
        await db.close_pool()  # from here on only the servers use the database
        with tempfile.TemporaryDirectory() as logs, servers(url, Path(logs), 2) as (first, second):
            async with (
                stream(second, boss) as events,
                httpx.AsyncClient(base_url=first, timeout=10) as http,
            ):
                as_boss = {"Authorization": f"Bearer {boss}"}
                as_engineer = {"Authorization": f"Bearer {engineer}"}

                async def change(
                    method: str, path: str, who: dict[str, str], body: Any = None
                ) -> Any:
                    sent = time.perf_counter()
                    response = await http.request(method, path, json=body, headers=who)
                    requests.append(time.perf_counter() - sent)
                    assert response.status_code in (200, 201), response.text
                    return sent, response.json()

                for i in range(changes // 2):
                    duty = {"status": "available" if i % 2 == 0 else "off_duty"}
                    if i % 2 == 0:
                        duty |= {"lat": 31.24, "lng": 121.47}
                    sent, _ = await change("PUT", "/api/me/duty", as_engineer, duty)
                    arrivals.append(await wait_for(events, kind="engineer", id=engineer_id) - sent)
                available = {"status": "available", "lat": 31.24, "lng": 121.47}
                await change("PUT", "/api/me/duty", as_engineer, available)
                await wait_for(events, kind="engineer")
                for _ in range(max(1, changes // 10)):
                    body = {"device_id": device, "description": "Not cooling"}
                    sent, made = await change("POST", "/api/work-orders", as_boss, body)
                    job = made["id"]
                    arrivals.append(
                        await wait_for(events, kind="job", id=job, status="offered") - sent
                    )
                    steps = [("accept", None, "accepted"), ("travel", None, "en_route")]
                    steps += [("arrive", {"lat": 31.23, "lng": 121.47}, "on_site")]
                    steps += [("complete", {"resolution": "Fixed"}, "completed")]
                    for action, body, status in steps:
                        path = f"/api/work-orders/{job}/{action}"
                        sent, _ = await change("POST", path, as_engineer, body)
                        arrivals.append(
                            await wait_for(events, kind="job", id=job, status=status) - sent
                        )

    def ms(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    print(f"changes: {len(arrivals)} (duty toggles and work-order transitions), machine load "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"request round trip (baseline): p50 {ms(requests, 0.5):.1f} ms, "
          f"p99 {ms(requests, 0.99):.1f} ms")  # fmt: skip
    print(f"event on the other server:     p50 {ms(arrivals, 0.5):.1f} ms, "
          f"p99 {ms(arrivals, 0.99):.1f} ms, max {1000 * max(arrivals):.1f} ms")  # fmt: skip
    ratio = statistics.median(arrivals) / statistics.median(requests)
    print(f"ratio event / request at p50: {ratio:.2f}")
    print(
        f"goal: every change on every board within {GOAL_S:.0f} s: "
        f"{'met' if max(arrivals) <= GOAL_S else 'NOT met'} (max {max(arrivals):.3f} s)"
    )


if __name__ == "__main__":
    asyncio.run(main())
