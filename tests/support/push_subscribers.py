"""Subscribers for the push tests: an engineer's browser, a work order to follow, stored rows."""

from __future__ import annotations

from typing import Any

import httpx

from backend import db
from tests.support.factories import Staff, account, device, product, staff
from tests.support.push_receiver import Browser, PushReceiver

SUBSCRIPTIONS = "/api/push/subscriptions"
KEY = "/api/public/push/key"


async def subscribed(api: httpx.AsyncClient, receiver: PushReceiver) -> tuple[Staff, Browser]:
    """An engineer whose browser subscribed to pushes delivered at receiver's /push/1."""
    who, browser = await staff(api, "engineer"), Browser.new()
    endpoint = receiver.url("/push/1")
    body = browser.subscription(endpoint)
    response = await api.post(SUBSCRIPTIONS, json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    assert response.json() == {"endpoint": endpoint}
    return who, browser


async def stored() -> list[dict[str, Any]]:
    rows = await db.fetch('SELECT endpoint, "user", work_order FROM push_subscription ORDER BY id')
    return [dict(r) for r in rows]


async def bare_work_order(api: httpx.AsyncClient) -> int:
    """A bare work order row for the customer-side subscriptions (FK target)."""
    admin = await staff(api, "admin")
    owner = await account(api, admin)
    model = await product(api, admin)
    unit = await device(api, admin, owner["id"], model["id"])
    ids = (unit["id"], owner["id"], model["id"])
    sql = """INSERT INTO work_order (device, account, product, source, description, priority,
                                     status, created_at, updated_at)
             VALUES ($1, $2, $3, 'qr', 'Leaking', 'normal', 'new', now(), now()) RETURNING id"""
    return int(await db.fetchval(sql, *ids))
