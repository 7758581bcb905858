"""Sessions kept in memory per worker (backend/staff/sessions.py) never outlive a change: two real
servers share the test database, a change made through one (or by SQL) is refused at once by
both. What is tested is the trigger's NOTIFY and each worker's LISTEN."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend import db
from backend.access import Principal, Role
from backend.staff.sessions import SessionCache
from tests.support.factories import staff
from tests.support.servers import ServerFailed, app_servers


@pytest.fixture(scope="module")
def servers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    try:
        with app_servers(database_url, tmp_path_factory.mktemp("sessions"), 2) as urls:
            yield urls
    except ServerFailed as failed:
        pytest.fail(str(failed))


async def me(url: str, headers: dict[str, str]) -> int:
    # A new connection each time, as a phone after a while would open.
    async with httpx.AsyncClient(base_url=url) as http:
        return (await http.get("/api/me", headers=headers)).status_code


async def warm(urls: list[str], headers: dict[str, str]) -> None:
    """Each server reads the session once and keeps it."""
    for url in urls:
        for _ in range(3):
            assert await me(url, headers) == 200


async def test_a_deactivated_user_is_refused_by_every_worker_on_the_next_request(
    api: httpx.AsyncClient, servers: list[str]
):
    engineer, admin = await staff(api, "engineer"), await staff(api, "admin")
    await warm(servers, engineer.headers)
    async with httpx.AsyncClient(base_url=servers[0]) as http:
        off = await http.patch(
            f"/api/users/{engineer.id}", json={"active": False}, headers=admin.headers
        )
    assert off.status_code == 200, off.text
    assert await me(servers[1], engineer.headers) == 401
    assert await me(servers[0], engineer.headers) == 401
    assert await me(servers[1], admin.headers) == 200  # others keep theirs


async def test_a_session_revoked_by_hand_or_signed_out_elsewhere_is_refused(
    api: httpx.AsyncClient, servers: list[str]
):
    rep, other = await staff(api, "rep"), await staff(api, "rep")
    await warm(servers, rep.headers)
    await warm(servers, other.headers)
    # An operator's SQL: no API involved, the trigger still tells every worker.
    await db.execute('UPDATE auth_session SET revoked_at = now() WHERE "user" = $1', rep.id)
    assert await me(servers[0], rep.headers) == 401
    assert await me(servers[1], rep.headers) == 401
    # Signing out through one server ends the session on the other.
    async with httpx.AsyncClient(base_url=servers[1]) as http:
        out = await http.post("/api/auth/logout", headers=other.headers)
    assert out.status_code == 204
    assert await me(servers[0], other.headers) == 401


async def test_a_new_role_applies_on_the_next_request(api: httpx.AsyncClient, servers: list[str]):
    supervisor, admin = await staff(api, "supervisor"), await staff(api, "admin")
    await warm(servers, supervisor.headers)
    async with httpx.AsyncClient(base_url=servers[1]) as http:
        assert (await http.get("/api/users", headers=supervisor.headers)).status_code == 200
    async with httpx.AsyncClient(base_url=servers[0]) as http:
        demoted = await http.patch(
            f"/api/users/{supervisor.id}", json={"role": "engineer"}, headers=admin.headers
        )
        assert demoted.status_code == 200, demoted.text
    async with httpx.AsyncClient(base_url=servers[1]) as http:
        answer = await http.get("/api/me", headers=supervisor.headers)
        assert answer.json()["role"] == "engineer"
        assert (await http.get("/api/users", headers=supervisor.headers)).status_code == 403


# --- the cache's own rules ----------------------------------------------------------------------


def _principal(user_id: int) -> Principal:
    return Principal(user_id, "P", Role.REP, f"uid-{user_id}", "csrf", via_cookie=False)


def _listening() -> SessionCache:
    cache = SessionCache(max_entries=3)
    cache.listening = True
    return cache


LATER = datetime.now(UTC) + timedelta(hours=1)


def test_a_read_older_than_a_change_is_not_kept():
    cache = _listening()
    generation = cache.generation
    cache.forget("7")  # announced while the read was on its way
    cache.keep("k", _principal(7), LATER, generation)
    assert cache.get("k") is None
    cache.keep("k", _principal(7), LATER, cache.generation)
    assert cache.get("k") == _principal(7)


def test_nothing_is_kept_while_nobody_listens():
    cache = _listening()
    cache.keep("k", _principal(1), LATER, cache.generation)
    cache.stop_listening()
    assert cache.get("k") is None
    cache.keep("k", _principal(1), LATER, cache.generation)
    assert cache.get("k") is None


def test_forget_drops_one_user_or_everyone_and_expiry_and_size_bound_hold():
    cache = _listening()
    for key, user in (("a", 1), ("b", 1), ("c", 2)):
        cache.keep(key, _principal(user), LATER, cache.generation)
    cache.forget("1")
    assert (cache.get("a"), cache.get("b")) == (None, None)
    assert cache.get("c") == _principal(2)
    cache.keep("d", _principal(3), datetime.now(UTC) - timedelta(seconds=1), cache.generation)
    assert cache.get("d") is None  # past its own expiry
    for key in ("e", "f", "g", "h"):
        cache.keep(key, _principal(4), LATER, cache.generation)
    assert len(cache) == 3
    assert cache.get("e") is None  # the least recently used went first
    cache.forget("*")
    assert len(cache) == 0
