"""Building blocks for API tests: staff with a signed-in session, accounts, products, devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from typing import Any

from httpx import AsyncClient

from backend.staff.schemas import UserIn
from backend.staff.service import create_user

PASSWORD = "correct-horse-9"
_seq = count(1)


@dataclass
class Staff:
    id: int
    role: str
    email: str
    token: str
    headers: dict[str, str] = field(default_factory=dict)


async def login(client: AsyncClient, email: str, password: str = PASSWORD) -> Any:
    response = await client.post("/api/auth/login", json={"email": email, "password": password})
    client.cookies.clear()  # tests choose bearer or cookie explicitly
    return response


async def staff(client: AsyncClient, role: str, **extra: Any) -> Staff:
    """A new active user of the role, signed in through the API (bearer token)."""
    n = next(_seq)
    email = f"{role}{n}@example.test"
    user = await create_user(
        UserIn(name=f"{role.title()} {n}", email=email, password=PASSWORD, role=role, **extra)
    )
    response = await login(client, email)
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    return Staff(user.id, role, email, token, {"Authorization": f"Bearer {token}"})


async def team(client: AsyncClient) -> dict[str, Staff]:
    """One of each role plus a second rep and engineer, for own/foreign checks."""
    return {
        "admin": await staff(client, "admin"),
        "supervisor": await staff(client, "supervisor"),
        "rep": await staff(client, "rep"),
        "other_rep": await staff(client, "rep"),
        "engineer": await staff(client, "engineer", skills=["hvac"]),
        "other_engineer": await staff(client, "engineer", skills=["hvac"]),
    }


async def create(client: AsyncClient, who: Staff, path: str, body: dict[str, Any]) -> Any:
    response = await client.post(path, json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def account(client: AsyncClient, who: Staff, **body: Any) -> Any:
    n = next(_seq)
    body = {"name": f"Account {n} Trading", "phone": f"+86 139 0000 {n:04d}", **body}
    return await create(client, who, "/api/accounts?force=true", body)


async def product(client: AsyncClient, admin: Staff, **body: Any) -> Any:
    n = next(_seq)
    body = {
        "sku": f"P-{n}",
        "name": f"Chiller {n}",
        "required_skill": "hvac",
        "warranty_months": 24,
        **body,
    }
    return await create(client, admin, "/api/products", body)


async def device(
    client: AsyncClient, admin: Staff, account_id: int, product_id: int, **body: Any
) -> Any:
    n = next(_seq)
    body = {"account_id": account_id, "product_id": product_id, "serial": f"SN{n:07d}", **body}
    return await create(client, admin, "/api/devices", body)
