"""Zones in the back office: drawn and redrawn through POST/PUT /api/zones, whose rules (a simple
polygon — no crossing edges —, corners in degrees, a unique name) answer 400/409 naming the
field; the pages list every zone on a map and open a zone's corners for editing."""

from __future__ import annotations

import html
import json
import re

from tests.support.factories import team

SQUARE = [[31.20, 121.40], [31.20, 121.50], [31.30, 121.50], [31.30, 121.40]]
BOW_TIE = [[31.20, 121.40], [31.30, 121.50], [31.20, 121.50], [31.30, 121.40]]


async def test_a_zone_is_redrawn_under_the_same_rules_as_a_new_one(api):
    people = await team(api)
    admin = people["admin"].headers
    made = await api.post("/api/zones", json={"name": "Huangpu", "boundary": SQUARE}, headers=admin)
    assert made.status_code == 201, made.text
    zone = made.json()
    other = await api.post(
        "/api/zones", json={"name": "Xuhui", "boundary": SQUARE[:3]}, headers=admin
    )
    assert other.status_code == 201

    crossing = await api.put(
        f"/api/zones/{zone['id']}", json={"name": "Huangpu", "boundary": BOW_TIE}, headers=admin
    )
    assert crossing.status_code == 400
    assert crossing.json()["errors"][0]["field"] == "boundary"
    assert "crossing" in crossing.json()["errors"][0]["message"]
    flat = await api.put(
        f"/api/zones/{zone['id']}",
        json={"name": "Huangpu", "boundary": [[31.1, 121.1], [31.2, 121.2], [31.3, 121.3]]},
        headers=admin,
    )
    assert flat.json()["errors"] == [
        {"field": "boundary", "message": "the corners must enclose an area (not all on one line)"}
    ]
    far = await api.put(
        f"/api/zones/{zone['id']}",
        json={"name": "Huangpu", "boundary": [*SQUARE[:3], [95, 121.4]]},
        headers=admin,
    )
    assert (far.status_code, far.json()["errors"][0]["field"]) == (400, "boundary[3]")
    taken = await api.put(
        f"/api/zones/{zone['id']}", json={"name": "Xuhui", "boundary": SQUARE}, headers=admin
    )
    assert (taken.status_code, taken.json()["field"]) == (409, "name")
    missing = await api.put(
        "/api/zones/999999", json={"name": "X", "boundary": SQUARE}, headers=admin
    )
    assert missing.status_code == 404

    bigger = [[31.1, 121.3], [31.1, 121.6], [31.4, 121.6], [31.4, 121.3], [31.25, 121.2]]
    redrawn = await api.put(
        f"/api/zones/{zone['id']}", json={"name": "Huangpu 2", "boundary": bigger}, headers=admin
    )
    assert redrawn.status_code == 200, redrawn.text
    read = await api.get(f"/api/zones/{zone['id']}", headers=people["supervisor"].headers)
    assert read.json() == {"id": zone["id"], "name": "Huangpu 2", "boundary": bigger}


async def test_a_new_zone_that_crosses_itself_is_refused_naming_the_boundary(api):
    people = await team(api)
    refused = await api.post(
        "/api/zones", json={"name": "Bow tie", "boundary": BOW_TIE}, headers=people["admin"].headers
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "field": "boundary",
            "message": "the corners must form a simple polygon (no crossing edges)",
        }
    ]


async def test_the_pages_show_every_zone_and_open_one_for_editing(api):
    people = await team(api)
    admin = people["admin"].headers
    zone = (
        await api.post("/api/zones", json={"name": "Jing'an", "boundary": SQUARE}, headers=admin)
    ).json()
    engineer = people["engineer"]
    assert (
        await api.patch(f"/api/users/{engineer.id}", json={"zone_id": zone["id"]}, headers=admin)
    ).status_code == 200

    listing = await api.get("/zones", headers=admin)
    assert listing.status_code == 200
    assert re.search(
        rf'href="/zones/{zone["id"]}">Jing&#39;an</a></td><td class="num">4</td>'
        r'<td class="num">1</td>',
        listing.text,
    )
    data = re.search(r'data-zones="([^"]*)"', listing.text)
    assert data is not None
    assert json.loads(html.unescape(data.group(1)))[0]["boundary"] == SQUARE

    page = await api.get(f"/zones/{zone['id']}", headers=admin)
    assert 'data-method="PUT"' in page.text
    assert "31.2, 121.4\n31.2, 121.5\n31.3, 121.5\n31.3, 121.4" in page.text
    assert 'data-editable="true"' in page.text

    supervisor = people["supervisor"].headers
    read_only = await api.get(f"/zones/{zone['id']}", headers=supervisor)
    assert read_only.status_code == 200
    assert 'data-editable="false"' in read_only.text
    assert "data-api" not in read_only.text
    assert 'href="/zones/new"' not in (await api.get("/zones", headers=supervisor)).text
    chinese = await api.get("/zones/new", headers={**admin, "Accept-Language": "zh-CN"})
    assert "绘制区域" in chinese.text
