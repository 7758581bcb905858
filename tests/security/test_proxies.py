"""X-Forwarded-For is believed only from FIELDLINE_TRUSTED_PROXIES: from anyone else a varied
header cannot make one client many (public rate limit, login throttle)."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from backend import db
from backend.proxies import client_address
from tests.security.conftest import EMAILS_PER_ADDRESS, PUBLIC_LIMIT

# Any token: the rate limit is a guard, counted before the device is looked up (404).
PUBLIC = "/api/public/devices/no-such-token"


def _forwarded(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.100.{n}"}


async def _public_statuses(base: str, headers: list[dict[str, str]]) -> list[int]:
    async with httpx.AsyncClient(base_url=base) as http:
        return [(await http.get(PUBLIC, headers=h)).status_code for h in headers]


async def test_varied_header_from_an_untrusted_peer_does_not_escape_the_rate_limit(api, server):
    statuses = await _public_statuses(server, [_forwarded(n) for n in range(PUBLIC_LIMIT + 2)])
    assert statuses == [404] * PUBLIC_LIMIT + [429, 429]


async def test_varied_header_from_an_untrusted_peer_does_not_escape_the_login_throttle(api, server):
    async with httpx.AsyncClient(base_url=server) as http:
        statuses = [
            (
                await http.post(
                    "/api/auth/login",
                    json={"email": f"spray{n}@example.test", "password": "guess"},
                    headers=_forwarded(n),
                )
            ).status_code
            for n in range(EMAILS_PER_ADDRESS + 1)
        ]
    assert statuses == [401] * EMAILS_PER_ADDRESS + [429]
    assert {r["ip"] for r in await db.fetch("SELECT DISTINCT ip FROM login_failure")} == {
        "127.0.0.1"
    }


async def test_a_trusted_proxy_is_believed(api, behind_proxy):
    """Behind a proxy every client has its own count, and the one client is still limited."""
    many = await _public_statuses(behind_proxy, [_forwarded(n) for n in range(PUBLIC_LIMIT + 2)])
    assert many == [404] * (PUBLIC_LIMIT + 2)
    one = await _public_statuses(behind_proxy, [_forwarded(200)] * (PUBLIC_LIMIT + 1))
    assert one == [404] * PUBLIC_LIMIT + [429]
    async with httpx.AsyncClient(base_url=behind_proxy) as http:
        body = {"email": "someone@example.test", "password": "guess"}
        await http.post("/api/auth/login", json=body, headers=_forwarded(7))
    assert await db.fetchval("SELECT ip FROM login_failure") == "198.51.100.7"


TRUSTED = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128"))


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not a proxy of ours: header ignored
        ("10.0.0.2", None, "10.0.0.2"),
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        # The client wrote its own entry first; our proxy appended the address it saw.
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies of ours
        ("10.0.0.2", "garbage, 10.0.0.9", "10.0.0.9"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        ("10.0.0.2", "198.51.100.1:5123", "198.51.100.1"),
        ("::1", "::ffff:198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "10.0.0.3, 10.0.0.4", "10.0.0.3"),  # all ours: the leftmost
    ],
)
def test_client_address(peer, header, client):
    assert client_address(peer, header, TRUSTED) == client
