"""The idempotency middleware refuses an oversized body while reading it, and its fingerprint
covers the query string."""

from __future__ import annotations

from collections.abc import AsyncIterator

from backend import idempotency
from tests.support.factories import staff

CHUNK = b"x" * 100


async def test_a_chunked_body_over_the_limit_is_413_before_it_is_all_read(api, monkeypatch):
    monkeypatch.setattr(idempotency, "MAX_BODY", 1_000)
    rep = await staff(api, "rep")
    pulled = 0

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: sent chunked
        nonlocal pulled
        for _ in range(1_000):
            pulled += 1
            yield CHUNK

    headers = {**rep.headers, "Idempotency-Key": "big-1", "Content-Type": "application/json"}
    response = await api.post("/api/accounts", content=chunks(), headers=headers)
    assert response.status_code == 413, response.text
    assert response.json()["errors"][0]["field"] == "body"
    assert pulled <= 11  # stopped at the first chunk past 1,000 bytes, not after 100,000


async def test_a_declared_length_over_the_limit_is_413_unread(api, monkeypatch):
    monkeypatch.setattr(idempotency, "MAX_BODY", 1_000)
    rep = await staff(api, "rep")
    headers = {**rep.headers, "Idempotency-Key": "big-2", "Content-Type": "application/json"}
    response = await api.post("/api/accounts", content=b"{" + b" " * 2_000 + b"}", headers=headers)
    assert response.status_code == 413, response.text


async def test_the_query_string_is_part_of_the_fingerprint(api):
    rep = await staff(api, "rep")
    body = {"name": "Query String Trading", "phone": "+86 139 0000 0001"}
    headers = {**rep.headers, "Idempotency-Key": "same-key"}
    first = await api.post("/api/accounts", json=body, headers=headers)
    assert first.status_code == 201, first.text
    forced = await api.post("/api/accounts?force=true", json=body, headers=headers)
    assert forced.status_code == 422, forced.text  # the mismatch rule: another request
    assert "idempotent-replay" not in forced.headers
    again = await api.post("/api/accounts", json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replay"] == "true"
