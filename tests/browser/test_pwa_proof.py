"""Proof of work in Chromium: the engineer takes a photo and the customer's signature offline, both
survive a reload without a network, and back online the photo is sent once and the completion
carries the signature; a completion without the signature the contract asks for is refused beside
the pad; the customer opens the service report behind the QR code and sees photo and signature."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from httpx import AsyncClient
from PIL import Image
from playwright.async_api import Page, Response, Route, expect

from backend import db
from tests.support.factories import PASSWORD, create
from tests.support.loop import SITE, engineer, file_request, step, world
from tests.support.staff_app import (
    CONNECTION_RESET,
    OFFLINE,
    eventually,
    fits_the_screen,
    phone,
    sign_in,
    until_ready_offline,
    until_synced,
)

BAD_REQUEST = "Failed to load resource: the server responded with a status of 400"


def _camera_jpeg(path: Path, size: tuple[int, int] = (4000, 3000)) -> Path:
    """A phone camera's picture (4000 × 3000 px), with a GPS position in its EXIF."""
    width, height = size
    image = Image.new("RGB", size, (30, 110, 160))
    for x in range(0, width, 250):  # something to see, and to compress
        image.paste((240, 180, 40), (x, 0, x + 120, height))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 49.0), 3: "E", 4: (121.0, 28.0, 25.0)}
    image.save(path, "JPEG", quality=90, exif=exif)
    return path


async def _on_site_job_under_contract(api: AsyncClient) -> tuple[Any, Any, int]:
    """A job on site whose device is under a maintenance contract that asks for a signature."""
    w = await world(api)
    await create(
        api,
        w.supervisor,
        "/api/service-contracts",
        {
            "account_id": w.account["id"],
            "kind": "maintenance",
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=365)).isoformat(),
            "device_ids": [w.device["id"]],
            "signature_required": True,
            "plan": {"every": 6, "unit": "month"},
        },
    )
    me = await engineer(api, w, 1)
    job = int((await file_request(api, w.token, "Compressor trips"))["id"])
    await step(api, me, job, "accept")
    await step(api, me, job, "travel")
    await step(api, me, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    return w, me, job


async def _photos(job: int) -> Any:
    return await db.fetchval("SELECT count(*) FROM work_order_photo WHERE work_order = $1", job)


async def _pauses_ended(job: int) -> Any:
    return await db.fetchval(
        "SELECT count(*) FROM work_order_pause WHERE work_order = $1 AND ended_at IS NOT NULL", job
    )


async def _sign(page: Page) -> None:
    """A signature drawn on the pad with the mouse, as a finger would."""
    await page.locator("#signature-pad").evaluate("pad => pad.scrollIntoView({block: 'center'})")
    box = await page.locator("#signature-pad").bounding_box()
    assert box is not None
    x, y = box["x"], box["y"] + box["height"] / 2
    await page.mouse.move(x + 30, y)
    await page.mouse.down()
    for i in range(1, 25):
        await page.mouse.move(x + 30 + i * 10, y + (18 if i % 2 else -18), steps=3)
    await page.mouse.up()


async def test_photo_and_signature_taken_offline_are_sent_once(api, server, tmp_path):
    w, me, job = await _on_site_job_under_contract(api)
    picture = _camera_jpeg(tmp_path / "IMG_0001.jpg")
    async with phone(server, position=SITE, tolerate=(OFFLINE,)) as (context, page):
        await sign_in(page, server, me, "/engineer")
        await expect(page.locator("#active-body")).to_contain_text("Under maintenance contract")
        await page.goto(f"{server}/jobs/{job}")
        await until_ready_offline(page)
        await expect(page.locator("#job-coverage")).to_contain_text("Under maintenance contract")
        await expect(page.locator("#job-coverage")).to_contain_text("Signature required")
        await expect(page.locator("#labour")).to_contain_text("min travel")

        # Without the signature the contract asks for, the completion is refused beside the pad.
        await page.get_by_label("Resolution").fill("Replaced the start capacitor")
        await page.get_by_role("button", name="Complete the job").click()
        await expect(page.locator("#signature-error")).to_have_text(
            "The customer's signature is required for this job."
        )
        await expect(page.locator("#sync")).to_have_attribute("data-pending", "0")

        # A pause with its reason, then back to work: the report's work minutes leave it out.
        await page.get_by_label("Waiting for a part").check()
        await page.get_by_role("button", name="Pause", exact=True).click()
        await expect(page.locator("#pause-state")).to_contain_text("Waiting for a part")
        await page.get_by_role("button", name="Resume the work").click()
        await expect(page.locator("#pause-state")).to_have_text("Working on site.")
        await eventually(lambda: _pauses_ended(job), 1)
        await until_synced(page)

        await context.set_offline(True)
        await expect(page.locator("#offline-banner")).to_be_visible()
        await page.locator("#photo-before").set_input_files(picture)
        await expect(page.locator("#photo-list li.waiting")).to_have_count(1)
        await expect(page.locator("#sync-pending")).to_have_text(f"Photo of job #{job} (Before)")
        await page.get_by_label("Name of the person signing").fill("王建国")
        await _sign(page)
        await expect(page.locator("#signature-kept")).to_contain_text("Signed by 王建国")
        await expect(page.locator("#signature-error")).to_be_hidden()

        # Nothing is lost to a reload without a network: the photo waits in the outbox, the
        # signature in the phone's database.
        await page.reload()
        await expect(page.locator("#photo-list li.waiting")).to_have_count(1)
        await expect(page.locator("#signature-kept")).to_contain_text("Signed by 王建国")
        await expect(page.get_by_label("Name of the person signing")).to_have_value("王建国")
        await page.screenshot(path="/tmp/pwa-proof-offline.png", full_page=True)
        assert await _photos(job) == 0

        await context.set_offline(False)
        await eventually(lambda: _photos(job), 1)
        await until_synced(page)
        await expect(page.locator("#photo-list li[data-photo]")).to_have_count(1)
        await expect(page.locator("#photo-list li.waiting")).to_have_count(0)

        await page.get_by_label("Resolution").fill("Replaced the start capacitor")
        await page.get_by_role("button", name="Complete the job").click()
        await until_synced(page)
        await expect(page.locator("#job-status")).to_have_attribute("data-status", "completed")
        await expect(page.locator("#report-link")).to_be_visible()
        await page.screenshot(path="/tmp/pwa-proof-done.png", full_page=True)

    row = await db.fetchrow(
        "SELECT status, signer_name, signature IS NOT NULL AS signed FROM work_order WHERE id = $1",
        job,
    )
    assert (row["status"], row["signer_name"], row["signed"]) == ("completed", "王建国", True)
    photo = await db.fetchrow(
        "SELECT stage, content_type, width, height, data FROM work_order_photo "
        "WHERE work_order = $1",
        job,
    )
    assert await _photos(job) == 1
    pause = await db.fetchrow(
        "SELECT reason, ended_at FROM work_order_pause WHERE work_order = $1", job
    )
    assert pause["reason"] == "Waiting for a part"
    assert pause["ended_at"] is not None
    assert (photo["stage"], photo["content_type"]) == ("before", "image/jpeg")
    assert (photo["width"], photo["height"]) == (1600, 1200)  # shrunk on the phone
    assert not Image.open(io.BytesIO(photo["data"])).getexif()  # no position left in it
    keys = await db.fetchval(
        "SELECT count(*) FROM idempotency_key WHERE path = $1", f"/api/work-orders/{job}/photos"
    )
    assert keys == 1

    # The customer, behind the device's QR code, opens the report: photo and signature.
    async with phone(server) as (_, customer):
        await customer.goto(f"{server}/q/{w.token}/requests/{job}")
        await customer.locator("#report-link").click()
        await expect(customer.locator("#resolution")).to_have_text("Replaced the start capacitor")
        await expect(customer.locator("img[alt='Before']")).to_have_count(1)
        await expect(customer.locator("img#signature")).to_be_visible()
        natural = await customer.locator("img[alt='Before']").evaluate("i => i.naturalWidth")
        assert natural == 1600
        signature = await customer.locator("img#signature").evaluate("i => i.naturalWidth")
        assert signature > 0


async def test_a_photo_whose_answer_was_lost_is_replayed_not_doubled(api, server, tmp_path):
    """The server stores the photo but its answer never reaches the phone: the outbox sends the
    same bytes again (the multipart boundary comes from the key) and gets the first answer."""
    _, me, job = await _on_site_job_under_contract(api)
    picture = _camera_jpeg(tmp_path / "IMG_0002.jpg", (1200, 900))
    photos = f"/api/work-orders/{job}/photos"
    answers: list[tuple[int, str | None]] = []

    async def lose_the_answer(route: Route) -> None:
        await route.fetch()  # the server gets the photo and keeps it…
        await route.abort("connectionreset")  # …but the answer is lost on the way back

    def note(response: Response) -> None:
        if response.url.endswith(photos):
            answers.append((response.status, response.headers.get("idempotent-replay")))

    async with phone(server, position=SITE, tolerate=(CONNECTION_RESET,)) as (context, page):
        await sign_in(page, server, me, "/engineer")
        await context.route(f"**{photos}", lose_the_answer)
        page.on("response", note)
        await page.goto(f"{server}/jobs/{job}")
        await expect(page.locator("#photos")).to_be_visible()  # shown once the page is wired
        await page.locator("#photo-after").set_input_files(picture)
        await eventually(lambda: _photos(job), 1)
        await expect(page.locator("#sync")).to_have_attribute("data-pending", "1")

        await context.unroute(f"**{photos}")
        await page.reload()  # a fresh page sends what waits at once
        await until_synced(page)
        await expect(page.locator("#photo-list li[data-stage='after']")).to_have_count(1)

    assert answers == [(201, "true")]
    assert await _photos(job) == 1


async def test_a_refusal_for_want_of_a_signature_shows_beside_the_pad_in_chinese(api, server):
    """The signature became required after the page was loaded (a product's rule changed): the
    server refuses the completion (400 naming `signature`), and the phone says why beside the pad;
    the page fits a 360 px phone in Chinese."""
    w = await world(api)
    me = await engineer(api, w, 1)
    job = int((await file_request(api, w.token, "Fan noise"))["id"])
    await step(api, me, job, "accept")
    await step(api, me, job, "arrive", {"lat": SITE[0], "lng": SITE[1]})
    async with phone(server, locale="zh-CN", position=SITE, tolerate=(BAD_REQUEST,)) as (_, page):
        await page.goto(f"{server}/login")
        await page.get_by_label("邮箱").fill(me.email)
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.wait_for_url(f"{server}/engineer")
        await page.goto(f"{server}/jobs/{job}")
        await expect(page.locator("#job-coverage")).to_have_text("不在合同或保修范围内：需收费")
        await expect(page.locator("#signature-need")).to_have_text("此工单可不签名。")
        await expect(page.get_by_text("拍维修前照片")).to_be_visible()
        await fits_the_screen(page)
        await db.execute(
            "UPDATE product SET signature_required = true WHERE id = $1", w.product["id"]
        )
        await page.get_by_label("处理结果").fill("更换风扇")
        await page.get_by_role("button", name="完成工单").click()
        await expect(page.locator("#signature-error")).to_have_text("此工单需要客户签名。")
        await expect(page.locator("#sync-conflicts")).to_contain_text(f"#{job}")
        await expect(page.locator("#job-status")).to_have_attribute("data-status", "on_site")
        await page.screenshot(path="/tmp/pwa-proof-refused-zh.png", full_page=True)
    assert await db.fetchval("SELECT status FROM work_order WHERE id = $1", job) == "on_site"
