"""Bodies are read strictly against their schema (backend/hygiene.py): no coercion of a number
from a string or a bool from a number, and no JSON number that a float cannot hold."""

from __future__ import annotations

import pytest

from tests.support.factories import staff


def _fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Strict Co", "vip": 0}, "vip"),
        ({"name": "Strict Co", "vip": "true"}, "vip"),
        ({"name": "Strict Co", "lat": "1", "lng": 121.0}, "lat"),
        ({"name": "Strict Co", "owner_id": "1"}, "owner_id"),
        ({"name": "Strict Co", "owner_id": 1.0}, "owner_id"),
    ],
)
async def test_no_coercion_in_bodies(api, body, field):
    admin = await staff(api, "admin")
    response = await api.post("/api/accounts?force=true", json=body, headers=admin.headers)
    assert response.status_code == 400, response.text
    assert _fields(response) == [field]


@pytest.mark.parametrize("number", [b"1e-400", b"-2.5e-999", b"1e400", b"-1e400"])
async def test_a_number_a_float_cannot_hold_is_400(api, number):
    admin = await staff(api, "admin")
    response = await api.post(
        "/api/parts",
        content=b'{"sku": "P-TINY", "name": "Washer", "price": ' + number + b"}",
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert _fields(response) == ["price"]


@pytest.mark.parametrize("number", [b"0.0", b"0e10", b"12.5", b"1.25e1", b"0"])
async def test_ordinary_numbers_still_pass(api, number):
    admin = await staff(api, "admin")
    response = await api.post(
        "/api/parts",
        content=b'{"sku": "P-OK", "name": "Washer", "price": ' + number + b"}",
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text


async def test_a_nested_coercion_is_named_with_its_path(api):
    admin = await staff(api, "admin")
    response = await api.put(
        f"/api/engineers/{admin.id}/stock",
        json={"items": [{"part_id": 1, "qty": "2"}]},
        headers=admin.headers,
    )
    assert response.status_code == 400, response.text
    assert _fields(response) == ["items[0].qty"]


async def test_dates_and_times_are_still_read_from_strings(api):
    admin = await staff(api, "admin")
    rep = await staff(api, "rep")
    acc = await api.post(
        "/api/accounts?force=true",
        json={"name": "Dated", "owner_id": rep.id, "vip": True, "lat": 31.2, "lng": 121.4},
        headers=admin.headers,
    )
    assert acc.status_code == 201, acc.text
    visit = await api.post(
        "/api/visits",
        json={"account_id": acc.json()["id"], "planned_at": "2026-12-01T09:00:00+08:00"},
        headers=rep.headers,
    )
    assert visit.status_code == 201, visit.text
