"""HTTP API of the integrations: webhooks (admins only) and their deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.access import Role, allow, current
from backend.exports import XLSX_MEDIA_TYPE, xlsx_response
from backend.integrations import webhooks
from backend.integrations.imports import reading
from backend.integrations.imports import service as imports
from backend.integrations.imports.kinds import Kind
from backend.integrations.schemas import (
    DeliveryOut,
    ImportOut,
    ImportPreview,
    ImportRunOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)
from backend.integrations.tables import DeliveryStatus
from backend.schemas import Limit, Offset, Page, PathId, Search


class WebhookController(Controller):
    path = "/api/webhooks"
    tags = ["integrations"]
    guards = [allow(Role.ADMIN)]

    @post("", status_code=HTTP_201_CREATED)
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[WebhookIn]
    ) -> WebhookCreated:
        """Events of these types are POSTed to url, signed with the secret answered here once."""
        return await webhooks.register(current(request), data)

    @get("")
    async def index(self, limit: Limit = 50, offset: Offset = 0) -> Page[WebhookOut]:
        return await webhooks.list_hooks(limit, offset)

    @patch("/{webhook_id:int}")
    async def update(self, webhook_id: PathId, data: JSONBody[WebhookPatch]) -> WebhookOut:
        return await webhooks.update(webhook_id, data)

    @delete("/{webhook_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, webhook_id: PathId) -> None:
        await webhooks.remove(webhook_id)

    @get("/{webhook_id:int}/deliveries")
    async def deliveries(
        self,
        webhook_id: PathId,
        status: FromQuery[DeliveryStatus | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[DeliveryOut]:
        """Newest first, each with its tries (time, HTTP status or error, duration)."""
        return await webhooks.deliveries(webhook_id, status, limit, offset)

    @post("/deliveries/{delivery_id:int}/retry", status_code=HTTP_200_OK)
    async def retry(self, delivery_id: PathId) -> DeliveryOut:
        """Sends it again now, with a fresh set of tries."""
        return await webhooks.retry(delivery_id)


UPLOAD_MAX = reading.MAX_BYTES + 1024 * 1024  # the file and the form around it


@dataclass
class ImportForm:
    file: UploadFile
    kind: Kind
    mode: Literal["dry_run", "commit"] = "dry_run"
    on_duplicate: Literal["skip", "update"] = "skip"
    mapping: str | None = None  # JSON {column: field or null}; the guess stands where absent


@dataclass
class PreviewForm:
    file: UploadFile
    kind: Kind


class ImportController(Controller):
    path = "/api/imports"
    tags = ["integrations"]
    guards = [allow(Role.ADMIN)]

    @post("", status_code=HTTP_200_OK, request_max_body_size=UPLOAD_MAX)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImportOut:
        """Accounts, contacts, leads or devices from an .xlsx or .csv (UTF-8 or GBK). A dry run
        checks every row and changes nothing; a commit applies the valid rows, a batch of 1000
        per transaction, skipping (or updating) rows that duplicate what we have."""
        raw = await data.file.read()
        return await imports.run(
            current(request),
            raw=raw,
            filename=data.file.filename or "",
            kind=data.kind,
            mapping=imports.corrections(data.mapping),
            commit=data.mode == "commit",
            update=data.on_duplicate == "update",
        )

    @get("")
    async def index(
        self,
        kind: FromQuery[Kind | None] = None,
        mode: FromQuery[Literal["dry_run", "commit"] | None] = None,
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[ImportRunOut]:
        """Past imports, newest first (dry runs too), with their counts and the error rows' link;
        q finds a file name."""
        return await imports.list_runs(kind, mode, limit, offset, q)

    @post("/preview", status_code=HTTP_200_OK, request_max_body_size=UPLOAD_MAX)
    async def preview(
        self, data: Annotated[PreviewForm, Body(media_type=RequestEncodingType.MULTI_PART)]
    ) -> ImportPreview:
        """The file's columns, the mapping guessed from their headers, the kind's fields and the
        first rows: what the user corrects before the dry run. Nothing is checked or kept."""
        raw = await data.file.read()
        return imports.preview(raw, data.file.filename or "", data.kind)

    @get("/{import_id:int}/errors.xlsx", media_type=XLSX_MEDIA_TYPE)
    async def errors(self, import_id: PathId) -> Response[bytes]:
        """The rows in error as uploaded, with an error column: fix them and upload that file."""
        rows, header, filename = await imports.error_rows(import_id)
        return xlsx_response(rows, header, filename, sheet="Errors")


INTEGRATION_CONTROLLERS = [WebhookController, ImportController]
