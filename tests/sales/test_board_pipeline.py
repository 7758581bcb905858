"""The sales board's pipeline figures (GET /api/boards/sales/pipeline): the funnel by stage and
rep, the weighted forecast by expected-close month, win rate and cycle days, payments due,
received and overdue by month, and pool moves per rep."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from backend import clock, db
from tests.support.factories import account, create, team


async def test_funnel_forecast_wins_payments_and_pool(api):
    people = await team(api)
    rep, other, boss = people["rep"], people["other_rep"], people["supervisor"]
    stages = {
        s["kind"] + str(s["probability"]): s["id"]
        for s in (await api.get("/api/stages", headers=rep.headers)).json()
    }
    acc = await account(api, rep)
    theirs = await account(api, other)
    day = clock.today()
    close = (day.replace(day=1) + timedelta(days=40)).replace(day=15)
    deal = {"amount": "100000", "expected_close": close.isoformat()}
    a = await create(api, rep, "/api/opportunities", {**deal, "account_id": acc["id"], "name": "A"})
    b = await create(api, rep, "/api/opportunities", {**deal, "account_id": acc["id"], "name": "B"})
    c = await create(
        api, other, "/api/opportunities", {**deal, "account_id": theirs["id"], "name": "C"}
    )
    await api.patch(
        f"/api/opportunities/{b['id']}", json={"stage_id": stages["open50"]}, headers=rep.headers
    )
    await api.patch(
        f"/api/opportunities/{c['id']}", json={"stage_id": stages["won100"]}, headers=other.headers
    )
    lost = await api.patch(
        f"/api/opportunities/{a['id']}",
        json={"stage_id": stages["lost0"], "lost_reason": "price"},
        headers=rep.headers,
    )
    assert lost.status_code == 200
    # C took 10 days from creation to won.
    await db.execute(
        "UPDATE opportunity SET created_at = closed_at - interval '10 days' WHERE id = $1", c["id"]
    )
    past = (day - timedelta(days=5)).isoformat()
    contract = await create(
        api,
        other,
        "/api/contracts",
        {
            "account_id": theirs["id"],
            "number": "P-1",
            "title": "T",
            "amount": "3000",
            "starts_on": past,
            "ends_on": (day + timedelta(days=300)).isoformat(),
            "payment_plan": [
                {"due_on": past, "amount": "1000"},
                {"due_on": past, "amount": "2000"},
            ],
        },
    )
    await api.post(f"/api/contracts/{contract['id']}/submit", headers=other.headers)
    await api.post(
        f"/api/contracts/{contract['id']}/payments",
        json={"amount": "1500", "received_on": day.isoformat(), "method": "cash"},
        headers=other.headers,
    )
    pooled = await account(api, people["admin"])
    await api.post(f"/api/accounts/{pooled['id']}/claim", headers=rep.headers)
    await api.post(
        f"/api/accounts/{pooled['id']}/release", json={"reason": "x"}, headers=rep.headers
    )

    board = await api.get("/api/boards/sales/pipeline", headers=boss.headers)
    assert board.status_code == 200, board.text
    body = board.json()
    funnel = {f["stage_id"]: (f["count"], f["amount"]) for f in body["funnel"]}
    assert funnel[stages["open50"]] == (1, "100000.00")
    assert funnel[stages["won100"]] == (1, "100000.00")
    assert funnel[stages["lost0"]] == (1, "100000.00")
    assert funnel[stages["open10"]] == (0, "0.00")
    assert {(r["owner_id"], r["stage_id"]) for r in body["funnel_by_rep"]} == {
        (rep.id, stages["open50"]),
        (rep.id, stages["lost0"]),
        (other.id, stages["won100"]),
    }
    forecast = {m["month"]: m for m in body["forecast"]}
    assert Decimal(forecast[close.strftime("%Y-%m")]["weighted"]) == Decimal("50000")
    assert Decimal(forecast[day.strftime("%Y-%m")]["won"]) == Decimal("100000")
    assert (body["won"], body["lost"], body["win_rate"]) == (1, 1, 0.5)
    assert body["cycle_days"] == 10.0
    assert sum(Decimal(m["due"]) for m in body["payments"]) == Decimal("3000")
    assert sum(Decimal(m["received"]) for m in body["payments"]) == Decimal("1500")
    assert sum(Decimal(m["overdue"]) for m in body["payments"]) == Decimal("1500")
    pool = {p["user_id"]: p for p in body["pool"]}
    assert (pool[rep.id]["claimed"], pool[rep.id]["released"]) == (1, 1)
    mine = await api.get(f"/api/boards/sales/pipeline?owner_id={rep.id}", headers=boss.headers)
    assert mine.json()["won"] == 0
    bad = await api.get("/api/boards/sales/pipeline?owner_id=99999", headers=boss.headers)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "owner_id"


async def test_the_sales_board_page_shows_the_funnel_in_both_languages(api):
    people = await team(api)
    rep = people["rep"]
    acc = await account(api, rep)
    await create(
        api,
        rep,
        "/api/opportunities",
        {"account_id": acc["id"], "name": "D", "amount": "1000", "expected_close": "2027-01-01"},
    )
    for lang, words in (("en", ("Funnel", "Initial contact")), ("zh-CN", ("销售漏斗", "初步接洽"))):
        page = await api.get(f"/boards/sales?lang={lang}", headers=people["supervisor"].headers)
        assert page.status_code == 200, page.text[:300]
        for word in words:
            assert word in page.text
        assert 'id="forecast"' in page.text
