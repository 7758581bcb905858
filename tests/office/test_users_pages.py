"""Users in the back office: the list (search, role, active, paged with the total), creating an
engineer with a home base, editing, deactivating and resetting a password through the staff API
the pages' forms call; supervisors read without the admin's forms."""

from __future__ import annotations

import re

from tests.support.factories import PASSWORD, create, login, staff, team


def _names(html: str) -> list[str]:
    return re.findall(r'class="row-link" href="/users/\d+">([^<]+)<', html)


async def test_the_list_searches_filters_by_role_and_active_and_pages_with_a_total(api):
    people = await team(api)
    admin = people["admin"].headers
    for _n in range(3):
        await staff(api, "engineer", skills=["hvac"])
    gone = await staff(api, "engineer")
    off = await api.patch(f"/api/users/{gone.id}", json={"active": False}, headers=admin)
    assert off.status_code == 200

    engineers = await api.get("/users", params={"role": "engineer", "limit": 2}, headers=admin)
    assert engineers.status_code == 200
    assert len(_names(engineers.text)) == 2
    assert 'data-total="6"' in engineers.text  # two of the team's, three, and the deactivated one
    assert 'rel="next" href="/users?role=engineer&amp;limit=2&amp;offset=2"' in engineers.text

    active = await api.get("/users", params={"role": "engineer", "active": "false"}, headers=admin)
    assert _names(active.text) == [f"Engineer {gone.email.removeprefix('engineer').split('@')[0]}"]
    assert "Deactivated" in active.text

    found = await api.get("/users", params={"q": people["rep"].email}, headers=admin)
    assert len(_names(found.text)) == 1

    bad = await api.get("/users", params={"role": "pilot"}, headers=admin)
    assert bad.status_code == 400
    assert "role" in bad.text


async def test_an_admin_creates_an_engineer_with_a_home_base_and_edits_him(api):
    people = await team(api)
    admin = people["admin"].headers
    form = await api.get("/users/new", headers=admin)
    assert form.status_code == 200
    assert 'data-api="/api/users"' in form.text
    assert 'data-place="home_lat home_lng"' in form.text
    assert re.search(r"/vendor/v\w+/leaflet/leaflet.js", form.text)
    assert "unpkg" not in form.text

    # What the form sends when the admin clicks the map and fills the fields.
    body = {
        "name": "Wang Lei",
        "email": "wang.lei@example.test",
        "password": "long-enough-1",
        "role": "engineer",
        "skills": ["hvac", "electrical"],
        "home_lat": 31.2304,
        "home_lng": 121.4737,
        "locale": "zh-CN",
    }
    made = await api.post("/api/users", json=body, headers=admin)
    assert made.status_code == 201, made.text
    user_id = made.json()["id"]
    page = await api.get(f"/users/{user_id}", headers=admin)
    assert page.status_code == 200
    assert 'value="31.2304"' in page.text
    assert 'value="hvac, electrical"' in page.text
    assert 'id="van-stock"' in page.text  # an engineer has a van

    # Every error of the form at once, each naming its field.
    wrong = await api.post(
        "/api/users", json={**body, "email": "WANG.LEI@example.test"}, headers=admin
    )
    assert (wrong.status_code, wrong.json()["field"]) == (409, "email")
    far = await api.patch(f"/api/users/{user_id}", json={"home_lat": 95}, headers=admin)
    assert far.status_code == 400
    assert far.json()["errors"][0]["field"] == "home_lat"

    cleared = await api.patch(
        f"/api/users/{user_id}",
        json={"home_lat": None, "home_lng": None, "phone": None, "zone_id": None, "skills": []},
        headers=admin,
    )
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["home_lat"], cleared.json()["skills"]) == (None, [])


async def test_deactivating_and_resetting_a_password_end_the_sessions(api):
    people = await team(api)
    admin = people["admin"].headers
    rep = people["rep"]
    page = await api.get(f"/users/{rep.id}", headers=admin)
    assert 'id="password-form"' in page.text
    assert 'id="deactivate-form"' in page.text

    reset = await api.patch(
        f"/api/users/{rep.id}", json={"password": "a-new-secret-7"}, headers=admin
    )
    assert reset.status_code == 200
    assert (await api.get("/api/me", headers=rep.headers)).status_code == 401
    assert (await login(api, rep.email, PASSWORD)).status_code == 401
    assert (await login(api, rep.email, "a-new-secret-7")).status_code == 200

    off = await api.patch(f"/api/users/{rep.id}", json={"active": False}, headers=admin)
    assert off.json()["active"] is False
    assert (await login(api, rep.email, "a-new-secret-7")).status_code == 401
    page = await api.get(f"/users/{rep.id}", headers=admin)
    assert 'id="reactivate-form"' in page.text


async def test_supervisors_read_the_staff_without_the_admins_forms(api):
    people = await team(api)
    supervisor = people["supervisor"].headers
    listing = await api.get("/users", headers=supervisor)
    assert listing.status_code == 200
    assert 'href="/users/new"' not in listing.text
    page = await api.get(f"/users/{people['engineer'].id}", headers=supervisor)
    assert page.status_code == 200
    assert "data-api=" not in page.text.split('id="van-stock"')[0]
    assert (await api.get("/users/new", headers=supervisor)).status_code == 403


async def test_the_users_page_speaks_chinese(api):
    people = await team(api)
    headers = {**people["admin"].headers, "Accept-Language": "zh-CN"}
    page = await api.get(f"/users/{people['engineer'].id}", headers=headers)
    assert "重置密码" in page.text
    assert "停用" in page.text
    listing = await api.get("/users", headers=headers)
    assert "所有角色" in listing.text


async def test_the_van_is_counted_from_the_engineers_page(api):
    people = await team(api)
    admin, supervisor = people["admin"], people["supervisor"].headers
    engineer = people["engineer"]
    valve = await create(api, admin, "/api/parts", {"sku": "VLV-1", "name": "Valve"})
    fuse = await create(api, admin, "/api/parts", {"sku": "FUS-2", "name": "Fuse"})
    url = f"/api/engineers/{engineer.id}/stock"
    # What the page's form sends: every row as counted, 0 to take a part out.
    counted = {"items": [{"part_id": valve["id"], "qty": 3}, {"part_id": fuse["id"], "qty": 0}]}
    assert (await api.put(url, json=counted, headers=supervisor)).status_code == 200
    page = await api.get(f"/users/{engineer.id}", headers=supervisor)
    assert 'id="stock-form"' in page.text
    assert re.search(r'<tr data-part="\d+"><td>VLV-1</td><td>Valve</td>', page.text)
    assert 'value="3"' in page.text
    assert "FUS-2" not in page.text.split('id="stock-form"')[1].split("</table>")[0]

    wrong = {"items": [{"part_id": valve["id"], "qty": 2}, {"part_id": fuse["id"], "qty": -1}]}
    refused = await api.put(url, json=wrong, headers=supervisor)
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (400, "items[1].qty")
    rep = await api.get(f"/users/{people['rep'].id}", headers=supervisor)
    assert 'id="van-stock"' not in rep.text  # a rep has no van


async def test_the_list_sorts_by_name_email_role_or_status(api):
    people = await team(api)
    admin = people["admin"].headers
    names = (await api.get("/api/users", params={"sort": "-name"}, headers=admin)).json()["items"]
    assert [u["name"] for u in names] == sorted((u["name"] for u in names), key=str.lower)[::-1]
    page = await api.get("/users", params={"sort": "role"}, headers=admin)
    assert _names(page.text)[0].startswith("Admin")
    assert 'aria-sort="ascending"' in page.text
    wrong = await api.get("/users", params={"sort": "password_hash"}, headers=admin)
    assert wrong.status_code == 400
    assert "sort" in wrong.text
