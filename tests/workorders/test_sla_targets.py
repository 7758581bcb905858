"""The SLA targets per priority as a setting (GET|PUT /api/settings/sla): the defaults until an
admin saves them, every bad value named at once, and a new work order counting its respond_by and
resolve_by with them (a contract in force still promises its own hours)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from backend.clock import today
from tests.support.factories import account, device, product, team

TARGETS = {
    "urgent": {"respond_hours": 1, "resolve_hours": 6},
    "high": {"respond_hours": 3, "resolve_hours": 12},
    "normal": {"respond_hours": 10, "resolve_hours": 72},
}


def hours(detail: dict[str, Any], key: str) -> float:
    gap = datetime.fromisoformat(detail[key]) - datetime.fromisoformat(detail["created_at"])
    return gap / timedelta(hours=1)


async def _work_order(api: Any, who: Any, device_id: int, priority: str) -> dict[str, Any]:
    body = {"device_id": device_id, "description": "Compressor trips", "priority": priority}
    made = await api.post("/api/work-orders", json=body, headers=who.headers)
    assert made.status_code == 201, made.text
    shown = await api.get(f"/api/work-orders/{made.json()['id']}", headers=who.headers)
    detail: dict[str, Any] = shown.json()
    return detail


async def test_the_defaults_show_until_an_admin_saves_targets_that_new_work_orders_follow(api):
    people = await team(api)
    admin, supervisor = people["admin"], people["supervisor"]
    shown = await api.get("/api/settings/sla", headers=supervisor.headers)
    assert shown.status_code == 200, shown.text
    assert shown.json()["urgent"] == {"respond_hours": 2, "resolve_hours": 8}
    assert shown.json()["normal"] == {"respond_hours": 8, "resolve_hours": 48}
    assert shown.json()["updated_by"] is None

    site = await account(api, admin)
    unit = await device(api, admin, site["id"], (await product(api, admin))["id"])
    before = await _work_order(api, supervisor, unit["id"], "normal")
    assert (hours(before, "respond_by"), hours(before, "resolve_by")) == (8, 48)

    saved = await api.put("/api/settings/sla", json=TARGETS, headers=admin.headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["high"] == TARGETS["high"]
    assert saved.json()["updated_by"] == admin.id
    again = await api.get("/api/settings/sla", headers=supervisor.headers)
    assert {p: again.json()[p] for p in TARGETS} == TARGETS

    for priority, target in TARGETS.items():
        made = await _work_order(api, supervisor, unit["id"], priority)
        assert hours(made, "respond_by") == target["respond_hours"], priority
        assert hours(made, "resolve_by") == target["resolve_hours"], priority
    kept = await api.get(f"/api/work-orders/{before['id']}", headers=supervisor.headers)
    assert hours(kept.json(), "respond_by") == 8  # made before: keeps its deadline


async def test_a_vip_account_is_served_by_the_next_priority_s_target(api):
    people = await team(api)
    admin = people["admin"]
    await api.put("/api/settings/sla", json=TARGETS, headers=admin.headers)
    site = await account(api, admin, vip=True)
    unit = await device(api, admin, site["id"], (await product(api, admin))["id"])
    made = await _work_order(api, admin, unit["id"], "normal")
    assert made["priority"] == "high"
    assert hours(made, "respond_by") == TARGETS["high"]["respond_hours"]


async def test_a_contract_in_force_keeps_its_own_hours(api):
    people = await team(api)
    admin = people["admin"]
    await api.put("/api/settings/sla", json=TARGETS, headers=admin.headers)
    site = await account(api, admin)
    unit = await device(api, admin, site["id"], (await product(api, admin))["id"])
    contract = {
        "account_id": site["id"],
        "kind": "warranty",
        "starts_on": (today() - timedelta(days=1)).isoformat(),
        "ends_on": (today() + timedelta(days=30)).isoformat(),
        "device_ids": [unit["id"]],
        "respond_hours": 2,
    }
    made = await api.post("/api/service-contracts", json=contract, headers=admin.headers)
    assert made.status_code == 201, made.text
    job = await _work_order(api, admin, unit["id"], "normal")
    assert hours(job, "respond_by") == 2  # the contract's promise
    assert hours(job, "resolve_by") == TARGETS["normal"]["resolve_hours"]  # the setting's


async def test_bad_targets_are_refused_each_naming_its_field(api):
    people = await team(api)
    admin = people["admin"]
    shorter = {
        **TARGETS,
        "urgent": {"respond_hours": 8, "resolve_hours": 4},
        "normal": {"respond_hours": 10, "resolve_hours": 9},
    }
    refused = await api.put("/api/settings/sla", json=shorter, headers=admin.headers)
    assert refused.status_code == 400
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields == ["urgent.resolve_hours", "normal.resolve_hours"]  # all at once

    zero = {**TARGETS, "high": {"respond_hours": 0, "resolve_hours": 4}}
    refused = await api.put("/api/settings/sla", json=zero, headers=admin.headers)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "high.respond_hours"

    missing = {"urgent": TARGETS["urgent"], "high": TARGETS["high"]}
    refused = await api.put("/api/settings/sla", json=missing, headers=admin.headers)
    assert refused.status_code == 400
    assert "normal" in refused.text
    shown = await api.get("/api/settings/sla", headers=admin.headers)
    assert shown.json()["updated_by"] is None  # nothing refused was kept

    forbidden = await api.put(
        "/api/settings/sla", json=TARGETS, headers=people["supervisor"].headers
    )
    assert forbidden.status_code == 403
