"""The OpenAPI document tells the truth (backend/openapi.py): the error shape {detail, errors}
that responses really have, the statuses each operation answers, and the media types of the CSV
exports and the boards' event stream."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.factories import staff

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
async def document(api) -> dict[str, Any]:
    response = await api.get("/schema/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def _operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


async def test_errors_are_documented_as_they_are_sent(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]
    assert set(error["properties"]) == {"detail", "errors"}
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)
    assert "status_code" not in str(document["paths"])


async def test_statuses_where_they_occur(document):
    ops = {(path, method): set(op["responses"]) for path, method, op in _operations(document)}
    for (path, method), statuses in ops.items():
        assert {"400", "503"} <= statuses, (path, method)
        public = path.startswith("/api/public/") or path == "/api/auth/login"
        assert ("401" in statuses) == (not public or path == "/api/auth/login"), (path, method)
        assert ("403" in statuses) == (not public), (path, method)
        assert ("429" in statuses) == public, (path, method)
        if "{" in path:
            assert "404" in statuses, (path, method)
        if method != "get":
            assert "409" in statuses, (path, method)
    assert "404" in ops[("/api/accounts/{account_id}", "get")]
    assert "404" not in ops[("/api/accounts", "get")]
    retry = document["paths"]["/api/public/devices/{token}"]["get"]["responses"]["429"]
    assert "Retry-After" in retry["headers"]


async def test_csv_and_the_event_stream_have_their_media_types(document):
    for path in ("/api/boards/satisfaction/csv", "/api/boards/sales/csv"):
        assert list(document["paths"][path]["get"]["responses"]["200"]["content"]) == ["text/csv"]
    stream = document["paths"]["/api/boards/stream"]["get"]["responses"]["200"]["content"]
    assert list(stream) == ["text/event-stream"]


async def test_real_errors_match_the_documented_shape(api, document):
    error = document["components"]["schemas"]["Error"]
    admin = await staff(api, "admin")
    answers = [
        await api.post("/api/accounts", json={"name": 5}, headers=admin.headers),  # 400
        await api.get("/api/accounts"),  # 401
        await api.get("/api/accounts/999999", headers=admin.headers),  # 404
        await api.post("/api/accounts", json={"name": "Twin"}, headers=admin.headers),
        await api.post("/api/accounts", json={"name": "Twin"}, headers=admin.headers),  # 409
    ]
    assert [a.status_code for a in answers] == [400, 401, 404, 201, 409]
    for answer in (a for a in answers if a.status_code >= 400):
        body = answer.json()
        assert set(error["required"]) <= set(body)
        assert isinstance(body["detail"], str)
        for item in body.get("errors", []):
            assert set(item) == {"field", "message"}
