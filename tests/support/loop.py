"""A small service world for the loop tests: a product, a customer site, engineers around it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient

from tests.support.factories import Staff, account, create, device, product, staff

SITE = (31.2304, 121.4737)  # People's Square, Shanghai


@dataclass
class World:
    admin: Staff
    supervisor: Staff
    product: dict[str, Any]
    account: dict[str, Any]
    device: dict[str, Any]
    token: str
    parts: list[dict[str, Any]]


async def world(api: AsyncClient, *, vip: bool = False, skill: str = "hvac") -> World:
    admin = await staff(api, "admin")
    supervisor = await staff(api, "supervisor")
    model = await product(api, admin, required_skill=skill)
    site = await account(api, admin, lat=SITE[0], lng=SITE[1], vip=vip)
    unit = await device(api, admin, site["id"], model["id"])
    parts = [
        await create(
            api, admin, "/api/parts", {"sku": f"PT-{model['id']}-{i}", "name": f"Part {i}"}
        )
        for i in range(3)
    ]
    return World(admin, supervisor, model, site, unit, unit["qr_url"].rsplit("/", 1)[1], parts)


async def engineer(
    api: AsyncClient,
    w: World,
    km_north: float,
    *,
    skills: tuple[str, ...] = ("hvac",),
    on_duty: bool = True,
    stock: dict[int, int] | None = None,
) -> Staff:
    """An engineer based km_north of the site (0.009° of latitude ≈ 1 km), on duty there."""
    lat, lng = SITE[0] + km_north * 0.009, SITE[1]
    person = await staff(api, "engineer", skills=list(skills), home_lat=lat, home_lng=lng)
    if stock:
        items = [{"part_id": part, "qty": qty} for part, qty in stock.items()]
        response = await api.put(
            f"/api/engineers/{person.id}/stock", json={"items": items}, headers=w.admin.headers
        )
        assert response.status_code == 200, response.text
    if on_duty:
        await go_on_duty(api, person, lat, lng)
    return person


async def go_on_duty(api: AsyncClient, person: Staff, lat: float, lng: float) -> None:
    response = await api.put(
        "/api/me/duty", json={"status": "available", "lat": lat, "lng": lng}, headers=person.headers
    )
    assert response.status_code == 200, response.text


async def file_request(api: AsyncClient, token: str, text: str = "No cooling at all") -> Any:
    body = {"name": "王先生", "phone": "+86 138 0013 8000", "description": text}
    response = await api.post(f"/api/public/devices/{token}/requests", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def jobs(api: AsyncClient, person: Staff) -> list[dict[str, Any]]:
    response = await api.get("/api/me/jobs", headers=person.headers)
    assert response.status_code == 200, response.text
    return list(response.json())


async def step(
    api: AsyncClient, person: Staff, job_id: int, action: str, body: Any = None, expect: int = 200
) -> Any:
    response = await api.post(
        f"/api/work-orders/{job_id}/{action}", json=body, headers=person.headers
    )
    assert response.status_code == expect, response.text
    return response.json()


async def completed_job(api: AsyncClient, w: World) -> int:
    """A QR request taken through accept, travel, arrive and complete by an engineer."""
    near = await engineer(api, w, 2)
    job = (await file_request(api, w.token))["id"]
    for action, body in (
        ("accept", None),
        ("travel", None),
        ("arrive", {"lat": SITE[0], "lng": SITE[1]}),
        ("complete", {"resolution": "Replaced the fan"}),
    ):
        await step(api, near, job, action, body)
    return int(job)
