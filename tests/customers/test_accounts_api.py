"""The customer base through the HTTP API: accounts, duplicates, the pool, contacts."""

from __future__ import annotations

import pytest

from tests.support.factories import account, create, staff, team


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"name": "上海华东机电有限公司"}, {"name": "上海华东机电 有限责任公司"}),
        ({"name": "上海（华东）机电股份有限公司"}, {"name": "上海华东机电公司"}),
        ({"name": "ＡＣＭＥ　Ｃｏ．，Ｌｔｄ．"}, {"name": "Acme Co., Ltd."}),
        ({"name": "Acme Inc."}, {"name": "  acme  "}),
        ({"name": "Alpha", "phone": "+86 138 0013 8000"}, {"name": "Beta", "phone": "13800138000"}),
        (
            {"name": "Gamma", "phone": "0086-138-0013-8000"},
            {"name": "Delta", "phone": "138 0013 8000"},
        ),
        (
            {"name": "Epsilon", "phone": "+86 21 6412 3456"},
            {"name": "Zeta", "phone": "021-64123456"},
        ),
    ],
)
async def test_likely_duplicate_account_is_409_with_duplicate_of(api, first, second):
    rep = await staff(api, "rep")
    original = await create(api, rep, "/api/accounts", first)
    response = await api.post("/api/accounts", json=second, headers=rep.headers)
    assert response.status_code == 409
    assert response.json()["duplicate_of"] == original["id"]
    forced = await api.post("/api/accounts?force=true", json=second, headers=rep.headers)
    assert forced.status_code == 201
    assert forced.json()["id"] != original["id"]


async def test_different_companies_are_not_duplicates(api):
    rep = await staff(api, "rep")
    await create(
        api, rep, "/api/accounts", {"name": "上海华东机电有限公司", "phone": "13800138000"}
    )
    other = await api.post(
        "/api/accounts",
        json={"name": "上海华西机电有限公司", "phone": "13800138001"},
        headers=rep.headers,
    )
    assert other.status_code == 201


async def test_rep_account_is_his_and_manager_account_without_owner_is_in_the_pool(api):
    people = await team(api)
    mine = await account(api, people["rep"])
    assert mine["owner_id"] == people["rep"].id
    assert mine["pool"] is False
    pooled = await account(api, people["supervisor"])
    assert pooled["owner_id"] is None
    assert pooled["pool"] is True
    listed = await api.get("/api/accounts?pool=true", headers=people["rep"].headers)
    assert [a["id"] for a in listed.json()["items"]] == [pooled["id"]]


async def test_rep_sees_own_and_pool_but_not_other_reps_accounts(api):
    people = await team(api)
    mine = await account(api, people["rep"])
    theirs = await account(api, people["other_rep"])
    pooled = await account(api, people["admin"])
    response = await api.get("/api/accounts", headers=people["rep"].headers)
    assert response.status_code == 200
    ids = {a["id"] for a in response.json()["items"]}
    assert ids == {mine["id"], pooled["id"]}
    assert response.json()["total"] == 2
    hidden = await api.get(f"/api/accounts/{theirs['id']}", headers=people["rep"].headers)
    assert hidden.status_code == 404
    everything = await api.get("/api/accounts", headers=people["supervisor"].headers)
    assert everything.json()["total"] == 3


async def test_rep_cannot_give_an_account_to_someone_else(api):
    people = await team(api)
    response = await api.post(
        "/api/accounts",
        json={"name": "Handed Over Ltd", "owner_id": people["other_rep"].id},
        headers=people["rep"].headers,
    )
    assert response.status_code == 403
    mine = await account(api, people["rep"])
    moved = await api.patch(
        f"/api/accounts/{mine['id']}", json={"owner_id": None}, headers=people["rep"].headers
    )
    assert moved.status_code == 403
    assigned = await api.patch(
        f"/api/accounts/{mine['id']}",
        json={"owner_id": people["other_rep"].id},
        headers=people["supervisor"].headers,
    )
    assert assigned.status_code == 200
    assert assigned.json()["owner_id"] == people["other_rep"].id


async def test_account_update_and_filters(api):
    people = await team(api)
    a = await account(api, people["rep"], grade="B")
    response = await api.patch(
        f"/api/accounts/{a['id']}", json={"grade": "A", "vip": True}, headers=people["rep"].headers
    )
    assert response.status_code == 200
    assert (response.json()["grade"], response.json()["vip"]) == ("A", True)
    await account(api, people["rep"], grade="C")
    only_a = await api.get("/api/accounts?grade=A", headers=people["rep"].headers)
    assert [x["id"] for x in only_a.json()["items"]] == [a["id"]]
    by_name = await api.get(
        "/api/accounts", params={"q": a["name"][:9]}, headers=people["rep"].headers
    )
    assert a["id"] in [x["id"] for x in by_name.json()["items"]]


async def test_pagination_pages_through_every_account_once(api):
    admin = await staff(api, "admin")
    created = [(await account(api, admin))["id"] for _ in range(7)]
    seen: list[int] = []
    for offset in (0, 3, 6):
        page = await api.get(f"/api/accounts?limit=3&offset={offset}", headers=admin.headers)
        body = page.json()
        assert body["total"] == 7
        assert (body["limit"], body["offset"]) == (3, offset)
        seen += [a["id"] for a in body["items"]]
    assert seen == created
    too_big = await api.get("/api/accounts?limit=5000", headers=admin.headers)
    assert too_big.status_code == 400
    assert too_big.json()["errors"][0]["field"] == "limit"


async def test_contacts_belong_to_a_visible_account(api):
    people = await team(api)
    mine = await account(api, people["rep"])
    theirs = await account(api, people["other_rep"])
    body = {"account_id": mine["id"], "name": "张伟", "title": "设备科长", "decision_maker": True}
    contact = await create(api, people["rep"], "/api/contacts", body)
    assert contact["decision_maker"] is True
    listed = await api.get(f"/api/accounts/{mine['id']}/contacts", headers=people["rep"].headers)
    assert [c["id"] for c in listed.json()] == [contact["id"]]
    foreign = await api.post(
        "/api/contacts", json={**body, "account_id": theirs["id"]}, headers=people["rep"].headers
    )
    assert foreign.status_code == 404
