"""Contracts and payments through the HTTP API: the plan adding up, approval at the threshold,
each step recorded, payments applied to the line falling due first, overdue lines, and the
renewal opportunity raised once by the clock (time moved in the data)."""

from __future__ import annotations

from datetime import timedelta

from backend import clock, db, tasks
from backend.sales.payments import apply
from backend.sales.renewals import RENEWALS
from tests.support.factories import account, create, team


def draft(
    account_id, amount="90000", plan=(("2027-01-31", "30000"), ("2027-03-31", "60000")), **kw
):
    return {
        "account_id": account_id,
        "number": kw.pop("number", "HT-2026-001"),
        "title": "Cold room and service",
        "amount": amount,
        "starts_on": "2026-12-01",
        "ends_on": "2027-11-30",
        "payment_plan": [{"due_on": d, "amount": a} for d, a in plan],
        **kw,
    }


async def test_a_small_contract_activates_on_submit(api):
    people = await team(api)
    rep = people["rep"]
    acc = await account(api, rep)
    made = await create(api, rep, "/api/contracts", draft(acc["id"]))
    assert made["status"] == "draft"
    assert made["needs_approval"] is False
    assert [p["line"] for p in made["payment_plan"]] == [1, 2]
    submitted = await api.post(f"/api/contracts/{made['id']}/submit", headers=rep.headers)
    assert submitted.json()["status"] == "active"
    assert [e["kind"] for e in submitted.json()["events"]] == ["submitted", "activated"]
    again = await api.post(f"/api/contracts/{made['id']}/submit", headers=rep.headers)
    assert again.status_code == 409
    assert again.json()["status"] == "active"


async def test_at_the_threshold_a_supervisor_approves_or_rejects_with_a_reason(api):
    people = await team(api)
    rep, boss = people["rep"], people["supervisor"]
    acc = await account(api, rep)
    body = draft(acc["id"], amount="100000", plan=(("2027-01-31", "100000"),))
    made = await create(api, rep, "/api/contracts", body)
    assert made["needs_approval"] is True
    url = f"/api/contracts/{made['id']}"
    pending = await api.post(f"{url}/submit", headers=rep.headers)
    assert pending.json()["status"] == "pending_approval"
    assert (await api.post(f"{url}/approve", json={}, headers=rep.headers)).status_code == 403
    no_reason = await api.post(f"{url}/reject", json={}, headers=boss.headers)
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    rejected = await api.post(
        f"{url}/reject", json={"reason": "discount too deep"}, headers=boss.headers
    )
    assert rejected.json()["status"] == "draft"
    await api.post(f"{url}/submit", headers=rep.headers)
    approved = await api.post(f"{url}/approve", json={"reason": "ok"}, headers=boss.headers)
    assert approved.json()["status"] == "active"
    kinds = [(e["kind"], e["reason"]) for e in approved.json()["events"]]
    assert kinds == [
        ("submitted", None),
        ("rejected", "discount too deep"),
        ("submitted", None),
        ("approved", "ok"),
        ("activated", None),
    ]
    assert all(e["actor_name"] for e in approved.json()["events"])


async def test_the_plan_must_add_up_and_the_number_is_unique(api):
    people = await team(api)
    rep = people["rep"]
    acc = await account(api, rep)
    for body, field in (
        (draft(acc["id"], amount="90001"), "payment_plan"),
        (draft(acc["id"], plan=()), "payment_plan"),
        (
            draft(acc["id"], plan=(("2027-01-01", "0"), ("2027-02-01", "90000"))),
            "payment_plan[0].amount",
        ),
        (draft(acc["id"], ends_on="2026-01-01"), "ends_on"),
        (draft(acc["id"], amount="0", plan=(("2027-01-01", "0.00"),)), "amount"),
    ):
        refused = await api.post("/api/contracts", json=body, headers=rep.headers)
        assert refused.status_code == 400, body
        assert refused.json()["errors"][0]["field"] == field
    await create(api, rep, "/api/contracts", draft(acc["id"]))
    taken = await api.post("/api/contracts", json=draft(acc["id"]), headers=rep.headers)
    assert taken.status_code == 409
    assert taken.json()["field"] == "number"


def test_payments_fill_the_oldest_line_first():
    d = __import__("decimal").Decimal
    assert apply(d("50"), [(d("30"), d("0")), (d("60"), d("0"))]) == [d("30"), d("20")]
    assert apply(d("10"), [(d("30"), d("25")), (d("60"), d("0"))]) == [d("5"), d("5")]


async def test_payments_lines_overdue_received_and_outstanding(api):
    people = await team(api)
    rep = people["rep"]
    acc = await account(api, rep)
    past = (clock.today() - timedelta(days=10)).isoformat()
    later = (clock.today() + timedelta(days=50)).isoformat()
    made = await create(
        api, rep, "/api/contracts", draft(acc["id"], plan=((later, "60000"), (past, "30000")))
    )
    url = f"/api/contracts/{made['id']}"
    early = await api.post(
        f"{url}/payments",
        json={"amount": "1", "received_on": "2026-12-01", "method": "cash"},
        headers=rep.headers,
    )
    assert early.status_code == 409  # a draft takes no payments
    await api.post(f"{url}/submit", headers=rep.headers)
    shown = (await api.get(url, headers=rep.headers)).json()
    assert shown["payment_plan"][0]["due_on"] == past  # line 1 is the one due first
    assert shown["payment_plan"][0]["overdue"] is True
    assert shown["overdue"] == "30000.00"
    paid = await api.post(
        f"{url}/payments",
        json={"amount": "40000", "received_on": "2026-12-03", "method": "bank_transfer"},
        headers=rep.headers,
    )
    assert paid.status_code == 201, paid.text
    shown = (await api.get(url, headers=rep.headers)).json()
    lines = [(p["status"], p["paid"], p["overdue"]) for p in shown["payment_plan"]]
    assert lines == [("paid", "30000.00", False), ("partial", "10000.00", False)]
    assert shown["received"] == "40000.00"
    assert shown["outstanding"] == "50000.00"
    assert shown["overdue"] == "0.00"
    too_much = await api.post(
        f"{url}/payments",
        json={"amount": "50000.01", "received_on": "2026-12-04", "method": "cash"},
        headers=rep.headers,
    )
    assert too_much.status_code == 400
    assert too_much.json()["errors"][0]["field"] == "amount"
    assert (await api.post(f"{url}/complete", headers=rep.headers)).status_code == 409
    await api.post(
        f"{url}/payments",
        json={"amount": "50000", "received_on": "2026-12-05", "method": "alipay"},
        headers=rep.headers,
    )
    done = await api.post(f"{url}/complete", headers=rep.headers)
    assert done.json()["status"] == "completed"
    overdue_list = await api.get("/api/contracts?overdue=true", headers=rep.headers)
    assert overdue_list.json()["total"] == 0


async def test_reps_see_only_their_contracts(api):
    people = await team(api)
    rep, other = people["rep"], people["other_rep"]
    theirs = await account(api, other)
    made = await create(api, other, "/api/contracts", draft(theirs["id"]))
    assert (await api.get(f"/api/contracts/{made['id']}", headers=rep.headers)).status_code == 404
    assert (await api.get("/api/contracts", headers=rep.headers)).json()["total"] == 0
    assert (await api.get("/api/contracts", headers=people["admin"].headers)).json()["total"] == 1


async def test_a_contract_ending_within_60_days_raises_one_renewal(api):
    people = await team(api)
    rep = people["rep"]
    acc = await account(api, rep)
    made = await create(api, rep, "/api/contracts", draft(acc["id"]))
    far = await create(api, rep, "/api/contracts", draft(acc["id"], number="HT-2"))
    for c in (made, far):
        await api.post(f"/api/contracts/{c['id']}/submit", headers=rep.headers)
    # Move time in the data: the first now ends in 59 days, the second in 61.
    day = clock.today()  # the company's
    set_end = "UPDATE contract SET ends_on = $2 WHERE id = $1"
    await db.execute(set_end, made["id"], day + timedelta(days=59))
    await db.execute(set_end, far["id"], day + timedelta(days=61))
    assert await clock.run_job(RENEWALS) == "1 renewal opportunity raised"
    assert await clock.run_job(RENEWALS) == "0 renewal opportunities raised"
    await tasks.drain()  # the owner's push
    deals = (await api.get("/api/opportunities", headers=rep.headers)).json()["items"]
    (renewal,) = deals
    assert renewal["renewal_of"] == made["id"]
    assert renewal["owner_id"] == rep.id
    assert renewal["amount"] == "90000.00"
    assert "续约" in renewal["name"]
