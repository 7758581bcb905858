"""HTTP API of work orders: staff and engineers, dispatch, and the customer side (QR token)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.channels import ChannelsPlugin
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK

from backend import live, ratelimit
from backend.access import MANAGERS, SELLERS, Role, allow, current, signed_in
from backend.clock import now_utc
from backend.customers import devices
from backend.customers.schemas import DeviceOut
from backend.errors import DomainError
from backend.push import service as push
from backend.push.schemas import SubscriptionIn, SubscriptionOut, UnsubscribeIn
from backend.schemas import Limit, Offset, Page, PathId, QueryId, Token
from backend.settings import get_settings
from backend.workorders import candidates, day, duty, offers, queries, service, sla_targets
from backend.workorders.day import DayOut
from backend.workorders.proof_controllers import ProofController
from backend.workorders.schemas import (
    AssignIn,
    AssignmentOut,
    CancelIn,
    CandidateOut,
    CompleteIn,
    CreatedOut,
    DeclineIn,
    DutyIn,
    HistoryItem,
    PositionIn,
    PublicDevice,
    PublicDeviceOut,
    PublicRequest,
    PublicRequestIn,
    RatingIn,
    WorkOrderIn,
    WorkOrderOut,
)
from backend.workorders.service import Step
from backend.workorders.tables import Priority, Source, Status

ENGINEER = allow(Role.ENGINEER)


class ServiceUnavailable(DomainError):
    status_code = 503


Action = dict[str, Any]


class WorkOrderController(Controller):
    path = "/api/work-orders"
    tags = ["work orders"]
    guards = [signed_in]

    @post("", guards=[allow(*MANAGERS)])
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[WorkOrderIn]
    ) -> WorkOrderOut:
        """A staff-made request; dispatch offers it to the nearest eligible engineer at once."""
        principal = current(request)
        work_order_id = await service.create(
            data.device_id, data.description, data.priority, Source.STAFF, actor_id=principal.id
        )
        return await queries.detail(principal, work_order_id)

    @get("", guards=[allow(*MANAGERS, Role.ENGINEER)])
    async def index(
        self,
        request: Request[Any, Any, Any],
        status: FromQuery[Status | None] = None,
        engineer_id: QueryId = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[WorkOrderOut]:
        """Newest first; an engineer sees only his own jobs."""
        return await queries.listing(
            current(request), status=status, engineer_id=engineer_id, limit=limit, offset=offset
        )

    @get("/{work_order_id:int}", guards=[allow(*MANAGERS, Role.ENGINEER)])
    async def show(self, request: Request[Any, Any, Any], work_order_id: PathId) -> WorkOrderOut:
        """With events, parts, rating, the site's contacts and the device's full history."""
        return await queries.detail(current(request), work_order_id)

    async def _act(
        self,
        request: Request[Any, Any, Any],
        work_order_id: int,
        step: Step,
        position: PositionIn | None = None,
    ) -> WorkOrderOut:
        principal = current(request)
        await service.act(
            principal,
            work_order_id,
            step,
            lat=position.lat if position else None,
            lng=position.lng if position else None,
        )
        return await queries.detail(principal, work_order_id)

    @post("/{work_order_id:int}/accept", status_code=HTTP_200_OK, guards=[ENGINEER])
    async def accept(self, request: Request[Any, Any, Any], work_order_id: PathId) -> WorkOrderOut:
        return await self._act(request, work_order_id, Step.ACCEPT)

    @post("/{work_order_id:int}/decline", status_code=HTTP_200_OK, guards=[ENGINEER])
    async def decline(
        self,
        request: Request[Any, Any, Any],
        work_order_id: PathId,
        data: JSONBody[DeclineIn | None] = None,
    ) -> Action:
        """Hands the offer back, optionally with {reason: too_far|no_parts|no_skill|off_shift|
        other, note} (shown on the dispatch board); dispatch offers it to the next best."""
        reason = data.reason if data else None
        note = data.note if data else None
        await service.act(current(request), work_order_id, Step.DECLINE, note=note, reason=reason)
        return {"id": work_order_id, "declined": True}

    @post("/{work_order_id:int}/travel", status_code=HTTP_200_OK, guards=[ENGINEER])
    async def travel(self, request: Request[Any, Any, Any], work_order_id: PathId) -> WorkOrderOut:
        return await self._act(request, work_order_id, Step.TRAVEL)

    @post("/{work_order_id:int}/arrive", status_code=HTTP_200_OK, guards=[ENGINEER])
    async def arrive(
        self, request: Request[Any, Any, Any], work_order_id: PathId, data: JSONBody[PositionIn]
    ) -> WorkOrderOut:
        return await self._act(request, work_order_id, Step.ARRIVE, data)

    @post("/{work_order_id:int}/complete", status_code=HTTP_200_OK, guards=[ENGINEER])
    async def complete(
        self, request: Request[Any, Any, Any], work_order_id: PathId, data: JSONBody[CompleteIn]
    ) -> WorkOrderOut:
        """Parts used come out of the van's stock (never below zero: 409 naming the part)."""
        principal = current(request)
        await service.complete(principal, work_order_id, data)
        return await queries.detail(principal, work_order_id)

    @post("/{work_order_id:int}/cancel", status_code=HTTP_200_OK, guards=[allow(*MANAGERS)])
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        work_order_id: PathId,
        data: JSONBody[CancelIn | None] = None,
    ) -> WorkOrderOut:
        """Optionally with {reason}, kept on the cancellation's event."""
        principal = current(request)
        reason = data.reason if data else None
        await service.act(principal, work_order_id, Step.CANCEL, note=reason)
        return await queries.detail(principal, work_order_id)

    @get("/{work_order_id:int}/candidates", guards=[allow(*MANAGERS)])
    async def candidates(self, work_order_id: PathId) -> list[CandidateOut]:
        """Engineers the job may be offered to instead, nearest first, with distances: free,
        with the skill, in a covering zone, and not one who declined or let it lapse."""
        return await candidates.candidates(work_order_id, now_utc())

    @post("/{work_order_id:int}/assign", status_code=HTTP_200_OK, guards=[allow(*MANAGERS)])
    async def assign(
        self, request: Request[Any, Any, Any], work_order_id: PathId, data: JSONBody[AssignIn]
    ) -> WorkOrderOut:
        """A supervisor's override: offer the job to this engineer."""
        principal = current(request)
        await service.assign(principal, work_order_id, data.engineer_id)
        return await queries.detail(principal, work_order_id)


class DispatchController(Controller):
    path = "/api"
    tags = ["dispatch"]
    guards = [signed_in]

    @post("/dispatch/run", status_code=HTTP_200_OK, guards=[allow(*MANAGERS)])
    async def run(self, request: Request[Any, Any, Any]) -> list[AssignmentOut]:
        """Batch-assigns the waiting backlog by least total travel, urgent and VIP first."""
        assignments = await offers.run_batch(now_utc(), actor_id=current(request).id)
        return [
            AssignmentOut(
                work_order_id=a.job_id, engineer_id=a.engineer_id, distance_km=a.distance_km
            )
            for a in assignments
        ]

    @get("/me/jobs", guards=[ENGINEER])
    async def my_jobs(self, request: Request[Any, Any, Any]) -> list[WorkOrderOut]:
        """The offer waiting for an answer and the job in hand."""
        return await queries.my_jobs(current(request))

    @get("/me/day", guards=[ENGINEER])
    async def my_day(self, request: Request[Any, Any, Any]) -> DayOut:
        """Today's jobs (the offer, the job under way, planned maintenance in its window) and
        the last 30 days' completed ones, each with customer, address, priority, distance, SLA."""
        return await day.my_day(current(request).id)

    @get("/me/events", guards=[ENGINEER])
    async def my_events(
        self, request: Request[Any, Any, Any], channels: NamedDependency[ChannelsPlugin]
    ) -> ServerSentEvent:
        """Server-sent events for the engineer's open app: "hello" once subscribed, then a
        "change" {"kind": "offer", "id"} the moment a job is offered to him (no push needed)."""
        if not getattr(channels, "running", False):
            raise ServiceUnavailable("Live updates are not running in this process")
        me = current(request).id
        return ServerSentEvent(
            live.stream(channels, lambda e: e.get("kind") == "offer" and e.get("engineer") == me),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @put("/me/duty", guards=[ENGINEER])
    async def duty(self, request: Request[Any, Any, Any], data: JSONBody[DutyIn]) -> Action:
        """On duty with a position: waiting jobs are offered at once."""
        await duty.set_duty(current(request), data)
        return {"status": data.status}

    @get("/devices/{device_id:int}/history", guards=[allow(*SELLERS)])
    async def history(
        self, request: Request[Any, Any, Any], device_id: PathId
    ) -> list[HistoryItem]:
        """The device's service history: jobs newest first, with parts used and ratings."""
        await devices.get_device(current(request), device_id)
        return await queries.device_history(device_id)


async def public_rate_limit(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
    """A guard: per client address, counted in PostgreSQL so every worker shares the count."""
    settings = get_settings()
    client = connection.client.host if connection.client else "unknown"
    await ratelimit.hit(f"public:{client}", settings.public_rate_limit, settings.public_rate_window)


async def device_for(token: str) -> DeviceOut:
    return await devices.device_by_token(token)


class PublicController(Controller):
    """The customer's side, reached only with the QR token of the device's sticker."""

    path = "/api/public/devices/{token:str}"
    tags = ["customer"]
    guards = [public_rate_limit]

    @get("")
    async def device(self, token: Token) -> PublicDeviceOut:
        device = await device_for(token)
        return PublicDeviceOut(
            device=PublicDevice(
                product=device.product_name,
                serial=device.serial,
                warranty_until=device.warranty_until,
                in_warranty=device.in_warranty,
            ),
            requests=await queries.device_requests(device.id),
        )

    @post("/requests")
    async def file_request(self, token: Token, data: JSONBody[PublicRequestIn]) -> CreatedOut:
        """A customer's service request; it is dispatched at once."""
        device = await device_for(token)
        # However many addresses a spammer has, one device takes a handful of requests an hour.
        await ratelimit.hit(f"requests:{device.id}", 10, timedelta(hours=1))
        work_order_id = await service.create(
            device.id,
            data.description,
            Priority.NORMAL,
            Source.QR,
            reporter=(data.name, data.phone),
        )
        request = await queries.device_request(device.id, work_order_id)
        return CreatedOut(id=work_order_id, status=request.status)

    @get("/requests/{work_order_id:int}")
    async def show_request(self, token: Token, work_order_id: PathId) -> PublicRequest:
        device = await device_for(token)
        return await queries.device_request(device.id, work_order_id)

    @post("/requests/{work_order_id:int}/rating")
    async def rate(
        self, token: Token, work_order_id: PathId, data: JSONBody[RatingIn]
    ) -> PublicRequest:
        """Once, after the job is completed (else 409)."""
        device = await device_for(token)
        await queries.device_request(device.id, work_order_id)  # 404 for another device's job
        await service.rate(work_order_id, data.score, data.comment)
        return await queries.device_request(device.id, work_order_id)

    @post("/requests/{work_order_id:int}/push")
    async def follow(
        self, token: Token, work_order_id: PathId, data: JSONBody[SubscriptionIn]
    ) -> SubscriptionOut:
        """The customer's browser follows this request: each status change arrives as a push."""
        device = await device_for(token)
        await queries.device_request(device.id, work_order_id)
        await ratelimit.hit(f"follow:{device.id}", 20, timedelta(hours=1))
        await push.subscribe(
            data.endpoint, data.keys.p256dh, data.keys.auth, work_order_id=work_order_id
        )
        return SubscriptionOut(endpoint=data.endpoint)

    @delete("/requests/{work_order_id:int}/push")
    async def unfollow(
        self, token: Token, work_order_id: PathId, data: JSONBody[UnsubscribeIn]
    ) -> None:
        """Stops the pushes about this request to that browser."""
        device = await device_for(token)
        await queries.device_request(device.id, work_order_id)
        await push.unsubscribe(data.endpoint, work_order_id=work_order_id)


class SlaTargetsController(Controller):
    path = "/api/settings/sla"
    tags = ["work orders"]

    @get("", guards=[allow(*MANAGERS)])
    async def show(self) -> sla_targets.SlaTargetsOut:
        """Hours to respond and to resolve per priority: what a new work order's respond_by and
        resolve_by are counted with (unless a service contract in force promises its own)."""
        return await sla_targets.current_targets()

    @put("", guards=[allow(Role.ADMIN)])
    async def replace(
        self, request: Request[Any, Any, Any], data: JSONBody[sla_targets.SlaTargets]
    ) -> sla_targets.SlaTargetsOut:
        """Replaces every priority's target; work orders already made keep their deadlines."""
        return await sla_targets.save_targets(current(request), data)


WORK_ORDER_CONTROLLERS = [
    WorkOrderController,
    SlaTargetsController,
    ProofController,
    DispatchController,
    PublicController,
]
