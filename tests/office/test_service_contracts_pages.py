"""The service contract pages: the list (search by account, status and kind, order, paging with
the total, devices and the next planned visit), a contract's page with its planned work orders
and the steps its status allows, and the list as a file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from backend.clock import run_job
from backend.maintenance.plans import PLAN_ROUND
from tests.support.factories import Staff, account, create, device, product, team


def _ids(html: str) -> list[int]:
    return [
        int(i) for i in re.findall(r'<a class="row-link" href="/service-contracts/(\d+)">', html)
    ]


async def _service(api: Any, who: Staff, account_id: int, devices: list[int], **extra: Any) -> Any:
    body = {
        "account_id": account_id,
        "kind": "maintenance",
        "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=364)).isoformat(),
        "device_ids": devices,
        "plan": {"every": 1, "unit": "month"},
        **extra,
    }
    return await create(api, who, "/api/service-contracts", body)


async def test_the_list_searches_filters_sorts_and_shows_the_next_visit(api):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin)
    lotus = await account(api, admin, name="Lotus Trading", lat=31.2, lng=121.4)
    birch = await account(api, admin, name="Birch Foods", lat=31.2, lng=121.4)
    units = [(await device(api, admin, lotus["id"], model["id"]))["id"] for _ in range(3)]
    other = (await device(api, admin, birch["id"], model["id"]))["id"]
    planned = await _service(api, admin, lotus["id"], units)
    warranty = await _service(
        api, admin, birch["id"], [other], kind="warranty", plan=None, respond_hours=4
    )
    await run_job(PLAN_ROUND)
    headers = people["supervisor"].headers

    page = await api.get("/service-contracts", params={"sort": "account_name"}, headers=headers)
    assert page.status_code == 200
    assert _ids(page.text) == [warranty["id"], planned["id"]]
    assert 'data-total="2"' in page.text
    row = page.text[page.text.index(f'href="/service-contracts/{planned["id"]}"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">3</td>' in row  # its devices
    assert "Monthly" in row
    assert date.today().strftime("%b %-d, %Y") in row  # today's visit, made by the clock

    page = await api.get("/service-contracts", params={"q": "lotus"}, headers=headers)
    assert _ids(page.text) == [planned["id"]]
    page = await api.get("/service-contracts", params={"kind": "warranty"}, headers=headers)
    assert _ids(page.text) == [warranty["id"]]
    page = await api.get("/service-contracts", params={"status": "ended"}, headers=headers)
    assert _ids(page.text) == []
    bad = await api.get("/service-contracts", params={"kind": "gold"}, headers=headers)
    assert bad.status_code == 400

    response = await api.get(
        "/service-contracts/export",
        params={"kind": "maintenance", "format": "csv"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content[3:].decode("utf-8"))))
    assert rows[0][:4] == ["Number", "Account", "Kind", "Status"]
    assert [(r[1], r[2], r[6]) for r in rows[1:]] == [("Lotus Trading", "Maintenance", "3")]


async def test_a_contract_page_shows_its_planned_jobs_and_its_steps(api):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin)
    site = await account(api, admin, name="Lotus Trading", lat=31.2, lng=121.4)
    unit = await device(api, admin, site["id"], model["id"], serial="SN-LOT-9")
    made = await _service(api, admin, site["id"], [unit["id"]])
    path = f"/service-contracts/{made['id']}"
    headers = people["supervisor"].headers

    page = await api.get(path, headers=headers)
    assert "No visit planned yet." in page.text
    assert 'id="coming"' in page.text  # the plan's due days, before the clock has run

    await run_job(PLAN_ROUND)
    page = await api.get(path, headers=headers)
    jobs = re.findall(r'<a href="/work-orders/(\d+)">#\d+</a>', page.text)
    assert len(jobs) == 1
    assert "SN-LOT-9" in page.text
    assert f'data-api="/api/service-contracts/{made["id"]}/suspend"' in page.text
    assert "/resume" not in page.text

    suspended = await api.post(
        f"/api/service-contracts/{made['id']}/suspend",
        json={"reason": "Renovation"},
        headers=headers,
    )
    assert suspended.status_code == 200, suspended.text
    page = await api.get(path, headers={**headers, "Accept-Language": "zh-CN"})
    assert "恢复合同" in page.text
    assert "暂停合同" not in page.text
    assert "Renovation" in page.text
    missing = await api.get("/service-contracts/999999", headers=headers)
    assert missing.status_code == 404
