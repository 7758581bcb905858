"""Signed webhooks through the API against a local receiver: the signature, retries with backoff,
410, the lease a dead worker leaves, retries by hand; time moved in the data, never slept."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

from httpx import AsyncClient

from backend import clock, db, tasks
from backend.integrations import sender
from backend.integrations.sender import WEBHOOK_JOB
from tests.integrations.conftest import refuse_private
from tests.support.commands import fieldline
from tests.support.factories import Staff
from tests.support.loop import World, world
from tests.support.push_receiver import PushReceiver
from tests.support.webhook_receiver import verify


async def hook(
    api: AsyncClient,
    admin: Staff,
    url: str,
    events: tuple[str, ...] = ("work_order.created",),
) -> Any:
    response = await api.post(
        "/api/webhooks", json={"url": url, "events": list(events)}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def new_job(api: AsyncClient, w: World) -> int:
    body = {"device_id": w.device["id"], "description": "Leaking", "priority": "normal"}
    response = await api.post("/api/work-orders", json=body, headers=w.supervisor.headers)
    assert response.status_code == 201, response.text
    await tasks.drain()  # the after-commit send
    return int(response.json()["id"])


async def deliveries(api: AsyncClient, admin: Staff, hook_id: int, **query: Any) -> Any:
    response = await api.get(
        f"/api/webhooks/{hook_id}/deliveries", params=query, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def only_delivery(api: AsyncClient, admin: Staff, hook_id: int) -> Any:
    page = await deliveries(api, admin, hook_id)
    assert page["total"] == 1, page
    return page["items"][0]


async def come_due(delivery_id: int) -> None:
    """Its next attempt's time has come (time moved in the data)."""
    await db.execute(
        "UPDATE webhook_delivery SET next_attempt_at = now() - interval '1 second' WHERE id = $1",
        delivery_id,
    )


async def clock_round() -> str | None:
    return await clock.run_job(WEBHOOK_JOB)


async def test_an_event_arrives_signed_with_its_id(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["work_order.created"]
    assert created["active"]
    listed = await api.get("/api/webhooks", headers=w.admin.headers)
    assert listed.json()["total"] == 1
    assert "secret" not in listed.json()["items"][0]

    job = await new_job(api, w)
    [request] = receiver.at("/hook")
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    event = verify(request, created["secret"])
    assert event["type"] == "work_order.created"
    assert event["data"]["work_order_id"] == job
    assert event["data"]["account_id"] == w.account["id"]
    assert set(event) == {"id", "type", "at", "data"}
    try:
        verify(request, created["secret"] + "x")
    except ValueError:
        pass
    else:
        raise AssertionError("a wrong secret must not verify")

    delivery = await only_delivery(api, w.admin, created["id"])
    assert delivery["event_id"] == event["id"]
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 1
    assert delivery["next_attempt_at"] is None
    assert [t["status_code"] for t in delivery["tries"]] == [201]


async def test_only_subscribed_active_hooks_hear_of_an_event(api, receiver: PushReceiver):
    w = await world(api)
    other = await hook(api, w.admin, receiver.url("/other"), ("work_order.completed",))
    both = await hook(api, w.admin, receiver.url("/both"), ("work_order.created", "lead.created"))
    await new_job(api, w)
    assert (await deliveries(api, w.admin, other["id"]))["total"] == 0
    assert len(receiver.at("/both")) == 1
    assert not receiver.at("/other")
    off = await api.patch(
        f"/api/webhooks/{both['id']}", json={"active": False}, headers=w.admin.headers
    )
    assert off.json()["active"] is False
    assert off.json()["disabled_reason"] == "disabled by an admin"
    await new_job(api, w)
    assert (await deliveries(api, w.admin, both["id"]))["total"] == 1


async def test_a_500_is_retried_after_a_backoff_then_delivered(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    receiver.answer("/hook", 500, 204)
    await new_job(api, w)
    first = await only_delivery(api, w.admin, created["id"])
    assert first["status"] == "pending"
    assert first["attempts"] == 1
    assert first["last_status"] == 500
    assert first["last_error"] == "answered 500"
    wait = await db.fetchval(
        "SELECT extract(epoch FROM next_attempt_at - now()) FROM webhook_delivery"
    )
    assert 50 < wait <= 73  # 1 min, and up to 20 % jitter

    assert await clock_round() == "nothing due"  # not yet
    await come_due(first["id"])
    assert await clock_round() == "sent 1 delivered"
    done = await only_delivery(api, w.admin, created["id"])
    assert done["status"] == "delivered"
    assert done["attempts"] == 2
    assert [t["status_code"] for t in done["tries"]] == [500, 204]
    one, two = receiver.at("/hook")
    assert one.body == two.body  # the same event, the same bytes: the receiver drops the repeat
    assert verify(two, created["secret"])["id"] == done["event_id"]


async def test_eight_tries_with_growing_waits_then_given_up(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    receiver.answer("/hook", 503)
    await new_job(api, w)
    waits = []
    for _ in range(7):
        waits.append(
            await db.fetchval(
                "SELECT extract(epoch FROM next_attempt_at - now()) FROM webhook_delivery"
            )
        )
        await come_due((await only_delivery(api, w.admin, created["id"]))["id"])
        await clock_round()
    assert waits == sorted(waits)
    assert 50 < waits[0] < 73
    assert 4.7 * 3600 < waits[-1] <= 6 * 3600
    given_up = await only_delivery(api, w.admin, created["id"])
    assert given_up["status"] == "failed"
    assert given_up["attempts"] == 8
    assert given_up["next_attempt_at"] is None
    assert len(given_up["tries"]) == 8
    assert len(receiver.at("/hook")) == 8


def test_backoff_runs_from_a_minute_to_six_hours():
    assert sender.backoff(1, rand=0.5) == timedelta(minutes=1)
    assert sender.backoff(7, rand=0.5) == timedelta(hours=6)
    middle = [sender.backoff(n, rand=0.5).total_seconds() for n in range(1, 8)]
    ratios = {round(b / a, 6) for a, b in itertools.pairwise(middle)}
    assert len(ratios) == 1  # exponential: the same factor each step
    assert sender.backoff(3, rand=0.0) < sender.backoff(3, rand=0.5) < sender.backoff(3, rand=1.0)


async def test_408_and_429_are_retried_and_a_404_is_not(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    receiver.answer("/hook", 408, 429, 404)
    await new_job(api, w)
    for _ in range(2):
        await come_due((await only_delivery(api, w.admin, created["id"]))["id"])
        await clock_round()
    failed = await only_delivery(api, w.admin, created["id"])
    assert failed["status"] == "failed"
    assert failed["attempts"] == 3
    assert [t["status_code"] for t in failed["tries"]] == [408, 429, 404]


async def test_a_network_error_is_retried(api):
    w = await world(api)
    async with PushReceiver() as gone:
        url = gone.url("/hook")  # a port nobody listens on once the receiver is closed
    created = await hook(api, w.admin, url)
    await new_job(api, w)
    failing = await only_delivery(api, w.admin, created["id"])
    assert failing["status"] == "pending"
    assert failing["last_status"] is None
    assert "ConnectError" in failing["last_error"]


async def test_410_disables_the_hook(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    receiver.answer("/hook", 410, 200)
    await new_job(api, w)
    gone = await only_delivery(api, w.admin, created["id"])
    assert gone["status"] == "failed"
    assert gone["last_status"] == 410
    [shown] = (await api.get("/api/webhooks", headers=w.admin.headers)).json()["items"]
    assert shown["active"] is False
    assert "410" in shown["disabled_reason"]
    await new_job(api, w)  # a disabled hook hears of nothing
    assert (await deliveries(api, w.admin, created["id"]))["total"] == 1

    retry = f"/api/webhooks/deliveries/{gone['id']}/retry"
    assert (await api.post(retry, headers=w.admin.headers)).status_code == 409
    on = await api.patch(
        f"/api/webhooks/{created['id']}", json={"active": True}, headers=w.admin.headers
    )
    assert on.json()["active"] is True
    assert on.json()["disabled_reason"] is None
    again = await api.post(retry, headers=w.admin.headers)
    assert again.status_code == 200, again.text
    await tasks.drain()
    delivered = await only_delivery(api, w.admin, created["id"])
    assert delivered["status"] == "delivered"
    assert delivered["attempts"] == 1
    assert [t["status_code"] for t in delivered["tries"]] == [410, 200]  # history kept


async def test_a_worker_dying_mid_send_leaves_the_event_to_another(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    held = receiver.hold("/hook")
    body = {"device_id": w.device["id"], "description": "Leaking", "priority": "normal"}
    response = await api.post("/api/work-orders", json=body, headers=w.supervisor.headers)
    assert response.status_code == 201
    await receiver.wait_for(1)  # the request is out, the answer never comes …
    await tasks.drain(timeout=0)  # … because the worker dies (its send is cancelled)
    dead = await only_delivery(api, w.admin, created["id"])
    assert dead["status"] == "pending"
    assert dead["attempts"] == 1
    assert dead["tries"] == []

    assert await clock_round() == "nothing due"  # the lease still holds
    held.set()
    await db.execute("UPDATE webhook_delivery SET leased_until = now() - interval '1 second'")
    assert await clock_round() == "sent 1 delivered"
    done = await only_delivery(api, w.admin, created["id"])
    assert done["status"] == "delivered"
    assert done["attempts"] == 2
    first, second = receiver.at("/hook")
    assert verify(first, created["secret"])["id"] == verify(second, created["secret"])["id"]


async def test_two_workers_never_claim_the_same_delivery(api, receiver: PushReceiver):
    w = await world(api)
    await hook(api, w.admin, receiver.url("/hook"))
    receiver.answer("/hook", 500)
    for _ in range(6):
        await new_job(api, w)
    await db.execute("UPDATE webhook_delivery SET next_attempt_at = now() - interval '1 second'")
    now = clock.now_utc()
    one, two = await asyncio.gather(sender.claim(now, limit=4), sender.claim(now, limit=4))
    ids = [r["id"] for r in one] + [r["id"] for r in two]
    assert len(ids) == len(set(ids)) == 6
    assert await sender.claim(now) == []  # every one leased


async def test_a_delivered_event_is_sent_again_by_hand(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    await new_job(api, w)
    delivery = await only_delivery(api, w.admin, created["id"])
    retry = f"/api/webhooks/deliveries/{delivery['id']}/retry"
    queued = await api.post(retry, headers=w.admin.headers)
    assert queued.status_code == 200
    assert queued.json()["status"] in ("pending", "delivered")
    await tasks.drain()
    assert len(receiver.at("/hook")) == 2
    receiver.hold("/hook")
    assert (await api.post(retry, headers=w.admin.headers)).status_code == 200
    await receiver.wait_for(3)
    busy = await api.post(retry, headers=w.admin.headers)  # queued (being sent) already
    assert busy.status_code == 409
    assert (
        await api.post("/api/webhooks/deliveries/999/retry", headers=w.admin.headers)
    ).status_code == 404
    receiver.hold("/hook").set()


async def test_urls_must_be_http_and_public(api, monkeypatch):
    w = await world(api)

    async def refused(url: str) -> str:
        response = await api.post(
            "/api/webhooks",
            json={"url": url, "events": ["work_order.created"]},
            headers=w.admin.headers,
        )
        assert response.status_code == 400, response.text
        [error] = response.json()["errors"]
        assert error["field"] == "url"
        return str(error["message"])

    assert "https" in await refused("ftp://93.184.215.14/x")
    assert "user name" in await refused("https://me:pw@93.184.215.14/x")
    refuse_private(monkeypatch)
    for url in (
        "http://127.0.0.1:8000/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:192.168.0.1]/x",
    ):
        assert "points to" in await refused(url)
    public = await hook(api, w.admin, "https://93.184.215.14/hook")  # an address, no lookup
    assert public["url"] == "https://93.184.215.14/hook"
    bad = await api.post(
        "/api/webhooks",
        json={"url": "https://93.184.215.14/", "events": ["nope"]},
        headers=w.admin.headers,
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "events[0]"


async def test_a_hook_turned_private_is_refused_at_send_time(api, receiver, monkeypatch):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    refuse_private(monkeypatch)
    await new_job(api, w)
    refused = await only_delivery(api, w.admin, created["id"])
    assert refused["status"] == "failed"
    assert refused["last_error"].startswith("refused:")
    assert not receiver.requests


async def test_deliveries_are_paged_and_filtered(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    receiver.answer("/hook", 200, 200, 404)
    for _ in range(3):
        await new_job(api, w)
    page = await deliveries(api, w.admin, created["id"], limit=2)
    assert page["total"] == 3
    assert len(page["items"]) == 2
    assert page["items"][0]["id"] > page["items"][1]["id"]  # newest first
    failed = await deliveries(api, w.admin, created["id"], status="failed")
    assert failed["total"] == 1
    gone = await api.delete(f"/api/webhooks/{created['id']}", headers=w.admin.headers)
    assert gone.status_code == 204
    missing = await api.get(f"/api/webhooks/{created['id']}/deliveries", headers=w.admin.headers)
    assert missing.status_code == 404


async def test_clock_once_sends_webhooks_from_the_command_line(api, receiver: PushReceiver):
    w = await world(api)
    created = await hook(api, w.admin, receiver.url("/hook"))
    receiver.answer("/hook", 500, 200)
    await new_job(api, w)
    await come_due((await only_delivery(api, w.admin, created["id"]))["id"])
    result = await asyncio.to_thread(
        fieldline,
        "clock",
        "--once",
        "--job",
        "webhooks",
        url=db.engine.config["dsn"],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "webhooks: sent 1 delivered\n"
    assert (await only_delivery(api, w.admin, created["id"]))["status"] == "delivered"
