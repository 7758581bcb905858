"""What sales tells the rest: webhook events in the change's own transaction, and a converted
lead's follow-ups carried over to its account (and counted by its score while recent)."""

from __future__ import annotations

from backend import db, tasks
from backend.clock import today
from tests.support.factories import create, team

EVENTS = [
    "lead.created",
    "lead.converted",
    "opportunity.stage_changed",
    "opportunity.won",
    "contract.activated",
    "payment.received",
]


async def test_the_sales_cycle_emits_its_events_and_carries_follow_ups(api):
    rep = (await team(api))["rep"]
    await db.execute(
        "INSERT INTO webhook (url, events, secret) VALUES ('http://192.0.2.1/hook', $1, 's')",
        EVENTS,
    )
    lead = await create(api, rep, "/api/leads", {"name": "Li", "company": "Plum Hotel"})
    followed = await api.post(
        "/api/follow-ups",
        json={"lead_id": lead["id"], "method": "call", "content": "Wants a quote"},
        headers=rep.headers,
    )
    assert followed.status_code == 201, followed.text
    scored = (await api.get(f"/api/leads/{lead['id']}", headers=rep.headers)).json()
    assert "recent_work" in {r["code"] for r in scored["score_reasons"]}
    day = today().isoformat()
    done = await api.post(
        f"/api/leads/{lead['id']}/convert",
        json={"opportunity": {"name": "Boilers", "amount": "5000", "expected_close": day}},
        headers=rep.headers,
    )
    assert done.status_code == 200, done.text
    account_id = done.json()["account_id"]
    carried = await db.fetchval("SELECT account FROM follow_up WHERE lead = $1", lead["id"])
    assert carried == account_id
    won = await db.fetchval("SELECT id FROM stage WHERE kind = 'won'")
    await api.patch(
        f"/api/opportunities/{done.json()['opportunity_id']}",
        json={"stage_id": won},
        headers=rep.headers,
    )
    contract = await create(
        api,
        rep,
        "/api/contracts",
        {
            "account_id": account_id,
            "number": "E-1",
            "title": "Boilers",
            "amount": "5000",
            "starts_on": day,
            "ends_on": day,
            "payment_plan": [{"due_on": day, "amount": "5000"}],
        },
    )
    await api.post(f"/api/contracts/{contract['id']}/submit", headers=rep.headers)
    await api.post(
        f"/api/contracts/{contract['id']}/payments",
        json={"amount": "5000", "received_on": day, "method": "wechat"},
        headers=rep.headers,
    )
    await tasks.drain()  # the sends try (and give up on) the documentation address
    sent = await db.fetch("SELECT event_type, body FROM webhook_delivery ORDER BY id")
    assert [r["event_type"] for r in sent] == [
        "lead.created",
        "lead.converted",
        "opportunity.stage_changed",
        "opportunity.won",
        "contract.activated",
        "payment.received",
    ]
    assert '"amount":"5000.00"' in sent[-1]["body"]
