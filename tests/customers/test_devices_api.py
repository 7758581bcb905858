"""Devices, their warranty, QR tokens and the printable QR codes, through the HTTP API."""

from __future__ import annotations

import re
from datetime import date

import zxingcpp
from PIL import Image, ImageDraw

from tests.support.factories import account, device, product, team

QR_BASE = "http://fieldline.test/q/"


def decode_svg_qr(svg: str) -> str:
    """Draws the SVG's module squares (M x,y H x2 V y2 H x z) into a bitmap and decodes it."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    pen = ImageDraw.Draw(image)
    squares = re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z", svg)
    assert squares, "the SVG holds no QR modules"
    for x, y, x2, y2 in squares:
        box = [float(x) * scale, float(y) * scale, float(x2) * scale - 1, float(y2) * scale - 1]
        pen.rectangle(box, fill=0)
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, "exactly one QR code expected"
    return str(results[0].text)


async def test_device_gets_warranty_end_and_a_qr_url(api):
    people = await team(api)
    admin = people["admin"]
    a = await account(api, admin, lat=31.23, lng=121.47)
    p = await product(api, admin, warranty_months=24)
    d = await device(api, admin, a["id"], p["id"], installed_on="2024-01-31")
    assert d["warranty_until"] == "2026-01-31"
    assert d["in_warranty"] is (date.fromisoformat("2026-01-31") >= date.today())
    assert (d["lat"], d["lng"]) == (31.23, 121.47)  # from the account when not given
    token = d["qr_url"].removeprefix(QR_BASE)
    assert d["qr_url"].startswith(QR_BASE)
    assert len(token) >= 22  # at least 128 random bits, base64url


async def test_leap_day_install_clamps_warranty_end(api):
    people = await team(api)
    a = await account(api, people["admin"])
    p = await product(api, people["admin"], warranty_months=12)
    d = await device(api, people["admin"], a["id"], p["id"], installed_on="2024-02-29")
    assert d["warranty_until"] == "2025-02-28"


async def test_serial_is_unique_per_product(api):
    people = await team(api)
    admin = people["admin"]
    a = await account(api, admin)
    p1, p2 = await product(api, admin), await product(api, admin)
    await device(api, admin, a["id"], p1["id"], serial="SN-1")
    again = await api.post(
        "/api/devices",
        json={"account_id": a["id"], "product_id": p1["id"], "serial": "SN-1"},
        headers=admin.headers,
    )
    assert again.status_code == 409
    assert again.json()["field"] == "serial"
    await device(api, admin, a["id"], p2["id"], serial="SN-1")  # another model may reuse it


async def test_unknown_references_name_the_field(api):
    admin = (await team(api))["admin"]
    p = await product(api, admin)
    response = await api.post(
        "/api/devices",
        json={"account_id": 424242, "product_id": p["id"], "serial": "X1"},
        headers=admin.headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "account_id", "message": "unknown account"}]


async def test_qr_svg_decodes_to_the_device_url(api):
    people = await team(api)
    admin = people["admin"]
    a = await account(api, admin)
    p = await product(api, admin)
    d = await device(api, admin, a["id"], p["id"])
    response = await api.get(f"/api/devices/{d['id']}/qr.svg", headers=admin.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert decode_svg_qr(response.text) == d["qr_url"]


async def test_rotating_the_token_revokes_the_old_sticker(api):
    people = await team(api)
    admin = people["admin"]
    a = await account(api, admin)
    p = await product(api, admin)
    d = await device(api, admin, a["id"], p["id"])
    old_path = d["qr_url"].removeprefix("http://fieldline.test")
    assert (await api.get(old_path)).status_code == 200
    rotated = await api.post(f"/api/devices/{d['id']}/qr/rotate", headers=admin.headers)
    assert rotated.status_code == 200
    assert rotated.json()["qr_url"] != d["qr_url"]
    assert (await api.get(old_path)).status_code == 404
    new_path = rotated.json()["qr_url"].removeprefix("http://fieldline.test")
    page = await api.get(new_path)
    assert page.status_code == 200
    assert d["serial"] in page.text
    svg = await api.get(f"/api/devices/{d['id']}/qr.svg", headers=admin.headers)
    assert decode_svg_qr(svg.text) == rotated.json()["qr_url"]


async def test_unknown_token_page_is_404(api):
    assert (await api.get("/q/definitely-not-a-token")).status_code == 404


async def test_label_sheet_prints_selected_devices(api):
    people = await team(api)
    admin = people["admin"]
    a = await account(api, admin)
    p = await product(api, admin, name="Rooftop Chiller RC-9")
    devices = [await device(api, admin, a["id"], p["id"]) for _ in range(3)]
    ids = ",".join(str(d["id"]) for d in devices[:2])
    api.cookies.set("fl_session", admin.token)
    try:
        sheet = await api.get(f"/devices/labels?ids={ids}")
        assert sheet.status_code == 200
        assert sheet.text.count('class="label"') == 2
        assert devices[0]["serial"] in sheet.text
        assert devices[2]["serial"] not in sheet.text
        assert sheet.text.count("<svg") == 2
        assert (await api.get("/devices/labels?ids=x,y")).status_code == 400
        api.cookies.set("fl_session", people["rep"].token)
        assert (await api.get(f"/devices/labels?ids={ids}")).status_code == 403
    finally:
        api.cookies.clear()


async def test_rep_sees_devices_of_his_accounts_only(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    p = await product(api, admin)
    mine = await device(api, admin, (await account(api, rep))["id"], p["id"])
    theirs = await device(api, admin, (await account(api, people["other_rep"]))["id"], p["id"])
    listed = await api.get("/api/devices", headers=rep.headers)
    assert [d["id"] for d in listed.json()["items"]] == [mine["id"]]
    assert (await api.get(f"/api/devices/{theirs['id']}", headers=rep.headers)).status_code == 404
