"""Proof of work through the API: photos checked by their bytes and stripped of metadata, the
signature a contract or product requires, labour minutes with pauses, and the service report."""

from __future__ import annotations

import base64
import io
import os
from datetime import timedelta
from typing import Any

from PIL import Image, PngImagePlugin

from backend import db
from backend.clock import today
from tests.support.factories import create, device, product
from tests.support.loop import SITE, World, engineer, file_request, step, world

GPS_TAG = 0x8825


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_TAG] = {1: "N", 2: (31.0, 13.0, 49.0), 3: "E", 4: (121.0, 28.0, 25.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def picture(kind: str, size: tuple[int, int] = (40, 30), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, kind, **save)
    return out.getvalue()


def signature_url() -> str:
    out = io.BytesIO()
    Image.new("RGBA", (200, 80), (0, 0, 0, 0)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


async def on_site(api, w: World, km: float = 1) -> tuple[Any, int]:
    person = await engineer(api, w, km)
    job = (await file_request(api, w.token))["id"]
    await step(api, person, job, "accept")
    await step(api, person, job, "travel")
    await step(api, person, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    return person, job


async def upload(api, who, job: int, data: bytes, name: str = "p.jpg", **form: str) -> Any:
    return await api.post(
        f"/api/work-orders/{job}/photos",
        files={"file": (name, data, "image/jpeg")},
        data=form,
        headers=who.headers,
    )


async def test_a_photo_loses_its_location_and_keeps_its_pixels(api):
    w = await world(api)
    person, job = await on_site(api, w)
    original = jpeg_with_location()
    assert GPS_TAG in Image.open(io.BytesIO(original)).getexif()
    added = await upload(api, person, job, original, stage="before")
    assert added.status_code == 201, added.text
    assert added.json()["content_type"] == "image/jpeg"
    assert (added.json()["width"], added.json()["height"]) == (64, 48)
    served = await api.get(
        f"/api/work-orders/{job}/photos/{added.json()['id']}", headers=w.supervisor.headers
    )
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    kept = Image.open(io.BytesIO(served.content))
    assert kept.format == "JPEG"
    assert dict(kept.getexif()) == {}
    assert b"PhoneMaker" not in served.content
    detail = (await api.get(f"/api/work-orders/{job}", headers=person.headers)).json()
    assert [p["stage"] for p in detail["photos"]] == ["before"]


async def test_png_text_is_dropped_and_webp_is_taken(api):
    w = await world(api)
    person, job = await on_site(api, w)
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "31.2304,121.4737")
    png = await upload(api, person, job, picture("PNG", pnginfo=info), name="a.png")
    assert png.status_code == 201, png.text
    served = await api.get(
        f"/api/work-orders/{job}/photos/{png.json()['id']}", headers=person.headers
    )
    assert b"31.2304" not in served.content
    webp = await upload(api, person, job, picture("WEBP"), name="b.webp")
    assert webp.json()["content_type"] == "image/webp"


async def test_the_real_type_and_size_decide_not_the_name(api):
    w = await world(api)
    person, job = await on_site(api, w)
    text = await upload(api, person, job, b"GIF89a? no, just text pretending to be a photo")
    assert text.status_code == 415
    assert text.json()["errors"][0]["field"] == "file"
    gif = await upload(api, person, job, picture("GIF"))
    assert gif.status_code == 415
    big = await upload(api, person, job, os.urandom(5 * 1024 * 1024 + 1))
    assert big.status_code == 413
    assert big.json()["errors"][0]["field"] == "file"
    bad_stage = await upload(api, person, job, picture("JPEG"), stage="during")
    assert bad_stage.status_code == 400
    other = await engineer(api, w, 5)
    assert (await upload(api, other, job, picture("JPEG"))).status_code == 404
    detail = (await api.get(f"/api/work-orders/{job}", headers=person.headers)).json()
    assert detail["photos"] == []


async def _signing_contract(api, w: World) -> None:
    body = {
        "account_id": w.account["id"],
        "kind": "warranty",
        "starts_on": (today() - timedelta(days=1)).isoformat(),
        "ends_on": (today() + timedelta(days=30)).isoformat(),
        "device_ids": [w.device["id"]],
        "signature_required": True,
    }
    await create(api, w.admin, "/api/service-contracts", body)


async def test_completion_needs_the_signature_the_contract_asks_for(api):
    w = await world(api)
    await _signing_contract(api, w)
    person, job = await on_site(api, w)
    detail = (await api.get(f"/api/work-orders/{job}", headers=person.headers)).json()
    assert detail["signature_required"] is True
    done = {"resolution": "Cleaned the coils"}
    refused = await step(api, person, job, "complete", done, expect=400)
    assert refused["errors"][0]["field"] == "signature"
    junk = {**done, "signature": {"name": "Li Lei", "image": "data:image/png;base64,AAAA"}}
    refused = await step(api, person, job, "complete", junk, expect=400)
    assert refused["errors"][0]["field"] == "signature.image"
    not_png = {**done, "signature": {"name": "Li Lei", "image": "data:image/jpeg;base64,AAAA"}}
    refused = await step(api, person, job, "complete", not_png, expect=400)
    assert refused["errors"][0]["field"] == "signature.image"
    signed = {**done, "signature": {"name": "李雷", "image": signature_url()}}
    completed = await step(api, person, job, "complete", signed)
    assert completed["status"] == "completed"
    assert completed["signature"]["name"] == "李雷"


async def test_a_product_may_ask_for_the_signature_too(api):
    w = await world(api)
    model = await product(api, w.admin, signature_required=True)
    assert model["signature_required"] is True
    unit = await device(api, w.admin, w.account["id"], model["id"])
    person = await engineer(api, w, 1)
    filed = await api.post(
        f"/api/public/devices/{unit['qr_url'].rsplit('/', 1)[1]}/requests",
        json={"name": "Wang", "phone": "13800138000", "description": "Broken"},
    )
    job = filed.json()["id"]
    await step(api, person, job, "accept")
    await step(api, person, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    refused = await step(api, person, job, "complete", {"resolution": "x"}, expect=400)
    assert refused["errors"][0]["field"] == "signature"


async def test_labour_counts_travel_and_work_less_the_pauses(api):
    w = await world(api)
    person, job = await on_site(api, w)
    paused = await step(api, person, job, "pause", {"reason": "Waiting for a part"})
    assert paused["labour"]["paused"] is True
    await step(api, person, job, "pause", {"reason": "again"}, expect=409)
    await step(api, person, job, "resume")
    await step(api, person, job, "resume", expect=409)
    await step(api, person, job, "pause", {"reason": "Customer at lunch"})
    await step(api, person, job, "complete", {"resolution": "Fixed"})  # ends the open pause
    # Times moved in the data: set off 09:00, arrived 09:25, two pauses of 15 and 10 minutes,
    # done 11:00 → 25 minutes' travel, 95 − 25 = 70 minutes' work.
    at = await db.fetchval("SELECT completed_at FROM work_order WHERE id = $1", job)
    nine = at.replace(hour=1, minute=0, second=0, microsecond=0)
    minute = timedelta(minutes=1)
    await db.execute(
        "UPDATE work_order_event SET at = $2 WHERE work_order = $1 AND kind = 'en_route'", job, nine
    )
    await db.execute(
        "UPDATE work_order SET arrived_at = $2, completed_at = $3 WHERE id = $1",
        job,
        nine + 25 * minute,
        nine + 120 * minute,
    )
    pauses = await db.fetch(
        "SELECT id FROM work_order_pause WHERE work_order = $1 ORDER BY id", job
    )
    for pause, (start, length) in zip(pauses, ((40, 15), (80, 10)), strict=True):
        await db.execute(
            "UPDATE work_order_pause SET started_at = $2, ended_at = $3 WHERE id = $1",
            pause["id"],
            nine + start * minute,
            nine + (start + length) * minute,
        )
    labour = (await api.get(f"/api/work-orders/{job}", headers=person.headers)).json()["labour"]
    assert (labour["travel_minutes"], labour["work_minutes"]) == (25, 70)
    assert [p["reason"] for p in labour["pauses"]] == ["Waiting for a part", "Customer at lunch"]
    assert labour["paused"] is False


async def test_the_service_report_for_staff_and_for_the_customer_after_completion(api):
    w = await world(api)
    parts = [{"part_id": w.parts[0]["id"], "qty": 1, "serial_out": "OLD-1", "serial_in": "NEW-1"}]
    person = await engineer(api, w, 1, stock={w.parts[0]["id"]: 2})
    job = (await file_request(api, w.token))["id"]
    await step(api, person, job, "accept")
    await step(api, person, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    await upload(api, person, job, picture("JPEG"), stage="after")
    customer_url = f"/q/{w.token}/requests/{job}/report"
    assert (await api.get(customer_url)).status_code == 404  # not before it is done
    body = {"resolution": "Replaced the valve", "parts": parts}
    body["signature"] = {"name": "Li Lei", "image": signature_url()}
    await step(api, person, job, "complete", body)

    page = await api.get(f"/api/work-orders/{job}/report", headers=w.supervisor.headers)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    for expected in ("Replaced the valve", w.device["serial"], "OLD-1", "NEW-1", "Li Lei"):
        assert expected in html
    assert html.count("data:image/jpeg;base64,") == 1
    assert 'id="signature" src="data:image/png;base64,' in html
    chinese = await api.get(
        f"/api/work-orders/{job}/report?lang=zh_CN", headers=w.supervisor.headers
    )
    assert "服务报告" in chinese.text
    assert "客户签名" in chinese.text
    other = await engineer(api, w, 6)
    mine = await api.get(f"/api/work-orders/{job}/report", headers=other.headers)
    assert mine.status_code == 404

    customer = await api.get(customer_url)
    assert customer.status_code == 200
    assert "Replaced the valve" in customer.text
    tracking = await api.get(f"/q/{w.token}/requests/{job}")
    assert f'href="{customer_url}"' in tracking.text
