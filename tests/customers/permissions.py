"""Permission rows of customers: accounts, contacts, devices (run by tests/test_permissions.py)."""

from __future__ import annotations

from tests.support.matrix import Case

CASES = [
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
    Case(
        "PATCH",
        "/api/devices/{foreign_device}",
        (401, 200, 200, 403, 403),
        {"lat": 31.2, "lng": 121.4},
        route="/api/devices/{device_id}",
    ),
]
