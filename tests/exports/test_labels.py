"""QR labels for any filtered set of devices (issue 13): the whole list too, not only a filter;
a set larger than one print run says to narrow it instead of offering nothing."""

from __future__ import annotations

import re

from backend.pages import office_devices
from tests.support.factories import account, device, product, team


async def test_labels_print_for_the_unfiltered_list_and_too_many_says_narrow(api, monkeypatch):
    people = await team(api)
    admin = people["admin"]
    model = await product(api, admin)
    site = await account(api, admin)
    for n in range(4):
        await device(api, admin, site["id"], model["id"], serial=f"SN-LBL-{n}")

    listing = await api.get("/devices", headers=admin.headers)
    link = re.search(r'id="print-filtered" href="([^"]+)"', listing.text)
    assert link is not None, "every device of an unfiltered list prints too"
    assert link.group(1) == "/devices/labels"
    sheet = await api.get(link.group(1), headers=admin.headers)
    assert sheet.text.count('class="label"') == 4

    monkeypatch.setattr(office_devices, "MAX_LABELS", 3)
    listing = await api.get("/devices", headers=admin.headers)
    assert 'id="print-filtered"' not in listing.text
    assert 'id="print-narrow"' in listing.text
    assert "to 3 devices or fewer" in listing.text
    narrowed = await api.get("/devices", params={"q": "SN-LBL-1"}, headers=admin.headers)
    assert 'id="print-filtered"' in narrowed.text

    chinese = await api.get("/devices/labels", headers={**admin.headers, "Accept-Language": "zh"})
    assert chinese.status_code == 400  # 4 > 3, and the error page says so in Chinese
    assert '<html lang="zh-CN"' in chinese.text
