"""Permission rows of maintenance: service contracts (supervisors and admins) and a device's
coverage (run by tests/test_permissions.py)."""

from __future__ import annotations

from datetime import date, timedelta

from httpx import AsyncClient

from tests.support.factories import create
from tests.support.matrix import Case, World

CONTRACT = "/api/service-contracts/{contract_id}"
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
        (401, 200, 200, 200, 403),
        route="/api/devices/{device_id}/coverage",
    ),
    Case(
        "GET",
        "/api/devices/{foreign_device}/coverage",
        (401, 200, 200, 404, 403),
        route="/api/devices/{device_id}/coverage",
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
