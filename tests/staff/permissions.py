"""Permission rows of staff: sign-in, users, zones (run by tests/test_permissions.py)."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import create
from tests.support.matrix import Case, World

USER = {
    "name": "New Person",
    "email": "new.person@example.test",
    "password": "long-enough-1",
    "role": "rep",
}

CASES = [
    Case(
        "POST",
        "/api/auth/login",
        (200,) * 5,
        {"email": "{admin_email}", "password": "correct-horse-9"},
    ),
    Case("POST", "/api/auth/logout", (401, 204, 204, 204, 204)),
    Case("GET", "/api/me", (401, 200, 200, 200, 200)),
    Case("POST", "/api/users", (401, 201, 403, 403, 403), USER),
    Case("GET", "/api/users", (401, 200, 200, 403, 403)),
    Case("GET", "/api/users/{rep}", (401, 200, 200, 200, 404), route="/api/users/{user_id}"),
    Case("GET", "/api/users/{engineer}", (401, 200, 200, 404, 200), route="/api/users/{user_id}"),
    Case(
        "PATCH",
        "/api/users/{rep}",
        (401, 200, 403, 403, 403),
        {"name": "Renamed"},
        route="/api/users/{user_id}",
    ),
    Case(
        "POST",
        "/api/zones",
        (401, 201, 403, 403, 403),
        {"name": "Jing'an", "boundary": [[31.2, 121.4], [31.3, 121.4], [31.3, 121.5]]},
    ),
    Case("GET", "/api/zones", (401, 200, 200, 403, 403)),
    Case("GET", "/api/zones/{zone}", (401, 200, 200, 403, 403), route="/api/zones/{zone_id}"),
    Case(
        "PUT",
        "/api/zones/{zone}",
        (401, 200, 403, 403, 403),
        {"name": "Redrawn", "boundary": [[31.2, 121.4], [31.3, 121.4], [31.3, 121.5]]},
        route="/api/zones/{zone_id}",
    ),
]


async def world(api: AsyncClient, w: World) -> None:
    """A zone to read and redraw."""
    zone = await create(
        api,
        w.people["admin"],
        "/api/zones",
        {"name": "Xuhui", "boundary": [[31.1, 121.4], [31.2, 121.4], [31.2, 121.5]]},
    )
    w.ids["zone"] = zone["id"]
