"""The service → sales loop: an engineer completing a job flags a sales opportunity with a note,
and the account's owner (or the pool) gets a lead with source service."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from backend import db, tasks
from tests.support.factories import Staff, staff
from tests.support.loop import SITE, World, engineer, file_request, step, world
from tests.support.push_receiver import PushReceiver
from tests.support.webhook_receiver import verify


async def on_site_job(api: AsyncClient, w: World) -> tuple[Staff, int]:
    near = await engineer(api, w, 2)
    job = (await file_request(api, w.token))["id"]
    await step(api, near, job, "accept")
    await step(api, near, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    return near, int(job)


async def leads(api: AsyncClient, who: Staff, **query: Any) -> list[Any]:
    response = await api.get("/api/leads", params=query, headers=who.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def owned_by(api: AsyncClient, w: World, rep: Staff) -> None:
    response = await api.patch(
        f"/api/accounts/{w.account['id']}", json={"owner_id": rep.id}, headers=w.admin.headers
    )
    assert response.status_code == 200, response.text


async def test_a_flagged_opportunity_becomes_the_account_owners_lead(api, receiver: PushReceiver):
    w = await world(api)
    rep = await staff(api, "rep")
    await owned_by(api, w, rep)
    hook = await api.post(
        "/api/webhooks",
        json={"url": receiver.url("/hook"), "events": ["lead.created", "work_order.completed"]},
        headers=w.admin.headers,
    )
    near, job = await on_site_job(api, w)
    body = {
        "resolution": "Replaced the fan",
        "sales_opportunity": {"note": "Unit is 12 years old; customer asked about a new one"},
    }
    done = await step(api, near, job, "complete", body)
    assert done["status"] == "completed"

    [lead] = await leads(api, rep)
    assert lead["source"] == "service"
    assert lead["status"] == "new"
    assert lead["owner_id"] == rep.id
    assert lead["account_id"] == w.account["id"]
    assert lead["company"] == w.account["name"]
    assert (
        lead["notes"] == f"Work order #{job}: Unit is 12 years old; customer asked about a new one"
    )
    move = await db.fetchrow(
        "SELECT kind, to_owner, actor, reason FROM pool_move WHERE lead IS NOT NULL"
    )
    assert dict(move) == {
        "kind": "assigned",
        "to_owner": rep.id,
        "actor": near.id,
        "reason": f"service: work order #{job}",
    }

    await tasks.drain()
    events = {
        e["type"]: e["data"]
        for e in (verify(r, hook.json()["secret"]) for r in receiver.at("/hook"))
    }
    assert events["lead.created"]["lead_id"] == lead["id"]
    assert events["lead.created"]["owner_id"] == rep.id
    assert events["work_order.completed"]["sales_lead_id"] == lead["id"]


async def test_an_account_nobody_owns_puts_the_lead_in_the_pool(api):
    w = await world(api)  # the admin made the account: it sits in the pool
    near, job = await on_site_job(api, w)
    body = {"resolution": "Fixed", "sales_opportunity": {"note": "Wants a second unit"}}
    await step(api, near, job, "complete", body)
    [lead] = await leads(api, w.supervisor, pool="true")
    assert lead["owner_id"] is None
    assert lead["pool"] is True
    assert lead["source"] == "service"
    rep = await staff(api, "rep")
    assert [x["id"] for x in await leads(api, rep, pool="true")] == [lead["id"]]


async def test_no_flag_no_lead_and_a_blank_note_is_refused(api):
    w = await world(api)
    near, job = await on_site_job(api, w)
    blank = await api.post(
        f"/api/work-orders/{job}/complete",
        json={"resolution": "Fixed", "sales_opportunity": {"note": ""}},
        headers=near.headers,
    )
    assert blank.status_code == 400
    assert blank.json()["errors"][0]["field"] == "sales_opportunity.note"
    await step(api, near, job, "complete", {"resolution": "Fixed"})
    assert await db.fetchval("SELECT count(*) FROM lead") == 0


async def test_a_completion_refused_makes_no_lead(api):
    w = await world(api)
    near, job = await on_site_job(api, w)
    part = w.parts[0]["id"]
    body = {
        "resolution": "Fixed",
        "parts": [{"part_id": part, "qty": 1}],  # the van holds none: 409
        "sales_opportunity": {"note": "Old unit"},
    }
    await step(api, near, job, "complete", body, expect=409)
    assert await db.fetchval("SELECT count(*) FROM lead") == 0
