"""Input any client can send is a 400 naming the field, never a 500: NUL bytes, lone surrogates and
JSON nested past the depth limit, in bodies, paths and query strings (backend/hygiene.py)."""

from __future__ import annotations

import pytest

from tests.support.factories import account, device, product, staff


async def _token(api) -> str:
    admin = await staff(api, "admin")
    acc = await account(api, admin)
    prod = await product(api, admin)
    dev = await device(api, admin, acc["id"], prod["id"])
    return dev["qr_url"].rsplit("/", 1)[1]


def _fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    "path", ["/api/public/devices/%00", "/api/public/devices/ab%00cd/requests/1"]
)
async def test_nul_in_a_path_is_400_naming_it(api, path):
    response = await api.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "token"


@pytest.mark.parametrize("path", ["/q/%00", "/q/a%00b", "/q/a%00b/requests/1"])
async def test_nul_in_a_page_address_is_400(api, path):
    response = await api.get(path)
    assert response.status_code == 400, response.text


async def test_nul_in_a_query_is_400_naming_it(api):
    admin = await staff(api, "admin")
    response = await api.get("/api/accounts?q=a%00b", headers=admin.headers)
    assert response.status_code == 400, response.text
    assert _fields(response) == ["q"]


async def test_nul_in_the_login_email_is_400(api):
    response = await api.post("/api/auth/login", json={"email": "a\x00@b.c", "password": "x"})
    assert response.status_code == 400, response.text
    assert _fields(response) == ["email"]


async def test_nul_in_a_public_request_is_400(api):
    token = await _token(api)
    body = {"name": "Wang", "phone": "13800138000", "description": "it leaks\x00 water"}
    response = await api.post(f"/api/public/devices/{token}/requests", json=body)
    assert response.status_code == 400, response.text
    assert _fields(response) == ["description"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/accounts", {"name": "Acme\x00"}, "name"),
        ("/api/accounts", {"name": "Acme", "address": "Road \x00 1"}, "address"),
        ("/api/products", {"sku": "P-1", "name": "Chiller", "category": "a\x00"}, "category"),
        (
            "/api/users",
            {"name": "N\x00", "email": "n@x.io", "password": "long-enough", "role": "rep"},
            "name",
        ),
    ],
)
async def test_nul_in_staff_bodies_is_400(api, path, body, field):
    admin = await staff(api, "admin")
    response = await api.post(path, json=body, headers=admin.headers)
    assert response.status_code == 400, response.text
    assert _fields(response) == [field]


async def test_a_lone_surrogate_is_400(api):
    admin = await staff(api, "admin")
    raw = b'{"name": "Acme \\ud800 Ltd"}'
    response = await api.post(
        "/api/accounts",
        content=raw,
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert _fields(response) in (["name"], ["body"])


async def test_a_nested_key_is_named_with_its_path(api):
    admin = await staff(api, "admin")
    response = await api.put(
        f"/api/engineers/{admin.id}/stock",
        json={"items": [{"part_id": 1, "qty": 1, "x\x00": 1}]},
        headers=admin.headers,
    )
    assert response.status_code == 400, response.text
    assert _fields(response) == ["items[0]"]


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("depth", [1000, 100_000])
async def test_deep_json_at_login_is_400(api, depth):
    response = await api.post(
        "/api/auth/login",
        content=b'{"email": ' + _nested(depth) + b', "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert _fields(response) == ["body"]
    assert "deep" in response.json()["errors"][0]["message"]


async def test_deep_json_on_the_public_form_is_400(api):
    token = await _token(api)
    response = await api.post(
        f"/api/public/devices/{token}/requests",
        content=b'{"name": "W", "phone": "13800138000", "description": ' + _nested(1000) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert "deep" in response.json()["errors"][0]["message"]


async def test_brackets_inside_strings_do_not_count(api):
    """The depth is of the structure, not of brackets a text may hold."""
    token = await _token(api)
    body = {"name": "Wang", "phone": "13800138000", "description": "[" * 1500 + '"\\' + "{" * 50}
    response = await api.post(f"/api/public/devices/{token}/requests", json=body)
    assert response.status_code == 201, response.text
