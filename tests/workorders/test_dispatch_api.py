"""Dispatch rules through the API: zones, pushes to the offered engineer, low-rating follow-up."""

from __future__ import annotations

import json

import pytest

from backend import tasks
from tests.support.loop import SITE, engineer, file_request, jobs, step, world
from tests.support.outbound import allowing
from tests.support.push_receiver import Browser, PushReceiver


def square(lat: float, lng: float, half: float) -> list[list[float]]:
    return [
        [lat - half, lng - half],
        [lat - half, lng + half],
        [lat + half, lng + half],
        [lat + half, lng - half],
    ]


async def test_engineers_work_only_inside_their_zone(api):
    w = await world(api)
    here = await api.post(
        "/api/zones",
        json={"name": "Huangpu", "boundary": square(*SITE, 0.05)},
        headers=w.admin.headers,
    )
    assert here.status_code == 201, here.text
    elsewhere = await api.post(
        "/api/zones",
        json={"name": "Pudong", "boundary": square(31.22, 121.60, 0.05)},
        headers=w.admin.headers,
    )
    near_but_out = await engineer(api, w, 1, on_duty=False)
    far_but_in = await engineer(api, w, 4, on_duty=False)
    for person, zone in ((near_but_out, elsewhere), (far_but_in, here)):
        patched = await api.patch(
            f"/api/users/{person.id}", json={"zone_id": zone.json()["id"]}, headers=w.admin.headers
        )
        assert patched.json()["zone_id"] == zone.json()["id"]
    for person, km in ((near_but_out, 1), (far_but_in, 4)):
        response = await api.put(
            "/api/me/duty",
            json={"status": "available", "lat": SITE[0] + km * 0.009, "lng": SITE[1]},
            headers=person.headers,
        )
        assert response.status_code == 200
    job = await file_request(api, w.token)
    assert await jobs(api, near_but_out) == []
    assert [j["id"] for j in await jobs(api, far_but_in)] == [job["id"]]


async def test_zone_boundary_must_be_a_polygon(api):
    w = await world(api)
    crossing = [[31.0, 121.0], [31.1, 121.1], [31.0, 121.1], [31.1, 121.0]]  # a bow tie
    response = await api.post(
        "/api/zones", json={"name": "Bad", "boundary": crossing}, headers=w.admin.headers
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "boundary"
    too_far = await api.post(
        "/api/zones",
        json={"name": "Bad", "boundary": [[95, 1], [1, 1], [1, 2]]},
        headers=w.admin.headers,
    )
    assert too_far.json()["errors"][0]["field"] == "boundary[0]"


@pytest.fixture
async def receiver():
    with allowing("127.0.0.1", http=True):  # the receiver listens on http://127.0.0.1
        async with PushReceiver() as push_service:
            yield push_service
        await tasks.drain()


async def test_the_offer_is_pushed_to_the_engineer_and_status_to_the_customer(api, receiver):
    w = await world(api)
    person = await engineer(api, w, 1, on_duty=False)
    phone = Browser.new()
    subscribed = await api.post(
        "/api/push/subscriptions",
        json=phone.subscription(receiver.url("/engineer")),
        headers=person.headers,
    )
    assert subscribed.status_code == 201
    response = await api.put(
        "/api/me/duty",
        json={"status": "available", "lat": SITE[0], "lng": SITE[1]},
        headers=person.headers,
    )
    assert response.status_code == 200
    job = await file_request(api, w.token)
    await tasks.drain()
    [offer] = receiver.at("/engineer")
    payload = json.loads(phone.decrypt(offer.body))
    assert payload["type"] == "offer"
    assert payload["work_order_id"] == job["id"]
    assert int(offer.headers["ttl"]) == 300  # an offer is worthless once it lapses

    customer = Browser.new()
    follow = await api.post(
        f"/api/public/devices/{w.token}/requests/{job['id']}/push",
        json=customer.subscription(receiver.url("/customer")),
    )
    assert follow.status_code == 201
    await step(api, person, job["id"], "accept")
    await tasks.drain()
    [update] = receiver.at("/customer")
    assert json.loads(customer.decrypt(update.body)) == {
        "type": "status",
        "work_order_id": job["id"],
        "status": "accepted",
    }
    unfollow = await api.request(
        "DELETE",
        f"/api/public/devices/{w.token}/requests/{job['id']}/push",
        json={"endpoint": receiver.url("/customer")},
    )
    assert unfollow.status_code == 204
    await step(api, person, job["id"], "travel")
    await tasks.drain()
    assert len(receiver.at("/customer")) == 1  # nothing more after unfollowing


async def test_a_low_rating_asks_for_follow_up(api):
    w = await world(api)
    person = await engineer(api, w, 1)
    job = await file_request(api, w.token)
    await step(api, person, job["id"], "accept")
    await step(api, person, job["id"], "arrive", {"lat": SITE[0], "lng": SITE[1]})
    await step(api, person, job["id"], "complete", {"resolution": "Reset the controller"})
    rated = await api.post(
        f"/api/public/devices/{w.token}/requests/{job['id']}/rating",
        json={"score": 2, "comment": "Came back broken the next day"},
    )
    assert rated.status_code == 201
    assert rated.json()["rating"]["needs_follow_up"] is True
    detail = await api.get(f"/api/work-orders/{job['id']}", headers=w.supervisor.headers)
    assert detail.json()["rating"]["score"] == 2
    assert detail.json()["status"] == "rated"


async def test_a_tie_just_outside_the_search_box_still_counts(api):
    """4.98 km and 5.03 km are one distance band: the van holding the model's past part wins."""
    w = await world(api)
    part = w.parts[0]["id"]
    earlier = await engineer(api, w, 1, stock={part: 2})
    job = await file_request(api, w.token, "first repair")
    await step(api, earlier, job["id"], "accept")
    await step(api, earlier, job["id"], "arrive", {"lat": SITE[0], "lng": SITE[1]})
    await step(
        api,
        earlier,
        job["id"],
        "complete",
        {"resolution": "new valve", "parts": [{"part_id": part, "qty": 1}]},
    )
    off = await api.put("/api/me/duty", json={"status": "off_duty"}, headers=earlier.headers)
    assert off.status_code == 200
    nearer = await engineer(api, w, 4.98)
    with_the_part = await engineer(api, w, 5.03, stock={part: 1})
    again = await file_request(api, w.token, "second repair")
    assert await jobs(api, nearer) == []
    assert [j["id"] for j in await jobs(api, with_the_part)] == [again["id"]]
