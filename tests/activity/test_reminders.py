"""Reminders: a task come due goes out once as Web Push to its assignee's browsers (a bad
rating's at once), through the push service, decrypted here as a browser would."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from backend import clock, db, tasks
from backend.activity.rules import send_reminders
from backend.activity.tables import ObjectKind
from backend.activity.tasks import Rule, open_task
from backend.push import service
from tests.support.factories import account, staff
from tests.support.outbound import allowing
from tests.support.push_receiver import Browser, PushReceiver


@pytest.fixture
async def receiver(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PushReceiver]:
    monkeypatch.setattr(service, "RETRY_DELAYS", (0.0, 0.0))
    monkeypatch.setattr(service, "_signer", None)  # the api fixture emptied app_secret
    with allowing("127.0.0.1", http=True):  # the receiver is http://127.0.0.1 (backend/outbound.py)
        async with PushReceiver() as push_service:
            yield push_service
        await tasks.drain()


async def test_a_task_come_due_is_pushed_once(api, receiver):
    rep, browser = await staff(api, "rep"), Browser.new()
    body = browser.subscription(receiver.url("/push/rep"))
    subscribed = await api.post("/api/push/subscriptions", json=body, headers=rep.headers)
    assert subscribed.status_code == 201, subscribed.text
    site = await account(api, rep, name="Pudong Cold Chain")
    now = clock.now_utc()
    async with db.connection() as conn:
        due = await open_task(
            conn, Rule.NOT_CONTACTED, (ObjectKind.ACCOUNT, site["id"]), rep.id, now, "Call"
        )
        await open_task(
            conn,
            Rule.NEXT_CONTACT,
            (ObjectKind.ACCOUNT, site["id"]),
            rep.id,
            now + timedelta(hours=3),
            "Later",
        )

    assert await send_reminders(now) == "1 reminder(s) sent"
    await tasks.drain()
    [request] = receiver.requests
    payload = json.loads(browser.decrypt(request.body))
    assert payload == {
        "type": "task",
        "task_id": due,
        "rule": "not_contacted",
        "title": "Call",
        "name": "Pudong Cold Chain",
        "url": "/rep/today",
    }
    assert await send_reminders(now) == "0 reminder(s) sent"  # once
    # The later one goes when its time comes; a done one never.
    assert await send_reminders(now + timedelta(hours=3)) == "1 reminder(s) sent"
    await tasks.drain()
    assert len(receiver.requests) == 2


async def test_a_bad_ratings_task_is_pushed_at_once(api, receiver):
    supervisor, browser = await staff(api, "supervisor"), Browser.new()
    body = browser.subscription(receiver.url("/push/sup"))
    await api.post("/api/push/subscriptions", json=body, headers=supervisor.headers)
    site = await account(api, supervisor)
    now = clock.now_utc()
    async with db.connection() as conn:
        await open_task(
            conn,
            Rule.RATING_RECOVERY,
            (ObjectKind.WORK_ORDER, 1),
            supervisor.id,
            now + timedelta(hours=24),
            "Service recovery",
            account_id=site["id"],
        )
        done = await open_task(
            conn, Rule.NOT_CONTACTED, (ObjectKind.ACCOUNT, site["id"]), supervisor.id, now, "x"
        )
    await db.execute("UPDATE task SET done_at = now() WHERE id = $1", done)
    assert await send_reminders(now) == "1 reminder(s) sent"
    await tasks.drain()
    [request] = receiver.requests
    payload = json.loads(browser.decrypt(request.body))
    assert payload["rule"] == "rating_recovery"
    assert payload["url"] == f"/accounts/{site['id']}#timeline"  # a manager opens the account
