"""Leads through the HTTP API: capture, who sees what, the duplicate check, the score, and the
conversion that freezes a lead."""

from __future__ import annotations

import pytest

from tests.support.factories import account, create, staff, team


async def lead(api, who, **body):
    return await create(api, who, "/api/leads", {"name": "Wang Fang", **body})


async def test_a_reps_lead_is_his_own_and_new(api):
    rep = await staff(api, "rep")
    made = await lead(api, rep, company="Harbour Cold Chain", phone="139 1111 2222")
    assert made["owner_id"] == rep.id
    assert made["status"] == "new"
    assert made["pool"] is False
    assert 0 <= made["score"] <= 100


async def test_a_manager_puts_a_lead_in_the_pool_or_gives_it_to_a_rep(api):
    people = await team(api)
    pooled = await lead(api, people["supervisor"], owner_id=None)
    assert pooled["owner_id"] is None
    assert pooled["pool"] is True
    given = await lead(api, people["admin"], name="Li", owner_id=people["rep"].id)
    assert given["owner_id"] == people["rep"].id
    moves = await api.get(f"/api/leads/{given['id']}/pool-moves", headers=people["rep"].headers)
    assert [m["kind"] for m in moves.json()] == ["assigned"]


async def test_a_rep_may_not_give_a_lead_away_or_pool_it(api):
    people = await team(api)
    rep = people["rep"]
    for owner in (None, people["other_rep"].id):
        response = await api.post(
            "/api/leads", json={"name": "X", "owner_id": owner}, headers=rep.headers
        )
        assert response.status_code == 403


async def test_reps_see_their_own_and_the_pool_never_a_colleagues(api):
    people = await team(api)
    rep, other = people["rep"], people["other_rep"]
    mine = await lead(api, rep, name="Mine")
    theirs = await lead(api, other, name="Theirs")
    pooled = await lead(api, people["admin"], name="Pooled", owner_id=None)
    listed = await api.get("/api/leads", headers=rep.headers)
    assert listed.status_code == 200
    body = listed.json()
    assert {i["id"] for i in body["items"]} == {mine["id"], pooled["id"]}
    assert body["total"] == 2
    assert (await api.get(f"/api/leads/{theirs['id']}", headers=rep.headers)).status_code == 404
    everything = await api.get("/api/leads", headers=people["supervisor"].headers)
    assert everything.json()["total"] == 3
    only_pool = await api.get("/api/leads?pool=true", headers=rep.headers)
    assert [i["id"] for i in only_pool.json()["items"]] == [pooled["id"]]
    engineer = await api.get("/api/leads", headers=people["engineer"].headers)
    assert engineer.status_code == 403


@pytest.mark.parametrize(
    ("first", "second", "matched_on"),
    [
        ({"phone": "+86 139 0000 1234"}, {"phone": "139-0000-1234"}, "phone"),
        ({"email": "Li.Wei@Example.COM"}, {"email": "li.wei@example.com"}, "email"),
        ({"company": "上海华东机电有限公司"}, {"company": "上海华东机电"}, "company"),
        ({"company": "ＡＣＭＥ　Ｃｏ．，Ｌｔｄ．"}, {"company": "Acme Co. Ltd."}, "company"),
        ({"company": "Acme  Trading Co., Ltd."}, {"company": "acme trading"}, "company"),
    ],
)
async def test_a_duplicate_lead_is_409_with_the_match(api, first, second, matched_on):
    rep = await staff(api, "rep")
    original = await lead(api, rep, **first)
    response = await api.post("/api/leads", json={"name": "B", **second}, headers=rep.headers)
    assert response.status_code == 409, response.text
    (match,) = response.json()["matches"]
    assert match["type"] == "lead"
    assert match["id"] == original["id"]
    assert match["pool"] is False
    assert matched_on in match["matched_on"]


async def test_a_duplicate_of_a_colleagues_customer_says_whose_and_nothing_more(api):
    people = await team(api)
    rep, other = people["rep"], people["other_rep"]
    theirs = await account(api, other, name="深圳南山冷链有限公司", phone="0755 8888 1234")
    await create(
        api,
        other,
        "/api/contacts",
        {"account_id": theirs["id"], "name": "Zhou", "email": "zhou@nanshan.cn"},
    )
    pooled = await account(api, people["admin"], name="Pool Co", phone="13700000000")
    response = await api.post(
        "/api/leads",
        json={
            "name": "Someone",
            "company": "深圳南山冷链",
            "email": "ZHOU@nanshan.cn",
            "phone": "+86 137 0000 0000",
        },
        headers=rep.headers,
    )
    assert response.status_code == 409
    matches = {(m["type"], m["pool"]): m for m in response.json()["matches"]}
    colleague = matches[("account", False)]
    other_name = (await api.get("/api/me", headers=other.headers)).json()["name"]
    assert colleague == {
        "type": "account",
        "id": None,
        "name": None,
        "owner_name": other_name,
        "pool": False,
        "matched_on": ["company"],
    }
    assert matches[("contact", False)]["name"] is None
    assert matches[("account", True)]["id"] == pooled["id"]
    assert "Zhou" not in response.text
    assert "深圳" not in response.text
    # A manager sees the whole match, and may force the lead in.
    managed = await api.post(
        "/api/leads?force=true",
        json={"name": "Someone", "company": "深圳南山冷链", "owner_id": rep.id},
        headers=people["supervisor"].headers,
    )
    assert managed.status_code == 201
    forced_by_rep = await api.post(
        "/api/leads?force=true", json={"name": "S", "company": "深圳南山冷链"}, headers=rep.headers
    )
    assert forced_by_rep.status_code == 403


async def test_the_score_explains_itself(api):
    people = await team(api)
    await account(api, people["admin"], industry="cold chain", district="Pudong")
    bare = await lead(api, people["rep"], name="Bare")
    assert bare["score"] == 0
    assert bare["score_reasons"] == []
    rich = await lead(
        api,
        people["rep"],
        name="Rich",
        company="Rich Co",
        phone="13811112222",
        email="a@rich.cn",
        source="referral",
        industry="cold chain",
        district="Pudong",
    )
    codes = {r["code"]: r["points"] for r in rich["score_reasons"]}
    assert set(codes) == {
        "has_phone",
        "has_email",
        "has_company",
        "known_industry",
        "known_district",
        "source_referral",
    }
    assert rich["score"] == min(100, sum(codes.values()))


async def test_bad_input_is_400_naming_the_field(api):
    rep = await staff(api, "rep")
    for body, field in (
        ({"name": ""}, "name"),
        ({"name": "A", "email": "nope"}, "email"),
        ({"name": "A", "source": "tv"}, "source"),
        ({"name": "A", "company": "!!!"}, "company"),
        ({"name": "A", "lat": 91}, "lat"),
    ):
        response = await api.post("/api/leads", json=body, headers=rep.headers)
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["field"] == field
    made = await lead(api, rep)
    response = await api.patch(
        f"/api/leads/{made['id']}", json={"status": "disqualified"}, headers=rep.headers
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "disqualified_reason"


async def test_a_lead_is_worked_and_disqualified_with_a_reason(api):
    rep = await staff(api, "rep")
    made = await lead(api, rep)
    working = await api.patch(
        f"/api/leads/{made['id']}", json={"status": "working"}, headers=rep.headers
    )
    assert working.json()["status"] == "working"
    dropped = await api.patch(
        f"/api/leads/{made['id']}",
        json={"status": "disqualified", "disqualified_reason": "no budget"},
        headers=rep.headers,
    )
    assert dropped.json()["status"] == "disqualified"
    assert dropped.json()["disqualified_reason"] == "no budget"
    filtered = await api.get("/api/leads?status=disqualified", headers=rep.headers)
    assert filtered.json()["total"] == 1


async def test_conversion_makes_account_contact_and_opportunity_then_freezes(api):
    rep = await staff(api, "rep")
    made = await lead(
        api, rep, company="Jade River Foods Co., Ltd.", phone="13922223333", email="a@jade.cn"
    )
    response = await api.post(
        f"/api/leads/{made['id']}/convert",
        json={
            "opportunity": {"name": "Cold room", "amount": "250000", "expected_close": "2027-03-01"}
        },
        headers=rep.headers,
    )
    assert response.status_code == 200, response.text
    done = response.json()
    assert done["account_reused"] is False
    acc = await api.get(f"/api/accounts/{done['account_id']}", headers=rep.headers)
    assert acc.json()["name"] == "Jade River Foods Co., Ltd."
    assert acc.json()["owner_id"] == rep.id
    contacts = await api.get(f"/api/accounts/{done['account_id']}/contacts", headers=rep.headers)
    assert [c["id"] for c in contacts.json()] == [done["contact_id"]]
    deal = await api.get(f"/api/opportunities/{done['opportunity_id']}", headers=rep.headers)
    assert deal.json()["amount"] == "250000.00"
    assert deal.json()["stage_name_zh"] == "初步接洽"
    frozen = await api.get(f"/api/leads/{made['id']}", headers=rep.headers)
    assert frozen.json()["status"] == "converted"
    assert frozen.json()["account_id"] == done["account_id"]
    for method, path, body in (
        ("PATCH", "", {"notes": "more"}),
        ("POST", "/convert", {}),
        ("POST", "/release", {"reason": "x"}),
    ):
        later = await api.request(
            method, f"/api/leads/{made['id']}{path}", json=body, headers=rep.headers
        )
        assert later.status_code == 409, (path, later.text)


async def test_conversion_reuses_the_owners_account_or_claims_the_pools(api):
    people = await team(api)
    rep = people["rep"]
    own = await account(api, rep, name="Blue Sky Hotel")
    pooled = await account(api, people["admin"], name="Green Leaf Mall", phone="13500000001")
    first = await create(
        api,
        people["admin"],
        "/api/leads?force=true",
        {"name": "A", "company": "Blue Sky Hotel Co Ltd", "owner_id": rep.id},
    )
    second = await create(
        api,
        people["admin"],
        "/api/leads?force=true",
        {"name": "B", "phone": "135 0000 0001", "owner_id": rep.id},
    )
    one = await api.post(f"/api/leads/{first['id']}/convert", json={}, headers=rep.headers)
    assert one.json()["account_id"] == own["id"]
    assert one.json()["account_reused"] is True
    two = await api.post(f"/api/leads/{second['id']}/convert", json={}, headers=rep.headers)
    assert two.json()["account_id"] == pooled["id"]
    claimed = await api.get(f"/api/accounts/{pooled['id']}", headers=rep.headers)
    assert claimed.json()["owner_id"] == rep.id
    moves = await api.get(f"/api/accounts/{pooled['id']}/pool-moves", headers=rep.headers)
    assert [m["kind"] for m in moves.json()] == ["claimed"]


async def test_conversion_stops_at_a_colleagues_customer(api):
    people = await team(api)
    await account(api, people["other_rep"], name="Red Gate Works")
    made = await create(
        api,
        people["admin"],
        "/api/leads?force=true",
        {"name": "A", "company": "Red Gate Works", "owner_id": people["rep"].id},
    )
    response = await api.post(
        f"/api/leads/{made['id']}/convert", json={}, headers=people["rep"].headers
    )
    assert response.status_code == 409
    assert response.json()["matches"][0]["owner_name"]
    assert "Red Gate" not in response.text
