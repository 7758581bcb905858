"""Anything a client can send gets a clear 4xx naming the field, never a 500."""

from __future__ import annotations

import pytest

from tests.support.factories import staff


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": 5}, "name"),
        ({"name": ""}, "name"),
        ({"name": "Ok", "grade": "Z"}, "grade"),
        ({"name": "Ok", "lat": 123}, "lat"),
        ({"name": "Ok", "lng": "east"}, "lng"),
        ({"name": "Ok", "owner_id": 99999999999999999999}, "owner_id"),
        ({"name": "Ok", "owner_id": 2**31}, "owner_id"),
        ({"name": "Ok", "phone": "call me maybe"}, "phone"),
        ({"name": "Ok", "colour": "blue"}, "colour"),
        ({}, "name"),
        ({"name": "Ok", "owner_id": 424242}, "owner_id"),
        ({"name": "!!!"}, "name"),
    ],
)
async def test_bad_account_fields_are_named(api, body, field):
    admin = await staff(api, "admin")
    response = await api.post("/api/accounts", json=body, headers=admin.headers)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert payload["detail"]
    assert field in [e["field"] for e in payload["errors"]], payload


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[1, 2", b"\xff\xfe\x00", b"null", b"42", b'"text"', b"", b'{"name": "a"' * 3],
)
async def test_unreadable_bodies_are_400(api, raw):
    admin = await staff(api, "admin")
    response = await api.post(
        "/api/accounts",
        content=raw,
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/accounts/0",
        "/api/accounts/99999999999",
        "/api/accounts?limit=0",
        "/api/accounts?offset=-1",
        "/api/accounts?grade=Q",
        "/api/accounts?owner_id=abc",
        "/api/accounts?pool=maybe",
        "/api/users?role=pilot",
        "/api/devices?product_id=-4",
    ],
)
async def test_bad_url_parameters_are_400(api, path):
    admin = await staff(api, "admin")
    response = await api.get(path, headers=admin.headers)
    assert response.status_code == 400, response.text
    assert response.json()["errors"]


async def test_unknown_ids_are_404(api):
    admin = await staff(api, "admin")
    for path in (
        "/api/accounts/77",
        "/api/devices/77",
        "/api/users/77",
        "/api/engineers/77/stock",
        "/api/devices/77/qr.svg",
    ):
        response = await api.get(path, headers=admin.headers)
        assert response.status_code == 404, path


async def test_openapi_schema_lists_the_api(api):
    response = await api.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/auth/login",
        "/api/me",
        "/api/users",
        "/api/accounts",
        "/api/accounts/{account_id}",
        "/api/contacts",
        "/api/products",
        "/api/parts",
        "/api/engineers/{engineer_id}/stock",
        "/api/devices",
        "/api/devices/{device_id}/qr.svg",
    ):
        assert path in paths, path
    assert not any(p.startswith("/q/") for p in paths)  # pages stay out of the API schema
