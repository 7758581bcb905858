"""Devices in the back office: search and sort, moving a device (PATCH), label sheets for the
ticked devices or for a whole filter."""

from __future__ import annotations

import re

from tests.support.factories import account, device, product, team


async def test_devices_are_found_by_part_of_a_serial_or_account_and_sorted(api):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin)
    oak = await account(api, admin, name="Oakridge Hotel")
    elm = await account(api, admin, name="Elm Street Clinic")
    for serial, owner in (("SN-B-200", oak), ("SN-A-100", elm), ("XY-9", oak)):
        await device(api, admin, owner["id"], model["id"], serial=serial)
    found = await api.get(
        "/api/devices", params={"q": "sn-", "sort": "-serial"}, headers=admin.headers
    )
    assert [d["serial"] for d in found.json()["items"]] == ["SN-B-200", "SN-A-100"]
    by_account = await api.get("/api/devices", params={"q": "oakridge"}, headers=admin.headers)
    assert {d["serial"] for d in by_account.json()["items"]} == {"SN-B-200", "XY-9"}
    page = await api.get(
        "/devices", params={"q": "oakridge", "sort": "serial"}, headers=admin.headers
    )
    assert re.findall(r'class="row-link" href="/devices/\d+">([^<]+)<', page.text) == [
        "SN-B-200",
        "XY-9",
    ]


async def test_a_device_moves_to_another_account_and_its_warranty_follows_the_date(api):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin, warranty_months=12)
    first = await account(api, admin)
    second = await account(api, admin)
    made = await device(api, admin, first["id"], model["id"], installed_on="2026-01-31")
    moved = await api.patch(
        f"/api/devices/{made['id']}",
        json={"account_id": second["id"], "lat": 31.1, "lng": 121.2, "installed_on": "2025-02-28"},
        headers=people["supervisor"].headers,
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["account_id"], body["lat"], body["lng"]) == (second["id"], 31.1, 121.2)
    assert body["warranty_until"] == "2026-02-28"
    assert body["qr_url"] == made["qr_url"]  # the sticker stays valid
    bad = await api.patch(
        f"/api/devices/{made['id']}",
        json={"account_id": 999999, "lat": 95},
        headers=admin.headers,
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"lat"}  # the schema answers first
    unknown = await api.patch(
        f"/api/devices/{made['id']}", json={"account_id": 999999}, headers=admin.headers
    )
    assert unknown.json()["errors"][0]["field"] == "account_id"


async def test_labels_print_for_the_ticked_devices_or_a_whole_filter(api):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin)
    oak = await account(api, admin, name="Oakridge Hotel")
    other = await account(api, admin, name="Pine Bakery")
    ours = [await device(api, admin, oak["id"], model["id"]) for _ in range(3)]
    theirs = await device(api, admin, other["id"], model["id"])
    headers = people["supervisor"].headers

    sheet = await api.get("/devices/labels", params={"account_id": oak["id"]}, headers=headers)
    assert sheet.status_code == 200
    assert sheet.text.count('class="label"') == 3
    assert all(d["serial"] in sheet.text for d in ours)
    assert theirs["serial"] not in sheet.text

    ticked = await api.get("/devices/labels", params={"ids": str(theirs["id"])}, headers=headers)
    assert ticked.text.count('class="label"') == 1

    listing = await api.get("/devices", params={"account_id": oak["id"]}, headers=headers)
    link = re.search(r'id="print-filtered" href="([^"]+)"', listing.text)
    assert link is not None
    assert link.group(1).replace("&amp;", "&") == f"/devices/labels?account_id={oak['id']}"
