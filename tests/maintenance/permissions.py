"""Permission rows of maintenance: service contracts (supervisors and admins) and a device's
coverage (run by tests/test_permissions.py)."""

from __future__ import annotations

from datetime import date, timedelta

from httpx import AsyncClient

from tests.support.factories import create
from tests.support.matrix import Case, World

CONTRACT = "/api/service-contracts/{contract_id}"
JOB = "/api/work-orders/{work_order_id}"
START = date.today().isoformat()
END = (date.today() + timedelta(days=365)).isoformat()
BODY = {
    "account_id": "{own_account}",
    "kind": "maintenance",
    "starts_on": START,
    "ends_on": END,
    "device_ids": ["{own_device}"],
    "plan": {"every": 3, "unit": "month"},
}

CASES = [
    Case("POST", "/api/service-contracts", (401, 201, 201, 403, 403), BODY),
    Case("GET", "/api/service-contracts", (401, 200, 200, 403, 403)),
    Case("GET", "/api/service-contracts/{contract}", (401, 200, 200, 403, 403), route=CONTRACT),
    Case(
        "POST",
        "/api/service-contracts/{contract}/suspend",
        (401, 200, 200, 403, 403),
        {"reason": "Unpaid"},
        route=CONTRACT + "/suspend",
    ),
    Case(
        "POST",
        "/api/service-contracts/{contract}/resume",
        (401, 409, 409, 403, 403),  # it is active
        route=CONTRACT + "/resume",
    ),
    Case(
        "POST",
        "/api/service-contracts/{contract}/end",
        (401, 200, 200, 403, 403),
        {"reason": "Moved away"},
        route=CONTRACT + "/end",
    ),
    Case(
        "GET",
        "/api/devices/{own_device}/coverage",
        (401, 200, 200, 200, 200),  # the engineer is offered a job on it
        route="/api/devices/{device_id}/coverage",
    ),
    Case(
        "GET",
        "/api/devices/{foreign_device}/coverage",
        (401, 200, 200, 404, 404),
        route="/api/devices/{device_id}/coverage",
    ),
    # Proof of work on the engineer's offered job (world of tests/workorders/permissions.py):
    # photos and pauses need the job taken on (409), reading them needs one to exist (404).
    Case(
        "POST",
        "/api/work-orders/{job}/photos",
        (401, 403, 403, 403, 400),  # a JSON body where the form is expected
        {"stage": "after"},
        route=JOB + "/photos",
    ),
    Case(
        "POST",
        "/api/work-orders/{foreign_job}/photos",
        (401, 403, 403, 403, 400),
        {"stage": "after"},
        route=JOB + "/photos",
    ),
    Case(
        "GET",
        "/api/work-orders/{job}/photos/1",
        (401, 404, 404, 403, 404),
        route=JOB + "/photos/{photo_id}",
    ),
    Case(
        "POST",
        "/api/work-orders/{job}/pause",
        (401, 403, 403, 403, 409),
        {"reason": "Waiting for a part"},
        route=JOB + "/pause",
    ),
    Case(
        "POST",
        "/api/work-orders/{foreign_job}/pause",
        (401, 403, 403, 403, 404),
        {"reason": "Waiting for a part"},
        route=JOB + "/pause",
    ),
    Case("POST", "/api/work-orders/{job}/resume", (401, 403, 403, 403, 409), route=JOB + "/resume"),
    Case("GET", "/api/work-orders/{job}/report", (401, 200, 200, 403, 200), route=JOB + "/report"),
    Case(
        "GET",
        "/api/work-orders/{foreign_job}/report",
        (401, 200, 200, 403, 404),
        route=JOB + "/report",
    ),
    # The engineer's day and his live stream (not running under the in-process client: 503).
    Case("GET", "/api/me/day", (401, 403, 403, 403, 200)),
    Case("GET", "/engineer/jobs", (302, 302, 302, 302, 200)),  # the Jobs tab's page
    Case("GET", "/api/me/events", (401, 403, 403, 403, 503)),
    Case(
        "POST",
        "/api/work-orders/{job}/decline",
        (401, 403, 403, 403, 200),
        {"reason": "too_far"},
        route=JOB + "/decline",
    ),
    # The customer's report: whoever holds the sticker, once the job is done (not yet here).
    Case(
        "GET",
        "/q/{own_token}/requests/{job}/report",
        (404,) * 5,
        route="/q/{token}/requests/{request_id}/report",
    ),
]


async def world(api: AsyncClient, w: World) -> None:
    """A maintenance contract on the own device."""
    made = await create(
        api,
        w.people["supervisor"],
        "/api/service-contracts",
        BODY
        | {
            "account_id": w.ids["own_account"],
            "device_ids": [w.ids["own_device"]],
        },
    )
    w.ids["contract"] = made["id"]
