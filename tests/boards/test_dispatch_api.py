"""The dispatch board: engineers' states, the job queue in SLA order, filters, reassignment."""

from __future__ import annotations

from typing import Any

from backend import db
from tests.support.board_history import ZONE
from tests.support.factories import Staff, create
from tests.support.loop import engineer, go_on_duty, step, world


async def test_dispatch_board_states_queue_and_sla(api):
    w = await world(api)
    near = await engineer(api, w, 1)
    idle = await engineer(api, w, 3, on_duty=False)
    headers = w.supervisor.headers

    async def board(**params: Any) -> dict[str, Any]:
        response = await api.get("/api/boards/dispatch", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def state_of(person: Staff) -> str:
        response = await api.get(f"/api/boards/dispatch/engineers/{person.id}", headers=headers)
        return str(response.json()["state"])

    assert await state_of(near) == "free"
    assert await state_of(idle) == "off_duty"
    first = await create(
        api, w.supervisor, "/api/work-orders", {"device_id": w.device["id"], "description": "Hot"}
    )
    assert await state_of(near) == "offered"
    await step(api, near, first["id"], "accept")
    assert await state_of(near) == "travelling"
    await step(api, near, first["id"], "arrive", {"lat": 31.23, "lng": 121.47})
    assert await state_of(near) == "on_site"

    # Two more jobs wait in the queue (nobody else is free): urgent before normal.
    normal = await create(
        api, w.supervisor, "/api/work-orders", {"device_id": w.device["id"], "description": "Leaks"}
    )
    urgent = await create(
        api,
        w.supervisor,
        "/api/work-orders",
        {"device_id": w.device["id"], "description": "Smoke", "priority": "urgent"},
    )
    await db.execute(
        "UPDATE work_order SET respond_by = now() - interval '5 minutes' WHERE id = $1",
        normal["id"],
    )
    data = await board()
    # Urgent first; then by the deadline that matters now: the overdue response before the
    # accepted job's resolution time.
    assert [j["id"] for j in data["jobs"]] == [urgent["id"], normal["id"], first["id"]]
    by_id = {j["id"]: j for j in data["jobs"]}
    assert by_id[normal["id"]]["breached"] is True
    assert by_id[normal["id"]]["seconds_left"] < 0
    assert by_id[urgent["id"]]["breached"] is False
    assert by_id[urgent["id"]]["due_at"] == by_id[urgent["id"]]["respond_by"]
    assert by_id[first["id"]]["due_at"] == by_id[first["id"]]["resolve_by"]  # accepted
    assert data["counts"]["queue"] == 2
    assert data["counts"]["breached"] == 1
    assert data["counts"]["on_site"] == 1
    assert data["counts"]["off_duty"] == 1

    # Filters: a skill nobody has empties both lists; the zone keeps its engineers and sites.
    none = await board(skill="elevator")
    assert none["jobs"] == []
    assert none["engineers"] == []
    zone = await create(api, w.admin, "/api/zones", {"name": "Centre", "boundary": ZONE})
    in_zone = await board(zone_id=zone["id"])
    assert {j["id"] for j in in_zone["jobs"]} == set(by_id)  # the site lies in the zone
    assert in_zone["engineers"] == []  # nobody belongs to the zone yet
    assert all(zone["id"] in j["zone_ids"] for j in in_zone["jobs"])

    # Manual (re)assignment through the work-order API shows on the board.
    await go_on_duty(api, idle, 31.25, 121.47)
    await step(api, w.supervisor, normal["id"], "assign", {"engineer_id": idle.id})
    row = (await api.get(f"/api/boards/dispatch/jobs/{normal['id']}", headers=headers)).json()
    assert (row["status"], row["engineer_id"]) == ("offered", idle.id)
    assert await state_of(idle) == "offered"
    assert (await api.get("/api/boards/dispatch/jobs/99999", headers=headers)).status_code == 404
