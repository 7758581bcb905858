"""The catalogue in the back office: products and parts listed with search and paging, created
and corrected through POST/PATCH /api/products and /api/parts (prices exact to the cent, errors
naming the field), read by supervisors."""

from __future__ import annotations

import re

from tests.support.factories import create, product, team


def _skus(html: str, kind: str) -> list[str]:
    return re.findall(rf'class="row-link" href="/catalogue/{kind}/\d+">([^<]+)<', html)


async def test_products_are_listed_searched_and_corrected(api):
    people = await team(api)
    admin = people["admin"]
    boiler = await product(api, admin, sku="BLR-1", name="Wall boiler", required_skill="gas")
    await product(api, admin, sku="CHL-9", name="Chiller")
    listing = await api.get("/catalogue", params={"q": "boiler"}, headers=admin.headers)
    assert listing.status_code == 200
    assert _skus(listing.text, "products") == ["BLR-1"]
    assert 'data-total="1"' in listing.text

    fixed = await api.patch(
        f"/api/products/{boiler['id']}",
        json={"name": "Wall boiler 24 kW", "warranty_months": 24, "signature_required": True},
        headers=admin.headers,
    )
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["warranty_months"], fixed.json()["required_skill"]) == (24, "gas")
    cleared = await api.patch(
        f"/api/products/{boiler['id']}", json={"required_skill": None}, headers=admin.headers
    )
    assert cleared.json()["required_skill"] is None
    taken = await api.patch(
        f"/api/products/{boiler['id']}", json={"sku": "CHL-9"}, headers=admin.headers
    )
    assert (taken.status_code, taken.json()["field"]) == (409, "sku")
    bad = await api.patch(
        f"/api/products/{boiler['id']}", json={"warranty_months": 999}, headers=admin.headers
    )
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "warranty_months")
    missing = await api.patch("/api/products/999999", json={"name": "X"}, headers=admin.headers)
    assert missing.status_code == 404

    page = await api.get(f"/catalogue/products/{boiler['id']}", headers=admin.headers)
    assert 'data-method="PATCH"' in page.text
    assert 'value="24"' in page.text
    assert 'name="signature_required" id="f-signature_required"' in page.text
    assert " checked>" in page.text


async def test_parts_carry_prices_exact_to_the_cent(api):
    people = await team(api)
    admin = people["admin"]
    valve = await create(
        api, admin, "/api/parts", {"sku": "VLV-1", "name": "Valve", "price": "12.5"}
    )
    await create(api, admin, "/api/parts", {"sku": "FLT-2", "name": "Filter"})
    repriced = await api.patch(
        f"/api/parts/{valve['id']}", json={"price": "19.90"}, headers=admin.headers
    )
    assert repriced.status_code == 200, repriced.text
    too_fine = await api.patch(
        f"/api/parts/{valve['id']}", json={"price": "1.005"}, headers=admin.headers
    )
    assert (too_fine.status_code, too_fine.json()["errors"][0]["field"]) == (400, "price")
    listing = await api.get("/catalogue/parts", headers=people["supervisor"].headers)
    assert listing.status_code == 200
    assert _skus(listing.text, "parts") == ["VLV-1", "FLT-2"]
    assert '<td class="num">19.90</td>' in listing.text
    assert 'href="/catalogue/parts/new"' not in listing.text  # supervisors read

    read = await api.get(f"/catalogue/parts/{valve['id']}", headers=people["supervisor"].headers)
    assert read.status_code == 200
    assert "data-api" not in read.text
    assert "19.90" in read.text
    chinese = await api.get(
        "/catalogue/parts/new", headers={**admin.headers, "Accept-Language": "zh-CN"}
    )
    assert "新建备件" in chinese.text
