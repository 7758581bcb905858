"""Sign-in, sessions, CSRF, throttling and user management, through the HTTP API."""

from __future__ import annotations

from datetime import timedelta

from backend import db
from tests.support.factories import PASSWORD, login, staff


async def test_login_returns_token_cookie_and_user(api):
    admin = await staff(api, "admin")
    response = await login(api, admin.email.upper())  # emails are case-insensitive
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"id": admin.id, "name": body["user"]["name"], "role": "admin"}
    assert body["token"]
    assert body["csrf_token"]
    cookie_header = "; ".join(response.headers.get_list("set-cookie"))
    assert "fl_session=" in cookie_header
    assert "HttpOnly" in cookie_header.split("fl_csrf=")[0]
    me = await api.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == admin.email


async def test_wrong_password_and_unknown_user_are_401(api):
    admin = await staff(api, "admin")
    assert (await login(api, admin.email, "wrong-password")).status_code == 401
    assert (await login(api, "nobody@example.test")).status_code == 401


async def test_missing_or_garbage_token_is_401(api):
    assert (await api.get("/api/me")).status_code == 401
    garbage = await api.get("/api/me", headers={"Authorization": "Bearer not-a-token"})
    assert garbage.status_code == 401


async def test_expired_token_is_401(api):
    rep = await staff(api, "rep")
    await db.execute(
        "UPDATE auth_session SET expires_at = now() - $1::interval", timedelta(seconds=1)
    )
    assert (await api.get("/api/me", headers=rep.headers)).status_code == 401


async def test_logout_revokes_the_token(api):
    rep = await staff(api, "rep")
    assert (await api.post("/api/auth/logout", headers=rep.headers)).status_code == 204
    assert (await api.get("/api/me", headers=rep.headers)).status_code == 401


async def test_deactivating_a_user_revokes_his_sessions(api):
    admin = await staff(api, "admin")
    rep = await staff(api, "rep")
    response = await api.patch(
        f"/api/users/{rep.id}", json={"active": False}, headers=admin.headers
    )
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert (await api.get("/api/me", headers=rep.headers)).status_code == 401
    assert (await login(api, rep.email)).status_code == 401


async def test_cookie_session_needs_csrf_header_for_writes(api):
    admin = await staff(api, "admin")
    response = await login(api, admin.email)
    csrf = response.json()["csrf_token"]
    api.cookies.set("fl_session", response.json()["token"])
    try:
        assert (await api.get("/api/me")).status_code == 200  # reads need no CSRF token
        body = {"name": "Chiller", "sku": "CH-1"}
        refused = await api.post("/api/products", json=body)
        assert refused.status_code == 403
        assert "CSRF" in refused.json()["detail"]
        wrong = await api.post("/api/products", json=body, headers={"X-CSRF-Token": "nope"})
        assert wrong.status_code == 403
        ok = await api.post("/api/products", json=body, headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 201
    finally:
        api.cookies.clear()


async def test_repeated_failed_logins_are_throttled(api):
    admin = await staff(api, "admin")
    for _ in range(5):
        assert (await login(api, admin.email, "wrong-password")).status_code == 401
    blocked = await login(api, admin.email)  # even the right password waits now
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    await db.execute("UPDATE login_failure SET at = at - interval '1 hour'")
    assert (await login(api, admin.email)).status_code == 200


async def test_admin_creates_user_who_can_sign_in(api):
    admin = await staff(api, "admin")
    body = {
        "name": "Li Na",
        "email": "li.na@example.test",
        "password": "long-enough-1",
        "role": "engineer",
        "skills": ["hvac", "boiler"],
        "home_lat": 31.2,
        "home_lng": 121.5,
    }
    response = await api.post("/api/users", json=body, headers=admin.headers)
    assert response.status_code == 201
    created = response.json()
    assert created["skills"] == ["hvac", "boiler"]
    assert "password" not in created
    assert "password_hash" not in created
    assert (await login(api, "li.na@example.test", "long-enough-1")).status_code == 200
    again = await api.post("/api/users", json=body, headers=admin.headers)
    assert again.status_code == 409


async def test_user_validation_names_the_fields(api):
    admin = await staff(api, "admin")
    body = {"name": "X", "email": "not-an-email", "password": "short", "role": "pilot"}
    response = await api.post("/api/users", json=body, headers=admin.headers)
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields & {"email", "password", "role"}


async def test_password_is_stored_hashed_with_argon2(api):
    rep = await staff(api, "rep")
    stored = await db.fetchval("SELECT password_hash FROM app_user WHERE id = $1", rep.id)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
