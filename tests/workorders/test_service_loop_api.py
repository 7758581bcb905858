"""The service loop end to end: QR request → dispatch → job → parts → completion → rating."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from backend import db
from backend.settings import get_settings
from backend.workorders import offers
from tests.support.loop import SITE, engineer, file_request, go_on_duty, jobs, step, world


async def test_the_whole_loop(api):
    w = await world(api)
    valve, fan = w.parts[0], w.parts[1]
    near = await engineer(api, w, 2, stock={valve["id"]: 3, fan["id"]: 1})
    await engineer(api, w, 9)
    page = await api.get(f"/api/public/devices/{w.token}")
    assert page.status_code == 200
    assert page.json()["device"]["serial"] == w.device["serial"]

    filed = await file_request(api, w.token)
    assert filed["status"] == "offered"
    offered = await jobs(api, near)
    assert [j["id"] for j in offered] == [filed["id"]]
    assert 1.9 < offered[0]["distance_km"] < 2.1  # the offer records the distance
    assert offered[0]["status"] == "offered"

    await step(api, near, filed["id"], "accept")
    await step(api, near, filed["id"], "travel")
    on_site = await step(api, near, filed["id"], "arrive", {"lat": SITE[0], "lng": SITE[1]})
    assert on_site["status"] == "on_site"
    assert on_site["site"]["account_name"] == w.account["name"]
    done = await step(
        api,
        near,
        filed["id"],
        "complete",
        {
            "resolution": "Replaced the expansion valve",
            "parts": [
                {"part_id": valve["id"], "qty": 2, "serial_out": "V-OLD", "serial_in": "V-NEW"}
            ],
        },
    )
    assert done["status"] == "completed"
    assert [(p["sku"], p["qty"]) for p in done["parts"]] == [(valve["sku"], 2)]
    stock = await api.get(f"/api/engineers/{near.id}/stock", headers=near.headers)
    assert {i["sku"]: i["qty"] for i in stock.json()["items"]} == {valve["sku"]: 1, fan["sku"]: 1}

    status = await api.get(f"/api/public/devices/{w.token}/requests/{filed['id']}")
    assert status.json()["status"] == "completed"
    assert status.json()["reporter_phone"] == "*********8000"  # masked: the last four digits only
    assert status.json()["reporter_name"] == "王**"
    kinds = [e["kind"] for e in status.json()["timeline"]]
    assert kinds == ["created", "accepted", "en_route", "arrived", "completed"]
    rated = await api.post(
        f"/api/public/devices/{w.token}/requests/{filed['id']}/rating",
        json={"score": 5, "comment": "快，专业"},
    )
    assert rated.status_code == 201
    assert rated.json()["status"] == "rated"
    again = await api.post(
        f"/api/public/devices/{w.token}/requests/{filed['id']}/rating", json={"score": 1}
    )
    assert again.status_code == 409

    history = await api.get(f"/api/devices/{w.device['id']}/history", headers=w.admin.headers)
    assert history.status_code == 200
    [past] = history.json()
    assert past["rating"]["score"] == 5
    assert past["parts"][0]["serial_in"] == "V-NEW"


async def test_second_job_shows_the_engineer_the_device_history(api):
    w = await world(api)
    first = await engineer(api, w, 1, stock={w.parts[0]["id"]: 5})
    job = await file_request(api, w.token, "Leaking water")
    for action, body in (
        ("accept", None),
        ("arrive", {"lat": SITE[0], "lng": SITE[1]}),
        ("complete", {"resolution": "Seal", "parts": [{"part_id": w.parts[0]["id"], "qty": 1}]}),
    ):
        await step(api, first, job["id"], action, body)
    second = await file_request(api, w.token, "Leaking again")
    detail = await api.get(f"/api/work-orders/{second['id']}", headers=first.headers)
    assert detail.status_code == 200
    assert [h["id"] for h in detail.json()["history"]] == [job["id"]]
    assert detail.json()["history"][0]["parts"][0]["part_id"] == w.parts[0]["id"]


async def test_decline_goes_to_the_next_best_and_never_back(api):
    w = await world(api)
    near = await engineer(api, w, 1)
    far = await engineer(api, w, 4)
    job = await file_request(api, w.token)
    assert [j["id"] for j in await jobs(api, near)] == [job["id"]]
    await step(api, near, job["id"], "decline")
    assert await jobs(api, near) == []
    assert [j["id"] for j in await jobs(api, far)] == [job["id"]]
    await step(api, far, job["id"], "decline")
    detail = await api.get(f"/api/work-orders/{job['id']}", headers=w.supervisor.headers)
    assert detail.json()["status"] == "new"  # nobody left: it waits in the queue
    assert detail.json()["engineer"] is None


async def test_offer_timeout_moves_the_job_on_with_a_driven_clock(api):
    w = await world(api)
    near = await engineer(api, w, 1)
    far = await engineer(api, w, 3)
    job = await file_request(api, w.token)
    await offers.offer_round(datetime.now(UTC) + timedelta(minutes=4))  # not yet
    assert [j["id"] for j in await jobs(api, near)] == [job["id"]]
    await offers.offer_round(datetime.now(UTC) + timedelta(minutes=6))
    assert await jobs(api, near) == []
    assert [j["id"] for j in await jobs(api, far)] == [job["id"]]
    events = (await api.get(f"/api/work-orders/{job['id']}", headers=w.supervisor.headers)).json()[
        "events"
    ]
    assert [e["kind"] for e in events] == ["created", "offered", "expired", "offered"]
    late = await api.post(f"/api/work-orders/{job['id']}/accept", headers=near.headers)
    assert late.status_code == 404  # no longer his


async def test_waiting_jobs_go_out_when_an_engineer_comes_on_duty(api):
    w = await world(api)
    job = await file_request(api, w.token)
    assert job["status"] == "new"
    person = await engineer(api, w, 2, on_duty=False)
    assert await jobs(api, person) == []
    await go_on_duty(api, person, SITE[0] + 0.01, SITE[1])
    assert [j["id"] for j in await jobs(api, person)] == [job["id"]]


async def test_finishing_a_job_takes_the_next_waiting_one(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    first = await file_request(api, w.token, "first")
    second = await file_request(api, w.token, "second")
    assert second["status"] == "new"
    await step(api, person, first["id"], "accept")
    await step(api, person, first["id"], "arrive", {"lat": SITE[0], "lng": SITE[1]})
    await step(api, person, first["id"], "complete", {"resolution": "fixed"})
    assert [j["id"] for j in await jobs(api, person)] == [second["id"]]


async def test_simultaneous_requests_never_double_book(api):
    w = await world(api)
    crew = [await engineer(api, w, km) for km in (1, 2, 3)]
    filed = await asyncio.gather(*(file_request(api, w.token, f"job {i}") for i in range(8)))
    held = [await jobs(api, person) for person in crew]
    assert all(len(h) == 1 for h in held), held
    offered_ids = {h[0]["id"] for h in held}
    assert len(offered_ids) == 3
    waiting = await db.fetchval("SELECT count(*) FROM work_order WHERE status = 'new'")
    assert waiting == 5
    assert {f["id"] for f in filed} >= offered_ids
    per_job = await db.fetch(
        "SELECT work_order, count(*) FROM work_order_event WHERE kind = 'offered' "
        "GROUP BY work_order HAVING count(*) > 1"
    )
    assert per_job == []


async def test_skill_and_zone_decide_who_is_eligible(api):
    w = await world(api, skill="elevator")
    await engineer(api, w, 1, skills=("hvac",))
    lift_expert = await engineer(api, w, 6, skills=("elevator",))
    job = await file_request(api, w.token)
    assert [j["id"] for j in await jobs(api, lift_expert)] == [job["id"]]


async def test_vip_raises_priority_and_sets_sla_due_times(api):
    w = await world(api, vip=True)
    job = await file_request(api, w.token)
    detail = (await api.get(f"/api/work-orders/{job['id']}", headers=w.admin.headers)).json()
    assert detail["priority"] == "high"
    created = datetime.fromisoformat(detail["created_at"])
    assert datetime.fromisoformat(detail["respond_by"]) - created == timedelta(hours=4)
    assert datetime.fromisoformat(detail["resolve_by"]) - created == timedelta(hours=24)
    assert detail["sla_breached"] is False


async def test_stock_never_goes_negative(api):
    w = await world(api)
    person = await engineer(api, w, 1, stock={w.parts[0]["id"]: 1, w.parts[1]["id"]: 2})
    job = await file_request(api, w.token)
    await step(api, person, job["id"], "accept")
    await step(api, person, job["id"], "arrive", {"lat": SITE[0], "lng": SITE[1]})
    body = {
        "resolution": "x",
        "parts": [{"part_id": w.parts[1]["id"], "qty": 1}, {"part_id": w.parts[0]["id"], "qty": 2}],
    }
    refused = await step(api, person, job["id"], "complete", body, expect=409)
    assert refused["part_id"] == w.parts[0]["id"]
    assert "Part 0" in refused["detail"]
    stock = (await api.get(f"/api/engineers/{person.id}/stock", headers=person.headers)).json()
    assert {i["part_id"]: i["qty"] for i in stock["items"]} == {
        w.parts[0]["id"]: 1,
        w.parts[1]["id"]: 2,
    }
    detail = await api.get(f"/api/work-orders/{job['id']}", headers=person.headers)
    assert detail.json()["status"] == "on_site"


async def test_illegal_transitions_are_409_with_the_state(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    job = await file_request(api, w.token)
    refused = await step(api, person, job["id"], "complete", {"resolution": "x"}, expect=409)
    assert refused["status"] == "offered"
    await step(api, person, job["id"], "accept")
    assert (await step(api, person, job["id"], "accept", expect=409))["status"] == "accepted"
    early = await api.post(
        f"/api/public/devices/{w.token}/requests/{job['id']}/rating", json={"score": 4}
    )
    assert early.status_code == 409


async def test_engineer_b_cannot_see_accept_or_complete_a_job_of_a(api):
    w = await world(api)
    a = await engineer(api, w, 1)
    b = await engineer(api, w, 50)
    job = await file_request(api, w.token)
    assert [j["id"] for j in await jobs(api, a)] == [job["id"]]
    assert (await api.get(f"/api/work-orders/{job['id']}", headers=b.headers)).status_code == 404
    for action, body in (
        ("accept", None),
        ("decline", None),
        ("travel", None),
        ("arrive", {"lat": 1, "lng": 1}),
        ("complete", {"resolution": "x"}),
    ):
        response = await api.post(
            f"/api/work-orders/{job['id']}/{action}", json=body, headers=b.headers
        )
        assert response.status_code == 404, action
    listed = await api.get("/api/work-orders", headers=b.headers)
    assert listed.json()["items"] == []


async def test_one_device_token_cannot_reach_another_devices_request(api):
    w = await world(api)
    other = await world(api)
    job = await file_request(api, w.token)
    path = f"/api/public/devices/{other.token}/requests/{job['id']}"
    assert (await api.get(path)).status_code == 404
    assert (await api.post(path + "/rating", json={"score": 5})).status_code == 404
    assert (await api.get("/api/public/devices/not-a-token")).status_code == 404
    listed = (await api.get(f"/api/public/devices/{other.token}")).json()
    assert listed["requests"] == []


async def test_supervisor_assigns_by_hand_and_batch_runs_the_backlog(api):
    w = await world(api)
    jobs_filed = [await file_request(api, w.token, f"backlog {i}") for i in range(3)]
    crew = [await engineer(api, w, km, on_duty=False) for km in (1, 2)]
    chosen = crew[1]
    assigned = await api.post(
        f"/api/work-orders/{jobs_filed[0]['id']}/assign",
        json={"engineer_id": chosen.id},
        headers=w.supervisor.headers,
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["engineer"]["id"] == chosen.id
    await db.execute("UPDATE app_user SET duty_status = 'available' WHERE id = $1", crew[0].id)
    run = await api.post("/api/dispatch/run", headers=w.supervisor.headers)
    assert run.status_code == 200
    assert [(a["work_order_id"], a["engineer_id"]) for a in run.json()] == [
        (jobs_filed[1]["id"], crew[0].id)
    ]


async def test_customer_side_is_rate_limited(api):
    w = await world(api)
    limit = get_settings().public_rate_limit
    statuses = [
        (await api.get(f"/api/public/devices/{w.token}")).status_code for _ in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429
    blocked = await api.get(f"/api/public/devices/{w.token}")
    assert int(blocked.headers["retry-after"]) >= 1


async def test_bad_request_bodies_name_the_field(api):
    w = await world(api)
    response = await api.post(
        f"/api/public/devices/{w.token}/requests",
        json={"name": "A", "phone": "x", "description": "broken"},
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["phone"]
