"""The back office's sales pages as HTML: the leads list (search, filters, order, paging with the
total), the pool (why and since when), a lead's page (score reasons, pool moves, follow-ups),
the pipeline by stage (count, amount, weighted amount per stage, filtered by owner and month),
its list, and an opportunity's page (history; a won one prompts a contract)."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl

from backend import db
from backend.demo.load import DEMO_PASSWORD, load_demo
from tests.support.factories import Staff, account, create, login, team


def _lead_names(html: str) -> list[str]:
    return re.findall(r'<a class="row-link" href="/leads/\d+">([^<]+)</a>', html)


def _column(html: str, stage_id: int) -> str:
    """The HTML of one stage's column of the pipeline board."""
    start = html.index(f'data-stage="{stage_id}"')
    end = html.find("</section>", start)
    return html[start:end]


async def _stages(api: Any, who: Staff) -> dict[str, dict[str, Any]]:
    listed = (await api.get("/api/stages", headers=who.headers)).json()
    return {s["name"]: s for s in listed}


async def test_the_leads_list_searches_filters_sorts_and_pages(api):
    people = await team(api)
    sup, rep = people["supervisor"], people["rep"]
    await create(
        api, rep, "/api/leads", {"name": "Cao Min", "company": "Birch Foods", "source": "web"}
    )
    await create(
        api, sup, "/api/leads", {"name": "Ann Li", "company": "Apex Labs", "owner_id": None}
    )
    await create(
        api, sup, "/api/leads", {"name": "Bo Wu", "phone": "13900001111", "source": "referral"}
    )
    headers = sup.headers

    page = await api.get("/leads", params={"sort": "name"}, headers=headers)
    assert page.status_code == 200
    assert _lead_names(page.text) == ["Ann Li", "Bo Wu", "Cao Min"]
    assert 'data-total="3"' in page.text
    assert 'aria-sort="ascending"' in page.text

    page = await api.get("/leads", params={"sort": "-name", "limit": 25}, headers=headers)
    assert _lead_names(page.text) == ["Cao Min", "Bo Wu", "Ann Li"]
    page = await api.get("/leads", params={"pool": "false"}, headers=headers)
    assert _lead_names(page.text) == ["Cao Min"]
    page = await api.get("/leads", params={"owner_id": rep.id}, headers=headers)
    assert _lead_names(page.text) == ["Cao Min"]
    page = await api.get("/leads", params={"source": "referral"}, headers=headers)
    assert _lead_names(page.text) == ["Bo Wu"]
    page = await api.get("/leads", params={"q": "apex"}, headers=headers)
    assert _lead_names(page.text) == ["Ann Li"]
    page = await api.get("/leads", params={"status": "converted"}, headers=headers)
    assert _lead_names(page.text) == []
    assert "Nothing matches" in page.text

    # Paging keeps the filter and the order; the total is the whole filter's.
    page = await api.get("/leads", params={"sort": "name", "limit": 25}, headers=headers)
    assert "1–3 of 3" in page.text
    bad = await api.get("/leads", params={"status": "won"}, headers=headers)
    assert bad.status_code == 400


async def test_the_pool_says_why_and_since_when_and_offers_claim_and_assign(api):
    people = await team(api)
    sup, rep = people["supervisor"], people["rep"]
    lead = await create(api, rep, "/api/leads", {"name": "Dai Yu", "company": "Cedar Mills"})
    released = await api.post(
        f"/api/leads/{lead['id']}/release",
        json={"reason": "No budget this year"},
        headers=rep.headers,
    )
    assert released.status_code == 200, released.text
    site = await account(api, sup, name="Juniper Hotel")

    page = await api.get("/leads/pool", headers=sup.headers)
    assert page.status_code == 200
    row = page.text[page.text.index(f'data-pool-row="{lead["id"]}"') :]
    row = row[: row.index("</tr>")]
    assert "Released" in row
    assert "No budget this year" in row
    assert f'data-api="/api/leads/{lead["id"]}/claim"' in row
    assert f'data-api="/api/leads/{lead["id"]}/assign"' in row
    assert "You may claim 20 more today" in page.text

    accounts = await api.get("/leads/pool", params={"kind": "account"}, headers=sup.headers)
    assert "Juniper Hotel" in accounts.text
    assert "Never owned" in accounts.text
    assert f'data-api="/api/accounts/{site["id"]}" data-method="PATCH"' in accounts.text
    chinese = await api.get("/leads/pool?lang=zh_CN", headers=sup.headers)
    assert "主动退回" in chinese.text
    assert "今天还可领取 20 个" in chinese.text

    # The pool downloads as the page shows it: why, the reason, since when, whose it was.
    assert (
        "/leads/pool/export?q=Cedar&amp;format=csv"
        in (await api.get("/leads/pool", params={"q": "Cedar"}, headers=sup.headers)).text
    )
    csv = await api.get(
        "/leads/pool/export",
        params={"format": "csv", "q": "Cedar", "lang": "en"},
        headers=sup.headers,
    )
    assert csv.status_code == 200, csv.text
    header, row = csv.content.decode("utf-8-sig").strip().splitlines()
    assert header.startswith("Name,Company,Grade,Phone,Why in the pool,Reason,Former owner")
    assert row.startswith("Dai Yu,Cedar Mills,,,Released,No budget this year,")
    assert csv.headers["X-Total-Count"] == "1"
    xlsx = await api.get(
        "/leads/pool/export", params={"format": "xlsx", "kind": "account"}, headers=sup.headers
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert "Juniper Hotel" in [row[0] for row in sheet.iter_rows(values_only=True)]


async def test_a_leads_page_shows_its_score_reasons_moves_and_follow_ups(api):
    people = await team(api)
    sup, rep = people["supervisor"], people["rep"]
    lead = await create(
        api,
        sup,
        "/api/leads",
        {"name": "Eva Sun", "company": "Delta Co", "phone": "13911112222", "owner_id": rep.id},
    )
    await create(
        api,
        rep,
        "/api/follow-ups",
        {"method": "call", "content": "Wants a quote", "lead_id": lead["id"]},
    )
    page = await api.get(f"/leads/{lead['id']}", headers=sup.headers)
    assert page.status_code == 200
    assert "Has a phone number" in page.text
    assert "+20" in page.text
    assert "Followed up in the last 14 days" in page.text
    assert "Wants a quote" in page.text
    moves = page.text[page.text.index('id="pool-moves"') :]
    assert "Handed over" in moves[: moves.index("</section>")]
    assert f'data-api="/api/leads/{lead["id"]}/convert"' in page.text
    assert 'id="disqualify-form"' in page.text

    converted = await api.post(f"/api/leads/{lead['id']}/convert", json={}, headers=sup.headers)
    assert converted.status_code == 200, converted.text
    page = await api.get(f"/leads/{lead['id']}", headers=sup.headers)
    assert 'id="converted-note"' in page.text
    assert f'href="/accounts/{converted.json()["account_id"]}"' in page.text
    assert "/convert" not in page.text
    assert 'id="lead-form"' not in page.text
    missing = await api.get("/leads/999999", headers=sup.headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")


async def _deals(api: Any) -> dict[str, Any]:
    people = await team(api)
    sup, rep, other = people["supervisor"], people["rep"], people["other_rep"]
    stages = await _stages(api, sup)
    first = stages["Initial contact"]
    mine = await account(api, rep, name="Oak Foods")
    theirs = await account(api, other, name="Pine Labs")
    deals = [
        (rep, mine, "Boilers", "100000", "2027-01-15"),
        (rep, mine, "Chillers", "50000", "2027-01-31"),
        (other, theirs, "Pumps", "30000", "2027-02-10"),
    ]
    made = []
    for who, site, name, amount, close in deals:
        body = {"account_id": site["id"], "name": name, "amount": amount, "expected_close": close}
        made.append(await create(api, who, "/api/opportunities", body))
    return {**people, "stages": stages, "first": first, "made": made}


async def test_the_pipeline_counts_and_weighs_each_stage_and_filters(api):
    w = await _deals(api)
    sup, rep = w["supervisor"], w["rep"]
    page = await api.get("/pipeline", headers=sup.headers)
    assert page.status_code == 200
    column = _column(page.text, w["first"]["id"])
    assert "<dd data-count>3</dd>" in column
    assert "CN¥180,000" in column  # amount
    assert "CN¥18,000" in column  # weighted, at 10 %
    assert all(name in column for name in ("Boilers", "Chillers", "Pumps"))

    page = await api.get("/pipeline", params={"owner_id": rep.id}, headers=sup.headers)
    assert "<dd data-count>2</dd>" in _column(page.text, w["first"]["id"])
    page = await api.get("/pipeline", params={"month": "2027-02"}, headers=sup.headers)
    column = _column(page.text, w["first"]["id"])
    assert "<dd data-count>1</dd>" in column
    assert "Pumps" in column
    bad = await api.get("/pipeline", params={"month": "2027-13"}, headers=sup.headers)
    assert bad.status_code == 400

    listed = await api.get(
        "/pipeline/list", params={"month": "2027-01", "sort": "-amount"}, headers=sup.headers
    )
    names = re.findall(r'<a class="row-link" href="/pipeline/\d+">([^<]+)</a>', listed.text)
    assert names == ["Boilers", "Chillers"]
    assert 'data-total="2"' in listed.text
    chinese = await api.get("/pipeline?lang=zh_CN", headers=sup.headers)
    assert "初步接洽" in chinese.text


async def test_an_opportunitys_page_shows_its_history_and_a_won_one_prompts_a_contract(api):
    w = await _deals(api)
    sup = w["supervisor"]
    deal = w["made"][0]
    page = await api.get(f"/pipeline/{deal['id']}", headers=sup.headers)
    assert page.status_code == 200
    assert 'id="contract-prompt"' not in page.text
    won = w["stages"]["Won"]["id"]
    moved = await api.patch(
        f"/api/opportunities/{deal['id']}", json={"stage_id": won}, headers=sup.headers
    )
    assert moved.status_code == 200, moved.text
    page = await api.get(f"/pipeline/{deal['id']}", headers=sup.headers)
    assert f'href="/contracts/new?opportunity_id={deal["id"]}"' in page.text
    history = page.text[page.text.index('id="stage-history"') :]
    assert history.count("<tr>") == 3  # the head, the opening and the move
    assert "Won" in history


async def test_reps_and_engineers_get_the_error_page(api):
    people = await team(api)
    for role in ("rep", "engineer"):
        for path in ("/leads", "/leads/pool", "/pipeline", "/pipeline/list"):
            page = await api.get(path, headers=people[role].headers)
            assert page.status_code == 403, (role, path)
            assert page.headers["content-type"].startswith("text/html"), (role, path)


async def test_the_lists_export_what_they_filter_in_the_readers_language(api):
    w = await _deals(api)
    sup = w["supervisor"]
    await create(api, sup, "/api/leads", {"name": "Gu Li", "source": "web", "owner_id": None})
    await create(api, sup, "/api/leads", {"name": "He Jing", "source": "visit", "owner_id": None})
    csv = await api.get(
        "/leads/export",
        params={"format": "csv", "source": "web", "lang": "zh_CN"},
        headers=sup.headers,
    )
    assert csv.status_code == 200, csv.text
    text = csv.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("名称,公司,状态,来源")
    assert len(lines) == 2
    assert "Gu Li" in lines[1]
    assert ",新建,网站," in lines[1]

    deals = await api.get(
        "/pipeline/list/export",
        params={"format": "csv", "month": "2027-01", "sort": "-amount"},
        headers=sup.headers,
    )
    assert deals.status_code == 200, deals.text
    rows = deals.content.decode("utf-8-sig").strip().splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["Boilers", "Chillers"]
    assert "Initial contact" in rows[1]
    xlsx = await api.get("/pipeline/list/export", params={"format": "xlsx"}, headers=sup.headers)
    assert xlsx.status_code == 200
    assert xlsx.headers["X-Total-Count"] == "3"
    page = await api.get("/pipeline/list", params={"month": "2027-01"}, headers=sup.headers)
    assert "/pipeline/list/export?month=2027-01&amp;format=csv" in page.text


async def test_the_demos_leads_show_their_follow_ups(api):
    await load_demo(3, accounts=60, devices=150, engineers=6, reps=3)
    lead = await db.fetchrow(
        """SELECT l.id, l.owner FROM lead l
           WHERE l.status = 'working' AND l.owner IS NOT NULL ORDER BY l.id LIMIT 1"""
    )
    talks = await db.fetchval("SELECT count(*) FROM follow_up WHERE lead = $1", lead["id"])
    assert talks >= 1
    # A converted lead's talks moved to its account, as the conversion moves them.
    stray = await db.fetchval(
        """SELECT count(*) FROM follow_up f JOIN lead l ON l.id = f.lead
           WHERE l.status = 'converted' AND f.account IS DISTINCT FROM l.account"""
    )
    assert stray == 0
    token = (await login(api, "admin@fieldline.test", DEMO_PASSWORD)).json()["token"]
    page = await api.get(f"/leads/{lead['id']}", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200
    shown = page.text[page.text.index('id="follow-ups"') :]
    assert shown.count('<li><time datetime="') == talks
    assert "Followed up in the last 14 days" in page.text
