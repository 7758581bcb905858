"""Permission rows of field work: pings, routes, visits (run by tests/test_permissions.py)."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import Staff, account, create
from tests.support.matrix import Case, World

ROUTE = "/api/users/{user_id}/route"
VISIT = "/api/visits/{visit_id}"
SHANGHAI = {"lat": 31.2304, "lng": 121.4737}

CASES = [
    # Field work: pings come from phones in the field; a route is its person's and his managers'.
    Case(
        "POST",
        "/api/me/locations",
        (401, 403, 403, 202, 202),
        {"pings": [{"at": "{now}", "lat": 31.2304, "lng": 121.4737, "accuracy": 8}]},
    ),
    Case("GET", "/api/users/{rep}/route", (401, 200, 200, 200, 404), route=ROUTE),
    Case(
        "GET",
        "/api/users/{engineer}/route?date=2026-01-15",
        (401, 200, 200, 404, 200),
        route=ROUTE,
    ),
    # Visits: a rep plans and works his own; managers see and plan all, but never check in.
    Case(
        "POST",
        "/api/visits",
        (401, 201, 201, 201, 403),
        {"account_id": "{own_account}", "planned_at": "{now}"},
    ),
    Case(
        "POST",
        "/api/visits",
        (401, 201, 201, 404, 403),
        {"account_id": "{foreign_account}", "planned_at": "{now}"},
    ),
    Case(
        "POST",
        "/api/visits",
        (401, 201, 201, 403, 403),
        {"account_id": "{own_account}", "planned_at": "{now}", "rep_id": "{other_rep}"},
    ),
    Case("GET", "/api/visits", (401, 200, 200, 200, 403)),
    Case("GET", "/api/visits/{own_visit}", (401, 200, 200, 200, 403), route=VISIT),
    Case("GET", "/api/visits/{foreign_visit}", (401, 200, 200, 404, 403), route=VISIT),
    Case(
        "POST",
        "/api/visits/{own_visit}/check-in",
        (401, 403, 403, 200, 403),
        SHANGHAI,
        route=VISIT + "/check-in",
    ),
    Case(
        "POST",
        "/api/visits/{foreign_visit}/check-in",
        (401, 403, 403, 404, 403),
        SHANGHAI,
        route=VISIT + "/check-in",
    ),
    Case(
        "POST",
        "/api/visits/{checked_in_visit}/check-out",
        (401, 403, 403, 200, 403),
        {"outcome": "order"},
        route=VISIT + "/check-out",
    ),
    Case(
        "POST",
        "/api/visits/{own_visit}/check-out",
        (401, 403, 403, 409, 403),
        {"outcome": "order"},
        route=VISIT + "/check-out",
    ),
    Case(
        "POST",
        "/api/visits/{foreign_visit}/check-out",
        (401, 403, 403, 404, 403),
        {"outcome": "order"},
        route=VISIT + "/check-out",
    ),
    # The rep's visits on an account since moved to the other rep: history he still reads
    # (without the account's address and position), never a check-in or -out any more.
    Case("GET", "/api/visits/{moved_visit}", (401, 200, 200, 200, 403), route=VISIT),
    Case(
        "POST",
        "/api/visits/{moved_visit}/check-in",
        (401, 403, 403, 403, 403),
        SHANGHAI,
        route=VISIT + "/check-in",
    ),
    Case(
        "POST",
        "/api/visits/{moved_checked_in_visit}/check-out",
        (401, 403, 403, 403, 403),
        {"outcome": "order"},
        route=VISIT + "/check-out",
    ),
]


async def _visit(api: AsyncClient, rep: Staff, account_id: int, planned_at: str) -> int:
    """A visit the rep plans for himself on the account."""
    made = await create(
        api, rep, "/api/visits", {"account_id": account_id, "planned_at": planned_at}
    )
    return int(made["id"])


async def world(api: AsyncClient, w: World) -> None:
    """The rep's visit, the other rep's, and one of the rep's already checked in."""
    rep, now = w.people["rep"], w.ids["now"]
    w.ids["own_visit"] = await _visit(api, rep, w.ids["own_account"], now)
    w.ids["foreign_visit"] = await _visit(api, w.people["other_rep"], w.ids["foreign_account"], now)
    checked_in = await _visit(api, rep, w.ids["own_account"], now)
    response = await api.post(
        f"/api/visits/{checked_in}/check-in", json=SHANGHAI, headers=rep.headers
    )
    assert response.status_code == 200, response.text
    w.ids["checked_in_visit"] = checked_in
    # An account of the rep's with a planned and a checked-in visit, then moved to the other rep.
    moving = await account(api, w.people["admin"], owner_id=rep.id, lat=31.2304, lng=121.4737)
    w.ids["moved_visit"] = await _visit(api, rep, moving["id"], now)
    moved_in = await _visit(api, rep, moving["id"], now)
    response = await api.post(
        f"/api/visits/{moved_in}/check-in", json=SHANGHAI, headers=rep.headers
    )
    assert response.status_code == 200, response.text
    w.ids["moved_checked_in_visit"] = moved_in
    response = await api.patch(
        f"/api/accounts/{moving['id']}",
        json={"owner_id": w.people["other_rep"].id},
        headers=w.people["admin"].headers,
    )
    assert response.status_code == 200, response.text
