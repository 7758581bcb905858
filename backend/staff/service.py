"""Staff work: password hashing, sign-in sessions, login throttling, user management."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY
from msgspec import UNSET, structs
from shapely.geometry import Polygon

from backend import db
from backend.access import Principal, Role
from backend.clock import Job
from backend.errors import Conflict, Invalid, NotFound, TooManyRequests, Unauthorized
from backend.hygiene import bounded
from backend.schemas import Page, from_row, order_by
from backend.settings import get_settings
from backend.staff import sessions
from backend.staff.schemas import LoginOut, UserBrief, UserIn, UserOut, UserPatch, ZoneIn, ZoneOut

_hasher = PasswordHasher.from_parameters(
    CHEAPEST if get_settings().argon2_profile == "test" else RFC_9106_LOW_MEMORY
)
# Verifying against this keeps an unknown email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

EMAIL_LENGTH = 254  # app_user.email and login_failure.email

USER_COLUMNS = (
    "id, name, email, phone, role, active, locale, skills, home_lat, home_lng, duty_status, "
    "zone AS zone_id"
)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _verify(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except VerificationError:
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_out(row: asyncpg.Record) -> UserOut:
    return from_row(UserOut, row)


# --- sign-in -----------------------------------------------------------------------------------


# Two lock spaces (pg_advisory_xact_lock's first key): attempts on one email, from one address.
_EMAIL_LOCK, _ADDRESS_LOCK = 7101, 7102


async def _reserve_attempt(email: str, ip: str) -> None:
    """Counts this attempt as a failure before its password is checked, or 429 if over a limit.

    The limit is checked and the attempt recorded in one statement, behind locks on the email and
    the address, so parallel attempts are counted one after another: of 60 sent at once, only
    login_max_failures get a password checked. A sign-in that succeeds clears its email's count.
    Per address the limit is on distinct emails: one person mistyping locks only their account.
    """
    s = get_settings()
    async with db.transaction():
        # Email first, then address, always: no two attempts wait on each other in a circle.
        await db.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", _EMAIL_LOCK, email)
        await db.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", _ADDRESS_LOCK, ip)
        row = await db.fetchrow(
            """WITH recent AS (
                   SELECT email, ip, at FROM login_failure
                   WHERE at > now() - $3::interval AND (email = $1 OR ip = $2)
               ), tally AS (
                   SELECT count(*) FILTER (WHERE email = $1) AS by_email,
                          min(at) FILTER (WHERE email = $1) AS first_email,
                          count(DISTINCT email) FILTER (WHERE ip = $2 AND email <> $1)
                              AS other_emails,
                          min(at) FILTER (WHERE ip = $2) AS first_ip
                   FROM recent
               ), reserved AS (
                   INSERT INTO login_failure (email, ip, at)
                   SELECT $1, $2, now() FROM tally WHERE by_email < $4 AND other_emails < $5
                   RETURNING id
               )
               SELECT (SELECT id FROM reserved) AS reserved, by_email, first_email, first_ip
               FROM tally""",
            email,
            ip,
            s.login_window,
            s.login_max_failures,
            s.login_max_emails_per_address,
        )
    assert row is not None
    if row["reserved"] is None:
        over_email = row["by_email"] >= s.login_max_failures
        first = row["first_email"] if over_email else row["first_ip"]
        wait = (first + s.login_window - datetime.now(UTC)).total_seconds()
        raise TooManyRequests("Too many failed logins; try again later", max(1, int(wait) + 1))


async def login(email: str, password: str, ip: str) -> LoginOut:
    # Cut to the column: lower() may lengthen it (İ → i̇), and no user's address is longer.
    email = bounded(email.strip().lower(), EMAIL_LENGTH)
    await _reserve_attempt(email, ip)
    row = await db.fetchrow(
        "SELECT id, name, role, password_hash FROM app_user WHERE email = $1 AND active", email
    )
    ok = await _verify(row["password_hash"] if row else _DUMMY_HASH, password)
    if row is None or not ok:
        raise Unauthorized("Wrong email or password")  # the reserved attempt stays counted
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    expires_at = datetime.now(UTC) + get_settings().token_ttl
    await db.execute(
        """INSERT INTO auth_session (uid, "user", token_hash, csrf_token, created_at, expires_at)
           VALUES ($1, $2, $3, $4, now(), $5)""",
        uuid.uuid4(),
        row["id"],
        _token_hash(token),
        csrf,
        expires_at,
    )
    await db.execute("DELETE FROM login_failure WHERE email = $1", email)
    return LoginOut(
        token=token,
        csrf_token=csrf,
        expires_at=expires_at,
        user=UserBrief(id=row["id"], name=row["name"], role=Role(row["role"])),
    )


async def principal_for_token(token: str, via_cookie: bool) -> Principal | None:
    """The session's principal: kept in memory once read, until PostgreSQL announces a change
    (backend/staff/sessions.py)."""
    key = _token_hash(token)
    kept = sessions.CACHE.get(key)
    if kept is not None:
        return replace(kept, via_cookie=via_cookie)
    generation = sessions.CACHE.generation
    row = await db.fetchrow(
        """SELECT s.uid, s.csrf_token, s.expires_at, u.id, u.name, u.role
           FROM auth_session s JOIN app_user u ON u.id = s."user"
           WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
             AND u.active""",
        key,
    )
    if row is None:
        return None
    principal = Principal(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        session_uid=str(row["uid"]),
        csrf_token=row["csrf_token"],
        via_cookie=via_cookie,
    )
    sessions.CACHE.keep(key, principal, row["expires_at"], generation)
    return principal


async def logout(principal: Principal) -> None:
    await db.execute(
        "UPDATE auth_session SET revoked_at = now() WHERE uid = $1 AND revoked_at IS NULL",
        uuid.UUID(principal.session_uid),
    )
    _forget_sessions(principal.id)


def _forget_sessions(user_id: int) -> None:
    """This worker drops the user's kept sessions at commit, without waiting for the NOTIFY that
    tells every worker (its own included) a moment later."""
    db.on_commit(lambda: sessions.CACHE.forget(str(user_id)))


# --- users -------------------------------------------------------------------------------------


async def create_user(data: UserIn) -> UserOut:
    values = structs.asdict(data)
    values["email"] = data.email.strip().lower()
    if len(values["email"]) > EMAIL_LENGTH:  # İ lower-cases to two characters
        raise Invalid("email", f"longer than {EMAIL_LENGTH} characters once lower-cased")
    values["password_hash"] = await hash_password(values.pop("password"))
    await _check_zone(data.zone_id)
    async with db.unique_or(Conflict("A user with this email exists", field="email")):
        row = await db.fetchrow(
            f"""INSERT INTO app_user (name, email, phone, role, password_hash, active, locale,
                   created_at, skills, home_lat, home_lng, duty_status, zone)
                VALUES ($1, $2, $3, $4, $5, TRUE, $6, now(), $7, $8, $9, 'off_duty', $10)
                RETURNING {USER_COLUMNS}""",
            values["name"],
            values["email"],
            values["phone"],
            str(values["role"]),
            values["password_hash"],
            values["locale"],
            values["skills"],
            values["home_lat"],
            values["home_lng"],
            data.zone_id,
        )
    assert row is not None
    return user_out(row)


async def get_user(user_id: int) -> UserOut:
    row = await db.fetchrow(f"SELECT {USER_COLUMNS} FROM app_user WHERE id = $1", user_id)
    if row is None:
        raise NotFound("User not found")
    return user_out(row)


USER_SORTS = {"name": "lower(name)", "email": "email", "role": "role", "active": "active"}


async def list_users(
    role: Role | None,
    q: str | None,
    active: bool | None,
    limit: int,
    offset: int,
    *,
    sort: str | None = None,
) -> Page[UserOut]:
    where: list[str] = ["TRUE"]
    args: list[Any] = []
    if role is not None:
        args.append(role.value)
        where.append(f"role = ${len(args)}")
    if active is not None:
        args.append(active)
        where.append(f"active = ${len(args)}")
    if q:
        args.append(f"%{q.lower()}%")
        where.append(f"(lower(name) LIKE ${len(args)} OR email LIKE ${len(args)})")
    order = order_by(sort, USER_SORTS, "id", "id")
    rows, total = await db.fetch_page(
        f"SELECT {USER_COLUMNS} FROM app_user", " AND ".join(where), args, order, limit, offset
    )
    return Page(items=[user_out(r) for r in rows], total=total, limit=limit, offset=offset)


async def update_user(user_id: int, patch: UserPatch) -> UserOut:
    changes: dict[str, Any] = {k: v for k, v in structs.asdict(patch).items() if v is not UNSET}
    if "password" in changes:
        changes["password_hash"] = await hash_password(changes.pop("password"))
    if "role" in changes:
        changes["role"] = str(changes["role"])
    if "zone_id" in changes:
        await _check_zone(changes["zone_id"])
        changes["zone"] = changes.pop("zone_id")
    async with db.transaction():
        await get_user(user_id)
        if changes:
            sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(changes, start=2))
            await db.execute(
                f"UPDATE app_user SET {sets} WHERE id = $1", user_id, *changes.values()
            )
            _forget_sessions(user_id)
        if changes.get("active") is False or "password_hash" in changes:
            # Deactivation or a new password ends every session of the user.
            await db.execute(
                "UPDATE auth_session SET revoked_at = now() "
                'WHERE "user" = $1 AND revoked_at IS NULL',
                user_id,
            )
    return await get_user(user_id)


# --- zones -------------------------------------------------------------------------------------


async def _check_zone(zone_id: int | None) -> None:
    if zone_id is not None and not await db.fetchval("SELECT 1 FROM zone WHERE id = $1", zone_id):
        raise Invalid("zone_id", "unknown zone")


# In square degrees, about 12 m² at Shanghai's latitude: below it, corners on one line (which
# floating point rarely makes exactly collinear, so shapely calls them a valid sliver).
MIN_ZONE_AREA = 1e-9


def _check_boundary(boundary: list[list[float]]) -> None:
    """A ring of [lat, lng] corners that forms a simple polygon: 400 naming `boundary` if not."""
    for i, (lat, lng) in enumerate(boundary):
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise Invalid(f"boundary[{i}]", "[lat, lng] in degrees")
    polygon = Polygon([(lng, lat) for lat, lng in boundary])
    if not polygon.is_valid:
        # Crossing edges (a bow tie), or a ring touching itself.
        raise Invalid("boundary", "the corners must form a simple polygon (no crossing edges)")
    if polygon.area < MIN_ZONE_AREA:
        raise Invalid("boundary", "the corners must enclose an area (not all on one line)")


async def create_zone(data: ZoneIn) -> ZoneOut:
    """A service area: a ring of [lat, lng] corners that must form a valid polygon."""
    _check_boundary(data.boundary)
    async with db.unique_or(Conflict("A zone with this name exists", field="name")):
        zone_id = await db.fetchval(
            "INSERT INTO zone (name, boundary) VALUES ($1, $2) RETURNING id",
            data.name,
            json.dumps(data.boundary),
        )
    return ZoneOut(id=zone_id, name=data.name, boundary=data.boundary)


async def update_zone(zone_id: int, data: ZoneIn) -> ZoneOut:
    """A zone redrawn or renamed, under the same rules as a new one; its engineers keep it."""
    _check_boundary(data.boundary)
    async with db.unique_or(Conflict("A zone with this name exists", field="name")):
        found = await db.fetchval(
            "UPDATE zone SET name = $2, boundary = $3 WHERE id = $1 RETURNING id",
            zone_id,
            data.name,
            json.dumps(data.boundary),
        )
    if found is None:
        raise NotFound("Zone not found")
    return ZoneOut(id=zone_id, name=data.name, boundary=data.boundary)


async def get_zone(zone_id: int) -> ZoneOut:
    row = await db.fetchrow("SELECT id, name, boundary FROM zone WHERE id = $1", zone_id)
    if row is None:
        raise NotFound("Zone not found")
    return ZoneOut(id=row["id"], name=row["name"], boundary=json.loads(row["boundary"]))


async def engineers_per_zone() -> dict[int, int]:
    """How many active engineers work in each zone (zones without any are left out)."""
    rows = await db.fetch(
        """SELECT zone, count(*) AS n FROM app_user
           WHERE role = 'engineer' AND active AND zone IS NOT NULL GROUP BY zone"""
    )
    return {r["zone"]: r["n"] for r in rows}


async def list_zones() -> list[ZoneOut]:
    rows = await db.fetch("SELECT id, name, boundary FROM zone ORDER BY name")
    return [ZoneOut(id=r["id"], name=r["name"], boundary=json.loads(r["boundary"])) for r in rows]


# --- housekeeping ------------------------------------------------------------------------------


async def prune_login_failures(now: datetime) -> str:
    """Failed sign-ins older than the window no longer count toward a lockout: forgotten."""
    gone = await db.execute(
        "DELETE FROM login_failure WHERE at < $1", now - get_settings().login_window
    )
    return f"{gone.split()[-1]} old failed sign-in(s) forgotten"


PRUNE_LOGIN_FAILURES = Job("login-failures", timedelta(minutes=15), prune_login_failures)
