"""The office's home says what needs a look today (issue 13): open jobs by SLA, the team's
overdue tasks, payments due (overdue or within a week), low ratings — in both languages."""

from __future__ import annotations

import re
from datetime import date, timedelta

from backend import db
from tests.support.activity import contract, plan_line
from tests.support.factories import account, team
from tests.support.loop import completed_job, file_request, world


async def _task(title: str, assignee: int, hours: float, account_id: int | None, done=False):
    await db.execute(
        """INSERT INTO task (title, due_at, assignee, account, done_at)
           VALUES ($1, now() + make_interval(secs => $2 * 3600), $3, $4,
                   CASE WHEN $5 THEN now() END)""",
        title,
        hours,
        assignee,
        account_id,
        done,
    )


def _section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


async def test_home_lists_the_teams_overdue_tasks_and_payments_due(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    oak = await account(api, admin, name="Oak Dairy", owner_id=rep.id)
    await _task("Call back about the quote", rep.id, -30, oak["id"])
    await _task("Send the brochure", people["other_rep"].id, -2, None)
    await _task("Already done", rep.id, -5, None, done=True)
    await _task("Due tomorrow", rep.id, 20, None)

    today = date.today()
    signed = await contract(oak["id"], rep.id, number="HT-2026-001")
    await plan_line(signed, 1, today - timedelta(days=10))  # overdue
    await plan_line(signed, 2, today + timedelta(days=3), paid=20000)  # due soon, part paid
    await plan_line(signed, 3, today + timedelta(days=40))  # not yet
    await plan_line(signed, 4, today - timedelta(days=20), paid=50000)  # paid in full
    draft = await contract(oak["id"], rep.id, status="draft", number="HT-DRAFT")
    await plan_line(draft, 1, today - timedelta(days=1))  # not signed

    page = await api.get("/", headers=people["supervisor"].headers)
    assert page.status_code == 200
    tasks = _section(page.text, "overdue-tasks")
    assert 'data-total="2"' in tasks
    assert re.findall(r"<strong>([^<]+)</strong>", tasks) == [
        "Call back about the quote",
        "Send the brochure",
    ]
    assert f'href="/accounts/{oak["id"]}"' in tasks

    payments = _section(page.text, "payments-due")
    assert 'data-total="2"' in payments
    assert payments.count("HT-2026-001") == 2
    assert "HT-DRAFT" not in payments
    assert "50,000.00 CNY" in payments
    assert "30,000.00 CNY" in payments
    assert payments.count('class="late"') == 1

    chinese = await api.get("/?lang=zh_CN", headers=people["supervisor"].headers)
    assert "逾期任务" in chinese.text
    assert "应收款项" in chinese.text


async def test_an_empty_day_says_so(api):
    people = await team(api)
    page = await api.get("/", headers=people["admin"].headers)
    assert "No overdue tasks." in page.text
    assert "No payments due." in page.text


async def test_home_puts_breached_jobs_first_and_shows_this_weeks_low_ratings(api):
    w = await world(api)
    rated = await completed_job(api, w)
    response = await api.post(
        f"/api/public/devices/{w.token}/requests/{rated}/rating",
        json={"score": 2, "comment": "Came late"},
    )
    assert response.status_code == 201, response.text
    first = (await file_request(api, w.token, "Fan noise"))["id"]
    late = (await file_request(api, w.token, "No cooling"))["id"]
    # The later one's response window has passed: it is breached, so it leads.
    await db.execute(
        "UPDATE work_order SET respond_by = now() - interval '1 hour' WHERE id = $1", late
    )
    page = await api.get("/", headers=w.supervisor.headers)
    jobs = re.findall(r'class="row-link" href="/work-orders/(\d+)"', page.text)
    assert jobs[:2] == [str(late), str(first)]
    assert str(rated) not in jobs  # done: not open
    ratings = page.text.split('id="ratings-title"', 1)[1].split("</section>", 1)[0]
    assert f'href="/work-orders/{rated}"' in ratings
    assert "Came late" in ratings
