"""The demo's follow-ups and tasks: derived from its visits and jobs, loaded, and on the reps'
Today lists and the accounts' timelines."""

from __future__ import annotations

from backend import db
from backend.demo.load import DEMO_PASSWORD, load_demo
from tests.support.factories import login

SIZES = {"accounts": 60, "devices": 150, "engineers": 6, "reps": 3}


async def test_the_demo_has_follow_ups_tasks_and_timelines(api):
    await load_demo(3, **SIZES)
    visits = await db.fetchval("SELECT count(*) FROM visit WHERE checkout_at IS NOT NULL")
    jobs = await db.fetchval("SELECT count(*) FROM work_order WHERE completed_at IS NOT NULL")
    made = await db.fetchrow(
        """SELECT count(*) FILTER (WHERE method = 'visit' AND visit IS NOT NULL) AS visits,
                  count(*) FILTER (WHERE method = 'service' AND work_order IS NOT NULL) AS jobs
           FROM follow_up"""
    )
    assert (made["visits"], made["jobs"]) == (visits, jobs)
    # Every open next-contact task is its account owner's, one per account (the index holds).
    wrong = await db.fetchval(
        """SELECT count(*) FROM task t JOIN account a ON a.id = t.account
           WHERE t.rule = 'next_contact' AND t.assignee IS DISTINCT FROM a.owner"""
    )
    assert wrong == 0
    assert await db.fetchval("SELECT count(*) FROM task") > 0

    rep = await db.fetchval(
        "SELECT u.email FROM app_user u JOIN task t ON t.assignee = u.id ORDER BY u.id LIMIT 1"
    )
    token = (await login(api, rep, DEMO_PASSWORD)).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    today = (await api.get("/api/me/today", headers=headers)).json()
    upcoming = (await api.get("/api/me/tasks?due=upcoming", headers=headers)).json()
    assert today["overdue"]["total"] + today["today"]["total"] + upcoming["total"] > 0
    site = await db.fetchval(
        "SELECT t.account FROM task t JOIN app_user u ON u.id = t.assignee "
        "WHERE u.email = $1 LIMIT 1",
        rep,
    )
    timeline = (await api.get(f"/api/accounts/{site}/timeline", headers=headers)).json()
    assert "follow_up" in {i["kind"] for i in timeline["items"]}
