"""Tasks: a person's (to himself, or a manager's to anyone), done and open again; a rule's, at
most one open per rule and object (open_task)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend import db
from backend.activity.tables import ObjectKind
from backend.activity.tasks import Rule, open_task
from tests.support.activity import tasks
from tests.support.factories import account, staff


def at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


async def add(api, who, expect=201, **body):
    response = await api.post(
        "/api/tasks", json={"title": "Send the quote", "due_at": at(2), **body}, headers=who.headers
    )
    assert response.status_code == expect, response.text
    return response.json()


async def test_a_rep_gives_himself_a_task_and_ticks_it_off(api):
    rep = await staff(api, "rep")
    site = await account(api, rep)
    task = await add(api, rep, account_id=site["id"], notes="Include the maintenance plan")
    assert (task["assignee_id"], task["created_by"], task["rule"]) == (rep.id, rep.id, None)
    assert (task["object_kind"], task["account_id"], task["account_name"]) == (
        "account",
        site["id"],
        site["name"],
    )
    assert [t["id"] for t in await tasks(api, rep)] == [task["id"]]
    done = await api.post(f"/api/tasks/{task['id']}/done", headers=rep.headers)
    assert done.status_code == 200
    assert (done.json()["done_by"], done.json()["done_at"] is not None) == (rep.id, True)
    assert await tasks(api, rep) == []
    twice = await api.post(f"/api/tasks/{task['id']}/done", headers=rep.headers)
    assert twice.json()["done_at"] == done.json()["done_at"]  # idempotent
    reopened = await api.post(f"/api/tasks/{task['id']}/undone", headers=rep.headers)
    assert reopened.json()["done_at"] is None
    assert [t["id"] for t in await tasks(api, rep)] == [task["id"]]


async def test_due_windows(api):
    rep = await staff(api, "rep")
    late = await add(api, rep, title="late", due_at=at(-1))
    later = await add(api, rep, title="later", due_at=at(24 * 3))
    everything = [t["id"] for t in await tasks(api, rep)]
    assert everything == [late["id"], later["id"]]  # by due time
    assert [t["id"] for t in await tasks(api, rep, "overdue")] == [late["id"]]
    assert [t["id"] for t in await tasks(api, rep, "upcoming")] == [later["id"]]
    assert (await tasks(api, rep, "overdue"))[0]["overdue"] is True
    bad = await api.get("/api/me/tasks?due=yesterday", headers=rep.headers)
    assert bad.status_code == 400
    assert "due" in bad.text


async def test_who_gives_tasks_to_whom(api):
    supervisor, rep, other = [await staff(api, r) for r in ("supervisor", "rep", "rep")]
    given = await add(api, supervisor, assignee_id=rep.id)
    assert (given["assignee_id"], given["created_by"]) == (rep.id, supervisor.id)
    await add(api, rep, expect=403, assignee_id=other.id)
    # Another rep's task is not found to him; managers tick anyone's.
    assert (
        await api.post(f"/api/tasks/{given['id']}/done", headers=other.headers)
    ).status_code == 404
    assert (await api.get(f"/api/tasks/{given['id']}", headers=other.headers)).status_code == 404
    done = await api.post(f"/api/tasks/{given['id']}/done", headers=supervisor.headers)
    assert done.json()["done_by"] == supervisor.id
    theirs = await account(api, other)
    await add(api, rep, expect=404, account_id=theirs["id"])
    await add(api, rep, expect=400, account_id=theirs["id"], lead_id=1)
    await add(api, supervisor, expect=400, assignee_id=99999)
    await add(api, rep, expect=400, due_at="2030-01-01T10:00:00")


async def test_a_rule_opens_one_task_per_object_while_it_is_open(api):
    rep = await staff(api, "rep")
    site = await account(api, rep)
    due = datetime.now(UTC)
    ref = (ObjectKind.ACCOUNT, site["id"])
    async with db.connection() as conn:
        first = await open_task(conn, Rule.NOT_CONTACTED, ref, rep.id, due, "Call them")
        assert first is not None
        assert await open_task(conn, Rule.NOT_CONTACTED, ref, rep.id, due, "Call them") is None
        # Another rule, or another object, is another task.
        assert await open_task(conn, Rule.NEXT_CONTACT, ref, rep.id, due, "Call back") is not None
    [mine] = [t for t in await tasks(api, rep) if t["rule"] == Rule.NOT_CONTACTED]
    assert mine["id"] == first
    await api.post(f"/api/tasks/{first}/done", headers=rep.headers)
    async with db.connection() as conn:
        second = await open_task(conn, Rule.NOT_CONTACTED, ref, rep.id, due, "Call them")
    assert second is not None
    assert second != first
    # The old one cannot open again beside the new one.
    reopened = await api.post(f"/api/tasks/{first}/undone", headers=rep.headers)
    assert reopened.status_code == 409


async def test_engineers_have_tasks_too(api):
    engineer = await staff(api, "engineer")
    task = await add(api, engineer, title="Restock the van")
    assert [t["id"] for t in await tasks(api, engineer)] == [task["id"]]
