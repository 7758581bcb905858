"""The back office's frame: navigation by role and by the pages that exist, and page errors."""

from __future__ import annotations

import re

from backend.pages import frame
from tests.support.factories import team


def _nav(html: str) -> list[str]:
    block = re.search(r'<nav id="office-nav".*?</nav>', html, re.S)
    assert block is not None, "the page has no back-office navigation"
    return re.findall(r'<a href="([^"]+)"', block.group(0))


async def test_navigation_shows_each_role_its_pages_and_only_pages_that_exist(api):
    people = await team(api)
    supervisor = _nav((await api.get("/", headers=people["supervisor"].headers)).text)
    admin = _nav((await api.get("/", headers=people["admin"].headers)).text)
    assert {"/", "/boards/dispatch", "/boards/satisfaction", "/boards/sales", "/accounts"} <= set(
        supervisor
    )
    served = {route.path for route in api._transport.app.routes}  # type: ignore[attr-defined]
    for item in frame.NAV:
        # A page of a domain still to come is not linked: no dead links in the navigation.
        assert (item.href in admin) == (item.href in served), item.href
    admin_only = {i.href for i in frame.NAV if i.page in ("settings", "imports", "webhooks")}
    assert not admin_only & set(supervisor)


async def test_every_board_and_page_carries_the_same_navigation(api):
    people = await team(api)
    home = _nav((await api.get("/", headers=people["supervisor"].headers)).text)
    for path in ("/boards/dispatch", "/boards/satisfaction", "/boards/sales", "/accounts"):
        page = await api.get(path, headers=people["supervisor"].headers)
        assert page.status_code == 200, path
        assert _nav(page.text) == home, path
        assert 'aria-current="page"' in page.text


async def test_a_signed_out_visitor_of_a_page_signs_in_and_comes_back(api):
    for path in ("/boards/dispatch", "/boards/sales?from=2026-01-01", "/accounts"):
        response = await api.get(path)
        assert response.status_code == 302
        location = response.headers["location"]
        assert location.startswith("/login?next="), location
        assert location == "/login?" + __import__("urllib.parse").parse.urlencode({"next": path})


async def test_page_errors_are_pages_in_the_persons_language_and_the_api_keeps_json(api):
    people = await team(api)
    engineer = {**people["engineer"].headers, "Accept-Language": "zh-CN"}
    response = await api.get("/boards/dispatch", headers=engineer)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.text
    assert "您无权打开此页面" in response.text

    supervisor = people["supervisor"].headers
    labels = await api.get("/devices/labels?ids=abc", headers=supervisor)
    assert labels.status_code == 400
    assert labels.headers["content-type"].startswith("text/html")
    assert "ids" in labels.text

    missing = await api.get("/no-such-page", headers=supervisor)
    assert (missing.status_code, missing.headers["content-type"][:9]) == (404, "text/html")

    api_error = await api.get("/api/boards/dispatch", headers=engineer)
    assert api_error.status_code == 403
    assert api_error.json()["detail"]
    assert (await api.get("/api/no-such-thing", headers=supervisor)).json()["detail"]
