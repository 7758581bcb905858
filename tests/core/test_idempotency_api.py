"""Idempotency-Key: a replayed write applies once and answers what the first one answered."""

from __future__ import annotations

import asyncio

from backend import db
from backend.workorders import offers, service
from tests.support.factories import staff
from tests.support.listening import board_events
from tests.support.loop import SITE, engineer, file_request, world


def key(value: str, who) -> dict[str, str]:
    return {**who.headers, "Idempotency-Key": value}


async def test_a_replayed_transition_applies_once_and_returns_the_first_answer(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    job = await file_request(api, w.token)
    first = await api.post(f"/api/work-orders/{job['id']}/accept", headers=key("k-1", person))
    again = await api.post(f"/api/work-orders/{job['id']}/accept", headers=key("k-1", person))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replay"] == "true"
    accepted = await db.fetchval(
        "SELECT count(*) FROM work_order_event WHERE work_order = $1 AND kind = 'accepted'",
        job["id"],
    )
    assert accepted == 1
    # Without the key the same write is a new request, and the state machine refuses it.
    fresh = await api.post(f"/api/work-orders/{job['id']}/accept", headers=person.headers)
    assert fresh.status_code == 409


async def test_the_same_key_with_another_body_is_refused(api):
    w = await world(api)
    person = await engineer(api, w, 1, on_duty=False)
    body = {"status": "available", "lat": SITE[0], "lng": SITE[1]}
    assert (await api.put("/api/me/duty", json=body, headers=key("d-1", person))).status_code == 200
    other = await api.put(
        "/api/me/duty", json={**body, "lat": SITE[0] + 0.1}, headers=key("d-1", person)
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_simultaneous_duplicates_create_one_work_order(api):
    w = await world(api)
    body = {"device_id": w.device["id"], "description": "Alarm keeps sounding"}
    responses = await asyncio.gather(
        *(
            api.post("/api/work-orders", json=body, headers=key("wo-1", w.supervisor))
            for _ in range(5)
        )
    )
    assert [r.status_code for r in responses] == [201] * 5
    assert len({r.json()["id"] for r in responses}) == 1
    assert await db.fetchval("SELECT count(*) FROM work_order") == 1


async def test_refusals_are_replayed_too(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    job = await file_request(api, w.token)
    early = {"resolution": "too soon"}
    first = await api.post(
        f"/api/work-orders/{job['id']}/complete", json=early, headers=key("c-1", person)
    )
    assert first.status_code == 409
    await api.post(f"/api/work-orders/{job['id']}/accept", headers=person.headers)
    replay = await api.post(
        f"/api/work-orders/{job['id']}/complete", json=early, headers=key("c-1", person)
    )
    assert replay.status_code == 409
    assert replay.json() == first.json()  # the answer of the time, not a new decision


async def test_a_server_error_leaves_the_key_free_for_a_retry(api, monkeypatch):
    w = await world(api)
    person = await engineer(api, w, 1)
    job = await file_request(api, w.token)

    async def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "act", broken)
    failed = await api.post(f"/api/work-orders/{job['id']}/accept", headers=key("r-1", person))
    assert failed.status_code == 500
    monkeypatch.undo()
    retried = await api.post(f"/api/work-orders/{job['id']}/accept", headers=key("r-1", person))
    assert retried.status_code == 200
    assert "idempotent-replay" not in retried.headers


async def test_keys_belong_to_their_user_and_are_checked(api):
    a = await staff(api, "admin")
    b = await staff(api, "admin")
    one = await api.post("/api/parts", json={"sku": "K-1", "name": "Belt"}, headers=key("same", a))
    two = await api.post("/api/parts", json={"sku": "K-1", "name": "Belt"}, headers=key("same", b))
    assert one.status_code == 201
    assert two.status_code == 409  # b's key is b's own: his request ran, and the SKU exists
    long = await api.post(
        "/api/parts", json={"sku": "K-2", "name": "Belt"}, headers=key("x" * 101, a)
    )
    assert long.status_code == 400
    assert long.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_a_keyed_writes_board_events_go_out_with_its_commit_only(
    api, database_url, monkeypatch
):
    """Sent inside the request's transaction, an event can never announce a change that a board
    cannot see yet, nor one that was rolled back."""
    w = await world(api)
    person = await engineer(api, w, 1, on_duty=False)
    async with board_events(database_url) as heard:
        on_duty = {"status": "available", "lat": SITE[0], "lng": SITE[1]}

        async def broken(*_args, **_kwargs):
            raise RuntimeError("the database went away")

        # The duty change publishes the engineer's event, then fails: all of it is undone.
        monkeypatch.setattr(offers, "drain_queue", broken)
        failed = await api.put("/api/me/duty", json=on_duty, headers=key("d-1", person))
        assert failed.status_code == 500
        monkeypatch.undo()
        applied = await api.put("/api/me/duty", json=on_duty, headers=key("d-1", person))
        assert applied.status_code == 200
        events = await heard.events()
    assert events == [{"kind": "engineer", "id": person.id}]
