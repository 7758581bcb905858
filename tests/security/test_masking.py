"""What a sticker holder learns on the public views (QR pages and /api/public): the engineer's
masked name, only once he has accepted; the description only of a request the customer filed."""

from __future__ import annotations

import pytest

from backend.workorders.queries import mask_staff_name
from tests.support.factories import create
from tests.support.loop import engineer, file_request, step, world


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("何子涵", "何**"),
        ("欧阳娜娜", "欧***"),
        ("Wang Xiaoming", "Wang X."),
        ("José García López", "José L."),
        ("Madonna", "Madonna"),
        ("  ", None),
        (None, None),
    ],
)
def test_mask_staff_name(name, shown):
    assert mask_staff_name(name) == shown


async def _named(api, w, person, name: str) -> None:
    response = await api.patch(
        f"/api/users/{person.id}", json={"name": name}, headers=w.admin.headers
    )
    assert response.status_code == 200, response.text


async def _public(api, w, job_id: int) -> dict:
    response = await api.get(f"/api/public/devices/{w.token}/requests/{job_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_engineer_is_named_masked_only_once_accepted(api):
    w = await world(api)
    near = await engineer(api, w, 1)
    await _named(api, w, near, "何子涵")
    job = (await file_request(api, w.token))["id"]

    offered = await _public(api, w, job)
    assert offered["status"] == "offered"
    assert offered["engineer_name"] is None
    listed = (await api.get(f"/api/public/devices/{w.token}")).json()["requests"]
    assert [r["engineer_name"] for r in listed] == [None]
    page = await api.get(f"/q/{w.token}/requests/{job}")
    assert page.status_code == 200, page.text
    assert "何" not in page.text

    await step(api, near, job, "accept")
    accepted = await _public(api, w, job)
    assert accepted["engineer_name"] == "何**"
    assert "子涵" not in (await api.get(f"/api/public/devices/{w.token}")).text
    page = await api.get(f"/q/{w.token}/requests/{job}")
    assert "何**" in page.text
    assert "何子涵" not in page.text


async def test_a_latin_name_shows_first_name_and_initial(api):
    w = await world(api)
    near = await engineer(api, w, 1)
    await _named(api, w, near, "Daniel Whitfield")
    job = (await file_request(api, w.token))["id"]
    await step(api, near, job, "accept")
    assert (await _public(api, w, job))["engineer_name"] == "Daniel W."


async def test_only_a_customer_filed_description_is_public(api):
    w = await world(api)
    mine = (await file_request(api, w.token, "Fan rattles at night"))["id"]
    staffs = await create(
        api,
        w.supervisor,
        "/api/work-orders",
        {"device_id": w.device["id"], "description": "Customer owes us; rude on the phone"},
    )
    assert (await _public(api, w, mine))["description"] == "Fan rattles at night"
    assert (await _public(api, w, staffs["id"]))["description"] is None
    listing = await api.get(f"/api/public/devices/{w.token}")
    assert "rude" not in listing.text
    assert "Fan rattles" in listing.text
    for path in (f"/q/{w.token}", f"/q/{w.token}/requests/{staffs['id']}"):
        page = await api.get(path)
        assert page.status_code == 200, page.text
        assert "rude" not in page.text
