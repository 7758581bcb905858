"""The account's timeline: every kind newest first, linked to its object; keyset paging across
equal timestamps; items only to who may see their object."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend import clock, db
from tests.support.activity import contract, follow_up, lead, opportunity, stage
from tests.support.factories import account, create, staff
from tests.support.loop import completed_job, world


async def timeline(api, who, account_id, expect=200, **query):
    response = await api.get(
        f"/api/accounts/{account_id}/timeline", params=query, headers=who.headers
    )
    assert response.status_code == expect, response.text
    return response.json()


async def everything(api, who, account_id, limit=50):
    items, cursor = [], None
    while True:
        query = {"limit": limit, **({"before": cursor} if cursor else {})}
        page = await timeline(api, who, account_id, **query)
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items


async def test_every_kind_newest_first(api):
    w = await world(api)
    rep = await staff(api, "rep")
    site = w.account["id"]
    await db.execute("UPDATE account SET owner = $2 WHERE id = $1", site, rep.id)
    job = await completed_job(api, w)
    await api.post(f"/api/public/devices/{w.token}/requests/{job}/rating", json={"score": 2})
    await follow_up(api, rep, account_id=site, content="Called the buyer")
    visit = await create(
        api, rep, "/api/visits", {"account_id": site, "planned_at": clock.now_utc().isoformat()}
    )
    point = {"lat": w.account["lat"], "lng": w.account["lng"], "accuracy": 10}
    await api.post(f"/api/visits/{visit['id']}/check-in", json=point, headers=rep.headers)
    await api.post(
        f"/api/visits/{visit['id']}/check-out", json={"outcome": "quote"}, headers=rep.headers
    )
    await lead(rep.id, account=site)
    deal = await opportunity(site, rep.id)
    first, second = await stage("open", 1), await stage("open", 2)
    await db.execute(
        """INSERT INTO opportunity_stage_change (opportunity, from_stage, to_stage, actor, at)
           VALUES ($1, NULL, $2, $4, now()), ($1, $2, $3, $4, now())""",
        deal,
        first,
        second,
        rep.id,
    )
    signed = await contract(site, rep.id)
    await db.execute(
        "INSERT INTO contract_event (contract, kind, actor) VALUES ($1, 'activated', $2)",
        signed,
        w.admin.id,
    )
    await db.execute(
        """INSERT INTO payment (contract, amount, received_on, method, recorded_by)
           VALUES ($1, 50000, current_date, 'bank_transfer', $2)""",
        signed,
        w.admin.id,
    )
    await db.execute(
        """INSERT INTO pool_move (account, kind, from_owner, to_owner, actor)
           VALUES ($1, 'assigned', NULL, $2, $3)""",
        site,
        rep.id,
        w.admin.id,
    )
    task = await create(
        api,
        rep,
        "/api/tasks",
        {"title": "Send the quote", "due_at": clock.now_utc().isoformat(), "account_id": site},
    )
    await api.post(f"/api/tasks/{task['id']}/done", headers=rep.headers)

    await db.execute(
        """INSERT INTO work_order_photo (work_order, stage, content_type, width, height, data)
           VALUES ($1, 'after', 'image/png', 1, 1, '\\x00')""",
        job,
    )

    items = await everything(api, w.supervisor, site)
    kinds = {i["kind"] for i in items}
    assert kinds == {
        "follow_up",
        "visit",
        "lead",
        "stage_change",
        "contract",
        "payment",
        "work_order",
        "rating",
        "photo",
        "pool_move",
        "task",
    }
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
    [rating] = [i for i in items if i["kind"] == "rating"]
    assert rating["ref"] == {"type": "work_order", "id": job}
    assert rating["data"]["score"] == 2
    events = [i["data"]["event"] for i in items if i["kind"] == "work_order"]
    assert "completed" in events
    assert "rated" not in events  # the rating says it
    [service] = [i for i in items if i["kind"] == "follow_up" and i["data"]["method"] == "service"]
    assert service["summary"] == "service: Replaced the fan"
    [change] = [i for i in items if i["summary"].endswith("Stage 1 → Stage 2")]
    assert change["ref"] == {"type": "opportunity", "id": deal}
    assert change["actor"].startswith("Rep ")
    assert change["data"]["to_stage"] == "Stage 2"

    # The rep sees what he may see of each object: no work orders or ratings.
    his = {i["kind"] for i in await everything(api, rep, site)}
    assert his == kinds - {"work_order", "rating", "photo"}
    [photo] = [i for i in items if i["kind"] == "photo"]
    assert photo["data"]["url"].startswith(f"/api/work-orders/{job}/photos/")


async def test_paging_across_equal_timestamps(api):
    rep = await staff(api, "rep")
    site = await account(api, rep)
    same = clock.now_utc().replace(microsecond=0) - timedelta(hours=1)
    for n in range(7):
        await follow_up(api, rep, account_id=site["id"], content=f"call {n}")
    await db.execute("UPDATE follow_up SET at = $1", same)
    await db.execute(
        """INSERT INTO pool_move (account, kind, to_owner, actor, at)
           SELECT $1, 'assigned', $2, $2, $3 FROM generate_series(1, 3)""",
        site["id"],
        rep.id,
        same,
    )
    await follow_up(api, rep, account_id=site["id"], content="the newest")

    whole = (await timeline(api, rep, site["id"], limit=200))["items"]
    assert len(whole) == 11
    assert whole[0]["summary"] == "call: the newest"
    for size in (1, 2, 3, 4, 10):
        paged = await everything(api, rep, site["id"], limit=size)
        assert [(i["kind"], i["id"]) for i in paged] == [(i["kind"], i["id"]) for i in whole]
    # A page ends where the next begins, even inside the run of equal times.
    first = await timeline(api, rep, site["id"], limit=4)
    second = await timeline(api, rep, site["id"], limit=4, before=first["next"])
    assert first["items"][-1]["at"] == second["items"][0]["at"]
    assert {i["id"] for i in first["items"] if i["kind"] == "follow_up"}.isdisjoint(
        i["id"] for i in second["items"] if i["kind"] == "follow_up"
    )


@pytest.mark.parametrize("cursor", ["nonsense", "eA", "MjAyNnx4fDE"])
async def test_a_bad_cursor_is_400_naming_before(api, cursor):
    rep = await staff(api, "rep")
    site = await account(api, rep)
    body = await timeline(api, rep, site["id"], expect=400, before=cursor)
    assert body["errors"][0]["field"] == "before"


async def test_who_reads_a_timeline(api):
    rep, other, engineer = [await staff(api, r) for r in ("rep", "rep", "engineer")]
    site = await account(api, rep)
    await timeline(api, other, site["id"], expect=404)
    await timeline(api, engineer, site["id"], expect=403)
    await timeline(api, rep, 99999, expect=404)
