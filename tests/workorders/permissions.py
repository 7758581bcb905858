"""Permission rows of work orders: the staff's API and the customer's requests by QR token
(run by tests/test_permissions.py)."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import Staff, create
from tests.support.matrix import AUTH, P256DH, Case, World

JOB = "/api/work-orders/{work_order_id}"
PUBLIC = "/api/public/devices/{token}"

SLA_TARGETS = {
    "urgent": {"respond_hours": 2, "resolve_hours": 8},
    "high": {"respond_hours": 4, "resolve_hours": 24},
    "normal": {"respond_hours": 8, "resolve_hours": 48},
}

CASES = [
    # The SLA targets: managers read them, admins change them.
    Case("GET", "/api/settings/sla", (401, 200, 200, 403, 403)),
    Case("PUT", "/api/settings/sla", (401, 200, 403, 403, 403), SLA_TARGETS),
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
    Case(
        "GET",
        "/api/work-orders/{job}/candidates",
        (401, 200, 200, 403, 403),
        route="/api/work-orders/{work_order_id}/candidates",
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
]


async def _offered_job(api: AsyncClient, supervisor: Staff, device_id: int, engineer: int) -> int:
    """A job on the device offered to the engineer by the supervisor (nobody is on duty)."""
    body = {"device_id": device_id, "description": "Stopped working"}
    made = await create(api, supervisor, "/api/work-orders", body)
    response = await api.post(
        f"/api/work-orders/{made['id']}/assign",
        json={"engineer_id": engineer},
        headers=supervisor.headers,
    )
    assert response.status_code == 200, response.text
    return int(made["id"])


async def world(api: AsyncClient, w: World) -> None:
    """A job offered to the engineer on the own device, another to the other engineer."""
    supervisor = w.people["supervisor"]
    w.ids["job"] = await _offered_job(api, supervisor, w.ids["own_device"], w.ids["engineer"])
    w.ids["foreign_job"] = await _offered_job(
        api, supervisor, w.ids["foreign_device"], w.ids["other_engineer"]
    )
