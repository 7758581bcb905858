"""Reading work orders: detail with events, parts and history; lists; the customer's view."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

import asyncpg
import msgspec

from backend import db
from backend.access import Principal, check_job_read
from backend.errors import NotFound
from backend.schemas import Page
from backend.workorders import proof
from backend.workorders.schemas import (
    EventOut,
    HistoryItem,
    PartUsedOut,
    PauseOut,
    PersonRef,
    PhotoOut,
    PublicRequest,
    RatingOut,
    SignatureOut,
    SiteOut,
    WorkOrderOut,
)
from backend.workorders.sla import sla_state
from backend.workorders.tables import TAKEN, Source, Status

WORK_ORDER_SELECT = """
SELECT w.*, d.serial, p.name AS product_name, u.name AS engineer_name,
       ac.name AS account_name, ac.address AS account_address
FROM work_order w JOIN device d ON d.id = w.device JOIN product p ON p.id = w.product
JOIN account ac ON ac.id = w.account
LEFT JOIN app_user u ON u.id = w.engineer"""
# Dispatch's own steps: the customer sees progress, not which engineers said no.
INTERNAL_EVENTS = (
    "offered",
    "expired",
    "declined",
    "withdrawn",
    "reoffered",
    "sla_warning",
    "sla_breached",
)


def _ref(row: Any, id_key: str, name_key: str) -> PersonRef | None:
    return PersonRef(id=row[id_key], name=row[name_key]) if row[id_key] is not None else None


def sla_breached(row: Any, now: datetime) -> bool:
    """Response is late without acceptance by respond_by; resolution late without completion."""
    accepted, completed = row["accepted_at"], row["completed_at"]
    late_response = row["respond_by"] is not None and (accepted or now) > row["respond_by"]
    late_fix = row["resolve_by"] is not None and (completed or now) > row["resolve_by"]
    return row["status"] != Status.CANCELLED and (late_response or late_fix)


def summary(row: asyncpg.Record, now: datetime | None = None) -> WorkOrderOut:
    now = now or datetime.now(UTC)
    return WorkOrderOut(
        id=row["id"],
        status=row["status"],
        priority=row["priority"],
        source=row["source"],
        description=row["description"],
        device_id=row["device"],
        product=row["product_name"],
        serial=row["serial"],
        account_id=row["account"],
        lat=row["lat"],
        lng=row["lng"],
        engineer=_ref(row, "engineer", "engineer_name"),
        distance_km=row["distance_km"],
        offer_expires_at=row["offer_expires_at"],
        respond_by=row["respond_by"],
        resolve_by=row["resolve_by"],
        sla_breached=sla_breached(row, now),
        sla=sla_state(row, now),
        resolution=row["resolution"],
        reporter_name=row["reporter_name"],
        reporter_phone=row["reporter_phone"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        contract_id=row["contract"],
        account_name=row["account_name"],
        account_address=row["account_address"],
        planned_for=row["planned_for"],
        window_opens_at=row["window_opens_at"],
        window_closes_at=row["window_closes_at"],
    )


async def events(work_order_id: int) -> list[EventOut]:
    rows = await db.fetch(
        """SELECT e.*, a.name AS actor_name, g.name AS engineer_name FROM work_order_event e
           LEFT JOIN app_user a ON a.id = e.actor LEFT JOIN app_user g ON g.id = e.engineer
           WHERE e.work_order = $1 ORDER BY e.at, e.id""",
        work_order_id,
    )
    return [
        EventOut(
            kind=r["kind"],
            at=r["at"],
            from_status=r["from_status"],
            to_status=r["to_status"],
            actor_kind=r["actor_kind"],
            actor=_ref(r, "actor", "actor_name"),
            engineer=_ref(r, "engineer", "engineer_name"),
            lat=r["lat"],
            lng=r["lng"],
            note=r["note"],
        )
        for r in rows
    ]


async def _parts(work_order_ids: list[int]) -> dict[int, list[PartUsedOut]]:
    rows = await db.fetch(
        """SELECT pu.work_order, pu.part, p.sku, p.name, pu.qty, pu.serial_out, pu.serial_in
           FROM part_usage pu JOIN part p ON p.id = pu.part
           WHERE pu.work_order = ANY($1) ORDER BY pu.id""",
        work_order_ids,
    )
    found: dict[int, list[PartUsedOut]] = {}
    for r in rows:
        found.setdefault(r["work_order"], []).append(
            PartUsedOut(
                part_id=r["part"],
                sku=r["sku"],
                name=r["name"],
                qty=r["qty"],
                serial_out=r["serial_out"],
                serial_in=r["serial_in"],
            )
        )
    return found


async def _ratings(work_order_ids: list[int]) -> dict[int, RatingOut]:
    rows = await db.fetch("SELECT * FROM rating WHERE work_order = ANY($1)", work_order_ids)
    return {
        r["work_order"]: RatingOut(
            score=r["score"], comment=r["comment"], at=r["at"], needs_follow_up=r["needs_follow_up"]
        )
        for r in rows
    }


# A person as {id, name}, or null; the name looked up by primary key (cheaper here than joining
# the users twice for a handful of events).
_NAME = "(SELECT name FROM app_user WHERE id = {id})"
_PERSON = "CASE WHEN {id} IS NULL THEN NULL ELSE json_build_object('id', {id}, 'name', {name}) END"
_PARTS = """(SELECT coalesce(json_agg(json_build_object('part_id', pu.part, 'sku', pt.sku,
        'name', pt.name, 'qty', pu.qty, 'serial_out', pu.serial_out, 'serial_in', pu.serial_in)
        ORDER BY pu.id), '[]')
    FROM part_usage pu JOIN part pt ON pt.id = pu.part WHERE pu.work_order = {job})"""
_RATING = """(SELECT json_build_object('score', r.score, 'comment', r.comment, 'at', r.at,
        'needs_follow_up', r.needs_follow_up) FROM rating r WHERE r.work_order = {job})"""
_HISTORY = f"""(SELECT coalesce(json_agg(json_build_object('id', h.id, 'status', h.status,
        'description', h.description, 'resolution', h.resolution, 'created_at', h.created_at,
        'completed_at', h.completed_at,
        'engineer', {_PERSON.format(id="h.engineer", name="hu.name")},
        'parts', {_PARTS.format(job="h.id")}, 'rating', {_RATING.format(job="h.id")})
        ORDER BY h.created_at DESC), '[]')
     FROM work_order h LEFT JOIN app_user hu ON hu.id = h.engineer
     WHERE h.device = {{device}} AND h.id <> {{other_than}})"""
# The whole detail in one statement (issue 15: seven round trips before): each part of the
# answer is a json sub-select, decoded straight into its Struct.
DETAIL_SELECT = f"""
SELECT w.*, d.serial, p.name AS product_name, u.name AS engineer_name,
  (SELECT name FROM account WHERE id = w.account) AS account_name,
  (SELECT address FROM account WHERE id = w.account) AS account_address,
  (SELECT coalesce(json_agg(json_build_object('kind', e.kind, 'at', e.at,
        'from_status', e.from_status, 'to_status', e.to_status, 'actor_kind', e.actor_kind,
        'actor', {_PERSON.format(id="e.actor", name=_NAME.format(id="e.actor"))},
        'engineer', {_PERSON.format(id="e.engineer", name=_NAME.format(id="e.engineer"))},
        'lat', e.lat, 'lng', e.lng, 'note', e.note, 'reason', e.reason)
        ORDER BY e.at, e.id), '[]')
     FROM work_order_event e WHERE e.work_order = w.id) AS events_json,
  {_PARTS.format(job="w.id")} AS parts_json,
  {_RATING.format(job="w.id")} AS rating_json,
  {_HISTORY.format(device="w.device", other_than="w.id")} AS history_json,
  (SELECT json_build_object('account_id', s.id, 'account_name', s.name, 'address', s.address,
        'phone', s.phone, 'contacts', (SELECT coalesce(json_agg(json_build_object('name', c.name,
            'title', c.title, 'phone', c.phone) ORDER BY c.decision_maker DESC, c.id), '[]')
          FROM contact c WHERE c.account = s.id))
     FROM account s WHERE s.id = w.account) AS site_json,
  {proof.DETAIL_COLUMNS}
FROM work_order w JOIN device d ON d.id = w.device JOIN product p ON p.id = w.product
LEFT JOIN app_user u ON u.id = w.engineer
WHERE w.id = $1"""


async def device_history(device_id: int) -> list[HistoryItem]:
    """Every job on the device, newest first, with the parts used and the rating."""
    found = await db.fetchval(f"SELECT {_HISTORY.format(device='$1', other_than='0')}", device_id)
    return msgspec.json.decode(found, type=list[HistoryItem])


async def detail(principal: Principal, work_order_id: int) -> WorkOrderOut:
    """A work order as its engineer or staff sees it: events, parts, rating, device history."""
    row = await db.fetchrow(DETAIL_SELECT, work_order_id)
    if row is None:
        raise NotFound("Work order not found")
    check_job_read(principal, row["engineer"])
    out = summary(row)
    out.events = msgspec.json.decode(row["events_json"], type=list[EventOut])
    out.parts = msgspec.json.decode(row["parts_json"], type=list[PartUsedOut])
    if row["rating_json"] is not None:
        out.rating = msgspec.json.decode(row["rating_json"], type=RatingOut)
    out.history = msgspec.json.decode(row["history_json"], type=list[HistoryItem])
    out.site = msgspec.json.decode(row["site_json"], type=SiteOut)
    out.signature_required = row["signature_asked"]
    out.photos = msgspec.json.decode(row["photos_json"], type=list[PhotoOut])
    pauses = msgspec.json.decode(row["pauses_json"], type=list[PauseOut])
    out.labour = proof.labour_of(row, row["set_off_at"], pauses, datetime.now(UTC))
    if row["signed_at"] is not None:
        out.signature = SignatureOut(name=row["signer_name"], signed_at=row["signed_at"])
    out.report_url = f"/api/work-orders/{work_order_id}/report"
    return out


async def listing(
    principal: Principal, *, status: str | None, engineer_id: int | None, limit: int, offset: int
) -> Page[WorkOrderOut]:
    where, args = ["TRUE"], []
    if not principal.is_manager:
        engineer_id = principal.id  # an engineer lists his own jobs only
    for column, value in (("w.status", status), ("w.engineer", engineer_id)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    rows, total = await db.fetch_page(
        WORK_ORDER_SELECT, " AND ".join(where), args, "w.created_at DESC, w.id DESC", limit, offset
    )
    now = datetime.now(UTC)
    return Page(items=[summary(r, now) for r in rows], total=total, limit=limit, offset=offset)


async def my_jobs(principal: Principal) -> list[WorkOrderOut]:
    rows = await db.fetch(
        WORK_ORDER_SELECT + " WHERE w.engineer = $1 AND w.status = ANY($2) ORDER BY w.created_at",
        principal.id,
        [Status.OFFERED, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE],
    )
    now = datetime.now(UTC)
    return [summary(r, now) for r in rows]


# --- the customer's side: only through the device's QR token --------------------------------


def mask_phone(phone: str | None) -> str | None:
    """Shows the last four digits only: 138****8000 → ********8000."""
    if not phone:
        return None
    digits = [c for c in phone if c.isdigit()]
    return "*" * max(len(digits) - 4, 0) + "".join(digits[-4:])


def mask_name(name: str | None) -> str | None:
    """王小明 → 王**: the reporter knows it; a stranger with the sticker learns little."""
    if not name:
        return None
    return name[0] + "*" * (len(name) - 1)


def mask_staff_name(name: str | None) -> str | None:
    """What a customer learns of the engineer: 何子涵 → 何**, Wang Xiaoming → Wang X.

    A name of Latin words keeps the first and the initial of the last; any other name keeps
    its first character (the family name in Chinese) and hides the rest.
    """
    if not name or not name.strip():
        return None
    words = name.split()
    if all(w.isascii() or unicodedata.name(w[0], "").startswith("LATIN") for w in words):
        return words[0] if len(words) == 1 else f"{words[0]} {words[-1][0]}."
    return mask_name("".join(words))


# The engineer is named to the customer once he has taken the job on, never while only offered
# (he may decline) and never for a job cancelled before.
NAMED_TO_CUSTOMER = TAKEN | {Status.COMPLETED, Status.RATED}


async def public_request(row: asyncpg.Record, with_timeline: bool) -> PublicRequest:
    named = row["status"] in NAMED_TO_CUSTOMER
    request = PublicRequest(
        id=row["id"],
        status=row["status"],
        # Only what the customer wrote: a staff or plan job's text is the company's own notes.
        description=row["description"] if row["source"] == Source.QR else None,
        reporter_name=mask_name(row["reporter_name"]),
        reporter_phone=mask_phone(row["reporter_phone"]),
        created_at=row["created_at"],
        engineer_name=mask_staff_name(row["engineer_name"]) if named else None,
    )
    if with_timeline:
        # Customers see what happened and when, not who on the staff did it or where.
        request.timeline = [
            EventOut(
                kind=e.kind,
                at=e.at,
                from_status=e.from_status,
                to_status=e.to_status,
                actor_kind=e.actor_kind,
            )
            for e in await events(row["id"])
            if e.kind not in INTERNAL_EVENTS
        ]
        request.rating = (await _ratings([row["id"]])).get(row["id"])
    return request


async def device_requests(device_id: int) -> list[PublicRequest]:
    """The device's requests still in progress or waiting for a rating, newest first."""
    rows = await db.fetch(
        WORK_ORDER_SELECT + " WHERE w.device = $1 AND w.status NOT IN ('rated', 'cancelled') "
        "ORDER BY w.created_at DESC LIMIT 20",
        device_id,
    )
    return [await public_request(r, with_timeline=False) for r in rows]


async def device_request(device_id: int, work_order_id: int) -> PublicRequest:
    row = await db.fetchrow(
        WORK_ORDER_SELECT + " WHERE w.id = $1 AND w.device = $2", work_order_id, device_id
    )
    if row is None:
        raise NotFound("Request not found")
    return await public_request(row, with_timeline=True)
