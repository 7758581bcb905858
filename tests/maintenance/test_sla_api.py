"""SLA clocks: ok → warning → breached read from time (moved in the data, never slept), the
supervisors told once per change, a contract's own hours, and a late VIP offer passed on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend import db
from backend.clock import today
from backend.maintenance import escalation
from backend.workorders.sla import Sla, sla_state
from tests.support.factories import staff
from tests.support.loop import engineer, file_request, jobs, world

T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def job(**row: Any) -> dict[str, Any]:
    base = {
        "status": "new",
        "created_at": T0,
        "window_opens_at": None,
        "accepted_at": None,
        "completed_at": None,
        "respond_by": T0 + timedelta(hours=4),
        "resolve_by": T0 + timedelta(hours=24),
    }
    return base | row


@pytest.mark.parametrize(
    ("row", "minutes", "expected"),
    [
        (job(), 0, Sla.OK),
        (job(), 179, Sla.OK),
        (job(), 180, Sla.WARNING),  # 75 % of four hours
        (job(), 241, Sla.BREACHED),
        (job(accepted_at=T0 + timedelta(hours=1), status="accepted"), 300, Sla.OK),
        (job(accepted_at=T0 + timedelta(hours=5), status="accepted"), 300, Sla.BREACHED),
        (job(accepted_at=T0, status="on_site"), 18 * 60, Sla.WARNING),  # the fix's window
        (job(accepted_at=T0, status="on_site"), 25 * 60, Sla.BREACHED),
        (job(accepted_at=T0, completed_at=T0, status="completed"), 48 * 60, Sla.OK),
        (job(status="cancelled"), 48 * 60, Sla.OK),
        (job(status="planned"), 48 * 60, Sla.OK),
        # A planned visit's clock starts when its window opens.
        (job(created_at=T0 - timedelta(days=20), window_opens_at=T0), 60, Sla.OK),
    ],
)
def test_sla_reads_from_time(row, minutes, expected):
    assert sla_state(row, T0 + timedelta(minutes=minutes)) == expected


@pytest.fixture
def pushes(monkeypatch) -> list[tuple[int, dict[str, Any]]]:
    sent: list[tuple[int, dict[str, Any]]] = []

    def notify_user(user_id: int, payload: dict[str, Any], **_: Any) -> None:
        sent.append((user_id, payload))

    monkeypatch.setattr(escalation.push, "notify_user", notify_user)
    return sent


async def shift(work_order_id: int, hours: float) -> None:
    """The job was made `hours` earlier than it was: its clock has run that long."""
    await db.execute(
        """UPDATE work_order SET created_at = created_at - $2::interval,
               respond_by = respond_by - $2::interval, resolve_by = resolve_by - $2::interval
           WHERE id = $1""",
        work_order_id,
        timedelta(hours=hours),
    )


async def test_a_warning_and_a_breach_each_tell_the_supervisors_once(api, pushes):
    w = await world(api)
    other = await staff(api, "supervisor")
    filed = await file_request(api, w.token)  # nobody on duty: it waits; normal is 8 h / 48 h
    detail = await api.get(f"/api/work-orders/{filed['id']}", headers=w.admin.headers)
    assert detail.json()["sla"] == "ok"

    assert (await escalation.sla_round(datetime.now(UTC))).startswith("0 SLA change(s)")
    await shift(filed["id"], 6.5)  # 81 % of the response window
    detail = await api.get(f"/api/work-orders/{filed['id']}", headers=w.admin.headers)
    assert detail.json()["sla"] == "warning"
    said = await escalation.sla_round(datetime.now(UTC))
    assert said.startswith("1 SLA change(s) told")
    assert sorted(p[0] for p in pushes) == sorted([w.supervisor.id, other.id])
    assert {p[1]["sla"] for p in pushes} == {"warning"}
    assert pushes[0][1]["work_order_id"] == filed["id"]
    await escalation.sla_round(datetime.now(UTC))
    assert len(pushes) == 2  # told once

    await db.execute(
        "INSERT INTO webhook (url, events, secret) VALUES ('http://127.0.0.1:9/hook', "
        "'{work_order.sla_breached}', 's')"
    )
    await shift(filed["id"], 2)
    board = await api.get("/api/boards/dispatch", headers=w.supervisor.headers)
    [pin] = [j for j in board.json()["jobs"] if j["id"] == filed["id"]]
    assert pin["sla"] == "breached"
    await escalation.sla_round(datetime.now(UTC))
    await escalation.sla_round(datetime.now(UTC))
    assert [p[1]["sla"] for p in pushes] == ["warning", "warning", "breached", "breached"]
    hooks = await db.fetch("SELECT event_type, body FROM webhook_delivery")
    assert [h["event_type"] for h in hooks] == ["work_order.sla_breached"]  # once
    assert f'"work_order_id":{filed["id"]}' in hooks[0]["body"]
    detail = await api.get(f"/api/work-orders/{filed['id']}", headers=w.admin.headers)
    kinds = [e["kind"] for e in detail.json()["events"]]
    assert kinds.count("sla_warning") == 1
    assert kinds.count("sla_breached") == 1
    public = await api.get(f"/api/public/devices/{w.token}/requests/{filed['id']}")
    assert "sla_breached" not in [e["kind"] for e in public.json()["timeline"]]


async def test_a_contract_sets_the_response_and_resolution_hours(api):
    w = await world(api)
    body = {
        "account_id": w.account["id"],
        "kind": "warranty",
        "starts_on": (today() - timedelta(days=1)).isoformat(),
        "ends_on": (today() + timedelta(days=30)).isoformat(),
        "device_ids": [w.device["id"]],
        "respond_hours": 2,
        "resolve_hours": 6,
    }
    made = await api.post("/api/service-contracts", json=body, headers=w.admin.headers)
    assert made.status_code == 201, made.text
    filed = await file_request(api, w.token)
    detail = (await api.get(f"/api/work-orders/{filed['id']}", headers=w.admin.headers)).json()
    created = datetime.fromisoformat(detail["created_at"])
    assert datetime.fromisoformat(detail["respond_by"]) - created == timedelta(hours=2)
    assert datetime.fromisoformat(detail["resolve_by"]) - created == timedelta(hours=6)
    assert detail["contract_id"] == made.json()["id"]


async def test_a_vip_offer_late_for_its_response_goes_to_the_next_nearest(api, pushes):
    w = await world(api, vip=True)
    near = await engineer(api, w, 1)
    far = await engineer(api, w, 3)
    farthest = await engineer(api, w, 9)
    filed = await file_request(api, w.token)
    assert [j["id"] for j in await jobs(api, near)] == [filed["id"]]
    said = await escalation.sla_round(datetime.now(UTC))
    assert said.endswith("0 late VIP offer(s) passed on")

    await shift(filed["id"], 4.5)  # VIP: high priority, respond within 4 h
    said = await escalation.sla_round(datetime.now(UTC))
    assert said == "1 SLA change(s) told to supervisors, 1 late VIP offer(s) passed on"
    assert await jobs(api, near) == []
    assert [j["id"] for j in await jobs(api, far)] == [filed["id"]]
    assert await jobs(api, farthest) == []
    await escalation.sla_round(datetime.now(UTC))
    assert [j["id"] for j in await jobs(api, far)] == [filed["id"]]  # passed on once
    detail = (await api.get(f"/api/work-orders/{filed['id']}", headers=w.admin.headers)).json()
    assert [e["kind"] for e in detail["events"]][-2:] == ["reoffered", "offered"]
    assert detail["sla"] == "breached"
