"""Service contracts through the API and the plans' clock: planned work orders up to the horizon,
never twice (two workers at once included), offered when their window opens, cancelled with a
reason when the contract is suspended or ended; warranty derived from the device."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from backend import db
from backend.clock import day_start, today
from backend.maintenance import plans
from tests.support.commands import fieldline
from tests.support.factories import device
from tests.support.loop import SITE, World, engineer, jobs, step, world


async def contract(api, w: World, *, expect: int = 201, **body: Any) -> Any:
    base = {
        "account_id": w.account["id"],
        "kind": "maintenance",
        "starts_on": today().isoformat(),
        "ends_on": (today() + timedelta(days=365)).isoformat(),
        "device_ids": [w.device["id"]],
        "plan": {"every": 1, "unit": "week", "early_days": 1, "late_days": 2},
    }
    response = await api.post(
        "/api/service-contracts", json={**base, **body}, headers=w.supervisor.headers
    )
    assert response.status_code == expect, response.text
    return response.json()


async def show(api, w: World, contract_id: int) -> Any:
    response = await api.get(f"/api/service-contracts/{contract_id}", headers=w.admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


def at_noon(days: int = 0) -> datetime:
    return day_start(today() + timedelta(days=days)) + timedelta(hours=12)


async def test_the_clock_plans_each_device_up_to_the_horizon_once(api):
    w = await world(api)
    second = await device(api, w.admin, w.account["id"], w.product["id"])
    made = await contract(api, w, device_ids=[w.device["id"], second["id"]])
    assert made["plan"]["horizon_days"] == 30
    assert made["occurrences"] == []

    said = await plans.plan_round(at_noon())
    assert said.startswith("10 planned visit(s) made")  # weekly, today … +28 days, 2 devices
    again = await plans.plan_round(at_noon())
    assert again.startswith("0 planned visit(s) made")

    occurrences = (await show(api, w, made["id"]))["occurrences"]
    assert len(occurrences) == 10
    first = occurrences[0]
    assert first["planned_for"] == today().isoformat()
    assert datetime.fromisoformat(first["window_opens_at"]) == day_start(today() - timedelta(1))
    assert datetime.fromisoformat(first["window_closes_at"]) == day_start(today() + timedelta(3))
    job = await api.get(f"/api/work-orders/{first['work_order_id']}", headers=w.admin.headers)
    assert job.json()["source"] == "plan"
    page = await api.get(f"/q/{w.token}")  # the customer sees the device is under contract
    assert 'data-kind="maintenance"' in page.text
    assert "Maintenance contract until" in page.text


async def test_two_workers_running_the_plans_at_once_make_each_visit_once(api):
    w = await world(api)
    units = [await device(api, w.admin, w.account["id"], w.product["id"]) for _ in range(3)]
    for _ in range(4):
        await contract(api, w, device_ids=[u["id"] for u in units])
    made = await asyncio.gather(*(plans.generate(at_noon(), batch=1) for _ in range(2)))
    assert sum(made) == 3 * 5  # the four contracts share the devices: one visit per device and day
    duplicates = await db.fetch(
        "SELECT device, planned_for FROM work_order GROUP BY device, planned_for "
        "HAVING count(*) > 1"
    )
    assert duplicates == []


async def test_a_visit_is_offered_once_its_window_opens(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    await contract(api, w, starts_on=(today() + timedelta(days=3)).isoformat())
    await plans.plan_round(at_noon())
    assert await jobs(api, person) == []  # due in three days, one day early at the soonest
    said = await plans.plan_round(at_noon(2))
    assert "1 window(s) opened, 1 waiting job(s) offered" in said
    [offered] = await jobs(api, person)
    assert offered["source"] == "plan"
    assert offered["status"] == "offered"


async def test_suspending_cancels_future_visits_with_the_reason_and_resuming_plans_again(api):
    w = await world(api)
    made = await contract(api, w)
    await plans.plan_round(at_noon())
    suspended = await api.post(
        f"/api/service-contracts/{made['id']}/suspend",
        json={"reason": "Invoice unpaid"},
        headers=w.supervisor.headers,
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    occurrences = suspended.json()["occurrences"]
    assert {o["status"] for o in occurrences} == {"cancelled"}
    detail = await api.get(
        f"/api/work-orders/{occurrences[-1]['work_order_id']}", headers=w.admin.headers
    )
    [cancelled] = [e for e in detail.json()["events"] if e["kind"] == "cancelled"]
    assert cancelled["note"] == "Invoice unpaid"
    assert (await plans.plan_round(at_noon())).startswith("0 planned")

    again = await api.post(
        f"/api/service-contracts/{made['id']}/suspend",
        json={"reason": "x"},
        headers=w.supervisor.headers,
    )
    assert again.status_code == 409
    resumed = await api.post(
        f"/api/service-contracts/{made['id']}/resume", headers=w.supervisor.headers
    )
    assert resumed.json()["status"] == "active"
    assert (await plans.plan_round(at_noon())).startswith("5 planned")
    ended = await api.post(
        f"/api/service-contracts/{made['id']}/end",
        json={"reason": "Customer moved"},
        headers=w.supervisor.headers,
    )
    assert ended.json()["status"] == "ended"
    assert ended.json()["ends_on"] == today().isoformat()
    statuses = [o["status"] for o in ended.json()["occurrences"]]
    assert statuses.count("cancelled") == 10


async def test_a_round_reads_a_contract_again_only_once_its_horizon_reaches_the_next_visit(api):
    w = await world(api)
    made = await contract(api, w)  # weekly from today: today … +28 made, +35 next
    assert (await plans.plan_round(at_noon())).startswith("5 planned")
    bookmark = "SELECT plan_next_due FROM service_contract WHERE id = $1"
    assert await db.fetchval(bookmark, made["id"]) == today() + timedelta(days=35)

    # The office cancels one planned visit: the clock does not make it again.
    first = (await show(api, w, made["id"]))["occurrences"][0]["work_order_id"]
    cancelled = await api.post(
        f"/api/work-orders/{first}/cancel",
        json={"reason": "Customer closed that week"},
        headers=w.supervisor.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert (await plans.plan_round(at_noon(1))).startswith("0 planned")
    assert await db.fetchval(bookmark, made["id"]) == today() + timedelta(days=35)

    # Five days later the horizon reaches +35: that visit, and the bookmark moves a week on.
    assert (await plans.plan_round(at_noon(5))).startswith("1 planned")
    assert await db.fetchval(bookmark, made["id"]) == today() + timedelta(days=42)
    dues = [o["planned_for"] for o in (await show(api, w, made["id"]))["occurrences"]]
    assert len(dues) == len(set(dues)) == 6


async def test_a_started_visit_is_kept_when_the_contract_is_suspended(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    made = await contract(api, w)
    await plans.plan_round(at_noon())
    [offered] = await jobs(api, person)
    await step(api, person, offered["id"], "accept")
    await api.post(
        f"/api/service-contracts/{made['id']}/suspend",
        json={"reason": "Paused"},
        headers=w.supervisor.headers,
    )
    kept = await api.get(f"/api/work-orders/{offered['id']}", headers=person.headers)
    assert kept.json()["status"] == "accepted"


async def test_after_completion_counts_the_next_visit_from_the_day_it_was_done(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    plan = {"every": 10, "unit": "day", "generate": "after_completion"}
    made = await contract(api, w, plan=plan)
    await plans.plan_round(at_noon())
    await plans.plan_round(at_noon())  # one at a time: nothing more while it is open
    [visit] = (await show(api, w, made["id"]))["occurrences"]
    assert visit["planned_for"] == today().isoformat()
    await step(api, person, visit["work_order_id"], "accept")
    await step(api, person, visit["work_order_id"], "arrive", {"lat": SITE[0], "lng": SITE[1]})
    await step(api, person, visit["work_order_id"], "complete", {"resolution": "Serviced"})
    # Done four days late (in the data): the next falls ten days after that.
    await db.execute(
        "UPDATE work_order SET completed_at = $2 WHERE id = $1",
        visit["work_order_id"],
        at_noon(4),
    )
    await plans.plan_round(at_noon(4))
    occurrences = (await show(api, w, made["id"]))["occurrences"]
    assert [o["planned_for"] for o in occurrences] == [
        today().isoformat(),
        (today() + timedelta(days=14)).isoformat(),
    ]


async def test_bad_contracts_are_refused_naming_the_field(api):
    w = await world(api)
    other = await world(api)

    def field(response: Any) -> str:
        return response["errors"][0]["field"]

    late = await contract(api, w, expect=400, ends_on=(today() - timedelta(1)).isoformat())
    assert field(late) == "ends_on"
    warranty = await contract(api, w, expect=400, kind="warranty")
    assert field(warranty) == "plan"
    foreign = await contract(api, w, expect=400, device_ids=[other.device["id"]])
    assert field(foreign) == "device_ids"
    bad_unit = await contract(api, w, expect=400, plan={"every": 1, "unit": "fortnight"})
    assert "plan.unit" in bad_unit["errors"][0]["field"] or "unit" in str(bad_unit)
    listed = await api.get(
        f"/api/service-contracts?account_id={w.account['id']}", headers=w.admin.headers
    )
    assert listed.json()["total"] == 0


async def test_a_device_s_warranty_is_a_contract_derived_from_warranty_until(api):
    w = await world(api)
    installed = await device(
        api,
        w.admin,
        w.account["id"],
        w.product["id"],
        installed_on=(today() - timedelta(days=2)).isoformat(),
    )
    await contract(api, w, device_ids=[installed["id"]], kind="warranty", plan=None)
    coverage = await api.get(
        f"/api/devices/{installed['id']}/coverage", headers=w.supervisor.headers
    )
    assert coverage.status_code == 200
    kinds = [(c["kind"], c["id"] is None) for c in coverage.json()]
    assert kinds == [("warranty", False), ("warranty", True)]
    derived = coverage.json()[1]
    assert derived["ends_on"] == installed["warranty_until"]
    assert derived["plan"] is None
    listed = await api.get(
        f"/api/service-contracts?device_id={installed['id']}", headers=w.admin.headers
    )
    assert listed.json()["total"] == 1  # the derived one is never stored


async def test_clock_once_runs_the_plans_job_on_the_command_line(api):
    w = await world(api)
    await contract(api, w)
    result = await asyncio.to_thread(
        fieldline, "clock", "--once", "--job", "plans", url=db.engine.config["dsn"]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("plans: 5 planned visit(s) made"), result.stdout
