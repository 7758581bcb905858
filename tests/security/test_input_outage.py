"""A database outage answers 503 with Retry-After, never 500: the pool closed, or pointed at a
server that refuses connections."""

from __future__ import annotations

import asyncpg
import pytest

from backend import db
from tests.support.factories import account, device, product, staff


async def _token(api) -> str:
    admin = await staff(api, "admin")
    acc = await account(api, admin)
    dev = await device(api, admin, acc["id"], (await product(api, admin))["id"])
    return str(dev["qr_url"].rsplit("/", 1)[1])


def _is_outage(response) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) > 0


async def test_a_closed_pool_is_503(api):
    admin = await staff(api, "admin")
    token = await _token(api)
    await db.close_pool()
    try:
        _is_outage(await api.get("/api/me", headers=admin.headers))
        _is_outage(await api.get(f"/api/public/devices/{token}"))
        response = await api.post(
            "/api/auth/login", json={"email": admin.email, "password": "x" * 9}
        )
        _is_outage(response)
        assert response.json()["detail"]
        page = await api.get(f"/q/{token}")
        assert page.status_code == 503, page.text
    finally:
        await db.open_pool()
    assert (await api.get("/api/me", headers=admin.headers)).status_code == 200


@pytest.fixture
async def refusing_pool():
    """The engine's pool swapped for one whose server refuses every connection."""
    dead = await asyncpg.create_pool("postgresql://postgres@127.0.0.1:1/none", min_size=0)
    kept, db.engine.pool = db.engine.pool, dead
    try:
        yield
    finally:
        db.engine.pool = kept
        dead.terminate()


async def test_an_unreachable_server_is_503(api, refusing_pool):
    response = await api.get("/api/public/devices/abc")
    _is_outage(response)
    response = await api.get("/api/accounts", headers={"Authorization": "Bearer nope"})
    _is_outage(response)
