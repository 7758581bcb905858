"""HTTP API of proof of work: photos of the job, pauses of the work on site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody
from litestar.status_codes import HTTP_200_OK

from backend.access import MANAGERS, Role, allow, check_job_read, current, signed_in
from backend.db import fetchval
from backend.errors import NotFound
from backend.schemas import PathId
from backend.workorders import proof, queries
from backend.workorders.schemas import PauseIn, PhotoOut, WorkOrderOut

ENGINEER = allow(Role.ENGINEER)


@dataclass
class PhotoForm:
    file: UploadFile
    stage: Literal["before", "after"] = "after"


async def _check_read(request: Request[Any, Any, Any], work_order_id: int) -> None:
    engineer = await fetchval("SELECT engineer FROM work_order WHERE id = $1", work_order_id)
    exists = await fetchval("SELECT 1 FROM work_order WHERE id = $1", work_order_id)
    if exists is None:
        raise NotFound("Work order not found")
    check_job_read(current(request), engineer)


class ProofController(Controller):
    path = "/api/work-orders/{work_order_id:int}"
    tags = ["work orders"]
    guards = [signed_in]

    @post("/photos", guards=[ENGINEER])
    async def add_photo(
        self,
        request: Request[Any, Any, Any],
        work_order_id: PathId,
        data: Annotated[PhotoForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> PhotoOut:
        """The assigned engineer's photo (multipart `file`, `stage` before|after): JPEG, PNG or
        WebP by its bytes (else 415), at most 5 MB (else 413); saved again without EXIF,
        location or other metadata."""
        raw = await data.file.read(proof.MAX_PHOTO_BYTES + 1)
        return await proof.add_photo(current(request), work_order_id, raw, data.stage)

    @get("/photos/{photo_id:int}", guards=[allow(*MANAGERS, Role.ENGINEER)])
    async def photo(
        self, request: Request[Any, Any, Any], work_order_id: PathId, photo_id: PathId
    ) -> Response[bytes]:
        await _check_read(request, work_order_id)
        data, content_type = await proof.photo_bytes(work_order_id, photo_id)
        return Response(
            data, media_type=content_type, headers={"Cache-Control": "private, max-age=86400"}
        )

    @post("/pause", status_code=HTTP_200_OK, guards=[ENGINEER])
    async def pause(
        self, request: Request[Any, Any, Any], work_order_id: PathId, data: JSONBody[PauseIn]
    ) -> WorkOrderOut:
        """Work on site stops (waiting for a part, the customer away): not counted as work."""
        principal = current(request)
        await proof.pause(principal, work_order_id, data.reason)
        return await queries.detail(principal, work_order_id)

    @post("/resume", status_code=HTTP_200_OK, guards=[ENGINEER])
    async def resume(self, request: Request[Any, Any, Any], work_order_id: PathId) -> WorkOrderOut:
        principal = current(request)
        await proof.pause(principal, work_order_id, None)
        return await queries.detail(principal, work_order_id)
