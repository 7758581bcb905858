"""Web Push delivery: encryption, VAPID, retries, gone subscriptions, shutdown, failures logged."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec

from backend import db, tasks
from backend.push import service
from backend.workorders import queries
from tests.support.factories import staff
from tests.support.loop import engineer, world
from tests.support.push_receiver import (
    Browser,
    decrypt,
    decrypt_content,
    unb64url,
    vapid_params,
    verify_vapid,
)
from tests.support.push_subscribers import KEY, SUBSCRIPTIONS, bare_work_order, stored, subscribed


async def test_notify_user_delivers_the_payload_encrypted_and_signed(api, receiver):
    who, browser = await subscribed(api, receiver)
    payload = {"kind": "offer", "work_order": 7, "title": "冷水机 Chiller, Pudong"}

    service.notify_user(who.id, payload, urgency="high")
    await tasks.drain()

    [request] = receiver.requests
    assert (request.method, request.path) == ("POST", "/push/1")
    assert json.loads(browser.decrypt(request.body)) == payload
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) > 0
    assert request.headers["urgency"] == "high"
    authorization = request.headers["authorization"]
    claims = verify_vapid(authorization, receiver.url("/push/1"))
    assert claims["aud"] == f"http://127.0.0.1:{receiver.port}"  # the origin, port included
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert claims["sub"] == "mailto:ops@fieldline.invalid"
    assert vapid_params(authorization)["k"] == (await api.get(KEY)).json()["public_key"]

    # The verifier is not vacuous: another origin or a changed signature fails it.
    with pytest.raises(ValueError, match="aud"):
        verify_vapid(authorization, "https://push.example.com/x")
    token = vapid_params(authorization)["t"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidSignature):
        verify_vapid(authorization.replace(token, forged), receiver.url("/push/1"))


async def test_vapid_subject_comes_from_the_environment(api, receiver, monkeypatch):
    monkeypatch.setenv("FIELDLINE_VAPID_SUBJECT", "https://fieldline.example/contact")
    who, _ = await subscribed(api, receiver)
    service.notify_user(who.id, {"kind": "status"})
    await tasks.drain()
    [request] = receiver.requests
    claims = verify_vapid(request.headers["authorization"], receiver.url("/push/1"))
    assert claims["sub"] == "https://fieldline.example/contact"
    assert request.headers["urgency"] == "normal"


@pytest.mark.parametrize("status", [404, 410])
async def test_a_gone_subscription_is_deleted(api, receiver, status: int):
    receiver.answer("/push/1", status)
    who, _ = await subscribed(api, receiver)
    service.notify_user(who.id, {"kind": "status"})
    await tasks.drain()
    assert len(receiver.requests) == 1
    assert await stored() == []


@pytest.mark.parametrize(
    ("statuses", "attempts", "logged"),
    [
        ((500,), 3, "given up after 3 attempts: HTTP 500"),
        ((503, 429, 201), 3, ""),
        ((503, 201), 2, ""),
        ((400,), 1, "refused: HTTP 400"),  # a client error will not get better by retrying
    ],
)
async def test_retries_are_bounded_and_only_for_server_trouble(
    api, receiver, caplog, statuses: tuple[int, ...], attempts: int, logged: str
):
    assert service.ATTEMPTS == 3
    receiver.answer("/push/1", *statuses)
    who, browser = await subscribed(api, receiver)
    service.notify_user(who.id, {"n": 1})
    await tasks.drain()
    assert [json.loads(browser.decrypt(r.body)) for r in receiver.requests] == [{"n": 1}] * attempts
    assert len(await stored()) == 1  # kept: only 404/410 say the subscription is gone
    assert logged in caplog.text


async def test_an_unreachable_service_does_not_stop_the_others(api, receiver, caplog):
    who, browser = await subscribed(api, receiver)
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/push/dead"
    await service.subscribe(dead, Browser.new().p256dh, Browser.new().auth, user_id=who.id)
    service.notify_user(who.id, {"n": 1})
    await tasks.drain()
    [request] = receiver.requests
    assert json.loads(browser.decrypt(request.body)) == {"n": 1}
    assert "given up after 3 attempts: ConnectError" in caplog.text


async def test_a_hanging_push_service_does_not_hold_up_the_caller(api, receiver):
    release = receiver.hold("/push/1")
    who, browser = await subscribed(api, receiver)

    service.notify_user(who.id, {"n": 1})  # returns at once: it only schedules the send
    await receiver.wait_for(1)
    assert receiver.answered == 0  # the push service has it and has not answered
    me = await api.get("/api/me", headers=who.headers)
    assert me.status_code == 200, me.text  # the app still serves

    release.set()
    await tasks.drain()
    assert receiver.answered == 1
    assert json.loads(browser.decrypt(receiver.requests[0].body)) == {"n": 1}


async def test_shutdown_waits_a_bounded_time_then_cancels(api, receiver, monkeypatch, caplog):
    receiver.hold("/push/1")  # never released until the receiver closes
    who, _ = await subscribed(api, receiver)
    monkeypatch.setattr(tasks, "SHUTDOWN_WAIT", 0)
    async with tasks.tasks_lifespan(None):
        service.notify_user(who.id, {"n": 1})
        await receiver.wait_for(1)
    assert "cancelled" in caplog.text
    await tasks.drain()  # nothing left to wait for


async def test_lifespan_refuses_a_subject_that_is_not_mailto_or_https(api, monkeypatch):
    monkeypatch.setenv("FIELDLINE_VAPID_SUBJECT", "ops@fieldline.invalid")
    with pytest.raises(ValueError, match="FIELDLINE_VAPID_SUBJECT"):
        async with service.push_lifespan(None):  # type: ignore[arg-type]
            pass


async def test_notify_without_subscriptions_sends_nothing(api, receiver):
    await subscribed(api, receiver)  # someone else's
    nobody = await staff(api, "rep")
    service.notify_user(nobody.id, {"n": 1})
    service.notify_work_order(2_000_000, {"n": 1})
    await tasks.drain()
    assert receiver.requests == []


async def test_bad_payloads_are_logged_never_raised(api, receiver, caplog):
    who, _ = await subscribed(api, receiver)
    service.notify_user(who.id, {"blob": "x" * service.MAX_PAYLOAD})
    service.notify_user(who.id, {"not json": object()})
    await tasks.drain()
    assert receiver.requests == []
    assert "not sent" in caplog.text
    assert "not scheduled" in caplog.text


def test_notify_outside_an_event_loop_is_logged_never_raised(caplog):
    service.notify_user(1, {"n": 1})
    assert "not started" in caplog.text


async def test_a_send_scheduled_inside_a_transaction_takes_its_own_connection(api, receiver):
    who, _ = await subscribed(api, receiver)
    async with db.transaction():
        await db.execute("SELECT 1")
        service.notify_user(who.id, {"n": 1})
    await tasks.drain()
    assert len(receiver.requests) == 1


async def test_customers_following_a_work_order_get_its_pushes(api, receiver):
    work_order = await bare_work_order(api)
    browser = Browser.new()
    endpoint = receiver.url("/push/customer")
    await service.subscribe(endpoint, browser.p256dh, browser.auth, work_order_id=work_order)
    service.notify_work_order(work_order, {"status": "on_site"})
    await tasks.drain()
    [request] = receiver.requests
    assert json.loads(browser.decrypt(request.body)) == {"status": "on_site"}


async def test_a_keyed_write_rolled_back_pushes_nothing(api, receiver, monkeypatch):
    """With an Idempotency-Key a request runs in one transaction: its pushes wait for the COMMIT."""
    w = await world(api)
    near = await engineer(api, w, 1)
    browser = Browser.new()
    body = browser.subscription(receiver.url("/push/1"))
    assert (await api.post(SUBSCRIPTIONS, json=body, headers=near.headers)).status_code == 201
    headers = {**w.supervisor.headers, "Idempotency-Key": "job-1"}
    request = {"device_id": w.device["id"], "description": "No heat"}
    detail = queries.detail

    async def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    # Dispatch has offered the job (and announced it) when the answer fails: all of it is undone.
    monkeypatch.setattr(queries, "detail", broken)
    assert (await api.post("/api/work-orders", json=request, headers=headers)).status_code == 500
    await tasks.drain()
    assert receiver.requests == []

    monkeypatch.setattr(queries, "detail", detail)
    created = await api.post("/api/work-orders", json=request, headers=headers)
    assert created.status_code == 201, created.text
    await tasks.drain()
    [sent] = receiver.requests
    offer = json.loads(browser.decrypt(sent.body))
    assert (offer["type"], offer["work_order_id"]) == ("offer", created.json()["id"])


def test_the_test_decryptor_reads_the_rfc_examples():
    """Pins tests/support/push_receiver.py to the RFCs' own vectors: it checks the server
    honestly."""
    walrus = b"I am the walrus"
    one_record = "I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg"
    assert decrypt_content(unb64url(one_record), unb64url("yqdlZ-tYemfogSmv7Ws5PQ")) == walrus
    two_records = (  # rs = 25: the nonce counter and the 0x01/0x02 delimiters
        "uNCkWiNYzKTnBN9ji3-qWAAAABkCYTHOG8chz_gnvgOqdGYovxyjuqRyJFjEDyoF"
        "1Fvkj6hQPdPHI51OEUKEpgz3SsLWIqS_uA"
    )
    assert decrypt_content(unb64url(two_records), unb64url("BO3ZVPxUlnLORbVGMpbT1Q")) == walrus
    ua_private = ec.derive_private_key(
        int.from_bytes(unb64url("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"), "big"),
        ec.SECP256R1(),
    )
    rfc8291 = (  # Appendix A
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
        "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
        "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    )
    plaintext = decrypt(unb64url(rfc8291), ua_private, unb64url("BTBZMqHH6r4Tts7J_aSIgg"))
    assert plaintext == b"When I grow up, I want to be a watermelon"
