"""A property test: text fields of a few representative endpoints fuzzed with NUL bytes, lone
surrogates, right-to-left marks, characters that grow when normalised, and lengths at and past
their limit. Whatever comes in, the answer is never a 5xx: a 2xx stores the text as sent, a 4xx
names a field of the body."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend import db
from tests.conftest import empty_tables
from tests.support.factories import Staff, account, device, product, staff

# The characters that broke things, and their neighbours: NUL and other controls, lone
# surrogates, bidirectional marks and overrides, zero-width joiners, letters that NFKC or
# casefold lengthen (ß, ﷺ, ﬃ, İ), a BOM, emoji beyond the BMP, CJK.
SPECIAL = [
    "\x00",
    "\x01",
    "\x1f",
    "\x7f",
    "\ud800",
    "\udfff",
    "\u200f",
    "\u200e",
    "\u202e",
    "\u2066",
    "\u200d",
    "\ufeff",
    "ß",
    "ﷺ",
    "ﬃ",
    "İ",
    "😀",
    "何",
    "=",
    "'",
    '"',
    "\\",
    "%",
    "\n",
    "\r",
]
CHARS = st.one_of(st.sampled_from(SPECIAL), st.characters(codec=None))


def texts(limit: int) -> st.SearchStrategy[str]:
    """Short texts of anything, and texts at, just under and just past the limit."""
    near = st.integers(min_value=max(limit - 1, 1), max_value=limit + 1)
    return st.one_of(
        st.text(CHARS, max_size=12),
        near.flatmap(lambda n: st.text(CHARS, min_size=n, max_size=n)),
        near.map(lambda n: "ß" * n),
        near.map(lambda n: "ﷺ" * n),
    )


def _stores(value: str) -> bool:
    """Whether PostgreSQL can hold the text at all (no NUL, no lone surrogate)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check(response: httpx.Response, body: dict[str, Any], created: int = 201) -> None:
    assert response.status_code < 500, response.text
    if response.status_code == created:
        return
    assert response.status_code in (400, 409), response.text
    payload = response.json()
    assert payload["detail"]
    if response.status_code == 400:
        named = {e["field"].split(".")[0].split("[")[0] for e in payload["errors"]}
        assert named <= {*body, "body"}, payload


async def _post(client: httpx.AsyncClient, url: str, body: Any, **headers: str) -> httpx.Response:
    """JSON with every non-ASCII character escaped: a lone surrogate travels as \\ud800, as a
    browser's JSON.stringify sends it (httpx's own encoder would refuse it)."""
    content = json.dumps(body).encode("ascii")
    return await client.post(
        url, content=content, headers={"Content-Type": "application/json", **headers}
    )


class World:
    admin: Staff
    token: str
    account_id: int


@pytest.fixture(scope="module")
async def world(client: httpx.AsyncClient) -> World:
    await empty_tables()
    w = World()
    w.admin = await staff(client, "admin")
    acc = await account(client, w.admin)
    w.account_id = acc["id"]
    dev = await device(client, w.admin, acc["id"], (await product(client, w.admin))["id"])
    w.token = dev["qr_url"].rsplit("/", 1)[1]
    return w


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(name=texts(200), address=texts(300))
async def test_account_texts(client, world, name, address):
    body = {"name": name, "address": address}
    response = await _post(client, "/api/accounts?force=true", body, **world.admin.headers)
    _check(response, body)
    if response.status_code == 201:
        assert _stores(name)
        assert _stores(address)
        # Stored as sent, but for the surrounding space the service trims.
        assert response.json()["name"] in (name, name.strip())


@FUZZ
@given(name=texts(120), title=texts(120))
async def test_contact_texts(client, world, name, title):
    body = {"account_id": world.account_id, "name": name, "title": title}
    response = await _post(client, "/api/contacts", body, **world.admin.headers)
    _check(response, body)
    if response.status_code == 201:
        assert response.json()["name"] == name


@FUZZ
@given(name=texts(120), description=texts(2000))
async def test_public_request_texts(client, world, name, description):
    await db.execute("DELETE FROM rate_hit")  # each example starts under the public limits
    body = {"name": name, "phone": "+86 138 0013 8000", "description": description}
    response = await _post(client, f"/api/public/devices/{world.token}/requests", body)
    _check(response, body)


@FUZZ
@given(email=texts(254), password=texts(200))
async def test_login_texts(client, world, email, password):
    await db.execute("DELETE FROM login_failure")  # each example starts under the throttle
    await db.execute("DELETE FROM rate_hit")
    body = {"email": email, "password": password}
    response = await _post(client, "/api/auth/login", body)
    assert response.status_code < 500, response.text
    assert response.status_code in (400, 401), response.text


@FUZZ
@given(q=texts(100))
async def test_search_texts(client, world, q):
    # A URL carries UTF-8: a lone surrogate goes as the bytes it would have been (invalid UTF-8).
    query = quote(q.encode("utf-8", "surrogatepass"))
    response = await client.get(f"/api/accounts?q={query}", headers=world.admin.headers)
    assert response.status_code in (200, 400), response.text
