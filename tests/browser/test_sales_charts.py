"""The sales board's charts in a desktop Chromium: Chart.js (from /vendor, never a CDN) draws the
funnel (overall and per rep), the forecast, the payments and the pool moves from the tables under
them, in English and in Chinese, with no script error and no request leaving our origin; the rep
filter redraws them for one rep."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from httpx import AsyncClient
from playwright.async_api import Page, Route, expect

from backend import assets, clock, db
from tests.support.chromium import chromium
from tests.support.factories import PASSWORD, Staff, account, create, team

WAIT = 10_000  # ms: a bound for a hung test, never a claim about speed
CHARTS = ("funnel", "funnel-reps", "forecast", "payments", "pool-reps")


@asynccontextmanager
async def desktop(server: str, who: Staff, locale: str) -> AsyncIterator[tuple[Page, list[str]]]:
    """A signed-in desktop page whose every request to another host is refused and noted."""
    foreign: list[str] = []

    async def only_ours(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            foreign.append(route.request.url)
            await route.abort()

    async with chromium(viewport={"width": 1400, "height": 900}, locale=locale) as (context, page):
        await context.route("**/*", only_ours)
        context.on(
            "request",
            lambda request: (
                None
                if urlsplit(request.url).hostname == "127.0.0.1" or request.url.startswith("data:")
                else foreign.append(request.url)
            ),
        )
        signed_in = await context.request.post(
            f"{server}/api/auth/login", data={"email": who.email, "password": PASSWORD}
        )
        assert signed_in.ok, await signed_in.text()
        yield page, foreign


async def _sales(api: AsyncClient) -> dict[str, Staff]:
    """Deals over the stages (one won), an active contract with an overdue line and a payment,
    and a claim and a release from the pool: something for every chart."""
    people = await team(api)
    rep = people["rep"]
    stages = {s["kind"] + str(s["probability"]): s["id"] for s in
              (await api.get("/api/stages", headers=rep.headers)).json()}  # fmt: skip
    acc = await account(api, rep, name="Harbour Cold Chain")
    day = clock.today()
    close = (day + timedelta(days=45)).isoformat()
    for name, stage, amount in (("Cold room", "open30", "250000"), ("Chillers", "won100", "80000")):
        deal = await create(api, rep, "/api/opportunities",
                            {"account_id": acc["id"], "name": name, "amount": amount,
                             "expected_close": close})  # fmt: skip
        moved = await api.patch(f"/api/opportunities/{deal['id']}",
                                json={"stage_id": stages[stage]}, headers=rep.headers)  # fmt: skip
        assert moved.status_code == 200, moved.text
    past = (day - timedelta(days=5)).isoformat()
    contract = await create(api, rep, "/api/contracts", {
        "account_id": acc["id"], "number": "HC-1", "title": "Chillers", "amount": "80000",
        "starts_on": past, "ends_on": (day + timedelta(days=300)).isoformat(),
        "payment_plan": [{"due_on": past, "amount": "30000"},
                         {"due_on": day.isoformat(), "amount": "50000"}],
    })  # fmt: skip
    await api.post(f"/api/contracts/{contract['id']}/submit", headers=rep.headers)
    paid = await api.post(f"/api/contracts/{contract['id']}/payments",
                          json={"amount": "10000", "received_on": day.isoformat(),
                                "method": "bank_transfer"}, headers=rep.headers)  # fmt: skip
    assert paid.status_code == 201, paid.text
    pooled = await account(api, people["admin"], name="Lotus Printing")
    assert (await api.post(f"/api/accounts/{pooled['id']}/claim", headers=rep.headers)).is_success
    released = await api.post(f"/api/accounts/{pooled['id']}/release",
                              json={"reason": "moved away"}, headers=rep.headers)  # fmt: skip
    assert released.is_success, released.text
    return people


async def _chart(page: Page, name: str) -> Any:
    """What Chart.js holds for the chart above table `name`, and how many pixels it painted."""
    return await page.evaluate(
        """(name) => {
            const canvas = document.querySelector(`figure[data-chart="${name}"] canvas`);
            const chart = window.Chart.getChart(canvas);
            const { width, height } = canvas;
            const { data } = canvas.getContext("2d").getImageData(0, 0, width, height);
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
            return {
                labels: chart.data.labels,
                series: chart.data.datasets.map((d) => d.label),
                values: chart.data.datasets.map((d) => d.data),
                painted,
                rows: document.getElementById(name).tBodies[0].rows.length,
            };
        }""",
        name,
    )


async def test_the_sales_board_draws_its_charts_in_both_languages(api, server):
    people = await _sales(api)
    expected = {
        "en-US": ("Won", "Weighted", "Overdue", "Claimed"),
        "zh-CN": ("赢单", "加权金额", "逾期", "已领取"),
    }
    for locale, (won, weighted, overdue, claimed) in expected.items():
        async with desktop(server, people["supervisor"], locale) as (page, foreign):
            await page.goto(f"{server}/boards/sales")
            drawn = page.locator("body[data-charts=drawn]")
            await expect(drawn).to_have_count(1, timeout=WAIT)
            for name in CHARTS:
                await expect(page.locator(f'figure[data-chart="{name}"]')).to_be_visible()
                chart = await _chart(page, name)
                assert len(chart["labels"]) == chart["rows"] > 0, (name, chart)
                assert chart["painted"] > 1000, (name, chart["painted"])  # bars, axes, words
                # The table under the chart stays: the same figures, readable and copyable.
                await expect(page.locator(f"#{name}")).to_be_visible()
            funnel = await _chart(page, "funnel")
            assert won in funnel["labels"]
            stage = funnel["labels"].index(won)
            assert funnel["values"][0][stage] == 80000  # amount
            assert funnel["values"][1][stage] == 1  # count
            forecast = await _chart(page, "forecast")
            assert forecast["series"][0] == weighted
            assert 75000 in forecast["values"][0]  # 250,000 × 30 %
            payments = await _chart(page, "payments")
            assert payments["series"][2] == overdue
            assert 20000 in payments["values"][2]  # 30,000 due five days ago, 10,000 paid
            per_rep = await _chart(page, "funnel-reps")
            assert per_rep["series"] == funnel["labels"]  # a stack per stage, the total left out
            assert [sum(v) for v in zip(*per_rep["values"], strict=True)] == [330000]  # one rep
            assert per_rep["values"][stage] == [80000]  # his won amount
            pool = await _chart(page, "pool-reps")
            assert pool["series"][0] == claimed
            assert pool["values"][0] == [1]  # claimed
            assert pool["values"][1] == [1]  # released
            # Chart.js itself came from our origin, at the versioned address the worker keeps.
            library = assets.url("vendor/chartjs/chart.umd.min.js")
            assert library.startswith(f"/vendor/{assets.version()}/")
            loaded = await page.evaluate(
                "performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)"
            )
            assert library in loaded
            await page.locator("#pipeline").screenshot(path=f"/tmp/sales-board-charts-{locale}.png")
            assert foreign == [], foreign


async def test_a_range_without_payments_shows_the_table_and_no_empty_chart(api, server):
    people = await _sales(api)
    async with desktop(server, people["supervisor"], "en-US") as (page, foreign):
        await page.goto(f"{server}/boards/sales?from=2020-01-01&to=2020-01-31")
        await expect(page.locator("body")).to_have_attribute("data-charts", "drawn", timeout=WAIT)
        await expect(page.locator('figure[data-chart="payments"]')).to_be_hidden()
        await expect(page.locator("#payments tbody tr")).to_have_count(0)
        await expect(page.locator("#payments")).to_be_visible()
        # Every stage is in the funnel, with nothing in it: drawn at zero.
        funnel = await _chart(page, "funnel")
        assert funnel["values"][1] == [0] * len(funnel["labels"])
        assert foreign == []


async def test_one_reps_pipeline(api, server):
    people = await _sales(api)
    other = people["other_rep"]
    acc = await account(api, other, name="Blue Sky Hotel")
    await create(api, other, "/api/opportunities", {
        "account_id": acc["id"], "name": "Ice machine", "amount": "40000",
        "expected_close": (clock.today() + timedelta(days=20)).isoformat(),
    })  # fmt: skip
    async with desktop(server, people["supervisor"], "en-US") as (page, foreign):
        await page.goto(f"{server}/boards/sales")
        await expect(page.locator("#funnel-reps tbody tr")).to_have_count(2)
        rep = await db.fetchval("SELECT name FROM app_user WHERE id = $1", other.id)
        await page.get_by_role("combobox", name="Rep").select_option(label=rep)
        await page.get_by_role("button", name="Show").click()
        await expect(page).to_have_url(re.compile(rf"owner_id={other.id}"))
        await expect(page.locator("body[data-charts=drawn]")).to_have_count(1)
        per_rep = await _chart(page, "funnel-reps")
        assert per_rep["labels"] == [rep]
        funnel = await _chart(page, "funnel")
        assert sum(funnel["values"][1]) == 1  # his one deal
        files = page.locator("#pipeline a.csv")
        await expect(files.first).to_have_attribute("href", re.compile(rf"owner_id={other.id}"))
        assert foreign == []
