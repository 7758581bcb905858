"""The accounts list page: search, filters, order and paging with the total, as the API has them."""

from __future__ import annotations

import re

from tests.support.factories import account, team


def _names(html: str) -> list[str]:
    return re.findall(r'<a class="row-link" href="/accounts/\d+">([^<]+)</a>', html)


async def test_the_list_searches_filters_sorts_and_pages(api):
    people = await team(api)
    admin, rep = people["admin"], people["rep"]
    for name, grade in (("Cedar Mills", "A"), ("Apex Labs", "A"), ("Birch Foods", "B")):
        await account(api, admin, name=name, grade=grade)
    await account(api, rep, name="Delta Rep Co", grade="A")
    headers = admin.headers

    page = await api.get("/accounts", params={"grade": "A", "sort": "name"}, headers=headers)
    assert _names(page.text) == ["Apex Labs", "Cedar Mills", "Delta Rep Co"]
    assert 'data-total="3"' in page.text
    assert 'aria-sort="ascending"' in page.text

    page = await api.get("/accounts", params={"sort": "-name", "limit": 25}, headers=headers)
    assert _names(page.text) == ["Delta Rep Co", "Cedar Mills", "Birch Foods", "Apex Labs"]

    page = await api.get("/accounts", params={"pool": "true", "q": "labs"}, headers=headers)
    assert _names(page.text) == ["Apex Labs"]
    page = await api.get("/accounts", params={"owner_id": rep.id}, headers=headers)
    assert _names(page.text) == ["Delta Rep Co"]

    # Paging keeps the filter and the order; the total is of the whole filter.
    first = await api.get("/accounts", params={"sort": "name", "limit": 25}, headers=headers)
    assert "1–4 of 4" in first.text
    api_page = await api.get(
        "/api/accounts", params={"sort": "name", "limit": 2, "offset": 2}, headers=headers
    )
    assert [a["name"] for a in api_page.json()["items"]] == ["Cedar Mills", "Delta Rep Co"]
    assert api_page.json()["total"] == 4


async def test_an_unknown_sort_is_a_400_naming_sort(api):
    people = await team(api)
    response = await api.get("/api/accounts?sort=password", headers=people["admin"].headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "sort"


async def test_an_account_page_shows_its_facts_contacts_and_devices(api):
    people = await team(api)
    made = await account(api, people["admin"], name="Juniper Hotel", vip=True)
    page = await api.get(f"/accounts/{made['id']}", headers=people["supervisor"].headers)
    assert page.status_code == 200
    assert "Juniper Hotel" in page.text
    assert f'data-api="/api/accounts/{made["id"]}" data-method="PATCH"' in page.text
    missing = await api.get("/accounts/999999", headers=people["supervisor"].headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
