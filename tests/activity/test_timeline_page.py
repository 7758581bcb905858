"""The timeline on the back office's account page: newest first, paged by the cursor, in the
reader's language."""

from __future__ import annotations

import re

from backend import db
from tests.support.activity import follow_up
from tests.support.factories import account, device, product, staff


async def test_the_account_page_shows_its_timeline(api):
    supervisor, rep = await staff(api, "supervisor"), await staff(api, "rep")
    site = await account(api, rep)
    for n in range(32):
        await follow_up(api, rep, account_id=site["id"], content=f"call number {n}")
    await db.execute("UPDATE follow_up SET at = at - make_interval(mins => 100 - id)")

    page = await api.get(f"/accounts/{site['id']}", headers=supervisor.headers)
    assert page.status_code == 200
    shown = re.findall(r"Phone call: call number (\d+)", page.text)
    assert shown == [str(n) for n in range(31, 1, -1)]  # 30, newest first
    older = re.search(r'href="(/accounts/\d+\?before=[^"#]+)#timeline"', page.text)
    assert older is not None
    rest = await api.get(older.group(1), headers=supervisor.headers)
    assert re.findall(r"Phone call: call number (\d+)", rest.text) == ["1", "0"]
    assert ">Newest<" in rest.text

    chinese = await api.get(
        f"/accounts/{site['id']}", headers={**supervisor.headers, "Accept-Language": "zh-CN"}
    )
    assert "跟进" in chinese.text
    bad = await api.get(f"/accounts/{site['id']}?before=junk", headers=supervisor.headers)
    assert bad.status_code == 400


async def test_each_item_is_said_in_the_readers_language(api):
    """The page says each item from its kind and data: a follow-up's method, a pool move, a work
    order's event are words of the reader's language, not the API's English summary."""
    admin, supervisor, rep = [await staff(api, role) for role in ("admin", "supervisor", "rep")]
    site = await account(api, rep)
    await follow_up(api, rep, account_id=site["id"], content="asked for a quote")
    released = await api.post(
        f"/api/accounts/{site['id']}/release", json={"reason": "moved away"}, headers=rep.headers
    )
    assert released.status_code == 200, released.text
    unit = await device(api, admin, site["id"], (await product(api, admin))["id"])
    body = {"device_id": unit["id"], "description": "Leaking", "priority": "normal"}
    job = await api.post("/api/work-orders", json=body, headers=supervisor.headers)
    assert job.status_code == 201, job.text
    job_id = job.json()["id"]

    english = (await api.get(f"/accounts/{site['id']}", headers=supervisor.headers)).text
    assert "Phone call: asked for a quote" in english
    assert "Released to the pool: moved away" in english
    assert f'<a href="/work-orders/{job_id}">#{job_id} Reported</a>' in english

    chinese = await api.get(
        f"/accounts/{site['id']}", headers={**supervisor.headers, "Accept-Language": "zh-CN"}
    )
    assert "电话: asked for a quote" in chinese.text
    assert "退回公海: moved away" in chinese.text
    assert f"#{job_id} 报修" in chinese.text
    assert "Released to the pool" not in chinese.text
