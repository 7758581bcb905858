"""HTTP API of Web Push: the server's public key, and staff members' browser subscriptions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.access import current, signed_in
from backend.push import service
from backend.push.schemas import PublicKeyOut, SubscriptionIn, SubscriptionOut, UnsubscribeIn


class PushKeyController(Controller):
    path = "/api/public/push"
    tags = ["push"]

    @get("/key")
    async def key(self) -> PublicKeyOut:
        """The application server key for `pushManager.subscribe`; no sign-in needed."""
        return PublicKeyOut(public_key=await service.vapid_public_key())


class PushSubscriptionController(Controller):
    path = "/api/push/subscriptions"
    tags = ["push"]
    guards = [signed_in]

    @post("", status_code=HTTP_201_CREATED)
    async def subscribe(
        self, request: Request[Any, Any, Any], data: JSONBody[SubscriptionIn]
    ) -> SubscriptionOut:
        """Pushes for the signed-in staff member go to this browser from now on."""
        await service.subscribe(
            data.endpoint, data.keys.p256dh, data.keys.auth, user_id=current(request).id
        )
        return SubscriptionOut(endpoint=data.endpoint)

    @delete("", status_code=HTTP_204_NO_CONTENT)
    async def unsubscribe(
        self, request: Request[Any, Any, Any], data: JSONBody[UnsubscribeIn]
    ) -> None:
        """Stops pushes to this browser; only one's own subscription (anyone else's is a 404)."""
        await service.unsubscribe(data.endpoint, user_id=current(request).id)


PUSH_CONTROLLERS = [PushKeyController, PushSubscriptionController]
