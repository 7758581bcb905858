"""The public pool through the HTTP API: claims under the daily cap, the owned cap and the former
owner's cool-down (each at its edge), releases with a reason, managers' assignments, and the
list saying why and since when. Time is moved in the data, never slept."""

from __future__ import annotations

from backend import db
from tests.sales.permissions import POOL_RULES
from tests.support.factories import account, create, team


async def rules(api, admin, **changes):
    response = await api.put(
        "/api/settings/pool", json={**POOL_RULES, **changes}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def pool_accounts(api, admin, n):
    return [await account(api, admin) for _ in range(n)]


async def claim(api, who, account_id):
    return await api.post(f"/api/accounts/{account_id}/claim", headers=who.headers)


async def test_a_claim_makes_it_yours_and_is_recorded(api):
    people = await team(api)
    rep = people["rep"]
    (acc,) = await pool_accounts(api, people["admin"], 1)
    response = await claim(api, rep, acc["id"])
    assert response.status_code == 200, response.text
    assert response.json()["owner_id"] == rep.id
    again = await claim(api, people["other_rep"], acc["id"])
    assert again.status_code == 409  # he saw it in the pool: that it was taken is no secret
    assert again.json()["rule"] == "not_in_pool"
    moves = await api.get(f"/api/accounts/{acc['id']}/pool-moves", headers=rep.headers)
    (move,) = moves.json()
    assert move["kind"] == "claimed"
    assert move["to_owner_name"]


async def test_the_daily_claim_cap_at_its_edge_and_the_next_company_day(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    await rules(api, admin, daily_claim_cap=2)
    first, second, third = await pool_accounts(api, admin, 3)
    listed = await api.get("/api/pool", headers=rep.headers)
    assert listed.json()["claims_left_today"] == 2
    assert (await claim(api, rep, first["id"])).status_code == 200
    assert (await claim(api, rep, second["id"])).status_code == 200
    refused = await claim(api, rep, third["id"])
    assert refused.status_code == 409
    assert refused.json()["rule"] == "daily_claim_cap"
    assert (await api.get("/api/pool", headers=rep.headers)).json()["claims_left_today"] == 0
    # Leads count against the same cap.
    lead = await create(api, admin, "/api/leads", {"name": "L", "owner_id": None})
    assert (
        await api.post(f"/api/leads/{lead['id']}/claim", headers=rep.headers)
    ).status_code == 409
    # The claims were yesterday (in the company's zone): today's cap is whole again.
    await db.execute("UPDATE pool_move SET at = at - interval '1 day'")
    assert (await claim(api, rep, third["id"])).status_code == 200


async def test_the_owned_cap_holds_claims_and_managers_assignments(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    await rules(api, admin, owned_cap=2)
    await account(api, rep)
    pooled = await pool_accounts(api, admin, 2)
    assert (await claim(api, rep, pooled[0]["id"])).status_code == 200  # the second owned
    refused = await claim(api, rep, pooled[1]["id"])
    assert refused.status_code == 409
    assert refused.json()["rule"] == "owned_cap"
    assigned = await api.patch(
        f"/api/accounts/{pooled[1]['id']}", json={"owner_id": rep.id}, headers=admin.headers
    )
    assert assigned.status_code == 409
    assert assigned.json()["rule"] == "owned_cap"
    other = await api.patch(
        f"/api/accounts/{pooled[1]['id']}",
        json={"owner_id": people["other_rep"].id},
        headers=admin.headers,
    )
    assert other.status_code == 200
    moves = await api.get(f"/api/accounts/{pooled[1]['id']}/pool-moves", headers=admin.headers)
    assert [m["kind"] for m in moves.json()] == ["assigned"]


async def test_a_former_owner_waits_out_the_cool_down(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    await rules(api, admin, former_owner_cooldown_days=30)
    acc = await account(api, rep)
    released = await api.post(
        f"/api/accounts/{acc['id']}/release",
        json={"reason": "moved to Hangzhou"},
        headers=rep.headers,
    )
    assert released.status_code == 200
    assert released.json()["pool"] is True
    refused = await claim(api, rep, acc["id"])
    assert refused.status_code == 409
    assert refused.json()["rule"] == "former_owner_cooldown_days"
    assert (await claim(api, people["other_rep"], acc["id"])).status_code == 200
    await api.post(
        f"/api/accounts/{acc['id']}/release",
        json={"reason": "no"},
        headers=people["other_rep"].headers,
    )
    # 29 days later: still inside; 31 days: free.
    await db.execute(
        "UPDATE pool_move SET at = at - interval '29 days' WHERE from_owner = $1", rep.id
    )
    assert (await claim(api, rep, acc["id"])).status_code == 409
    await db.execute(
        "UPDATE pool_move SET at = at - interval '2 days' WHERE from_owner = $1", rep.id
    )
    assert (await claim(api, rep, acc["id"])).status_code == 200


async def test_release_needs_a_reason_and_the_pool_says_why_and_since(api):
    people = await team(api)
    rep = people["rep"]
    acc = await account(api, rep, name="Orchid Dental Clinic")
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        refused = await api.post(
            f"/api/accounts/{acc['id']}/release", json=body, headers=rep.headers
        )
        assert refused.status_code == 400, body
        assert refused.json()["errors"][0]["field"] == "reason"
    await api.post(
        f"/api/accounts/{acc['id']}/release", json={"reason": "closed down"}, headers=rep.headers
    )
    never = await account(api, people["admin"], name="Lotus Printing")
    listed = (await api.get("/api/pool?kind=account", headers=rep.headers)).json()
    assert listed["total"] == 2
    why = {i["id"]: i for i in listed["items"]}
    assert why[acc["id"]]["why"] == "released"
    assert why[acc["id"]]["reason"] == "closed down"
    assert why[acc["id"]]["former_owner_name"]
    assert why[never["id"]]["why"] == "never_owned"
    assert [i["id"] for i in listed["items"]] == [never["id"], acc["id"]]  # newest first
    found = (await api.get("/api/pool?q=lotus", headers=rep.headers)).json()
    assert [i["id"] for i in found["items"]] == [never["id"]]
    bad = await api.get("/api/pool?kind=device", headers=rep.headers)
    assert bad.status_code == 400


async def test_leads_are_claimed_released_and_assigned_like_accounts(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    lead = await create(api, admin, "/api/leads", {"name": "Pool lead", "owner_id": None})
    pooled = (await api.get("/api/pool?kind=lead", headers=rep.headers)).json()
    assert [i["id"] for i in pooled["items"]] == [lead["id"]]
    taken = await api.post(f"/api/leads/{lead['id']}/claim", headers=rep.headers)
    assert taken.json()["owner_id"] == rep.id
    back = await api.post(
        f"/api/leads/{lead['id']}/release", json={"reason": "wrong number"}, headers=rep.headers
    )
    assert back.json()["pool"] is True
    given = await api.post(
        f"/api/leads/{lead['id']}/assign",
        json={"owner_id": people["other_rep"].id},
        headers=admin.headers,
    )
    assert given.json()["owner_id"] == people["other_rep"].id
    moves = await api.get(f"/api/leads/{lead['id']}/pool-moves", headers=admin.headers)
    assert [m["kind"] for m in moves.json()] == ["assigned", "released", "claimed"]
    assert moves.json()[1]["reason"] == "wrong number"
    await rules(api, admin, owned_lead_cap=0)
    capped = await api.post(
        f"/api/leads/{lead['id']}/assign", json={"owner_id": rep.id}, headers=admin.headers
    )
    assert capped.status_code == 409
    assert capped.json()["rule"] == "owned_lead_cap"


async def test_pool_settings_are_checked(api):
    people = await team(api)
    admin = people["admin"]
    defaults = await api.get("/api/settings/pool", headers=people["rep"].headers)
    assert defaults.json()["recycle_days"] == {"A": 30, "B": 15, "C": 7}
    assert defaults.json()["daily_claim_cap"] == 20
    bad = await api.put(
        "/api/settings/pool",
        json={**POOL_RULES, "recycle_days": {"A": 0, "B": 15, "C": 7}},
        headers=admin.headers,
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "recycle_days.A"
    saved = await rules(api, admin, warn_days=5)
    assert saved["warn_days"] == 5


async def test_a_claim_replayed_with_its_idempotency_key_applies_once(api):
    people = await team(api)
    rep = people["rep"]
    (acc,) = await pool_accounts(api, people["admin"], 1)
    headers = {**rep.headers, "Idempotency-Key": "claim-1"}
    first = await api.post(f"/api/accounts/{acc['id']}/claim", headers=headers)
    again = await api.post(f"/api/accounts/{acc['id']}/claim", headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    moves = await db.fetchval("SELECT count(*) FROM pool_move WHERE account = $1", acc["id"])
    assert moves == 1
