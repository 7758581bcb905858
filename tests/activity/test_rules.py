"""The reminder rules, one clock round at a time, time moved in the data: each opens at most one
task per object, to the right person, once per stretch; each can be switched off."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from backend import clock, db
from backend.activity.rules import apply_rules
from tests.support.activity import (
    contacted_days_ago,
    contract,
    follow_up,
    opportunity,
    plan_line,
    stage,
    tasks,
)
from tests.support.commands import fieldline
from tests.support.factories import account, device, product, staff
from tests.support.loop import completed_job, world


def rule_tasks(found, rule):
    return [t for t in found if t["rule"] == rule]


async def test_accounts_not_contacted_for_their_grades_days(api):
    rep = await staff(api, "rep")
    admin = await staff(api, "admin")
    a_late = await account(api, rep, grade="A")
    a_fresh = await account(api, rep, grade="A")
    b_fresh = await account(api, rep, grade="B")
    c_late = await account(api, rep, grade="C")
    pooled = await account(api, admin, grade="A")
    for site, days in ((a_late, 4), (a_fresh, 2), (b_fresh, 10), (c_late, 31), (pooled, 90)):
        await contacted_days_ago(site["id"], days)

    said = await apply_rules(clock.now_utc())
    assert "not_contacted 2" in said
    found = rule_tasks(await tasks(api, rep), "not_contacted")
    assert sorted(t["object_id"] for t in found) == sorted([a_late["id"], c_late["id"]])
    assert {t["assignee_id"] for t in found} == {rep.id}

    # Another round opens nothing more; ticked off, it is not made again until a contact.
    assert "not_contacted 0" in await apply_rules(clock.now_utc())
    first = next(t for t in found if t["object_id"] == a_late["id"])
    await api.post(f"/api/tasks/{first['id']}/done", headers=rep.headers)
    assert "not_contacted 0" in await apply_rules(clock.now_utc())

    # A follow-up closes the C account's task; the A account, contacted again, gets a new task
    # once four more days pass without one.
    await follow_up(api, rep, account_id=c_late["id"])
    assert rule_tasks(await tasks(api, rep), "not_contacted") == []
    await follow_up(api, rep, account_id=a_late["id"])
    await apply_rules(clock.now_utc() + timedelta(days=2))
    found = rule_tasks(await tasks(api, rep), "not_contacted")
    assert a_late["id"] not in [t["object_id"] for t in found]
    await apply_rules(clock.now_utc() + timedelta(days=4))
    found = rule_tasks(await tasks(api, rep), "not_contacted")
    [again] = [t for t in found if t["object_id"] == a_late["id"]]
    assert again["id"] != first["id"]


async def test_a_planned_next_contact_is_enough(api):
    rep = await staff(api, "rep")
    site = await account(api, rep, grade="A")
    await follow_up(
        api,
        rep,
        account_id=site["id"],
        next_contact_at=(clock.now_utc() + timedelta(days=5)).isoformat(),
    )
    await contacted_days_ago(site["id"], 4)
    assert "not_contacted 0" in await apply_rules(clock.now_utc())


async def test_a_warranty_ending_within_its_days(api):
    rep, admin = await staff(api, "rep"), await staff(api, "admin")
    site = await account(api, rep)
    model = await product(api, admin)
    today = clock.today()
    ending, later, covered = [
        (await device(api, admin, site["id"], model["id"]))["id"] for _ in range(3)
    ]
    for unit, days in ((ending, 10), (later, 40), (covered, 5)):
        await db.execute(
            "UPDATE device SET warranty_until = $2 WHERE id = $1", unit, today + timedelta(days)
        )
    contract_id = await db.fetchval(
        """INSERT INTO service_contract (account, kind, status, starts_on, ends_on, plan_every,
               plan_unit) VALUES ($1, 'maintenance', 'active', $2, $3, 6, 'month') RETURNING id""",
        site["id"],
        today,
        today + timedelta(days=400),
    )
    await db.execute(
        "INSERT INTO service_contract_device (contract, device) VALUES ($1, $2)",
        contract_id,
        covered,
    )
    assert "warranty_ending 1" in await apply_rules(clock.now_utc())
    [task] = rule_tasks(await tasks(api, rep), "warranty_ending")
    assert (task["object_kind"], task["object_id"], task["account_id"]) == (
        "device",
        ending,
        site["id"],
    )
    await api.post(f"/api/tasks/{task['id']}/done", headers=rep.headers)
    assert "warranty_ending 0" in await apply_rules(clock.now_utc())  # once per warranty end


async def test_an_overdue_payment_plan_line(api):
    rep = await staff(api, "rep")
    site = await account(api, rep)
    active = await contract(site["id"], rep.id)
    draft = await contract(site["id"], rep.id, status="draft")
    today = clock.today()
    overdue = await plan_line(active, 1, today - timedelta(days=1))
    await plan_line(active, 2, today - timedelta(days=3), paid=50000)  # paid
    await plan_line(active, 3, today + timedelta(days=30))  # not due
    await plan_line(draft, 1, today - timedelta(days=1))  # not in force
    assert "payment_overdue 1" in await apply_rules(clock.now_utc())
    [task] = rule_tasks(await tasks(api, rep), "payment_overdue")
    assert (task["object_kind"], task["object_id"], task["account_id"]) == (
        "payment_plan",
        overdue,
        site["id"],
    )


async def test_an_opportunity_past_its_expected_close(api):
    rep = await staff(api, "rep")
    site = await account(api, rep)
    today = clock.today()
    late = await opportunity(site["id"], rep.id, close=today - timedelta(days=1))
    won = await stage("won", 9)
    await opportunity(site["id"], rep.id, stage_id=won, close=today - timedelta(days=1))
    await opportunity(site["id"], rep.id, close=today + timedelta(days=1))
    assert "close_overdue 1" in await apply_rules(clock.now_utc())
    [task] = rule_tasks(await tasks(api, rep), "close_overdue")
    assert (task["object_kind"], task["object_id"]) == ("opportunity", late)


async def test_a_bad_rating_goes_to_a_supervisor_and_the_owner(api):
    w = await world(api)
    rep = await staff(api, "rep")
    await db.execute("UPDATE account SET owner = $2 WHERE id = $1", w.account["id"], rep.id)
    job = await completed_job(api, w)
    rated = await api.post(
        f"/api/public/devices/{w.token}/requests/{job}/rating", json={"score": 1}
    )
    assert rated.status_code == 201, rated.text
    said = await apply_rules(clock.now_utc())
    assert "rating_recovery 1" in said
    assert "rating_owner 1" in said
    [recovery] = rule_tasks(await tasks(api, w.supervisor), "rating_recovery")
    [call] = rule_tasks(await tasks(api, rep), "rating_owner")
    for task in (recovery, call):
        assert (task["object_kind"], task["object_id"]) == ("work_order", job)
        assert task["due_at"] > clock.now_utc().isoformat()[:10]  # within 24 h, not yet due
    assert "rating_recovery 0" in await apply_rules(clock.now_utc())


async def test_a_good_rating_opens_nothing(api):
    w = await world(api)
    job = await completed_job(api, w)
    await api.post(f"/api/public/devices/{w.token}/requests/{job}/rating", json={"score": 4})
    said = await apply_rules(clock.now_utc())
    assert "rating_recovery 0" in said


async def test_settings_switch_rules_off_and_change_their_days(api):
    admin, supervisor, rep = [await staff(api, r) for r in ("admin", "supervisor", "rep")]
    shown = await api.get("/api/settings/reminders", headers=supervisor.headers)
    assert shown.status_code == 200
    assert (shown.json()["contact_days_a"], shown.json()["updated_by"]) == (3, None)
    changed = await api.put(
        "/api/settings/reminders",
        json={"contact_days_a": 7, "warranty_enabled": False},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["contact_days_a"], changed.json()["updated_by"]) == (7, admin.id)
    site = await account(api, rep, grade="A")
    await contacted_days_ago(site["id"], 4)
    said = await apply_rules(clock.now_utc())
    assert "not_contacted 0" in said
    assert "warranty_ending" not in said
    await contacted_days_ago(site["id"], 8)
    assert "not_contacted 1" in await apply_rules(clock.now_utc())

    off = await api.put(
        "/api/settings/reminders", json={"contact_enabled": False}, headers=admin.headers
    )
    assert off.json()["contact_days_a"] == 3  # a PUT replaces them all
    bad = await api.put(
        "/api/settings/reminders", json={"contact_days_b": 0}, headers=admin.headers
    )
    assert bad.status_code == 400
    assert "contact_days_b" in bad.text
    refused = await api.put("/api/settings/reminders", json={}, headers=supervisor.headers)
    assert refused.status_code == 403


async def test_clock_once_runs_the_rules_on_the_command_line(api):
    rep = await staff(api, "rep")
    site = await account(api, rep, grade="A")
    await contacted_days_ago(site["id"], 5)
    url = db.engine.config["dsn"]
    result = await asyncio.to_thread(
        fieldline, "clock", "--once", "--job", "reminder-rules", url=url
    )
    assert result.returncode == 0, result.stderr
    assert "reminder-rules: task(s) opened: not_contacted 1" in result.stdout
    [task] = await tasks(api, rep)
    assert (task["rule"], task["object_id"]) == ("not_contacted", site["id"])
