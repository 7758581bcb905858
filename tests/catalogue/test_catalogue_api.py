"""The catalogue through the HTTP API: products, parts and the van stock of each engineer."""

from __future__ import annotations

from tests.support.factories import create, product, team


async def test_products_parts_and_van_stock(api):
    people = await team(api)
    admin, engineer = people["admin"], people["engineer"]
    chiller = await product(api, admin, sku="CH-100", warranty_months=36)
    assert chiller["warranty_months"] == 36
    duplicate = await api.post(
        "/api/products", json={"sku": "CH-100", "name": "Again"}, headers=admin.headers
    )
    assert duplicate.status_code == 409
    valve = await create(api, admin, "/api/parts", {"sku": "V-1", "name": "Valve", "price": 12.5})
    assert valve["price"] == "12.50"
    fan = await create(api, admin, "/api/parts", {"sku": "F-1", "name": "Fan"})
    stock = await api.put(
        f"/api/engineers/{engineer.id}/stock",
        json={"items": [{"part_id": valve["id"], "qty": 3}, {"part_id": fan["id"], "qty": 0}]},
        headers=people["supervisor"].headers,
    )
    assert stock.status_code == 200
    assert [(i["sku"], i["qty"]) for i in stock.json()["items"]] == [("V-1", 3)]
    own = await api.get(f"/api/engineers/{engineer.id}/stock", headers=engineer.headers)
    assert own.json()["items"][0]["qty"] == 3
    unknown = await api.put(
        f"/api/engineers/{engineer.id}/stock",
        json={"items": [{"part_id": 999, "qty": 1}]},
        headers=admin.headers,
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "items[0].part_id"
    negative = await api.put(
        f"/api/engineers/{engineer.id}/stock",
        json={"items": [{"part_id": valve["id"], "qty": -1}]},
        headers=admin.headers,
    )
    assert negative.status_code == 400
    not_engineer = await api.get(f"/api/engineers/{admin.id}/stock", headers=admin.headers)
    assert not_engineer.status_code == 404
