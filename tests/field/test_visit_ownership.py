"""A rep keeps no account through an old visit (issue 10 item 8): once a supervisor moves the
account to another rep, the first rep's past visits stay readable as history, without the
account's address and position, and he can no longer check in or out on them."""

from __future__ import annotations

from backend import db
from tests.support.factories import account, create, team

SITE = {"lat": 31.2304, "lng": 121.4737}


async def test_a_moved_accounts_visits_are_history_for_the_old_rep(api):
    people = await team(api)
    admin, rep_a, rep_b = people["admin"], people["rep"], people["other_rep"]
    acc = await account(api, admin, owner_id=rep_a.id, address="88 Nanjing Rd", **SITE)
    planned = await create(
        api,
        rep_a,
        "/api/visits",
        {"account_id": acc["id"], "planned_at": "2026-12-01T09:00:00+08:00"},
    )
    started = await create(
        api,
        rep_a,
        "/api/visits",
        {"account_id": acc["id"], "planned_at": "2026-12-01T10:00:00+08:00"},
    )
    response = await api.post(
        f"/api/visits/{started['id']}/check-in", json=SITE, headers=rep_a.headers
    )
    assert response.status_code == 200, response.text

    moved = await api.patch(
        f"/api/accounts/{acc['id']}", json={"owner_id": rep_b.id}, headers=admin.headers
    )
    assert moved.status_code == 200, moved.text
    assert (await api.get(f"/api/accounts/{acc['id']}", headers=rep_a.headers)).status_code == 404

    # History: the visit reads, without where the account is.
    seen = await api.get(f"/api/visits/{planned['id']}", headers=rep_a.headers)
    assert seen.status_code == 200, seen.text
    assert (seen.json()["address"], seen.json()["lat"], seen.json()["lng"]) == (None, None, None)
    assert seen.json()["account_id"] == acc["id"]
    listed = await api.get("/api/visits", headers=rep_a.headers)
    assert {v["id"]: v["address"] for v in listed.json()["items"]} == {
        planned["id"]: None,
        started["id"]: None,
    }
    # Managers still see it whole.
    full = await api.get(f"/api/visits/{planned['id']}", headers=people["supervisor"].headers)
    assert full.json()["address"] == "88 Nanjing Rd"

    # No check-in or -out: the account is rep B's, and its last contact must not move.
    before = await db.fetchval("SELECT last_contacted_at FROM account WHERE id = $1", acc["id"])
    response = await api.post(
        f"/api/visits/{planned['id']}/check-in", json=SITE, headers=rep_a.headers
    )
    assert response.status_code == 403, response.text
    response = await api.post(
        f"/api/visits/{started['id']}/check-out", json={"notes": "x"}, headers=rep_a.headers
    )
    assert response.status_code == 403, response.text
    after = await db.fetchval("SELECT last_contacted_at FROM account WHERE id = $1", acc["id"])
    assert after == before

    # Back in the pool, the account is readable again, and so are the visit's details.
    await api.patch(f"/api/accounts/{acc['id']}", json={"owner_id": None}, headers=admin.headers)
    again = await api.get(f"/api/visits/{planned['id']}", headers=rep_a.headers)
    assert again.json()["address"] == "88 Nanjing Rd"
