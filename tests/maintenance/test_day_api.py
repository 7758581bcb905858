"""The engineer's day: GET /api/me/day, a decline's reason on the job's timeline (what the
dispatch board shows), and offers arriving on the engineer's own live stream (a real server)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend import db
from tests.support.loop import SITE, engineer, file_request, step, world
from tests.support.servers import ServerFailed, app_servers

EVENT_TIMEOUT = 15.0  # a bound for a hung test, never a claim about speed


async def test_my_day_lists_today_s_jobs_and_the_last_30_days_completed(api):
    w = await world(api, vip=True)
    person = await engineer(api, w, 1)
    done = []
    for text in ("first", "second", "old"):
        job = (await file_request(api, w.token, text))["id"]
        await step(api, person, job, "accept")
        await step(api, person, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
        await step(api, person, job, "complete", {"resolution": "Done"})
        done.append(job)
    await db.execute(
        "UPDATE work_order SET completed_at = completed_at - interval '31 days' WHERE id = $1",
        done[2],
    )
    offered = (await file_request(api, w.token, "now"))["id"]
    day = await api.get("/api/me/day", headers=person.headers)
    assert day.status_code == 200, day.text
    [card] = day.json()["today"]
    assert card["id"] == offered
    assert card["status"] == "offered"
    # What the offer card shows: customer, address, priority, distance and SLA.
    assert card["account_name"] == w.account["name"]
    assert card["priority"] == "high"  # a VIP's
    assert card["vip"] is True
    assert 0.9 < card["distance_km"] < 1.1
    assert card["sla"] == "ok"
    assert [j["id"] for j in day.json()["completed"]] == [done[1], done[0]]
    other = await engineer(api, w, 5)
    empty = await api.get("/api/me/day", headers=other.headers)
    assert empty.json() == {"today": [], "completed": []}


async def test_a_decline_keeps_its_reason_for_the_dispatch_board(api):
    w = await world(api)
    near = await engineer(api, w, 1)
    await engineer(api, w, 3)
    job = (await file_request(api, w.token))["id"]
    body = {"reason": "no_parts", "note": "No compressor in the van"}
    declined = await step(api, near, job, "decline", body)
    assert declined == {"id": job, "declined": True}
    detail = await api.get(f"/api/work-orders/{job}", headers=w.supervisor.headers)
    [event] = [e for e in detail.json()["events"] if e["kind"] == "declined"]
    assert (event["reason"], event["note"]) == ("no_parts", "No compressor in the van")
    assert event["engineer"]["id"] == near.id
    public = await api.get(f"/api/public/devices/{w.token}/requests/{job}")
    assert "declined" not in [e["kind"] for e in public.json()["timeline"]]


async def test_an_unknown_reason_is_refused_naming_it(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    job = (await file_request(api, w.token))["id"]
    refused = await api.post(
        f"/api/work-orders/{job}/decline", json={"reason": "bored"}, headers=person.headers
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "reason"
    still = await api.get(f"/api/work-orders/{job}", headers=person.headers)
    assert still.json()["status"] == "offered"
    plain = await api.post(f"/api/work-orders/{job}/decline", headers=person.headers)
    assert plain.status_code == 200  # the reason is optional


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    logs = tmp_path_factory.mktemp("day")
    try:
        with app_servers(database_url, logs, 1, FIELDLINE_BOARD_REFRESH_SECONDS="0") as urls:
            yield urls[0]
    except ServerFailed as failed:
        pytest.fail(str(failed))


async def _events(response: httpx.Response, into: asyncio.Queue[tuple[str, Any]]) -> None:
    kind, data = "message", ""
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            kind = line.partition(":")[2].strip()
        elif line.startswith("data:"):
            data += line.partition(":")[2].strip()
        elif not line and data:
            await into.put((kind, json.loads(data)))
            kind, data = "message", ""


async def test_an_offer_reaches_the_engineer_s_open_app_on_its_stream(api, server):
    w = await world(api)
    person = await engineer(api, w, 1)
    other = await engineer(api, w, 30, skills=("lifts",))
    queues: dict[int, asyncio.Queue[tuple[str, Any]]] = {
        person.id: asyncio.Queue(),
        other.id: asyncio.Queue(),
    }
    async with httpx.AsyncClient(base_url=server, timeout=httpx.Timeout(10, read=None)) as http:
        async with (
            http.stream("GET", "/api/me/events", headers=person.headers) as mine,
            http.stream("GET", "/api/me/events", headers=other.headers) as theirs,
        ):
            assert mine.status_code == 200
            assert mine.headers["content-type"].startswith("text/event-stream")
            readers = [
                asyncio.create_task(_events(mine, queues[person.id])),
                asyncio.create_task(_events(theirs, queues[other.id])),
            ]
            try:
                async with asyncio.timeout(EVENT_TIMEOUT):
                    assert (await queues[person.id].get())[0] == "hello"
                    assert (await queues[other.id].get())[0] == "hello"
                    made = await http.post(
                        "/api/work-orders",
                        json={"device_id": w.device["id"], "description": "Not cooling"},
                        headers=w.supervisor.headers,
                    )
                    assert made.status_code == 201, made.text
                    kind, data = await queues[person.id].get()
                assert (kind, data) == (
                    "change",
                    {"kind": "offer", "engineer": person.id, "id": made.json()["id"]},
                )
                await asyncio.sleep(0.5)
                assert queues[other.id].empty()  # another's offer is not his business
            finally:
                for reader in readers:
                    reader.cancel()
                await asyncio.gather(*readers, return_exceptions=True)
        supervisor = await http.get("/api/me/events", headers=w.supervisor.headers)
        assert supervisor.status_code == 403
