"""Unknown query parameters are a 400 naming the parameter (issue 13, defect 7), for every API
route and for the back office's pages; a page always takes ?lang=."""

from __future__ import annotations

import pytest

from tests.support.factories import team


@pytest.mark.parametrize(
    ("path", "wrong"),
    [
        ("/api/boards/satisfaction?date_from=2026-01-01", "date_from"),
        ("/api/accounts?grade=A&colour=red", "colour"),
        ("/api/work-orders?state=new", "state"),
        ("/accounts?owner=3", "owner"),
        ("/boards/sales?date_to=2026-02-01", "date_to"),
    ],
)
async def test_an_unknown_query_parameter_is_named(api, path, wrong):
    people = await team(api)
    response = await api.get(path, headers=people["admin"].headers)
    assert response.status_code == 400, response.text
    if path.startswith("/api/"):
        assert response.json()["errors"][0]["field"] == wrong
        assert "from" in response.json()["errors"][0]["message"] or "unknown" in response.text
    else:
        assert wrong in response.text  # the HTML error page names it


async def test_known_parameters_and_the_language_switch_pass(api):
    people = await team(api)
    headers = people["admin"].headers
    for path in (
        "/api/boards/satisfaction?from=2026-01-01&to=2026-01-31",
        "/api/accounts?grade=A&sort=name&limit=5",
        "/accounts?lang=zh_CN&grade=B",
        "/boards/sales?lang=en&from=2026-01-01",
        "/login?next=/accounts",  # the sign-in page reads ?next= in its script
        "/?lang=zh_CN",
    ):
        response = await api.get(path, headers=headers)
        assert response.status_code in (200, 302), (path, response.text[:200])
