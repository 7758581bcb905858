"""Routes that read a JSON body take only application/json: a cross-site form or text/plain
post (login CSRF) is a 415 naming Content-Type."""

from __future__ import annotations

import json
import re

import pytest

from backend.app import create_app
from backend.mediatype import reads_json
from tests.support.factories import PASSWORD, staff


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", None],
)
async def test_login_refuses_a_body_not_sent_as_json(api, content_type):
    admin = await staff(api, "admin")
    headers = {"Content-Type": content_type} if content_type else {}
    body = json.dumps({"email": admin.email, "password": PASSWORD})
    response = await api.post("/api/auth/login", content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["errors"][0]["field"] == "Content-Type"
    api.cookies.clear()


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
async def test_login_takes_json(api, content_type):
    admin = await staff(api, "admin")
    body = json.dumps({"email": admin.email, "password": PASSWORD})
    response = await api.post(
        "/api/auth/login", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 200, response.text
    api.cookies.clear()


def _json_routes() -> list[tuple[str, str]]:
    found = []
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                if method in ("POST", "PUT", "PATCH", "DELETE") and reads_json(handler):
                    found.append((method, route.path))
    return sorted(set(found))


JSON_ROUTES = _json_routes()


def test_the_json_routes_are_found():
    assert ("POST", "/api/auth/login") in JSON_ROUTES
    assert len(JSON_ROUTES) > 20


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
async def test_every_json_route_refuses_text_plain(api, method, path):
    """As a role the route lets in (or anonymously for public routes), whatever the path's ids."""
    url = re.sub(r"\{[^}:]+:int\}", "1", path)
    url = re.sub(r"\{[^}]+\}", "x", url)
    statuses = []
    for role in ("admin", "supervisor", "rep", "engineer"):
        who = await staff(api, role)
        headers = {**who.headers, "Content-Type": "text/plain"}
        response = await api.request(method, url, content=b"{}", headers=headers)
        statuses.append(response.status_code)
        if response.status_code == 415:
            break
    assert statuses[-1] == 415, statuses
