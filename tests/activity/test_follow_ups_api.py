"""Follow-ups through the API: on an account, lead or opportunity; contacts; the account's last
contact; the next contact's task; a visit's check-out and a completed job each make one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend import db
from tests.support.activity import follow_up, lead, opportunity, tasks
from tests.support.factories import account, create, staff
from tests.support.loop import completed_job, world


def soon(days: float = 2) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


async def test_a_follow_up_with_contacts_and_a_next_contact(api):
    rep = await staff(api, "rep")
    site = await account(api, rep)
    buyer = await create(api, rep, "/api/contacts", {"account_id": site["id"], "name": "Wang"})
    made = await follow_up(
        api,
        rep,
        account_id=site["id"],
        method="message",
        content="WeChat: sent the brochure",
        contact_ids=[buyer["id"]],
        next_contact_at=soon(3),
    )
    assert (made["method"], made["account_id"], made["author_id"]) == (
        "message",
        site["id"],
        rep.id,
    )
    assert made["contact_ids"] == [buyer["id"]]
    assert made["task_id"] is not None
    contacted = (await api.get(f"/api/accounts/{site['id']}", headers=rep.headers)).json()
    assert contacted["last_contacted_at"] == made["at"]

    [task] = await tasks(api, rep, "upcoming")
    assert (task["id"], task["rule"], task["account_id"]) == (
        made["task_id"],
        "next_contact",
        site["id"],
    )
    assert (task["object_kind"], task["object_id"]) == ("account", site["id"])
    assert task["due_at"] == soon(3).replace("+00:00", "Z")

    # The next follow-up is the contact the task asked for: done, and the new one is open.
    again = await follow_up(api, rep, account_id=site["id"], next_contact_at=soon(7))
    [open_task] = await tasks(api, rep)
    assert open_task["id"] == again["task_id"] != made["task_id"]
    [done] = await tasks(api, rep, "done")
    assert (done["id"], done["done_by"]) == (made["task_id"], rep.id)

    listed = await api.get(f"/api/follow-ups?account_id={site['id']}", headers=rep.headers)
    assert [f["id"] for f in listed.json()["items"]] == [again["id"], made["id"]]
    assert listed.json()["total"] == 2


async def test_a_follow_up_on_a_pool_account_assigns_its_author(api):
    admin, rep = await staff(api, "admin"), await staff(api, "rep")
    pooled = await account(api, admin)
    made = await follow_up(api, admin, account_id=pooled["id"], next_contact_at=soon())
    [task] = await tasks(api, admin)
    assert task["id"] == made["task_id"]
    # A rep claims an account before he follows it up; someone else's is not found.
    await follow_up(api, rep, expect=403, account_id=pooled["id"])
    other = await account(api, await staff(api, "rep"))
    await follow_up(api, rep, expect=404, account_id=other["id"])


async def test_on_a_lead_and_on_an_opportunity(api):
    rep, other = await staff(api, "rep"), await staff(api, "rep")
    site = await account(api, rep)
    fresh = await lead(rep.id)
    on_lead = await follow_up(api, rep, lead_id=fresh, method="email", next_contact_at=soon())
    assert (on_lead["lead_id"], on_lead["account_id"]) == (fresh, None)
    [task] = await tasks(api, rep)
    assert (task["object_kind"], task["object_id"], task["account_id"]) == ("lead", fresh, None)

    deal = await opportunity(site["id"], rep.id)
    on_deal = await follow_up(api, rep, opportunity_id=deal, method="visit")
    assert (on_deal["opportunity_id"], on_deal["account_id"]) == (deal, site["id"])
    contacted = (await api.get(f"/api/accounts/{site['id']}", headers=rep.headers)).json()
    assert contacted["last_contacted_at"] == on_deal["at"]
    listed = await api.get(f"/api/follow-ups?opportunity_id={deal}", headers=rep.headers)
    assert [f["id"] for f in listed.json()["items"]] == [on_deal["id"]]

    await follow_up(api, other, expect=404, lead_id=fresh)
    await follow_up(api, other, expect=404, opportunity_id=deal)
    await follow_up(api, other, expect=403, lead_id=await lead(None))
    # Another rep's list shows none of them.
    theirs = await api.get("/api/follow-ups", headers=other.headers)
    assert theirs.json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "account_id"),
        ({"account_id": 1, "lead_id": 1}, "account_id"),
        ({"account_id": 1, "method": "service"}, "method"),
        ({"account_id": 1, "method": "fax"}, "method"),
        ({"account_id": 1, "content": ""}, "content"),
        ({"account_id": 1, "content": "x" * 5001}, "content"),
        ({"account_id": 1, "next_contact_at": "2030-01-01T10:00:00"}, "next_contact_at"),
        ({"account_id": 1, "next_contact_at": "2999-01-01T10:00:00Z"}, "next_contact_at"),
        ({"account_id": 1, "contact_ids": [999]}, "contact_ids"),
        ({"account_id": 1, "colour": "red"}, "colour"),
    ],
)
async def test_bad_follow_ups_are_400_naming_the_field(api, body, field):
    rep = await staff(api, "rep")
    await account(api, rep)  # id 1
    response = await api.post(
        "/api/follow-ups",
        json={"method": "call", "content": "Called", **body},
        headers=rep.headers,
    )
    assert response.status_code == 400, response.text
    assert field in response.text
    assert await db.fetchval("SELECT count(*) FROM follow_up") == 0


async def test_a_contact_of_another_account_is_refused(api):
    rep = await staff(api, "rep")
    mine, theirs = await account(api, rep), await account(api, rep)
    stranger = await create(api, rep, "/api/contacts", {"account_id": theirs["id"], "name": "Li"})
    response = await api.post(
        "/api/follow-ups",
        json={
            "account_id": mine["id"],
            "method": "call",
            "content": "x",
            "contact_ids": [stranger["id"]],
        },
        headers=rep.headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "contact_ids"
    assert await db.fetchval("SELECT count(*) FROM follow_up") == 0


async def test_a_visit_checked_out_with_notes_is_a_follow_up(api):
    rep = await staff(api, "rep")
    site = await account(api, rep, lat=31.23, lng=121.47)
    for notes in ("Met the buyer; wants a quote", None):
        planned = await create(
            api, rep, "/api/visits", {"account_id": site["id"], "planned_at": soon(0)}
        )
        visit = planned["id"]
        body = {"lat": 31.23, "lng": 121.47, "accuracy": 10}
        checked = await api.post(f"/api/visits/{visit}/check-in", json=body, headers=rep.headers)
        assert checked.status_code == 200, checked.text
        out = await api.post(
            f"/api/visits/{visit}/check-out", json={"notes": notes}, headers=rep.headers
        )
        assert out.status_code == 200, out.text
    listed = (await api.get(f"/api/follow-ups?account_id={site['id']}", headers=rep.headers)).json()
    [made] = listed["items"]  # the visit without notes made none
    assert (made["method"], made["content"], made["author_id"]) == (
        "visit",
        "Met the buyer; wants a quote",
        rep.id,
    )
    assert made["visit_id"] is not None


async def test_a_completed_work_order_is_a_service_follow_up(api):
    w = await world(api)
    job = await completed_job(api, w)
    listed = await api.get(f"/api/follow-ups?account_id={w.account['id']}", headers=w.admin.headers)
    [made] = listed.json()["items"]
    assert (made["method"], made["content"], made["work_order_id"]) == (
        "service",
        "Replaced the fan",
        job,
    )
    contacted = (await api.get(f"/api/accounts/{w.account['id']}", headers=w.admin.headers)).json()
    assert contacted["last_contacted_at"] == made["at"]


async def test_engineers_do_not_record_follow_ups(api):
    engineer = await staff(api, "engineer")
    await follow_up(api, engineer, expect=403, account_id=1)
