"""Permission rows of Web Push: the server key is public; subscriptions belong to the signed-in
user (run by tests/test_permissions.py)."""

from __future__ import annotations

from httpx import AsyncClient

from backend.push import service as push
from tests.support.matrix import AUTH, P256DH, Case, World

CASES = [
    Case("GET", "/api/public/push/key", (200,) * 5),
    Case(
        "POST",
        "/api/push/subscriptions",
        (401, 201, 201, 201, 201),
        {"endpoint": "https://push.example.com/send/new", "keys": {"p256dh": P256DH, "auth": AUTH}},
    ),
    Case(
        "DELETE",
        "/api/push/subscriptions",
        (401, 204, 404, 404, 404),
        {"endpoint": "https://push.example.com/send/admin"},
    ),
]


async def world(api: AsyncClient, w: World) -> None:
    """The admin's browser follows pushes (the row that stops it expects it to be there)."""
    admin = w.people["admin"]
    await push.subscribe("https://push.example.com/send/admin", P256DH, AUTH, user_id=admin.id)
