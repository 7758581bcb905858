"""The rep's to-do list of today in Chromium: overdue and today's tasks, a rule's task in the
user's language, ticked off (through the outbox), a follow-up recorded on what he claimed and
has not followed up, and a reminder's push shown by the service worker in his language."""

from __future__ import annotations

import json
from datetime import timedelta

from playwright.async_api import expect

from backend import clock, db
from backend.activity.tables import ObjectKind
from backend.activity.tasks import Rule, open_task
from tests.support.browser_push import pushes
from tests.support.factories import PASSWORD, account, staff
from tests.support.staff_app import (
    eventually,
    fits_the_screen,
    phone,
    sign_in,
    until_ready_offline,
    until_synced,
)


async def _day(api):
    rep = await staff(api, "rep")
    site = await account(api, rep, name="Pudong Cold Chain")
    claimed = await account(api, rep, name="Jinqiao Logistics")
    await db.execute(
        "UPDATE account SET claimed_at = now() - interval '1 day' WHERE id = $1", claimed["id"]
    )
    now = clock.now_utc()
    end_of_day = clock.day_start(clock.company_day(now) + timedelta(days=1))
    async with db.connection() as conn:
        late = await open_task(
            conn,
            Rule.NOT_CONTACTED,
            (ObjectKind.ACCOUNT, site["id"]),
            rep.id,
            now - timedelta(hours=1),
            "Contact Pudong Cold Chain: not contacted for 3 days",
        )
    mine = await api.post(
        "/api/tasks",
        json={"title": "Send the quote", "due_at": (now + (end_of_day - now) / 2).isoformat()},
        headers=rep.headers,
    )
    return rep, late, mine.json()["id"]


async def _done(task_id: int) -> bool:
    return bool(await db.fetchval("SELECT done_at IS NOT NULL FROM task WHERE id = $1", task_id))


async def test_rep_ticks_off_todays_tasks(api, server):
    rep, late, mine = await _day(api)
    async with phone(server) as (_, page):
        await sign_in(page, server, rep, "/rep")
        await page.get_by_role("link", name="To do").click()
        await page.wait_for_url(f"{server}/rep/today")
        overdue = page.locator("#todo-overdue > li")
        await expect(overdue).to_have_count(1)
        await expect(overdue.nth(0)).to_contain_text(
            "Contact Pudong Cold Chain: not contacted for too long"
        )
        await expect(page.locator("#todo-today > li")).to_contain_text("Send the quote")
        await expect(page.locator("#todo-unfollowed > li")).to_contain_text("Jinqiao Logistics")
        await expect(page.locator("#todo-overdue-count")).to_have_text("1 item")
        await fits_the_screen(page)
        await page.screenshot(path="/tmp/pwa-rep-todo.png", full_page=True)

        await overdue.nth(0).get_by_role("button", name="Done").click()
        await expect(overdue).to_have_count(0)
        await eventually(lambda: _done(late), True)
        await until_synced(page)
        assert not await _done(mine)


async def _follow_ups(account_id: int) -> list[tuple[str, str]]:
    rows = await db.fetch(
        "SELECT method, content FROM follow_up WHERE account = $1 ORDER BY id", account_id
    )
    return [(r["method"], r["content"]) for r in rows]


async def test_rep_records_a_follow_up_on_what_he_claimed(api, server):
    rep, _, _ = await _day(api)
    claimed = await db.fetchval("SELECT id FROM account WHERE name = 'Jinqiao Logistics'")
    async with phone(server) as (_, page):
        await sign_in(page, server, rep, "/rep")
        await page.goto(f"{server}/rep/today")
        item = page.locator("#todo-unfollowed > li")
        await expect(item).to_contain_text("Jinqiao Logistics")
        await item.get_by_text("Record a follow-up").click()
        await item.get_by_role("button", name="Save the follow-up").click()
        await expect(item.get_by_role("alert")).to_have_text("Write what was said.")
        await item.get_by_label("How").select_option("message")
        await item.get_by_label("What was said").fill("WeChat: sent the price list")
        await item.get_by_label("Next contact (optional)").fill(
            (clock.now_utc() + timedelta(days=3)).astimezone().strftime("%Y-%m-%dT10:00")
        )
        await item.get_by_role("button", name="Save the follow-up").click()
        await expect(page.locator("#todo-unfollowed > li")).to_have_count(0)
        await eventually(lambda: _follow_ups(claimed), [("message", "WeChat: sent the price list")])
        await until_synced(page)
    rule = await db.fetchval(
        "SELECT rule FROM task WHERE account = $1 AND done_at IS NULL", claimed
    )
    assert rule == "next_contact"


async def test_the_list_in_chinese(api, server):
    rep, _, _ = await _day(api)
    async with phone(server, locale="zh-CN") as (_, page):
        await page.goto(f"{server}/login?next=/rep/today")
        await page.get_by_label("邮箱").fill(rep.email)
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.wait_for_url(f"{server}/rep/today")
        await expect(page).to_have_title("今日待办 · Fieldline")
        await expect(page.locator("h1")).to_contain_text("逾期")
        await expect(page.locator("#todo-overdue > li")).to_contain_text(
            "联系 Pudong Cold Chain：已太久未联系"
        )
        await expect(page.locator("#todo-unfollowed-title")).to_contain_text("已领取，尚未跟进")
        await expect(page.get_by_role("link", name="待办")).to_have_attribute(
            "aria-current", "page"
        )
        await page.screenshot(path="/tmp/pwa-rep-todo-zh.png", full_page=True)


async def test_a_reminder_push_is_shown_in_the_reps_language(api, server):
    rep, late, _ = await _day(api)
    payload = {
        "type": "task",
        "task_id": late,
        "rule": "not_contacted",
        "title": "Contact Pudong Cold Chain: not contacted for 3 days",
        "name": "Pudong Cold Chain",
        "url": "/rep/today",
    }
    async with phone(server) as (context, page):
        await context.grant_permissions(["notifications"], origin=server)
        await sign_in(page, server, rep, "/rep")
        await page.goto(f"{server}/rep/today")
        await until_ready_offline(page)
        push_service = await pushes(context, page, server)
        [shown] = await push_service.deliver(json.dumps(payload))
        assert shown["title"] == "Reminder"
        assert shown["body"] == "Contact Pudong Cold Chain: not contacted for too long"
        assert (shown["tag"], shown["url"]) == (f"task-{late}", "/rep/today")
