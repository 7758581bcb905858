"""The permission matrix: every endpoint × every role × own/foreign/pool object, exact statuses.

Rows live with their domain: tests/<domain>/permissions.py holds `CASES` (a list of
tests.support.matrix.Case) and, when its rows need objects of their own, `world(api, world)`
that makes them. Every such file is gathered here; add a row whenever an endpoint is added.

The world is built once for the whole matrix, through the API, and every row is tried on the
same rows of it: each case's writes are undone before the next (tests/support/snapshot.py).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from backend.app import create_app
from tests.conftest import KEEP_TABLES, empty_tables
from tests.support.matrix import ROLES, WORLD_ORDER, Case, World, base_world, fill
from tests.support.snapshot import Snapshot


def _domains() -> list[ModuleType]:
    """tests/<domain>/permissions.py, lower layers first (WORLD_ORDER), then the rest by name."""
    names = sorted(p.parent.name for p in Path(__file__).parent.glob("*/permissions.py"))
    last = len(WORLD_ORDER)
    names.sort(key=lambda name: WORLD_ORDER.index(name) if name in WORLD_ORDER else last)
    return [importlib.import_module(f"tests.{name}.permissions") for name in names]


DOMAINS = _domains()
MATRIX: list[Case] = [case for domain in DOMAINS for case in domain.CASES]


@pytest.fixture(scope="module")
async def matrix_world(client: httpx.AsyncClient) -> AsyncIterator[tuple[World, Snapshot]]:
    """The world, built once through the API, and a snapshot of its rows to go back to."""
    await empty_tables()
    client.cookies.clear()
    world = await base_world(client)
    for domain in DOMAINS:
        build: Callable[[httpx.AsyncClient, World], Awaitable[None]] | None = getattr(
            domain, "world", None
        )
        if build is not None:
            await build(client, world)
    snapshot = await Snapshot.take("permission_world", keep=frozenset(KEEP_TABLES))
    yield world, snapshot
    await snapshot.drop()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=lambda c: f"{c.method} {c.path}")
async def test_permission_matrix(
    client: httpx.AsyncClient, matrix_world: tuple[World, Snapshot], case: Case, role: str
):
    world, snapshot = matrix_world
    await snapshot.restore()  # whatever the case before wrote is undone
    client.cookies.clear()  # a sign-in by the case before leaves its cookie in the client
    headers = {} if role == "anonymous" else world.people[role].headers
    kwargs: dict[str, Any] = {"headers": headers}
    if case.body is not None:
        kwargs["json"] = fill(case.body, world.ids)
    response = await client.request(case.method, fill(case.path, world.ids), **kwargs)
    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, f"{role}: {response.text[:300]}"


async def test_each_case_starts_from_the_same_world(
    client: httpx.AsyncClient, matrix_world: tuple[World, Snapshot]
):
    """What a case writes (a changed account, a sign-out) is gone for the next."""
    world, snapshot = matrix_world
    await snapshot.restore()
    client.cookies.clear()
    built = await snapshot.digest()
    admin = world.people["admin"].headers
    vip = await client.patch(
        f"/api/accounts/{world.ids['own_account']}", json={"vip": True}, headers=admin
    )
    assert vip.status_code == 200, vip.text
    assert (await client.post("/api/auth/logout", headers=admin)).status_code == 204
    assert (await client.get("/api/me", headers=admin)).status_code == 401
    assert await snapshot.digest() != built
    await snapshot.restore()
    assert await snapshot.digest() == built
    assert (await client.get("/api/me", headers=admin)).status_code == 200


def test_every_route_has_a_row_in_the_matrix():
    app = create_app()
    covered = {(c.method, c.template) for c in MATRIX}
    missing = []
    for route in app.routes:
        # A mount (the static files, backend/assets.py) lists no methods: it answers GET.
        for method in getattr(route, "methods", None) or ("GET",):
            if method in ("HEAD", "OPTIONS") or route.path.startswith("/schema"):
                continue
            template = re.sub(r":\w+}", "}", route.path)  # {user_id:int} → {user_id}
            if (method, template) not in covered:
                missing.append(f"{method} {template}")
    assert not missing, f"endpoints without a permission row: {missing}"
