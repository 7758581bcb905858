"""Work orders in the back office: a phone call becomes a dispatched job; cancel with a reason;
"offer instead to" lists the eligible engineers nearest first, never who declined."""

from __future__ import annotations

from tests.support.factories import account, device, product, staff, team


async def test_candidates_are_eligible_engineers_nearest_first_without_decliners(api):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin, required_skill="hvac")
    site = await account(api, admin, lat=31.2304, lng=121.4737)
    unit = await device(api, admin, site["id"], model["id"])
    near = await staff(api, "engineer", skills=["hvac"], home_lat=31.2310, home_lng=121.4740)
    mid = await staff(api, "engineer", skills=["hvac"], home_lat=31.2600, home_lng=121.4737)
    far = await staff(api, "engineer", skills=["hvac"], home_lat=31.3500, home_lng=121.4737)
    unskilled = await staff(api, "engineer", skills=["lifts"], home_lat=31.2304, home_lng=121.4737)
    for who in (near, mid, far, unskilled):
        response = await api.put("/api/me/duty", json={"status": "available"}, headers=who.headers)
        assert response.status_code == 200, response.text
    job = await api.post(
        "/api/work-orders",
        json={"device_id": unit["id"], "description": "Not cooling"},
        headers=people["supervisor"].headers,
    )
    assert job.status_code == 201, job.text
    job_id = job.json()["id"]
    assert job.json()["engineer"]["id"] == near.id  # dispatched at once, to the nearest
    declined = await api.post(f"/api/work-orders/{job_id}/decline", headers=near.headers)
    assert declined.status_code == 200, declined.text

    listed = await api.get(
        f"/api/work-orders/{job_id}/candidates", headers=people["supervisor"].headers
    )
    assert listed.status_code == 200, listed.text
    names = [(c["id"], c["measured_from"]) for c in listed.json()]
    # mid holds the offer now; far is next; the decliner and the unskilled are not offered.
    holder = (await api.get(f"/api/work-orders/{job_id}", headers=admin.headers)).json()
    assert holder["engineer"]["id"] == mid.id
    assert names == [(far.id, "home")]
    assert listed.json()[0]["distance_km"] > 10

    page = await api.get(f"/work-orders/{job_id}", headers=people["supervisor"].headers)
    assert page.status_code == 200
    select = page.text.split('name="engineer_id"', 1)[1].split("</select>", 1)[0]
    assert f'value="{far.id}"' in select
    assert f'value="{near.id}"' not in select


async def test_cancel_keeps_its_reason_on_the_timeline(api):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin)
    site = await account(api, admin, lat=31.2, lng=121.4)
    unit = await device(api, admin, site["id"], model["id"])
    job = await api.post(
        "/api/work-orders",
        json={"device_id": unit["id"], "description": "Leaking"},
        headers=admin.headers,
    )
    job_id = job.json()["id"]
    empty = await api.post(
        f"/api/work-orders/{job_id}/cancel", json={"reason": ""}, headers=admin.headers
    )
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["field"] == "reason"
    done = await api.post(
        f"/api/work-orders/{job_id}/cancel",
        json={"reason": "Customer fixed it himself"},
        headers=admin.headers,
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "cancelled"
    assert done.json()["events"][-1]["note"] == "Customer fixed it himself"
    page = await api.get(
        f"/work-orders/{job_id}", headers={**admin.headers, "Accept-Language": "zh-CN"}
    )
    assert "Customer fixed it himself" in page.text
    assert "已取消" in page.text
    # Without a body, as before: still allowed.
    other = await api.post(
        "/api/work-orders",
        json={"device_id": unit["id"], "description": "Noisy fan"},
        headers=admin.headers,
    )
    plain = await api.post(f"/api/work-orders/{other.json()['id']}/cancel", headers=admin.headers)
    assert plain.status_code == 200, plain.text
