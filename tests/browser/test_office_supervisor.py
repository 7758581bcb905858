"""The supervisor's desktop journey in Chromium (issue 13): from the home page to the dispatch
board, open a job, offer it instead to another engineer chosen from the eligible ones (nearest
first, with the distance, never who declined it), and see it offered to that engineer."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser.test_office import WAIT, desktop
from tests.support.factories import account, device, product, staff, team

SCREENSHOT = "/tmp/supervisor-reassign.png"


async def test_a_supervisor_goes_home_board_job_and_reassigns_it(api, server):
    people = await team(api)
    admin, supervisor = people["admin"], people["supervisor"]
    model = await product(api, admin, required_skill="hvac")
    site = await account(api, admin, name="Harbour Cold Store", lat=31.2304, lng=121.4737)
    unit = await device(api, admin, site["id"], model["id"], serial="SN-HCS-1")
    homes = {"near": 31.2310, "mid": 31.2600, "far": 31.3000, "farther": 31.3500}
    crew = {}
    for key, lat in homes.items():
        crew[key] = await staff(api, "engineer", skills=["hvac"], home_lat=lat, home_lng=121.4737)
        duty = await api.put(
            "/api/me/duty", json={"status": "available"}, headers=crew[key].headers
        )
        assert duty.status_code == 200, duty.text
    names = {
        key: (await api.get(f"/api/users/{who.id}", headers=admin.headers)).json()["name"]
        for key, who in crew.items()
    }
    made = await api.post(
        "/api/work-orders",
        json={"device_id": unit["id"], "description": "Freezer alarm"},
        headers=supervisor.headers,
    )
    assert made.status_code == 201, made.text
    job_id = made.json()["id"]
    declined = await api.post(f"/api/work-orders/{job_id}/decline", headers=crew["near"].headers)
    assert declined.status_code == 200, declined.text  # dispatch offers it to mid next

    async with desktop(server, supervisor) as page:
        await page.goto(f"{server}/")
        await expect(page.locator(f'a[href="/work-orders/{job_id}"]').first).to_be_visible()
        await page.locator(".office-nav").get_by_role("link", name="Dispatch").click()
        await expect(page).to_have_url(f"{server}/boards/dispatch")

        row = page.locator(f'#queue tr[data-job="{job_id}"]')
        await expect(row).to_contain_text(names["mid"], timeout=WAIT)
        await row.click()
        detail = page.locator("#detail")
        await expect(detail).to_have_attribute("data-job", str(job_id))
        await detail.get_by_role("link", name="Open the work order").click()
        await expect(page).to_have_url(f"{server}/work-orders/{job_id}")
        await expect(page.locator("#job-engineer")).to_contain_text(names["mid"])

        # Offer instead to: the eligible engineers nearest first, each with its distance; not
        # the one who declined, not the one holding the offer.
        choice = page.get_by_label("Eligible engineers, nearest first")
        options = await choice.locator("option").all_inner_texts()
        assert [o.split(" · ")[0] for o in options] == [names["far"], names["farther"]]
        found = [re.search(r"([\d.]+) km", o) for o in options]
        distances = [float(m.group(1)) for m in found if m]
        assert len(distances) == 2, options
        assert distances == sorted(distances)
        assert distances[0] > 5  # far's home, 7.7 km north of the site

        await choice.select_option(str(crew["farther"].id))
        await page.get_by_role("button", name="Offer the job").click()
        await expect(page.locator("#job-engineer")).to_contain_text(names["farther"], timeout=WAIT)
        await expect(page.locator("#job-status")).to_have_text("Offered")
        # Its distance as a person reads it: one decimal, not the float's 15 digits.
        held = await page.locator("#job-engineer").inner_text()
        assert re.search(r"· \d+\.\d km away$", held), held
        events = page.locator("#events")
        await expect(events).to_contain_text("Declined")
        await page.screenshot(path=SCREENSHOT, full_page=True)

        # And the board says so too.
        await page.goto(f"{server}/boards/dispatch")
        await expect(row).to_contain_text(names["farther"], timeout=WAIT)
        assert await row.get_attribute("data-status") == "offered"

    holder = (await api.get(f"/api/work-orders/{job_id}", headers=admin.headers)).json()
    assert (holder["status"], holder["engineer"]["id"]) == ("offered", crew["farther"].id)
