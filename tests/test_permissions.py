"""The permission matrix: every endpoint × every role × own/foreign object, exact status codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from backend.app import create_app
from backend.push import service as push
from tests.factories import account, create, device, product, team

ROLES = ("anonymous", "admin", "supervisor", "rep", "engineer")


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # formatted with the world's ids
    expected: tuple[int, int, int, int, int]  # anonymous, admin, supervisor, rep, engineer
    body: Any = None
    route: str = ""  # the route template, when path has a query string or concrete values

    @property
    def template(self) -> str:
        return self.route or self.path


# A browser subscription's keys (RFC 8291, appendix A).
P256DH = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
JOB = "/api/work-orders/{work_order_id}"
PUBLIC = "/api/public/devices/{token}"
ROUTE = "/api/users/{user_id}/route"
VISIT = "/api/visits/{visit_id}"
USER = {
    "name": "New Person",
    "email": "new.person@example.test",
    "password": "long-enough-1",
    "role": "rep",
}

MATRIX = [
    Case(
        "POST",
        "/api/auth/login",
        (200,) * 5,
        {"email": "{admin_email}", "password": "correct-horse-9"},
    ),
    Case("POST", "/api/auth/logout", (401, 204, 204, 204, 204)),
    Case("GET", "/api/me", (401, 200, 200, 200, 200)),
    Case("POST", "/api/users", (401, 201, 403, 403, 403), USER),
    Case("GET", "/api/users", (401, 200, 200, 403, 403)),
    Case("GET", "/api/users/{rep}", (401, 200, 200, 200, 404), route="/api/users/{user_id}"),
    Case("GET", "/api/users/{engineer}", (401, 200, 200, 404, 200), route="/api/users/{user_id}"),
    Case(
        "PATCH",
        "/api/users/{rep}",
        (401, 200, 403, 403, 403),
        {"name": "Renamed"},
        route="/api/users/{user_id}",
    ),
    Case(
        "POST",
        "/api/zones",
        (401, 201, 403, 403, 403),
        {"name": "Jing'an", "boundary": [[31.2, 121.4], [31.3, 121.4], [31.3, 121.5]]},
    ),
    Case("GET", "/api/zones", (401, 200, 200, 403, 403)),
    Case("POST", "/api/accounts", (401, 201, 201, 201, 403), {"name": "Brand New Co"}),
    Case("GET", "/api/accounts", (401, 200, 200, 200, 403)),
    Case(
        "GET",
        "/api/accounts/{own_account}",
        (401, 200, 200, 200, 403),
        route="/api/accounts/{account_id}",
    ),
    Case(
        "GET",
        "/api/accounts/{foreign_account}",
        (401, 200, 200, 404, 403),
        route="/api/accounts/{account_id}",
    ),
    Case(
        "GET",
        "/api/accounts/{pool_account}",
        (401, 200, 200, 200, 403),
        route="/api/accounts/{account_id}",
    ),
    Case(
        "PATCH",
        "/api/accounts/{own_account}",
        (401, 200, 200, 200, 403),
        {"vip": True},
        route="/api/accounts/{account_id}",
    ),
    Case(
        "PATCH",
        "/api/accounts/{foreign_account}",
        (401, 200, 200, 404, 403),
        {"vip": True},
        route="/api/accounts/{account_id}",
    ),
    Case(
        "PATCH",
        "/api/accounts/{pool_account}",
        (401, 200, 200, 403, 403),
        {"vip": True},
        route="/api/accounts/{account_id}",
    ),
    Case(
        "GET",
        "/api/accounts/{own_account}/contacts",
        (401, 200, 200, 200, 403),
        route="/api/accounts/{account_id}/contacts",
    ),
    Case(
        "GET",
        "/api/accounts/{foreign_account}/contacts",
        (401, 200, 200, 404, 403),
        route="/api/accounts/{account_id}/contacts",
    ),
    Case(
        "POST",
        "/api/contacts",
        (401, 201, 201, 201, 403),
        {"account_id": "{own_account}", "name": "A"},
    ),
    Case(
        "POST",
        "/api/contacts",
        (401, 201, 201, 404, 403),
        {"account_id": "{foreign_account}", "name": "A"},
    ),
    Case(
        "POST",
        "/api/contacts",
        (401, 201, 201, 403, 403),
        {"account_id": "{pool_account}", "name": "A"},
    ),
    Case("POST", "/api/products", (401, 201, 403, 403, 403), {"sku": "NEW-1", "name": "New model"}),
    Case("GET", "/api/products", (401, 200, 200, 200, 200)),
    Case("POST", "/api/parts", (401, 201, 403, 403, 403), {"sku": "NP-1", "name": "New part"}),
    Case("GET", "/api/parts", (401, 200, 200, 200, 200)),
    Case(
        "GET",
        "/api/engineers/{engineer}/stock",
        (401, 200, 200, 404, 200),
        route="/api/engineers/{engineer_id}/stock",
    ),
    Case(
        "GET",
        "/api/engineers/{other_engineer}/stock",
        (401, 200, 200, 404, 404),
        route="/api/engineers/{engineer_id}/stock",
    ),
    Case(
        "PUT",
        "/api/engineers/{engineer}/stock",
        (401, 200, 200, 403, 403),
        {"items": [{"part_id": "{part}", "qty": 2}]},
        route="/api/engineers/{engineer_id}/stock",
    ),
    Case(
        "POST",
        "/api/devices",
        (401, 201, 201, 403, 403),
        {"account_id": "{own_account}", "product_id": "{product}", "serial": "NEW-SN"},
    ),
    Case("GET", "/api/devices", (401, 200, 200, 200, 403)),
    Case(
        "GET",
        "/api/devices/{own_device}",
        (401, 200, 200, 200, 403),
        route="/api/devices/{device_id}",
    ),
    Case(
        "GET",
        "/api/devices/{foreign_device}",
        (401, 200, 200, 404, 403),
        route="/api/devices/{device_id}",
    ),
    Case(
        "GET",
        "/api/devices/{own_device}/qr.svg",
        (401, 200, 200, 403, 403),
        route="/api/devices/{device_id}/qr.svg",
    ),
    Case(
        "POST",
        "/api/devices/{own_device}/qr/rotate",
        (401, 200, 403, 403, 403),
        route="/api/devices/{device_id}/qr/rotate",
    ),
    # Work orders: staff see all; an engineer only the job offered or assigned to him.
    Case(
        "POST",
        "/api/work-orders",
        (401, 201, 201, 403, 403),
        {"device_id": "{own_device}", "description": "Noisy fan"},
    ),
    Case("GET", "/api/work-orders", (401, 200, 200, 403, 200)),
    Case("GET", "/api/work-orders/{job}", (401, 200, 200, 403, 200), route=JOB),
    Case("GET", "/api/work-orders/{foreign_job}", (401, 200, 200, 403, 404), route=JOB),
    Case("POST", "/api/work-orders/{job}/accept", (401, 403, 403, 403, 200), route=JOB + "/accept"),
    Case(
        "POST",
        "/api/work-orders/{foreign_job}/accept",
        (401, 403, 403, 403, 404),
        route=JOB + "/accept",
    ),
    Case(
        "POST", "/api/work-orders/{job}/decline", (401, 403, 403, 403, 200), route=JOB + "/decline"
    ),
    Case("POST", "/api/work-orders/{job}/travel", (401, 403, 403, 403, 409), route=JOB + "/travel"),
    Case(
        "POST",
        "/api/work-orders/{job}/arrive",
        (401, 403, 403, 403, 409),
        {"lat": 31.2, "lng": 121.4},
        route=JOB + "/arrive",
    ),
    Case(
        "POST",
        "/api/work-orders/{foreign_job}/complete",
        (401, 403, 403, 403, 404),
        {"resolution": "done"},
        route=JOB + "/complete",
    ),
    Case("POST", "/api/work-orders/{job}/cancel", (401, 200, 200, 403, 403), route=JOB + "/cancel"),
    Case(
        "POST",
        "/api/work-orders/{job}/assign",
        (401, 200, 200, 403, 403),
        {"engineer_id": "{engineer}"},
        route=JOB + "/assign",
    ),
    Case("POST", "/api/dispatch/run", (401, 200, 200, 403, 403)),
    Case("GET", "/api/me/jobs", (401, 403, 403, 403, 200)),
    Case(
        "PUT",
        "/api/me/duty",
        (401, 403, 403, 403, 200),
        {"status": "available", "lat": 31.2, "lng": 121.4},
    ),
    Case(
        "GET",
        "/api/devices/{own_device}/history",
        (401, 200, 200, 200, 403),
        route="/api/devices/{device_id}/history",
    ),
    Case(
        "GET",
        "/api/devices/{foreign_device}/history",
        (401, 200, 200, 404, 403),
        route="/api/devices/{device_id}/history",
    ),
    # The customer side: the QR token is the only key, whoever holds it.
    Case("GET", "/api/public/devices/{own_token}", (200,) * 5, route=PUBLIC),
    Case(
        "POST",
        "/api/public/devices/{own_token}/requests",
        (201,) * 5,
        {"name": "Li", "phone": "13800138000", "description": "It beeps"},
        route=PUBLIC + "/requests",
    ),
    Case(
        "GET",
        "/api/public/devices/{own_token}/requests/{job}",
        (200,) * 5,
        route=PUBLIC + "/requests/{work_order_id}",
    ),
    Case(
        "GET",
        "/api/public/devices/{own_token}/requests/{foreign_job}",
        (404,) * 5,
        route=PUBLIC + "/requests/{work_order_id}",
    ),
    Case(
        "POST",
        "/api/public/devices/{own_token}/requests/{job}/rating",
        (409,) * 5,
        {"score": 5},
        route=PUBLIC + "/requests/{work_order_id}/rating",
    ),
    Case(
        "POST",
        "/api/public/devices/{own_token}/requests/{job}/push",
        (201,) * 5,
        {
            "endpoint": "https://push.example.com/send/customer",
            "keys": {"p256dh": P256DH, "auth": AUTH},
        },
        route=PUBLIC + "/requests/{work_order_id}/push",
    ),
    Case(
        "DELETE",
        "/api/public/devices/{own_token}/requests/{job}/push",
        (404,) * 5,
        {"endpoint": "https://push.example.com/send/nobody"},
        route=PUBLIC + "/requests/{work_order_id}/push",
    ),
    Case(
        "GET", "/q/{own_token}/requests/{job}", (200,) * 5, route="/q/{token}/requests/{request_id}"
    ),
    Case(
        "GET",
        "/q/{own_token}/requests/{foreign_job}",
        (404,) * 5,
        route="/q/{token}/requests/{request_id}",
    ),
    # Web Push: the server key is public; subscriptions belong to the signed-in user.
    Case("GET", "/api/public/push/key", (200,) * 5),
    Case(
        "POST",
        "/api/push/subscriptions",
        (401, 201, 201, 201, 201),
        {"endpoint": "https://push.example.com/send/new", "keys": {"p256dh": P256DH, "auth": AUTH}},
    ),
    Case(
        "DELETE",
        "/api/push/subscriptions",
        (401, 204, 404, 404, 404),
        {"endpoint": "https://push.example.com/send/admin"},
    ),
    # Pages: anonymous visitors are sent to the sign-in page.
    # Wrong role on an app page: sent to one's own home, not refused.
    Case("GET", "/", (302, 200, 200, 302, 302)),
    Case("GET", "/engineer", (302, 302, 302, 302, 200)),
    Case("GET", "/jobs/{job}", (302, 302, 302, 302, 200), route="/jobs/{job_id}"),
    Case("GET", "/rep", (302, 302, 302, 200, 302)),
    Case("GET", "/visits/{own_visit}", (302, 302, 302, 200, 302), route="/visits/{visit_id}"),
    Case("GET", "/rep/accounts", (302, 302, 302, 200, 302)),
    Case("GET", "/rep/route", (302, 302, 302, 200, 302)),
    Case("GET", "/manifest.webmanifest", (200,) * 5),
    Case("GET", "/login", (200,) * 5),
    Case("GET", "/sw.js", (200,) * 5),
    Case("GET", "/vendor/leaflet/leaflet.js", (200,) * 5, route="/vendor/leaflet/{file_path}"),
    Case(
        "GET",
        "/devices/labels?ids={own_device}",
        (302, 200, 200, 403, 403),
        route="/devices/labels",
    ),
    Case("GET", "/q/{own_token}", (200,) * 5, route="/q/{token}"),
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
        {"lat": 31.2304, "lng": 121.4737},
        route=VISIT + "/check-in",
    ),
    Case(
        "POST",
        "/api/visits/{foreign_visit}/check-in",
        (401, 403, 403, 404, 403),
        {"lat": 31.2304, "lng": 121.4737},
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
    # Supervisor boards: supervisors and admins only. The stream is 503 here because this test
    # client skips the app's lifespan, where the live channels start (tests/test_boards_live.py).
    Case("GET", "/api/boards/dispatch", (401, 200, 200, 403, 403)),
    Case(
        "GET",
        "/api/boards/dispatch/engineers/{engineer}",
        (401, 200, 200, 403, 403),
        route="/api/boards/dispatch/engineers/{engineer_id}",
    ),
    Case(
        "GET",
        "/api/boards/dispatch/jobs/{job}",
        (401, 200, 200, 403, 403),
        route="/api/boards/dispatch/jobs/{work_order_id}",
    ),
    Case("GET", "/api/boards/satisfaction", (401, 200, 200, 403, 403)),
    Case(
        "GET",
        "/api/boards/satisfaction/csv?table=engineers",
        (401, 200, 200, 403, 403),
        route="/api/boards/satisfaction/csv",
    ),
    Case("GET", "/api/boards/sales", (401, 200, 200, 403, 403)),
    Case(
        "GET",
        "/api/boards/sales/csv?table=uncontacted",
        (401, 200, 200, 403, 403),
        route="/api/boards/sales/csv",
    ),
    Case("GET", "/api/boards/stream", (401, 503, 503, 403, 403)),
    Case("GET", "/boards/dispatch", (302, 200, 200, 403, 403)),
    Case("GET", "/boards/satisfaction", (302, 200, 200, 403, 403)),
    Case("GET", "/boards/sales", (302, 200, 200, 403, 403)),
    # The back office (backend/access.PAGE_ROLES): signed-out → sign in; other roles → 403 page.
    Case("GET", "/accounts", (302, 200, 200, 403, 403)),
    Case("GET", "/accounts/new", (302, 200, 200, 403, 403)),
    Case(
        "GET",
        "/accounts/{foreign_account}",
        (302, 200, 200, 403, 403),
        route="/accounts/{account_id}",
    ),
    Case("GET", "/devices", (302, 200, 200, 403, 403)),
    Case("GET", "/devices/new", (302, 200, 200, 403, 403)),
    Case(
        "GET", "/devices/{foreign_device}", (302, 200, 200, 403, 403), route="/devices/{device_id}"
    ),
    Case("GET", "/work-orders", (302, 200, 200, 403, 403)),
    Case("GET", "/work-orders/new", (302, 200, 200, 403, 403)),
    Case(
        "GET",
        "/work-orders/{foreign_job}",
        (302, 200, 200, 403, 403),
        route="/work-orders/{work_order_id}",
    ),
    Case(
        "PATCH",
        "/api/devices/{foreign_device}",
        (401, 200, 200, 403, 403),
        {"lat": 31.2, "lng": 121.4},
        route="/api/devices/{device_id}",
    ),
    Case(
        "GET",
        "/api/work-orders/{job}/candidates",
        (401, 200, 200, 403, 403),
        route="/api/work-orders/{work_order_id}/candidates",
    ),
]


def _fill(value: Any, world: dict[str, Any]) -> Any:
    """Replaces "{name}" placeholders in paths and bodies with the world's ids."""
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in world:
            return world[value[1:-1]]
        return value.format(**world)
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


async def _offered_job(api: Any, people: dict[str, Any], device_id: int, engineer_id: int) -> int:
    """A job on the device offered to the engineer by the supervisor (nobody is on duty)."""
    made = await create(
        api,
        people["supervisor"],
        "/api/work-orders",
        {"device_id": device_id, "description": "Stopped working"},
    )
    response = await api.post(
        f"/api/work-orders/{made['id']}/assign",
        json={"engineer_id": engineer_id},
        headers=people["supervisor"].headers,
    )
    assert response.status_code == 200, response.text
    return int(made["id"])


async def _visit(api: Any, rep: Any, account_id: int, planned_at: str) -> int:
    """A visit the rep plans for himself on the account."""
    made = await create(
        api, rep, "/api/visits", {"account_id": account_id, "planned_at": planned_at}
    )
    return int(made["id"])


async def _world(api: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    people = await team(api)
    admin = people["admin"]
    own = await account(api, people["rep"])
    foreign = await account(api, people["other_rep"])
    pool = await account(api, admin)
    model = await product(api, admin)
    part = await create(api, admin, "/api/parts", {"sku": "PT-1", "name": "Valve"})
    own_device = await device(api, admin, own["id"], model["id"])
    foreign_device = await device(api, admin, foreign["id"], model["id"])
    await push.subscribe("https://push.example.com/send/admin", P256DH, AUTH, user_id=admin.id)
    job = await _offered_job(api, people, own_device["id"], people["engineer"].id)
    now = datetime.now(UTC).isoformat()
    own_visit = await _visit(api, people["rep"], own["id"], now)
    foreign_visit = await _visit(api, people["other_rep"], foreign["id"], now)
    checked_in_visit = await _visit(api, people["rep"], own["id"], now)
    checked_in = await api.post(
        f"/api/visits/{checked_in_visit}/check-in",
        json={"lat": 31.2304, "lng": 121.4737},
        headers=people["rep"].headers,
    )
    assert checked_in.status_code == 200, checked_in.text
    foreign_job = await _offered_job(api, people, foreign_device["id"], people["other_engineer"].id)
    ids = {
        "job": job,
        "foreign_job": foreign_job,
        "admin_email": admin.email,
        "rep": people["rep"].id,
        "other_rep": people["other_rep"].id,
        "now": now,
        "own_visit": own_visit,
        "foreign_visit": foreign_visit,
        "checked_in_visit": checked_in_visit,
        "engineer": people["engineer"].id,
        "other_engineer": people["other_engineer"].id,
        "own_account": own["id"],
        "foreign_account": foreign["id"],
        "pool_account": pool["id"],
        "product": model["id"],
        "part": part["id"],
        "own_device": own_device["id"],
        "foreign_device": foreign_device["id"],
        "own_token": own_device["qr_url"].rsplit("/", 1)[1],
    }
    return ids, people


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=lambda c: f"{c.method} {c.path}")
async def test_permission_matrix(api, case: Case, role: str):
    world, people = await _world(api)
    headers = {} if role == "anonymous" else people[role].headers
    kwargs: dict[str, Any] = {"headers": headers}
    if case.body is not None:
        kwargs["json"] = _fill(case.body, world)
    response = await api.request(case.method, _fill(case.path, world), **kwargs)
    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, f"{role}: {response.text[:300]}"


def test_every_route_has_a_row_in_the_matrix():
    app = create_app()
    covered = {(c.method, c.template) for c in MATRIX}
    missing = []
    for route in app.routes:
        for method in getattr(route, "methods", ()):
            if method in ("HEAD", "OPTIONS") or route.path.startswith(("/schema", "/static")):
                continue
            template = re.sub(r":\w+}", "}", route.path)  # {user_id:int} → {user_id}
            if (method, template) not in covered:
                missing.append(f"{method} {template}")
    assert not missing, f"endpoints without a permission row: {missing}"
