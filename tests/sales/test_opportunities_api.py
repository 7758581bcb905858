"""Stages as data and opportunities through the HTTP API: defaults in both languages, the
admin's edit, stage moves recorded, a lost stage needing its reason."""

from __future__ import annotations

from tests.support.factories import account, create, staff, team


async def stages_of(api, who):
    response = await api.get("/api/stages", headers=who.headers)
    assert response.status_code == 200
    return response.json()


async def test_default_stages_in_english_and_chinese(api):
    rep = await staff(api, "rep")
    stages = await stages_of(api, rep)
    assert [(s["name_zh"], s["probability"], s["kind"]) for s in stages] == [
        ("初步接洽", 10, "open"),
        ("需求确认", 30, "open"),
        ("方案报价", 50, "open"),
        ("商务谈判", 70, "open"),
        ("赢单", 100, "won"),
        ("输单", 0, "lost"),
    ]
    assert stages[0]["name"] == "Initial contact"


async def test_admin_edits_stages_and_a_dropped_stage_is_retired(api):
    admin = await staff(api, "admin")
    stages = await stages_of(api, admin)
    kept = [
        {k: s[k] for k in ("id", "name", "name_zh", "probability", "kind")}
        for s in stages
        if s["name"] != "Negotiation"
    ]
    kept.insert(
        1, {"name": "Site survey", "name_zh": "现场勘察", "probability": 20, "kind": "open"}
    )
    response = await api.put("/api/stages", json=kept, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert [s["name"] for s in response.json()][:3] == [
        "Initial contact",
        "Site survey",
        "Needs confirmed",
    ]
    assert "Negotiation" not in {s["name"] for s in response.json()}
    for bad, field in (
        ([{"name": "W", "probability": 90, "kind": "won"}], "[0].probability"),
        ([{"name": "L", "probability": 5, "kind": "lost"}], "[0].probability"),
        ([{"name": "O", "probability": 5, "kind": "open"}], "body"),
    ):
        refused = await api.put("/api/stages", json=bad, headers=admin.headers)
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["field"] == field


async def test_stage_moves_are_recorded_and_lost_needs_a_reason(api):
    rep = await staff(api, "rep")
    acc = await account(api, rep)
    stages = {s["kind"] + str(s["probability"]): s["id"] for s in await stages_of(api, rep)}
    deal = await create(
        api,
        rep,
        "/api/opportunities",
        {
            "account_id": acc["id"],
            "name": "Chillers",
            "amount": 88000,
            "expected_close": "2027-02-01",
        },
    )
    assert deal["probability"] == 10
    assert deal["currency"] == "CNY"
    url = f"/api/opportunities/{deal['id']}"
    moved = await api.patch(url, json={"stage_id": stages["open50"]}, headers=rep.headers)
    assert moved.json()["stage_name_zh"] == "方案报价"
    refused = await api.patch(url, json={"stage_id": stages["lost0"]}, headers=rep.headers)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "lost_reason"
    lost = await api.patch(
        url, json={"stage_id": stages["lost0"], "lost_reason": "price"}, headers=rep.headers
    )
    assert lost.json()["lost_reason"] == "price"
    assert lost.json()["closed_at"] is not None
    won = await api.patch(url, json={"stage_id": stages["won100"]}, headers=rep.headers)
    assert won.json()["lost_reason"] is None
    assert won.json()["contract_due"] is True
    history = won.json()["history"]
    assert [h["to_stage_id"] for h in history] == [
        stages["open10"],
        stages["open50"],
        stages["lost0"],
        stages["won100"],
    ]
    assert history[2]["lost_reason"] == "price"
    assert all(h["actor_name"] for h in history)


async def test_reps_see_their_own_pipeline_and_bad_amounts_are_400(api):
    people = await team(api)
    rep, other = people["rep"], people["other_rep"]
    mine = await account(api, rep)
    theirs = await account(api, other)
    body = {"name": "D", "amount": "10.50", "expected_close": "2027-01-01"}
    await create(api, rep, "/api/opportunities", {**body, "account_id": mine["id"]})
    await create(api, other, "/api/opportunities", {**body, "account_id": theirs["id"]})
    listed = await api.get("/api/opportunities", headers=rep.headers)
    assert listed.json()["total"] == 1
    everything = await api.get("/api/opportunities?open=true", headers=people["admin"].headers)
    assert everything.json()["total"] == 2
    for amount in ("-1", "1.001", "1e20", "NaN"):
        bad = await api.post(
            "/api/opportunities",
            json={**body, "amount": amount, "account_id": mine["id"]},
            headers=rep.headers,
        )
        assert bad.status_code == 400, amount
        assert bad.json()["errors"][0]["field"] == "amount"
