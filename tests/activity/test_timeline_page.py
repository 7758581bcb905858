"""The timeline on the back office's account page: newest first, paged by the cursor, in the
reader's language."""

from __future__ import annotations

import re

from backend import db
from tests.support.activity import follow_up
from tests.support.factories import account, staff


async def test_the_account_page_shows_its_timeline(api):
    supervisor, rep = await staff(api, "supervisor"), await staff(api, "rep")
    site = await account(api, rep)
    for n in range(32):
        await follow_up(api, rep, account_id=site["id"], content=f"call number {n}")
    await db.execute("UPDATE follow_up SET at = at - make_interval(mins => 100 - id)")

    page = await api.get(f"/accounts/{site['id']}", headers=supervisor.headers)
    assert page.status_code == 200
    shown = re.findall(r"call: call number (\d+)", page.text)
    assert shown == [str(n) for n in range(31, 1, -1)]  # 30, newest first
    older = re.search(r'href="(/accounts/\d+\?before=[^"#]+)#timeline"', page.text)
    assert older is not None
    rest = await api.get(older.group(1), headers=supervisor.headers)
    assert re.findall(r"call: call number (\d+)", rest.text) == ["1", "0"]
    assert ">Newest<" in rest.text

    chinese = await api.get(
        f"/accounts/{site['id']}", headers={**supervisor.headers, "Accept-Language": "zh-CN"}
    )
    assert "跟进" in chinese.text
    bad = await api.get(f"/accounts/{site['id']}?before=junk", headers=supervisor.headers)
    assert bad.status_code == 400
