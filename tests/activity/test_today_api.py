"""The rep's Today list: tasks overdue, tasks due later today, claimed but never followed up."""

from __future__ import annotations

from datetime import timedelta

from backend import clock, db
from tests.support.activity import follow_up, lead
from tests.support.factories import account, staff


async def test_the_today_list(api):
    rep, other = await staff(api, "rep"), await staff(api, "rep")
    now = clock.now_utc()
    end_of_day = clock.day_start(clock.company_day(now) + timedelta(days=1))
    bodies = {
        "late": now - timedelta(hours=2),
        "later today": now + (end_of_day - now) / 2,
        "tomorrow": end_of_day + timedelta(hours=1),
    }
    made = {}
    for title, due in bodies.items():
        response = await api.post(
            "/api/tasks", json={"title": title, "due_at": due.isoformat()}, headers=rep.headers
        )
        made[title] = response.json()["id"]
    claimed, contacted = await account(api, rep), await account(api, rep)
    fresh_lead = await lead(rep.id)
    await db.execute(
        "UPDATE account SET claimed_at = now() - interval '1 day' WHERE id = ANY($1)",
        [claimed["id"], contacted["id"]],
    )
    await db.execute(
        "UPDATE lead SET claimed_at = now() - interval '2 days' WHERE id = $1", fresh_lead
    )
    await follow_up(api, rep, account_id=contacted["id"])

    body = (await api.get("/api/me/today", headers=rep.headers)).json()
    assert [t["id"] for t in body["overdue"]["items"]] == [made["late"]]
    assert [t["id"] for t in body["today"]["items"]] == [made["later today"]]
    assert (body["overdue"]["total"], body["today"]["total"]) == (1, 1)
    assert [(u["kind"], u["id"]) for u in body["unfollowed"]["items"]] == [
        ("lead", fresh_lead),
        ("account", claimed["id"]),
    ]
    assert body["unfollowed"]["total"] == 2

    await follow_up(api, rep, lead_id=fresh_lead)
    await api.post(f"/api/tasks/{made['late']}/done", headers=rep.headers)
    body = (await api.get("/api/me/today", headers=rep.headers)).json()
    assert body["overdue"]["items"] == []
    assert [(u["kind"], u["id"]) for u in body["unfollowed"]["items"]] == [
        ("account", claimed["id"])
    ]

    # Another rep's list is his own.
    theirs = (await api.get("/api/me/today", headers=other.headers)).json()
    assert (
        theirs["overdue"]["total"],
        theirs["today"]["total"],
        theirs["unfollowed"]["total"],
    ) == (
        0,
        0,
        0,
    )
