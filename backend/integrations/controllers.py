"""HTTP API of the integrations: webhooks (admins only) and their deliveries."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.access import Role, allow, current
from backend.integrations import webhooks
from backend.integrations.schemas import (
    DeliveryOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)
from backend.integrations.tables import DeliveryStatus
from backend.schemas import Limit, Offset, Page, PathId


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


INTEGRATION_CONTROLLERS = [WebhookController]
