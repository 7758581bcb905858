"""The live board stream across workers: two real servers share the test database, a change made
through one arrives on the other's stream, so what is tested is PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from backend import db, live
from tests.support.factories import Staff
from tests.support.loop import engineer, world
from tests.support.servers import ServerFailed, app_servers

EVENT_TIMEOUT = 15.0  # generous: a bound for a hung test, never a claim about speed


@pytest.fixture(scope="module")
def two_servers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two app instances (two processes, two LISTEN connections) on the one test database."""
    logs = tmp_path_factory.mktemp("live")
    no_refresh = {"FIELDLINE_BOARD_REFRESH_SECONDS": "0"}  # no background refresh needed here
    try:
        with app_servers(database_url, logs, 2, **no_refresh) as urls:
            yield urls
    except ServerFailed as failed:
        pytest.fail(str(failed))


class Stream:
    """The events of one open /api/boards/stream, read in the background."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()

    async def read(self, response: httpx.Response) -> None:
        kind, data = "message", ""
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                kind = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                data += line.partition(":")[2].strip()
            elif not line and data:
                await self.events.put((kind, json.loads(data)))
                kind, data = "message", ""

    async def expect(self, event: str, /, **fields: Any) -> dict[str, Any]:
        """The next event of that type whose data has these fields; others are passed over."""
        async with asyncio.timeout(EVENT_TIMEOUT):
            while True:
                got, data = await self.events.get()
                if got == event and all(data.get(k) == v for k, v in fields.items()):
                    return data


@asynccontextmanager
async def stream(url: str, who: Staff) -> AsyncIterator[Stream]:
    """An open board stream, once its subscription is in place (the "hello" event)."""
    found = Stream()
    async with (
        httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(10, read=None)) as http,
        http.stream("GET", "/api/boards/stream", headers=who.headers) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = asyncio.create_task(found.read(response))
        try:
            await found.expect("hello")
            yield found
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)


async def test_a_change_through_one_server_reaches_the_other(api, two_servers):
    first, second = two_servers
    w = await world(api)
    person = await engineer(api, w, 1, on_duty=False)
    async with (
        stream(second, w.supervisor) as on_second,
        stream(first, w.supervisor) as on_first,
        httpx.AsyncClient(base_url=first) as through_first,
    ):
        duty = {"status": "available", "lat": 31.24, "lng": 121.47}
        response = await through_first.put("/api/me/duty", json=duty, headers=person.headers)
        assert response.status_code == 200, response.text
        assert await on_second.expect("change", kind="engineer") == {
            "kind": "engineer",
            "id": person.id,
        }

        body = {"device_id": w.device["id"], "description": "Not cooling"}
        response = await through_first.post(
            "/api/work-orders", json=body, headers=w.supervisor.headers
        )
        assert response.status_code == 201, response.text
        job = response.json()["id"]
        # Dispatch offered it to the engineer at once: small payloads, ids and states only.
        event = await on_second.expect("change", kind="job", id=job, status="offered")
        assert set(event) == {"kind", "id", "status"}
        await on_first.expect("change", kind="job", id=job, status="offered")

        response = await through_first.post(
            f"/api/work-orders/{job}/accept", headers=person.headers
        )
        assert response.status_code == 200, response.text
        await on_second.expect("change", kind="job", id=job, status="accepted")

        # The details the page then fetches, from either server.
        async with httpx.AsyncClient(base_url=second) as http:
            row = await http.get(f"/api/boards/dispatch/jobs/{job}", headers=w.supervisor.headers)
            pin = await http.get(
                f"/api/boards/dispatch/engineers/{person.id}", headers=w.supervisor.headers
            )
        assert (row.json()["status"], row.json()["engineer_id"]) == ("accepted", person.id)
        assert pin.json()["state"] == "travelling"


async def test_a_dropped_listen_connection_is_restored_and_boards_resync(api, two_servers):
    first, second = two_servers
    w = await world(api)
    person = await engineer(api, w, 1, on_duty=False)
    async with stream(second, w.supervisor) as on_second:
        # Both servers lose their LISTEN connection, as in a database failover.
        # (A listener's last statement is its LISTEN: it never UNLISTENs.)
        killed = await db.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            """WHERE datname = current_database() AND query LIKE '%LISTEN "fieldline_boards"'"""
        )
        # Every LISTEN connection in the database dies, both servers' included; a listener
        # of an earlier test still closing may be among them.
        assert killed >= 2
        await on_second.expect("change", kind="resync")  # whatever was missed: reload
        async with httpx.AsyncClient(base_url=first) as through_first:
            duty = {"status": "available", "lat": 31.24, "lng": 121.47}
            response = await through_first.put("/api/me/duty", json=duty, headers=person.headers)
            assert response.status_code == 200
        await on_second.expect("change", kind="engineer", id=person.id)


async def test_the_stream_is_for_supervisors_and_admins(api, two_servers):
    w = await world(api)
    person = await engineer(api, w, 1, on_duty=False)
    async with httpx.AsyncClient(base_url=two_servers[0]) as http:
        assert (await http.get("/api/boards/stream")).status_code == 401
        response = await http.get("/api/boards/stream", headers=person.headers)
        assert response.status_code == 403
    async with stream(two_servers[0], w.admin) as on_first:
        assert on_first.events.empty()


async def test_a_board_opened_after_the_last_one_closed_still_hears_changes(api, two_servers):
    first, second = two_servers
    w = await world(api)
    person = await engineer(api, w, 1, on_duty=False)
    async with stream(second, w.supervisor):
        pass  # the supervisor reloads the page (or the stream renews after STREAM_SECONDS)
    async with (
        stream(second, w.supervisor) as reopened,
        httpx.AsyncClient(base_url=first) as through_first,
    ):
        duty = {"status": "available", "lat": 31.24, "lng": 121.47}
        response = await through_first.put("/api/me/duty", json=duty, headers=person.headers)
        assert response.status_code == 200
        await reopened.expect("change", kind="engineer", id=person.id)


async def test_a_worker_keeps_listening_when_its_last_board_closes(api):
    backend = live.NotifyBackend()
    await backend.on_startup()
    try:
        await backend.subscribe([live.CHANNEL])
        await backend.unsubscribe([live.CHANNEL])
        await db.execute("SELECT pg_notify($1, $2)", live.CHANNEL, '{"kind": "resync"}')
        events = backend.stream_events()
        async with asyncio.timeout(EVENT_TIMEOUT):
            assert await anext(events) == (live.CHANNEL, b'{"kind": "resync"}')
    finally:
        await backend.on_shutdown()
