"""Permission rows of activity: follow-ups and tasks (run by tests/test_permissions.py)."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.matrix import Case, World

FOLLOW_UP = {"method": "call", "content": "Called"}
TASK = {"title": "Call back", "due_at": "{now}"}
ROUTE = "/api/tasks/{task_id}"
TIMELINE = "/api/accounts/{account_id}/timeline"

CASES = [
    Case("GET", "/api/settings/reminders", (401, 200, 200, 403, 403)),
    Case("PUT", "/api/settings/reminders", (401, 200, 403, 403, 403), {"contact_days_a": 5}),
    Case(
        "POST",
        "/api/follow-ups",
        (401, 201, 201, 201, 403),
        {**FOLLOW_UP, "account_id": "{own_account}"},
    ),
    Case(
        "POST",
        "/api/follow-ups",
        (401, 201, 201, 404, 403),
        {**FOLLOW_UP, "account_id": "{foreign_account}"},
    ),
    Case(
        "POST",
        "/api/follow-ups",
        (401, 201, 201, 403, 403),
        {**FOLLOW_UP, "account_id": "{pool_account}"},
    ),
    Case("GET", "/api/follow-ups", (401, 200, 200, 200, 403)),
    Case(
        "GET",
        "/api/follow-ups?account_id={foreign_account}",
        (401, 200, 200, 200, 403),
        route="/api/follow-ups",
    ),
    Case("GET", "/api/accounts/{own_account}/timeline", (401, 200, 200, 200, 403), route=TIMELINE),
    Case(
        "GET", "/api/accounts/{foreign_account}/timeline", (401, 200, 200, 404, 403), route=TIMELINE
    ),
    Case("GET", "/api/accounts/{pool_account}/timeline", (401, 200, 200, 200, 403), route=TIMELINE),
    Case("GET", "/api/me/tasks", (401, 200, 200, 200, 200)),
    Case("GET", "/api/me/today", (401, 200, 200, 200, 200)),
    Case("GET", "/rep/today", (302, 302, 302, 200, 302)),
    Case("GET", "/api/me/tasks?due=overdue", (401, 200, 200, 200, 200), route="/api/me/tasks"),
    Case("POST", "/api/tasks", (401, 201, 201, 201, 201), TASK),
    Case("POST", "/api/tasks", (401, 201, 201, 201, 404), {**TASK, "account_id": "{own_account}"}),
    Case(
        "POST", "/api/tasks", (401, 201, 201, 404, 404), {**TASK, "account_id": "{foreign_account}"}
    ),
    Case("POST", "/api/tasks", (401, 201, 201, 403, 403), {**TASK, "assignee_id": "{other_rep}"}),
    Case("GET", "/api/tasks/{rep_task}", (401, 200, 200, 200, 404), route=ROUTE),
    Case("GET", "/api/tasks/{other_rep_task}", (401, 200, 200, 404, 404), route=ROUTE),
    Case("POST", "/api/tasks/{rep_task}/done", (401, 200, 200, 200, 404), route=ROUTE + "/done"),
    Case(
        "POST", "/api/tasks/{other_rep_task}/done", (401, 200, 200, 404, 404), route=ROUTE + "/done"
    ),
    Case(
        "POST", "/api/tasks/{rep_task}/undone", (401, 200, 200, 200, 404), route=ROUTE + "/undone"
    ),
]


async def world(api: AsyncClient, world: World) -> None:
    """A task of the rep's and one of the other rep's."""
    for who in ("rep", "other_rep"):
        response = await api.post(
            "/api/tasks",
            json={"title": "Call back", "due_at": world.ids["now"]},
            headers=world.people[who].headers,
        )
        assert response.status_code == 201, response.text
        world.ids[f"{who}_task"] = response.json()["id"]
