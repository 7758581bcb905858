"""The work order lifecycle: create, accept … complete, cancel, assign, rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from backend import db
from backend.access import JobActor, Principal, check_job_action
from backend.activity.followups import MAX_CONTENT, record_follow_up
from backend.activity.tables import Method
from backend.clock import company_day, now_utc
from backend.errors import Conflict, Invalid, NotFound
from backend.integrations.service_loop import flag_sales_opportunity
from backend.workorders import offers, proof, sla_targets
from backend.workorders.events import Event, announce, emit, record_event
from backend.workorders.schemas import CompleteIn
from backend.workorders.tables import HELD, UNFINISHED, ActorKind, Priority, Source, Status
from dispatch.models import Assignment


class Step(StrEnum):
    """The steps of a job after dispatch; each is checked, stored as an event and announced."""

    ACCEPT = "accept"
    DECLINE = "decline"
    TRAVEL = "travel"
    ARRIVE = "arrive"
    COMPLETE = "complete"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Rule:
    allowed_from: frozenset[Status]
    leads_to: Status
    actor: JobActor
    event: str  # the event's kind


RULES: dict[Step, Rule] = {
    Step.ACCEPT: Rule(frozenset({Status.OFFERED}), Status.ACCEPTED, JobActor.ENGINEER, "accepted"),
    Step.DECLINE: Rule(frozenset({Status.OFFERED}), Status.NEW, JobActor.ENGINEER, "declined"),
    Step.TRAVEL: Rule(frozenset({Status.ACCEPTED}), Status.EN_ROUTE, JobActor.ENGINEER, "en_route"),
    Step.ARRIVE: Rule(
        frozenset({Status.ACCEPTED, Status.EN_ROUTE}), Status.ON_SITE, JobActor.ENGINEER, "arrived"
    ),
    Step.COMPLETE: Rule(
        frozenset({Status.ON_SITE}), Status.COMPLETED, JobActor.ENGINEER, "completed"
    ),
    Step.CANCEL: Rule(
        UNFINISHED | {Status.PLANNED}, Status.CANCELLED, JobActor.MANAGER, "cancelled"
    ),
}
RAISED = {
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
    Priority.URGENT: Priority.URGENT,
}


# --- creating --------------------------------------------------------------------------------

# The device's active service contract on a day, the one promising the quickest response first.
CONTRACT_IN_FORCE = """
SELECT c.id, c.respond_hours, c.resolve_hours FROM service_contract c
JOIN service_contract_device cd ON cd.contract = c.id
WHERE cd.device = $1 AND c.status = 'active' AND $2 BETWEEN c.starts_on AND c.ends_on
ORDER BY c.respond_hours NULLS LAST, c.id LIMIT 1"""


async def create(
    device_id: int,
    description: str,
    priority: Priority,
    source: Source,
    *,
    actor_id: int | None = None,
    reporter: tuple[str, str] | None = None,
) -> int:
    """A new work order at the device's location; dispatch runs at once."""
    now = now_utc()
    device = await db.fetchrow(
        """SELECT d.id, d.account, d.product, COALESCE(d.lat, a.lat) AS lat,
                  COALESCE(d.lng, a.lng) AS lng, a.vip
           FROM device d JOIN account a ON a.id = d.account WHERE d.id = $1""",
        device_id,
    )
    if device is None:
        raise Invalid("device_id", "unknown device")
    if device["vip"]:
        priority = RAISED[priority]  # VIP customers are served one level up
    respond_h, resolve_h = (await sla_targets.current_targets()).hours(priority)
    # A service contract in force on the device sets its own hours (backend/maintenance/).
    contract = await db.fetchrow(CONTRACT_IN_FORCE, device_id, company_day(now))
    if contract is not None:
        respond_h = contract["respond_hours"] or respond_h
        resolve_h = contract["resolve_hours"] or resolve_h
    name, phone = reporter or (None, None)
    async with db.transaction():
        work_order_id = await db.fetchval(
            """INSERT INTO work_order (device, account, product, source, reporter_name,
                   reporter_phone, description, priority, status, lat, lng, respond_by,
                   resolve_by, created_by, created_at, updated_at, contract)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9, $10, $11, $12, $13, $14, $14,
                       $15)
               RETURNING id""",
            device_id,
            device["account"],
            device["product"],
            source,
            name,
            phone,
            description,
            priority,
            device["lat"],
            device["lng"],
            now + timedelta(hours=respond_h),
            now + timedelta(hours=resolve_h),
            actor_id,
            now,
            contract["id"] if contract is not None else None,
        )
        await record_event(
            Event(
                work_order_id,
                now,
                "created",
                None,
                Status.NEW,
                ActorKind.CUSTOMER if source == Source.QR else ActorKind.STAFF,
                actor_id=actor_id,
            )
        )
        await emit(
            "created",
            work_order_id,
            account_id=device["account"],
            device_id=device_id,
            priority=priority,
            source=source,
            description=description,
        )
    await offers.dispatch_now(work_order_id, now)
    return int(work_order_id)


# --- transitions -----------------------------------------------------------------------------


async def _locked(work_order_id: int) -> Any:
    row = await db.fetchrow(
        "SELECT id, status, engineer, account FROM work_order WHERE id = $1 FOR UPDATE",
        work_order_id,
    )
    if row is None:
        raise NotFound("Work order not found")
    return row


def _check_from(row: Any, allowed: frozenset[Status], step: str) -> None:
    if row["status"] not in allowed:
        raise Conflict(f"Cannot {step} a work order that is {row['status']}", status=row["status"])


async def act(
    principal: Principal,
    work_order_id: int,
    step: Step,
    lat: float | None = None,
    lng: float | None = None,
    note: str | None = None,
    reason: str | None = None,
) -> None:
    """accept, decline, travel, arrive or cancel; an illegal step is a 409 with the state.
    note goes on the step's event (why a job was cancelled), reason too (why an offer was
    declined: too_far, no_parts, no_skill, off_shift, other)."""
    rule = RULES[step]
    now = now_utc()
    async with db.transaction():
        row = await _locked(work_order_id)
        check_job_action(principal, row["engineer"], rule.actor)
        _check_from(row, rule.allowed_from, step)
        engineer = row["engineer"]
        if step == Step.DECLINE:
            await offers.release_offers(
                [work_order_id], now, rule.event, ActorKind.STAFF, principal.id, note, reason
            )
        else:
            stamps = {Step.ACCEPT: "accepted_at", Step.ARRIVE: "arrived_at"}
            sets = ["status = $2", "updated_at = $3"]
            if step in stamps:
                sets.append(f"{stamps[step]} = $3")
            if step == Step.ACCEPT:
                sets.append("offer_expires_at = NULL")
            await db.execute(
                f"UPDATE work_order SET {', '.join(sets)} WHERE id = $1",
                work_order_id,
                rule.leads_to,
                now,
            )
            await record_event(
                Event(
                    work_order_id,
                    now,
                    rule.event,
                    row["status"],
                    rule.leads_to,
                    ActorKind.STAFF,
                    actor_id=principal.id,
                    engineer_id=engineer,
                    lat=lat,
                    lng=lng,
                    note=note,
                )
            )
            if step == Step.ACCEPT:
                await emit("accepted", work_order_id, engineer_id=engineer)
    if step == Step.DECLINE:
        await offers.dispatch_now(work_order_id, now)  # the decliner is excluded from now on
    else:
        announce(work_order_id, rule.leads_to)
    if step == Step.CANCEL and engineer is not None:
        await offers.drain_queue(now)


async def complete(principal: Principal, work_order_id: int, data: CompleteIn) -> None:
    """Records parts and resolution; the van's stock goes down, never below zero (409)."""
    now = now_utc()
    async with db.transaction():
        row = await _locked(work_order_id)
        check_job_action(principal, row["engineer"], JobActor.ENGINEER)
        _check_from(row, RULES[Step.COMPLETE].allowed_from, Step.COMPLETE)
        signature = None
        if data.signature is not None:
            signature = proof.signature_png(data.signature.image)
        elif await proof.signature_required(work_order_id):
            raise Invalid("signature", "the customer's signature is required for this job")
        await proof.end_pause(work_order_id, now)
        for i, used in enumerate(data.parts):
            left = await db.fetchval(
                """UPDATE stock SET qty = qty - $3 WHERE engineer = $1 AND part = $2
                   AND qty >= $3 RETURNING qty""",
                principal.id,
                used.part_id,
                used.qty,
            )
            if left is None:
                part = await db.fetchrow("SELECT sku, name FROM part WHERE id = $1", used.part_id)
                if part is None:
                    raise Invalid(f"parts[{i}].part_id", "unknown part")
                raise Conflict(
                    f"Not enough {part['name']} ({part['sku']}) in your van",
                    part_id=used.part_id,
                    field=f"parts[{i}].qty",
                )
            await db.execute(
                """INSERT INTO part_usage (work_order, part, qty, serial_out, serial_in)
                   VALUES ($1, $2, $3, $4, $5)""",
                work_order_id,
                used.part_id,
                used.qty,
                used.serial_out,
                used.serial_in,
            )
        await db.execute(
            """UPDATE work_order SET status = 'completed', resolution = $2, completed_at = $3,
                   updated_at = $3, signer_name = $4, signature = $5,
                   signed_at = CASE WHEN $5::bytea IS NULL THEN NULL ELSE $3::timestamptz END
               WHERE id = $1""",
            work_order_id,
            data.resolution,
            now,
            data.signature.name if data.signature else None,
            signature,
        )
        await record_event(
            Event(
                work_order_id,
                now,
                "completed",
                row["status"],
                Status.COMPLETED,
                ActorKind.STAFF,
                actor_id=principal.id,
                engineer_id=principal.id,
                lat=data.lat,
                lng=data.lng,
            )
        )
        # The job is the customer's latest contact: a follow-up of method service.
        async with db.connection() as conn:
            await record_follow_up(
                conn,
                method=Method.SERVICE,
                content=data.resolution[:MAX_CONTENT],
                author_id=principal.id,
                account_id=row["account"],
                at=now,
                work_order_id=work_order_id,
            )
            lead_id = None
            if data.sales_opportunity is not None:
                lead_id = await flag_sales_opportunity(
                    conn,
                    work_order_id=work_order_id,
                    account_id=row["account"],
                    engineer_id=principal.id,
                    note=data.sales_opportunity.note,
                    at=now,
                )
        await emit(
            "completed",
            work_order_id,
            engineer_id=principal.id,
            resolution=data.resolution,
            parts=[{"part_id": p.part_id, "qty": p.qty} for p in data.parts],
            sales_lead_id=lead_id,
        )
    announce(work_order_id, Status.COMPLETED)
    await offers.drain_queue(now)


async def assign(principal: Principal, work_order_id: int, engineer_id: int) -> Assignment:
    """A supervisor's override: offer the job to this engineer, whoever dispatch would pick."""
    now = now_utc()
    async with db.transaction():
        row = await _locked(work_order_id)
        _check_from(row, frozenset({Status.NEW, Status.OFFERED}), "assign")
        engineer = await db.fetchrow(
            "SELECT id, home_lat, home_lng, last_lat, last_lng FROM app_user "
            "WHERE id = $1 AND role = 'engineer' AND active FOR UPDATE",
            engineer_id,
        )
        if engineer is None:
            raise Invalid("engineer_id", "no active engineer with this id")
        busy = await db.fetchval(
            "SELECT id FROM work_order WHERE engineer = $1 AND status = ANY($2) AND id <> $3",
            engineer_id,
            list(HELD),
            work_order_id,
        )
        if busy is not None:
            raise Conflict("This engineer already holds a job", work_order_id=busy)
        # An offer held by another engineer is withdrawn from him first.
        await offers.release_offers(
            [work_order_id], now, "withdrawn", ActorKind.STAFF, principal.id
        )
        distance = await offers.distance_to(work_order_id, engineer_id, now)
        offer = Assignment(job_id=work_order_id, engineer_id=engineer_id, distance_km=distance)
        await offers.record_offers([offer], now, ActorKind.STAFF, principal.id)
    announce(work_order_id, Status.OFFERED, offer)
    return offer


async def rate(work_order_id: int, score: int, comment: str | None) -> None:
    """The customer's rating: once, and only after completion; ≤ 2 asks for a follow-up."""
    now = now_utc()
    async with db.transaction():
        row = await _locked(work_order_id)
        if row["status"] == Status.RATED:
            raise Conflict("This request has been rated already", status=row["status"])
        _check_from(row, frozenset({Status.COMPLETED}), "rate")
        await db.execute(
            """INSERT INTO rating (work_order, score, comment, at, needs_follow_up)
               VALUES ($1, $2, $3, $4, $5)""",
            work_order_id,
            score,
            comment,
            now,
            score <= 2,
        )
        await db.execute(
            "UPDATE work_order SET status = 'rated', updated_at = $2 WHERE id = $1",
            work_order_id,
            now,
        )
        await record_event(
            Event(
                work_order_id,
                now,
                "rated",
                Status.COMPLETED,
                Status.RATED,
                ActorKind.CUSTOMER,
                note=f"{score}/5",
            )
        )
        await emit("rated", work_order_id, score=score, comment=comment)
