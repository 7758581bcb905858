"""The login throttle counts atomically, per email, and per address by distinct emails."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from backend import db
from backend.settings import get_settings
from tests.security.conftest import EMAILS_PER_ADDRESS
from tests.support.factories import PASSWORD, login, staff

RACERS = 60


async def test_parallel_wrong_passwords_check_only_the_limit(api, server):
    """60 wrong passwords at once, over real connections: exactly the limit's number is checked
    (401), every other attempt is refused before its password is looked at (429)."""
    admin = await staff(api, "admin")
    limit = get_settings().login_max_failures
    body = {"email": admin.email, "password": "wrong-password"}
    async with httpx.AsyncClient(base_url=server, timeout=60) as http:
        answers = await asyncio.gather(
            *(http.post("/api/auth/login", json=body) for _ in range(RACERS))
        )
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {401: limit, 429: RACERS - limit}
    recorded = "SELECT count(*) FROM login_failure WHERE email = $1"
    assert await db.fetchval(recorded, admin.email) == limit
    refused = next(a for a in answers if a.status_code == 429)
    assert int(refused.headers["retry-after"]) > 0


async def test_correct_password_waits_out_the_lockout_then_clears_it(api):
    admin = await staff(api, "admin")
    for _ in range(get_settings().login_max_failures):
        assert (await login(api, admin.email, "wrong-password")).status_code == 401
    # The trade-off (README): a lockout that let the right password through would not stop a
    # guesser, so the owner waits too.
    assert (await login(api, admin.email, PASSWORD)).status_code == 429
    await db.execute("UPDATE login_failure SET at = at - interval '1 hour'")
    assert (await login(api, admin.email, PASSWORD)).status_code == 200
    assert (
        await db.fetchval("SELECT count(*) FROM login_failure WHERE email = $1", admin.email) == 0
    )


async def test_one_address_mistyping_locks_only_those_accounts(api):
    """Failures from one address (an office behind one NAT) count per distinct email: colleagues
    who each locked their own account do not lock everyone else out."""
    limit = get_settings().login_max_failures
    mistyped = [await staff(api, "rep") for _ in range(4)]
    for person in mistyped:
        for _ in range(limit):
            assert (await login(api, person.email, "wrong-password")).status_code == 401
        assert (await login(api, person.email, PASSWORD)).status_code == 429
    colleague = await staff(api, "rep")  # signs in from the same address
    assert colleague.token


async def test_an_address_trying_many_emails_is_stopped(api, server):
    """Password spraying: each email once, from one address; past the distinct-email limit the
    address is refused (EMAILS_PER_ADDRESS on the test server), whatever the email."""
    async with httpx.AsyncClient(base_url=server) as http:
        statuses = [
            (
                await http.post(
                    "/api/auth/login",
                    json={"email": f"spray{n}@example.test", "password": "guess"},
                )
            ).status_code
            for n in range(EMAILS_PER_ADDRESS + 2)
        ]
    assert statuses == [401] * EMAILS_PER_ADDRESS + [429, 429]
