"""Web Push through the API: the server's public key, and browsers subscribing and unsubscribing."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from backend import db, tasks
from backend.push import service
from tests.support.factories import Staff, staff
from tests.support.outbound import allowing
from tests.support.push_receiver import Browser, b64url, unb64url
from tests.support.push_subscribers import KEY, SUBSCRIPTIONS, bare_work_order, stored, subscribed

ELSEWHERE = "https://push.example.com/send/abc123"  # valid, and never contacted by these tests


async def test_public_key_is_one_p256_point_made_once(api: httpx.AsyncClient, monkeypatch):
    first = await api.get(KEY)
    assert first.status_code == 200, first.text
    key = first.json()["public_key"]
    point = unb64url(key)
    assert (len(point), point[0]) == (65, 0x04)  # uncompressed, as applicationServerKey wants
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)

    monkeypatch.setattr(service, "_signer", None)  # as after a restart: read back, not remade
    assert (await api.get(KEY)).json() == {"public_key": key}
    names = await db.fetch("SELECT name FROM app_secret ORDER BY name")
    assert [r["name"] for r in names] == ["vapid_private_pem", "vapid_public_pem"]


async def test_workers_starting_together_agree_on_one_key_pair(api: httpx.AsyncClient):
    starts = [service._load_signer() for _ in range(8)]  # each as a fresh worker would
    keys = {signer.public_key for signer in await asyncio.gather(*starts)}
    assert len(keys) == 1
    assert await db.fetchval("SELECT count(*) FROM app_secret") == 2


async def test_one_browser_can_be_a_staff_members_and_follow_a_request(api, receiver):
    work_order = await bare_work_order(api)
    who, browser = await subscribed(api, receiver)
    endpoint = receiver.url("/push/1")
    await service.subscribe(endpoint, browser.p256dh, browser.auth, work_order_id=work_order)
    assert await stored() == [{"endpoint": endpoint, "user": who.id, "work_order": work_order}]

    unsubscribe = {"endpoint": endpoint}
    response = await api.request("DELETE", SUBSCRIPTIONS, json=unsubscribe, headers=who.headers)
    assert response.status_code == 204
    assert await stored() == [{"endpoint": endpoint, "user": None, "work_order": work_order}]
    await service.unsubscribe(endpoint, work_order_id=work_order)
    assert await stored() == []


async def test_a_shared_tablet_changes_hands(api, receiver):
    first, browser = await subscribed(api, receiver)
    second = await staff(api, "engineer")
    body = browser.subscription(receiver.url("/push/1"))
    response = await api.post(SUBSCRIPTIONS, json=body, headers=second.headers)
    assert response.status_code == 201
    assert [row["user"] for row in await stored()] == [second.id]
    service.notify_user(first.id, {"to": "first"})
    service.notify_user(second.id, {"to": "second"})
    await tasks.drain()
    assert [json.loads(browser.decrypt(r.body)) for r in receiver.requests] == [{"to": "second"}]


def _body(**change: Any) -> dict[str, Any]:
    body = Browser.new().subscription(ELSEWHERE)
    for name, value in change.items():
        target = body["keys"] if name in ("p256dh", "auth") else body
        if value is None:
            del target[name]
        else:
            target[name] = value
    return body


ON_NO_CURVE = b64url(b"\x04" + b"\x00" * 64)
COMPRESSED = b64url(b"\x02" + b"\x01" * 32)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_body(endpoint=None), "endpoint"),
        (_body(keys=None), "keys"),
        pytest.param(
            _body(p256dh=None),
            "keys.p256dh",
        ),
        (_body(extra=1), "extra"),
        (_body(endpoint="http://push.example.com/x"), "endpoint"),
        (_body(endpoint="https://10.0.0.5/x"), "endpoint"),
        (_body(endpoint="https://[::1]:8443/x"), "endpoint"),  # loopback needs the dev switch…
        (_body(endpoint="https://user@push.example.com/x"), "endpoint"),
        (_body(endpoint="ftp://push.example.com/x"), "endpoint"),
        (_body(endpoint="not a url"), "endpoint"),
        (_body(endpoint="https://push.example.com/" + "a" * 3000), "endpoint"),
        (_body(p256dh="not base64!"), "keys.p256dh"),
        (_body(p256dh=b64url(b"\x04" + b"\x01" * 63)), "keys.p256dh"),
        (_body(p256dh=ON_NO_CURVE), "keys.p256dh"),
        (_body(p256dh=COMPRESSED), "keys.p256dh"),
        (_body(auth=b64url(b"\x01" * 15)), "keys.auth"),
        (_body(auth="@@@@"), "keys.auth"),
        ("not json", "body"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
async def test_bad_subscription_bodies_are_400_naming_the_field(api, body, field):
    who = await staff(api, "rep")
    raw = json.dumps(body) if isinstance(body, dict) else body  # "not json" sent as JSON
    headers = {**who.headers, "Content-Type": "application/json"}
    with allowing(http=False):  # …as in production
        response = await api.post(SUBSCRIPTIONS, headers=headers, content=raw)
    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field], response.text
    assert await stored() == []


async def test_keys_are_stored_as_unpadded_base64url(api):
    who, browser = await staff(api, "rep"), Browser.new()
    padded = browser.subscription(ELSEWHERE)
    padded["keys"] = {"p256dh": browser.p256dh + "=", "auth": browser.auth + "=="}
    response = await api.post(SUBSCRIPTIONS, json=padded, headers=who.headers)
    assert response.status_code == 201, response.text
    row = await db.fetchrow("SELECT p256dh, auth FROM push_subscription")
    assert (row["p256dh"], row["auth"]) == (browser.p256dh, browser.auth)


async def test_subscriptions_need_a_sign_in_and_unsubscribe_only_ones_own(api: httpx.AsyncClient):
    owner, other = await staff(api, "engineer"), await staff(api, "rep")
    body = Browser.new().subscription(ELSEWHERE)
    assert (await api.post(SUBSCRIPTIONS, json=body)).status_code == 401
    assert (await api.post(SUBSCRIPTIONS, json=body, headers=owner.headers)).status_code == 201

    async def delete(who: Staff | None, sent: dict[str, Any]) -> int:
        headers = who.headers if who else {}
        response = await api.request("DELETE", SUBSCRIPTIONS, json=sent, headers=headers)
        return response.status_code

    assert await delete(None, body) == 401
    assert await delete(other, {"endpoint": ELSEWHERE}) == 404
    assert len(await stored()) == 1
    assert await delete(owner, body) == 204
    assert await stored() == []
    assert await delete(owner, {"endpoint": ELSEWHERE}) == 404
    assert await delete(owner, {"keys": body["keys"]}) == 400
