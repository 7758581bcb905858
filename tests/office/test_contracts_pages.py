"""The sales contract pages: the list (search, filters, order, paging with the total, received
and outstanding), the new-contract form prefilled from a won opportunity, and a contract's page
showing only the steps its status allows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from tests.support.factories import Staff, account, create, team


def _numbers(html: str) -> list[str]:
    return re.findall(r'<a class="row-link" href="/contracts/\d+">([^<]+)</a>', html)


async def _contract(api: Any, who: Staff, account_id: int, number: str, **extra: Any) -> Any:
    start = date.today() - timedelta(days=120)
    body = {
        "account_id": account_id,
        "number": number,
        "title": extra.pop("title", f"Service deal {number}"),
        "amount": extra.get("amount", "30000"),
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=364)).isoformat(),
        "payment_plan": extra.pop(
            "plan",
            [
                {"due_on": (start + timedelta(days=30)).isoformat(), "amount": "10000"},
                {"due_on": (start + timedelta(days=400)).isoformat(), "amount": "20000"},
            ],
        ),
    }
    body.update(extra)
    return await create(api, who, "/api/contracts", body)


async def test_the_list_searches_filters_sorts_and_pages(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    cedar = await account(api, rep, name="Cedar Mills")
    apex = await account(api, rep, name="Apex Labs")
    first = await _contract(api, rep, cedar["id"], "HT-A-1", title="Boiler care")
    later = [{"due_on": (date.today() + timedelta(days=30)).isoformat(), "amount": "30000"}]
    await _contract(api, rep, apex["id"], "HT-B-2", title="Chiller rental", plan=later)
    await _contract(api, admin, apex["id"], "HT-C-3", title="Boiler upgrade", plan=later)
    submitted = await api.post(f"/api/contracts/{first['id']}/submit", headers=rep.headers)
    assert submitted.json()["status"] == "active"  # below the approval threshold
    paid = await api.post(
        f"/api/contracts/{first['id']}/payments",
        json={"amount": "4000", "received_on": date.today().isoformat(), "method": "cash"},
        headers=rep.headers,
    )
    assert paid.status_code == 201, paid.text
    headers = people["supervisor"].headers

    page = await api.get("/contracts", params={"sort": "number"}, headers=headers)
    assert page.status_code == 200
    assert _numbers(page.text) == ["HT-A-1", "HT-B-2", "HT-C-3"]
    assert 'data-total="3"' in page.text
    row = page.text[page.text.index(">HT-A-1<") :]
    row = row[: row.index("</tr>")]
    # amount, received, outstanding (whole amounts without their .00)
    assert re.findall(r'<td class="num[^"]*">([\d,.]+)</td>', row) == ["30,000", "4,000", "26,000"]

    page = await api.get("/contracts", params={"q": "boiler", "sort": "-number"}, headers=headers)
    assert _numbers(page.text) == ["HT-C-3", "HT-A-1"]
    page = await api.get("/contracts", params={"q": "apex"}, headers=headers)
    assert sorted(_numbers(page.text)) == ["HT-B-2", "HT-C-3"]
    page = await api.get("/contracts", params={"status": "active"}, headers=headers)
    assert _numbers(page.text) == ["HT-A-1"]
    # The first line (due 90 days ago, 10,000) is only partly paid: overdue.
    page = await api.get("/contracts", params={"overdue": "true"}, headers=headers)
    assert _numbers(page.text) == ["HT-A-1"]
    page = await api.get("/contracts", params={"sort": "-outstanding"}, headers=headers)
    assert _numbers(page.text)[-1] == "HT-A-1"

    paged = await api.get("/contracts", params={"sort": "number", "limit": 25}, headers=headers)
    assert "1–3 of 3" in paged.text
    bad = await api.get("/contracts", params={"sort": "password"}, headers=headers)
    assert bad.status_code == 400
    unknown = await api.get("/contracts", params={"colour": "red"}, headers=headers)
    assert unknown.status_code == 400


async def test_a_won_opportunity_prefills_the_new_contract(api):
    people = await team(api)
    rep = people["rep"]
    site = await account(api, rep, name="Juniper Hotel")
    deal = await create(
        api,
        rep,
        "/api/opportunities",
        {
            "account_id": site["id"],
            "name": "Boiler room refit",
            "amount": "186000",
            "expected_close": date.today().isoformat(),
        },
    )
    page = await api.get(
        "/contracts/new",
        params={"opportunity_id": deal["id"]},
        headers=people["supervisor"].headers,
    )
    assert page.status_code == 200
    assert "Juniper Hotel" in page.text
    assert f'<option value="{deal["id"]}" selected' in page.text
    assert 'value="Boiler room refit"' in page.text
    assert 'value="186000' in page.text
    assert re.search(r'name="number" type="text" value="HT-\d{4}-0001"', page.text)
    # From the account: its deals are the choices, none chosen yet.
    page = await api.get(
        "/contracts/new", params={"account_id": site["id"]}, headers=people["supervisor"].headers
    )
    assert f'<option value="{deal["id"]}" data-amount="186000' in page.text
    missing = await api.get(
        "/contracts/new", params={"opportunity_id": 999999}, headers=people["supervisor"].headers
    )
    assert missing.status_code == 404


async def test_a_contract_page_offers_the_steps_its_status_allows(api):
    people = await team(api)
    rep, supervisor = people["rep"], people["supervisor"]
    site = await account(api, rep, name="Birch Foods")
    big = await _contract(
        api,
        rep,
        site["id"],
        "HT-BIG-1",
        amount="150000",
        plan=[{"due_on": date.today().isoformat(), "amount": "150000"}],
    )
    path = f"/contracts/{big['id']}"
    page = await api.get(path, headers=supervisor.headers)
    assert page.status_code == 200
    assert f'data-api="/api/contracts/{big["id"]}/submit"' in page.text
    assert "/approve" not in page.text
    assert "/payments" not in page.text

    await api.post(f"/api/contracts/{big['id']}/submit", headers=rep.headers)
    page = await api.get(path, headers=supervisor.headers)
    assert "/approve" in page.text
    assert "/reject" in page.text
    assert "/submit" not in page.text
    assert "Awaiting approval" in page.text

    approved = await api.post(
        f"/api/contracts/{big['id']}/approve", json={}, headers=supervisor.headers
    )
    assert approved.json()["status"] == "active"
    page = await api.get(path, headers=supervisor.headers)
    assert "/payments" in page.text
    assert "/approve" not in page.text
    assert 'data-kind="approved"' in page.text  # the approval in the history

    assert "/complete" not in page.text  # not paid yet

    paid = await api.post(
        f"/api/contracts/{big['id']}/payments",
        json={"amount": "150000", "received_on": date.today().isoformat(), "method": "cheque"},
        headers=supervisor.headers,
    )
    assert paid.status_code == 201, paid.text
    page = await api.get(path, headers=supervisor.headers)
    assert f'data-api="/api/contracts/{big["id"]}/complete"' in page.text
    assert 'data-status="paid"' in page.text
    done = await api.post(f"/api/contracts/{big['id']}/complete", headers=supervisor.headers)
    assert done.json()["status"] == "completed"
    page = await api.get(path, headers=supervisor.headers)
    assert "Nothing: the contract is completed." in page.text
    assert "/void" not in page.text
    assert 'data-kind="completed"' in page.text

    chinese = await api.get(path, headers={**supervisor.headers, "Accept-Language": "zh-CN"})
    assert "无：合同状态为「已完成」。" in chinese.text
    missing = await api.get("/contracts/999999", headers=supervisor.headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")


async def test_the_list_downloads_what_it_filters(api):
    people = await team(api)
    rep = people["rep"]
    site = await account(api, rep, name="Cedar Mills")
    later = [{"due_on": (date.today() + timedelta(days=30)).isoformat(), "amount": "30000"}]
    for number in ("HT-9", "HT-1", "HT-5"):
        await _contract(api, rep, site["id"], number, plan=later)
    done = await _contract(api, rep, site["id"], "HT-7", plan=later)
    await api.post(f"/api/contracts/{done['id']}/submit", headers=rep.headers)
    headers = people["supervisor"].headers
    filters = {"status": "draft", "sort": "number"}
    page = await api.get("/contracts", params=filters, headers=headers)
    assert "/contracts/export?status=draft&amp;sort=number&amp;format=csv" in page.text

    response = await api.get(
        "/contracts/export",
        params={**filters, "format": "csv"},
        headers={**headers, "Accept-Language": "zh-CN"},
    )
    assert response.status_code == 200, response.text
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))
    assert rows[0][:5] == ["编号", "合同标题", "客户", "负责人", "状态"]
    assert [r[0] for r in rows[1:]] == ["HT-1", "HT-5", "HT-9"]  # the draft ones, in order
    assert {r[4] for r in rows[1:]} == {"草稿"}
    assert response.headers["x-total-count"] == "3"
