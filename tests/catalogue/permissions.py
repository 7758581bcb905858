"""Permission rows of the catalogue: products, parts, van stock (tests/test_permissions.py)."""

from __future__ import annotations

from httpx import AsyncClient

from tests.support.factories import create
from tests.support.matrix import Case, World

STOCK = "/api/engineers/{engineer_id}/stock"

CASES = [
    Case("POST", "/api/products", (401, 201, 403, 403, 403), {"sku": "NEW-1", "name": "New model"}),
    Case("GET", "/api/products", (401, 200, 200, 200, 200)),
    Case("POST", "/api/parts", (401, 201, 403, 403, 403), {"sku": "NP-1", "name": "New part"}),
    Case("GET", "/api/parts", (401, 200, 200, 200, 200)),
    Case(
        "PATCH",
        "/api/products/{product}",
        (401, 200, 403, 403, 403),
        {"name": "Renamed model", "warranty_months": 24},
        route="/api/products/{product_id}",
    ),
    Case(
        "PATCH",
        "/api/parts/{part}",
        (401, 200, 403, 403, 403),
        {"price": "12.50"},
        route="/api/parts/{part_id}",
    ),
    Case("GET", "/api/engineers/{engineer}/stock", (401, 200, 200, 404, 200), route=STOCK),
    Case("GET", "/api/engineers/{other_engineer}/stock", (401, 200, 200, 404, 404), route=STOCK),
    Case(
        "PUT",
        "/api/engineers/{engineer}/stock",
        (401, 200, 200, 403, 403),
        {"items": [{"part_id": "{part}", "qty": 2}]},
        route=STOCK,
    ),
]


async def world(api: AsyncClient, w: World) -> None:
    """A part to put in a van."""
    part = await create(api, w.people["admin"], "/api/parts", {"sku": "PT-1", "name": "Valve"})
    w.ids["part"] = part["id"]
