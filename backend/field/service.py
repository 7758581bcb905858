"""Field work: position pings, a person's route of the day, reps' visits with check-in and out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from geopy.distance import geodesic
from msgspec import structs

from backend import clock, db, live
from backend.access import (
    Principal,
    Role,
    check_route_read,
    check_visit,
    check_visit_plan,
    check_visit_read,
    visit_shows_account,
    visit_visibility,
)
from backend.activity.followups import record_follow_up
from backend.activity.tables import Method
from backend.clock import day_start
from backend.errors import Conflict, Invalid, NotFound
from backend.field.route import Fix, build_route
from backend.field.schemas import (
    CheckInIn,
    CheckOutIn,
    LineString,
    PingsIn,
    PingsOut,
    RouteFeature,
    RouteProperties,
    VisitIn,
    VisitOut,
)
from backend.schemas import Page, from_row
from backend.settings import get_settings

# A phone's clock may run a little fast; an offline outbox may hold fixes for days, not weeks.
MAX_AHEAD = timedelta(minutes=5)
MAX_AGE = timedelta(days=7)
PLAN_HORIZON = timedelta(days=366)
# Days outside this span are typos; they would also overflow datetime arithmetic at the edges.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def _check_fix_time(field: str, at: datetime, now: datetime) -> None:
    if at > now + MAX_AHEAD:
        raise Invalid(field, "more than 5 minutes in the future: check the phone's clock")
    if at < now - MAX_AGE:
        raise Invalid(field, "older than 7 days")


# --- the company's day ----------------------------------------------------------------------------


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of one of the company's days (backend/clock.py), checked for range."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid("date", f"a day from {FIRST_DAY} to {LAST_DAY}")
    return day_start(day), day_start(day + timedelta(days=1))


# --- pings and routes ----------------------------------------------------------------------------

# One statement for the whole batch: it is atomic on its own (no BEGIN/COMMIT round trips), and
# the fixes travel as arrays, not as one INSERT each.
# A fix already stored (same person, same instant) is skipped: a batch resent without its
# Idempotency-Key must not draw the route twice; of the same instant twice in one batch, the
# first is kept. The person's last position moves to $6/$7 as of $8, unless a newer one is known;
# the answer says whether it moved.
RECORD_PINGS = """
WITH fix AS (
    SELECT DISTINCT ON (at) at, lat, lng, accuracy
    FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::float8[])
         WITH ORDINALITY AS f(at, lat, lng, accuracy, n)
    ORDER BY at, n
), stored AS (
    INSERT INTO location_ping ("user", at, lat, lng, accuracy)
    SELECT $1::int, at, lat, lng, accuracy FROM fix
    WHERE NOT EXISTS (SELECT 1 FROM location_ping p WHERE p."user" = $1::int AND p.at = fix.at)
), moved AS (
    UPDATE app_user SET last_lat = $6::float8, last_lng = $7::float8, last_seen_at = $8
    WHERE id = $1::int AND $8::timestamptz IS NOT NULL
      AND (last_seen_at IS NULL OR last_seen_at < $8::timestamptz)
    RETURNING id
)
SELECT EXISTS (SELECT FROM moved)
"""


def _usable(accuracy: float | None) -> bool:
    return accuracy is None or accuracy <= get_settings().route_max_accuracy_m


async def record_pings(principal: Principal, data: PingsIn) -> PingsOut:
    now = datetime.now(UTC)
    for i, ping in enumerate(data.pings):
        _check_fix_time(f"pings[{i}].at", ping.at, now)
    # Dispatch measures from the last position: a fix too vague to draw must not move it.
    newest = max((p for p in data.pings if _usable(p.accuracy)), key=lambda p: p.at, default=None)
    moved = await db.fetchval(
        RECORD_PINGS,
        principal.id,
        [p.at for p in data.pings],
        [p.lat for p in data.pings],
        [p.lng for p in data.pings],
        [p.accuracy for p in data.pings],
        newest.lat if newest else None,
        newest.lng if newest else None,
        # A fast clock must not date the position ahead and pin it against newer fixes.
        min(newest.at, now) if newest else None,
    )
    if moved and principal.role == Role.ENGINEER:
        # The dispatch board shows where engineers are (reps are not on it); sent once the
        # statement above is committed, as for a duty change.
        live.publish_engineer(principal.id)
    return PingsOut(accepted=len(data.pings))


async def day_route(principal: Principal, user_id: int, day: date | None) -> RouteFeature:
    """The person's route on a day of the business zone, as a GeoJSON Feature."""
    check_route_read(principal, user_id)
    if await db.fetchval("SELECT id FROM app_user WHERE id = $1", user_id) is None:
        raise NotFound("User not found")
    day = day or clock.today()
    start, end = day_bounds(day)
    rows = await db.fetch(
        """SELECT at, lat, lng, accuracy FROM location_ping
           WHERE "user" = $1 AND at >= $2 AND at < $3 ORDER BY at, id""",
        user_id,
        start,
        end,
    )
    usable = [r for r in rows if _usable(r["accuracy"])]
    route = build_route([Fix(r["lat"], r["lng"]) for r in usable], get_settings().route_tolerance_m)
    return RouteFeature(
        geometry=LineString(route.coordinates) if route else None,
        properties=RouteProperties(
            user_id=user_id,
            date=day,
            points=len(rows),
            points_used=len(usable),
            distance_km=round(route.distance_km, 4) if route else 0.0,
            started_at=usable[0]["at"] if usable else None,
            ended_at=usable[-1]["at"] if usable else None,
        ),
    )


# --- visits --------------------------------------------------------------------------------------

VISIT_SELECT = """
SELECT v.id, v.rep AS rep_id, u.name AS rep_name, v.account AS account_id,
       a.name AS account_name, a.address, a.lat, a.lng, a.grade, a.owner AS account_owner,
       v.planned_at,
       v.checkin_at, v.checkin_lat, v.checkin_lng, v.checkin_accuracy,
       v.checkin_distance_m AS distance_m, v.on_site, v.checkout_at, v.notes, v.outcome,
       v.next_step, v.created_at,
       CASE WHEN v.checkout_at IS NOT NULL THEN 'checked_out'
            WHEN v.checkin_at IS NOT NULL THEN 'checked_in'
            ELSE 'planned' END AS status
FROM visit v JOIN account a ON a.id = v.account JOIN app_user u ON u.id = v.rep"""


def _visit_out(row: asyncpg.Record, principal: Principal | None = None) -> VisitOut:
    """The visit as principal sees it: without the account's address and position when he may
    no longer read the account (access.visit_shows_account)."""
    if principal is None or visit_shows_account(principal, row["account_owner"]):
        return from_row(VisitOut, row)
    return from_row(VisitOut, row, address=None, lat=None, lng=None)


async def _visit(visit_id: int, principal: Principal | None = None) -> VisitOut:
    row = await db.fetchrow(f"{VISIT_SELECT} WHERE v.id = $1", visit_id)
    if row is None:
        raise NotFound("Visit not found")
    return _visit_out(row, principal)


async def _conflict(detail: str, visit_id: int) -> Conflict:
    """A 409 carrying the visit as it stands, so an outbox replay can settle on the truth."""
    visit = await _visit(visit_id)
    return Conflict(detail, status=visit.status, visit=structs.asdict(visit))


async def _rep_of_account(owner_id: int | None) -> int:
    """Whom a manager's visit goes to when he names nobody: the account's owner, if a rep."""
    role = None
    if owner_id is not None:
        role = await db.fetchval("SELECT role FROM app_user WHERE id = $1 AND active", owner_id)
    if owner_id is None or role != Role.REP.value:
        raise Invalid("rep_id", "required: the account is not owned by an active rep")
    return owner_id


async def plan_visit(principal: Principal, data: VisitIn) -> VisitOut:
    if abs(data.planned_at - datetime.now(UTC)) > PLAN_HORIZON:
        raise Invalid("planned_at", "must be within a year of today")
    account = await db.fetchrow("SELECT owner FROM account WHERE id = $1", data.account_id)
    if account is None:
        raise NotFound("Account not found")
    rep_id = data.rep_id
    if rep_id is None:
        rep_id = principal.id if principal.role == Role.REP else None
    if rep_id is None:
        rep_id = await _rep_of_account(account["owner"])
    check_visit_plan(principal, rep_id, account["owner"])
    role = await db.fetchval("SELECT role FROM app_user WHERE id = $1 AND active", rep_id)
    if role != Role.REP.value:
        raise Invalid("rep_id", "no active rep with this id")
    visit_id = await db.fetchval(
        """INSERT INTO visit (rep, account, planned_at, created_at)
           VALUES ($1, $2, $3, now()) RETURNING id""",
        rep_id,
        data.account_id,
        data.planned_at,
    )
    return await _visit(visit_id)


async def list_visits(
    principal: Principal,
    *,
    day: date | None,
    rep_id: int | None,
    account_id: int | None,
    limit: int,
    offset: int,
) -> Page[VisitOut]:
    visible, args = visit_visibility(principal, 1)
    where = [visible]
    for column, value in (("v.rep", rep_id), ("v.account", account_id)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    if day is not None:
        args.extend(day_bounds(day))
        where.append(f"v.planned_at >= ${len(args) - 1} AND v.planned_at < ${len(args)}")
    rows, total = await db.fetch_page(
        VISIT_SELECT, " AND ".join(where), args, "v.planned_at, v.id", limit, offset
    )
    items = [_visit_out(r, principal) for r in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


async def get_visit(principal: Principal, visit_id: int) -> VisitOut:
    visit = await _visit(visit_id, principal)
    check_visit_read(principal, visit.rep_id)
    return visit


async def _lock_visit(principal: Principal, visit_id: int) -> Any:
    row = await db.fetchrow(
        """SELECT v.rep, v.account, v.checkin_at, v.checkout_at, a.lat, a.lng, a.owner
           FROM visit v JOIN account a ON a.id = v.account WHERE v.id = $1 FOR UPDATE OF v""",
        visit_id,
    )
    if row is None:
        raise NotFound("Visit not found")
    check_visit(principal, row["rep"], row["owner"])
    return row


async def check_in(principal: Principal, visit_id: int, data: CheckInIn) -> VisitOut:
    """Records where the rep checked in; off site is allowed and kept visible (on_site false)."""
    now = datetime.now(UTC)
    if data.at is not None:
        _check_fix_time("at", data.at, now)
    async with db.transaction():
        row = await _lock_visit(principal, visit_id)
        if row["checkin_at"] is not None:
            raise await _conflict("This visit is checked in already", visit_id)
        distance_m = None
        if row["lat"] is not None and row["lng"] is not None:
            distance_m = round(geodesic((data.lat, data.lng), (row["lat"], row["lng"])).m, 1)
        await db.execute(
            """UPDATE visit SET checkin_at = $2, checkin_lat = $3, checkin_lng = $4,
                   checkin_accuracy = $5, checkin_distance_m = $6, on_site = $7
               WHERE id = $1""",
            visit_id,
            data.at or now,
            data.lat,
            data.lng,
            data.accuracy,
            distance_m,
            # An account without a position cannot vouch for the rep: not on site.
            distance_m is not None and distance_m <= get_settings().checkin_radius_m,
        )
    return await _visit(visit_id)


async def check_out(principal: Principal, visit_id: int, data: CheckOutIn) -> VisitOut:
    """Closes the visit with its notes and marks the account as contacted."""
    now = datetime.now(UTC)
    if data.at is not None:
        _check_fix_time("at", data.at, now)
    async with db.transaction():
        row = await _lock_visit(principal, visit_id)
        if row["checkin_at"] is None:
            raise await _conflict("Check in before checking out", visit_id)
        if row["checkout_at"] is not None:
            raise await _conflict("This visit is checked out already", visit_id)
        if data.at is not None and data.at < row["checkin_at"]:
            raise Invalid("at", "before the check-in")
        # A check-in dated a little ahead by a fast clock must not end after its check-out.
        at = data.at or max(now, row["checkin_at"])
        await db.execute(
            """UPDATE visit SET checkout_at = $2, notes = $3, outcome = $4, next_step = $5
               WHERE id = $1""",
            visit_id,
            at,
            data.notes,
            data.outcome,
            data.next_step,
        )
        # GREATEST: a check-out replayed late from an outbox must not move the date backwards.
        await db.execute(
            "UPDATE account SET last_contacted_at = GREATEST(last_contacted_at, $2) WHERE id = $1",
            row["account"],
            at,
        )
        # What was said on the visit is the account's follow-up (method visit).
        if data.notes and data.notes.strip():
            async with db.connection() as conn:
                await record_follow_up(
                    conn,
                    method=Method.VISIT,
                    content=data.notes.strip(),
                    author_id=principal.id,
                    account_id=row["account"],
                    at=at,
                    visit_id=visit_id,
                )
    return await _visit(visit_id)
