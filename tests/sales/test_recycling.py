"""The recycling clock job (`fieldline clock --once --job pool-recycle`): grade days, the warning
warn_days before (a task), the exemptions, leads too. Time is moved in the data, never slept."""

from __future__ import annotations

from backend import clock, db, tasks
from backend.sales.recycling import RECYCLE
from tests.sales.permissions import POOL_RULES
from tests.support.commands import fieldline
from tests.support.factories import account, create, device, product, team


async def quiet_for(account_id: int, days: int) -> None:
    """The account was claimed `days` ago and not contacted since."""
    await db.execute(
        """UPDATE account SET claimed_at = now() - make_interval(days => $2),
               created_at = now() - make_interval(days => $2), last_contacted_at = NULL
           WHERE id = $1""",
        account_id,
        days,
    )


async def run() -> str:
    said = await clock.run_job(RECYCLE)
    assert said is not None
    return said


async def owner_of(account_id: int) -> int | None:
    return await db.fetchval("SELECT owner FROM account WHERE id = $1", account_id)


async def test_grade_days_recycle_and_the_move_says_why(api):
    people = await team(api)
    rep = people["rep"]
    a = await account(api, rep, grade="A")
    b = await account(api, rep, grade="B")
    c = await account(api, rep, grade="C")
    await quiet_for(a["id"], 29)  # A: 30 days, not yet
    await quiet_for(b["id"], 16)  # B: 15 days, gone
    await quiet_for(c["id"], 8)  # C: 7 days, gone
    said = await run()
    assert said.startswith("2 account(s) recycled")
    assert await owner_of(a["id"]) == rep.id
    assert await owner_of(b["id"]) is None
    assert await owner_of(c["id"]) is None
    pool = (await api.get("/api/pool", headers=rep.headers)).json()
    why = {i["id"]: i for i in pool["items"]}
    assert why[b["id"]]["why"] == "recycled"
    assert why[b["id"]]["rule_days"] == 15
    assert why[c["id"]]["rule_days"] == 7
    moves = await api.get(f"/api/accounts/{b['id']}/pool-moves", headers=people["admin"].headers)
    (move,) = moves.json()
    assert move["kind"] == "recycled"
    assert move["actor_name"] is None
    # Run again: nothing more happens.
    assert (await run()).startswith("0 account(s) recycled")


async def test_a_follow_up_restarts_the_count(api):
    people = await team(api)
    rep = people["rep"]
    acc = await account(api, rep, grade="C")
    await quiet_for(acc["id"], 20)
    await db.execute(
        "UPDATE account SET last_contacted_at = now() - interval '2 days' WHERE id = $1", acc["id"]
    )
    await run()
    assert await owner_of(acc["id"]) == rep.id


async def test_the_owner_is_warned_once_with_a_task_before(api):
    people = await team(api)
    rep = people["rep"]
    acc = await account(api, rep, grade="B")
    await quiet_for(acc["id"], 13)  # due in 2 days; warn_days 3
    assert "1 warned" in (await run()).split(";")[0]
    task = await db.fetchrow(
        "SELECT assignee, rule, due_at FROM task WHERE object_kind = 'account' AND object_id = $1",
        acc["id"],
    )
    assert task["assignee"] == rep.id
    assert task["rule"] == "pool_recycle"
    assert "0 warned" in (await run()).split(";")[0]  # once per quiet stretch
    await tasks.drain()  # the owner's push
    assert await owner_of(acc["id"]) == rep.id
    await quiet_for(acc["id"], 16)
    await run()
    assert await owner_of(acc["id"]) is None
    done = await db.fetchval(
        "SELECT done_at IS NOT NULL FROM task WHERE object_kind = 'account' AND object_id = $1",
        acc["id"],
    )
    assert done


async def test_exemptions_hold_and_are_settings(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    with_deal = await account(api, rep, grade="C")
    with_job = await account(api, rep, grade="C")
    await create(
        api,
        rep,
        "/api/opportunities",
        {"account_id": with_deal["id"], "name": "D", "amount": 1, "expected_close": "2027-01-01"},
    )
    model = await product(api, admin)
    dev = await device(api, admin, with_job["id"], model["id"])
    await create(api, admin, "/api/work-orders", {"device_id": dev["id"], "description": "Leaking"})
    for acc in (with_deal, with_job):
        await quiet_for(acc["id"], 30)
    await run()
    assert await owner_of(with_deal["id"]) == rep.id
    assert await owner_of(with_job["id"]) == rep.id
    exempt = {"won": True, "open_opportunity": False, "active_contract": True, "open_job": False}
    saved = await api.put(
        "/api/settings/pool", json={**POOL_RULES, "exempt": exempt}, headers=admin.headers
    )
    assert saved.status_code == 200
    await run()
    assert await owner_of(with_deal["id"]) is None
    assert await owner_of(with_job["id"]) is None


async def test_leads_recycle_after_their_days_without_a_follow_up(api):
    people = await team(api)
    rep = people["rep"]
    lead = await create(api, rep, "/api/leads", {"name": "Quiet"})
    await db.execute(
        """UPDATE lead SET claimed_at = now() - interval '8 days',
               created_at = now() - interval '8 days' WHERE id = $1""",
        lead["id"],
    )
    said = await run()
    assert "1 lead(s) recycled" in said
    back = (await api.get(f"/api/leads/{lead['id']}", headers=rep.headers)).json()
    assert back["pool"] is True
    pool = (await api.get("/api/pool?kind=lead", headers=rep.headers)).json()
    assert pool["items"][0]["why"] == "recycled"


async def test_the_command_runs_the_job(api, database_url):
    people = await team(api)
    acc = await account(api, people["rep"], grade="C")
    await quiet_for(acc["id"], 9)
    done = fieldline("clock", "--once", "--job", "pool-recycle", url=database_url)
    assert done.returncode == 0, done.stderr
    assert "1 account(s) recycled" in done.stdout
    assert await owner_of(acc["id"]) is None
