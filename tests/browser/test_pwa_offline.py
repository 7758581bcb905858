"""Offline in Chromium: writes wait in the outbox, the shell reloads without a network, and back
online each write is applied exactly once, even when its first answer was lost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient
from playwright.async_api import Page, Response, Route, expect

from backend import db
from tests.support.factories import Staff, account, staff
from tests.support.loop import SITE, engineer, file_request, step, world
from tests.support.staff_app import (
    CONNECTION_RESET,
    NOT_FOUND,
    OFFLINE,
    eventually,
    phone,
    sign_in,
    until_ready_offline,
    until_synced,
)


async def _accepted_job(api: AsyncClient) -> tuple[Staff, int]:
    w = await world(api)
    me = await engineer(api, w, 2)
    job = int((await file_request(api, w.token))["id"])
    await step(api, me, job, "accept")
    return me, job


async def _travels(job: int) -> Any:
    """How often the job was set off: each applied write is one event."""
    return await db.fetchval(
        "SELECT count(*) FROM work_order_event WHERE work_order = $1 AND to_status = 'en_route'",
        job,
    )


async def _keys(path: str) -> Any:
    return await db.fetchval("SELECT count(*) FROM idempotency_key WHERE path = $1", path)


async def test_a_job_transition_waits_offline_and_is_applied_once(api, server):
    me, job = await _accepted_job(api)
    async with phone(server, position=SITE, tolerate=(OFFLINE,)) as (context, page):
        await sign_in(page, server, me, "/engineer")
        await until_ready_offline(page)  # the home page and the job's page and data are kept
        await page.get_by_role("link", name="Open the job").click()
        await until_ready_offline(page)

        await context.set_offline(True)
        await expect(page.locator("#offline-banner")).to_be_visible()
        await page.get_by_role("button", name="Set off").click()
        await _shows_waiting_travel(page, job)

        # The app still opens without a network: the shell and the day's data come from the
        # worker's cache, the waiting write from IndexedDB.
        await page.reload()
        await _shows_waiting_travel(page, job)
        await page.goto(f"{server}/engineer")
        await expect(page.locator("#active-status")).to_have_text("On the way")
        await expect(page.locator("#sync-chip")).to_have_text("⟳ 1")
        await page.screenshot(path="/tmp/pwa-offline.png", full_page=True)
        assert await db.fetchval("SELECT status FROM work_order WHERE id = $1", job) == "accepted"

        await context.set_offline(False)
        await eventually(lambda: _travels(job), 1)
        await until_synced(page)
        await expect(page.locator("#active-status")).to_have_text("On the way")
        await expect(page.get_by_text("Everything is sent.")).to_be_visible()

    assert await db.fetchval("SELECT status FROM work_order WHERE id = $1", job) == "en_route"
    assert await _travels(job) == 1
    assert await _keys(f"/api/work-orders/{job}/travel") == 1


async def _shows_waiting_travel(page: Page, job: int) -> None:
    await expect(page.locator("#job-status")).to_have_attribute("data-status", "en_route")
    await expect(page.locator("#job-waiting")).to_be_visible()
    await expect(page.locator("#sync")).to_have_attribute("data-pending", "1")
    await expect(page.locator("#sync-pending")).to_have_text(f"Set off to job #{job}")


async def test_a_lost_answer_is_replayed_and_not_doubled(api, server):
    """The server applies the write but its answer never reaches the phone; the phone sends it
    again with the same Idempotency-Key and gets the first answer back."""
    me, job = await _accepted_job(api)
    travel = f"/api/work-orders/{job}/travel"
    answers: list[tuple[int, str | None]] = []

    async def lose_the_answer(route: Route) -> None:
        await route.fetch()  # the server gets the write and applies it…
        await route.abort("connectionreset")  # …but the answer is lost on the way back

    def note(response: Response) -> None:
        if response.url.endswith(travel):
            answers.append((response.status, response.headers.get("idempotent-replay")))

    async with phone(server, position=SITE, tolerate=(CONNECTION_RESET,)) as (context, page):
        await sign_in(page, server, me, "/engineer")
        await context.route(f"**{travel}", lose_the_answer)
        page.on("response", note)
        await page.goto(f"{server}/jobs/{job}")
        await page.get_by_role("button", name="Set off").click()
        await eventually(lambda: _travels(job), 1)
        await expect(page.locator("#sync")).to_have_attribute("data-pending", "1")

        await context.unroute(f"**{travel}")
        await page.reload()  # a fresh page sends what waits at once
        await until_synced(page)
        await expect(page.locator("#job-status")).to_have_attribute("data-status", "en_route")
        await expect(page.locator("#job-waiting")).to_be_hidden()

    assert answers == [(200, "true")]
    assert await _travels(job) == 1
    assert await _keys(travel) == 1


async def test_a_check_in_waits_offline_and_is_applied_once(api, server):
    admin = await staff(api, "admin")
    rep = await staff(api, "rep")
    site = await account(api, admin, lat=SITE[0], lng=SITE[1], owner_id=rep.id)
    planned = {"account_id": site["id"], "planned_at": datetime.now(UTC).isoformat()}
    response = await api.post("/api/visits", json=planned, headers=rep.headers)
    assert response.status_code == 201, response.text
    visit = response.json()["id"]
    near = (SITE[0] + 0.0003, SITE[1])  # about 33 m north

    async with phone(server, position=near, tolerate=(OFFLINE,)) as (context, page):
        await sign_in(page, server, rep, "/rep")
        await until_ready_offline(page)  # today's visits, and each visit's page and data
        await context.set_offline(True)
        await page.get_by_role("link", name=site["name"]).click()
        await page.wait_for_url(f"{server}/visits/{visit}")
        await page.get_by_role("button", name="Check in here").click()
        result = page.locator("#checkin-result")
        await expect(result).to_have_text("Waiting to sync: about 33 m from the customer.")
        await expect(page.locator("#visit-status")).to_have_attribute("data-status", "checked_in")

        await page.reload()
        await expect(result).to_have_text("Waiting to sync: about 33 m from the customer.")
        await expect(page.locator("#sync-pending")).to_have_text(f"Check in at {site['name']}")
        assert await db.fetchval("SELECT checkin_at FROM visit WHERE id = $1", visit) is None

        await context.set_offline(False)
        await eventually(lambda: _checked_in(visit), True)
        await until_synced(page)
        await expect(result).to_contain_text("On site: 33 m from the customer.")
        await expect(result).to_have_attribute("data-on-site", "true")

    assert await _keys(f"/api/visits/{visit}/check-in") == 1


async def _checked_in(visit: int) -> Any:
    return await db.fetchval("SELECT checkin_at IS NOT NULL FROM visit WHERE id = $1", visit)


async def test_a_job_reassigned_meanwhile_is_shown_as_a_conflict(api, server):
    w = await world(api)
    me = await engineer(api, w, 2)
    colleague = await engineer(api, w, 6, on_duty=False)
    job = int((await file_request(api, w.token))["id"])
    async with phone(server, position=SITE, tolerate=(OFFLINE, NOT_FOUND)) as (context, page):
        await sign_in(page, server, me, "/engineer")
        await until_ready_offline(page)
        await context.set_offline(True)
        await page.locator("#offer").get_by_role("button", name="Accept").click()
        await expect(page.locator("#active-status")).to_have_text("Accepted")

        # Meanwhile the supervisor gives the job to a colleague.
        response = await api.post(
            f"/api/work-orders/{job}/assign",
            json={"engineer_id": colleague.id},
            headers=w.supervisor.headers,
        )
        assert response.status_code == 200, response.text

        await context.set_offline(False)
        conflict = page.locator("#sync-conflicts li")
        await expect(conflict).to_contain_text(
            f"Not applied: Accept job #{job}. It is no longer yours (it may have been reassigned)."
        )
        await expect(page.locator("#sync-chip")).to_have_text("! 0")
        await expect(page.get_by_text("No job right now.")).to_be_visible()
        await page.screenshot(path="/tmp/pwa-conflict.png", full_page=True)
        await conflict.get_by_role("button", name="Dismiss").click()
        await expect(conflict).to_have_count(0)
        await expect(page.locator("#sync-chip")).to_be_hidden()

    row = await db.fetchrow("SELECT status, engineer FROM work_order WHERE id = $1", job)
    assert (row["status"], row["engineer"]) == ("offered", colleague.id)


async def test_the_worker_replays_the_outbox_with_no_page_open(api, server):
    """What background sync runs (sw.js replayOutbox): the worker alone sends the waiting write,
    with the session cookie and the CSRF token the pages left in IndexedDB."""
    me, job = await _accepted_job(api)
    async with phone(server, position=SITE, tolerate=(OFFLINE,)) as (context, page):
        await sign_in(page, server, me, "/engineer")
        await page.goto(f"{server}/jobs/{job}")
        await until_ready_offline(page)
        await context.set_offline(True)
        await page.get_by_role("button", name="Set off").click()
        await expect(page.locator("#sync")).to_have_attribute("data-pending", "1")
        await page.goto("about:blank")  # no page of the app is open any more

        await context.set_offline(False)
        [worker] = context.service_workers
        result = await worker.evaluate("replayOutbox()")
        assert result == {"sent": 1, "stopped": None}
        assert await worker.evaluate("replayOutbox()") == {"sent": 0, "stopped": None}

    assert await _travels(job) == 1
    assert await _keys(f"/api/work-orders/{job}/travel") == 1
