"""HTTP API of the customer base: accounts, contacts, devices."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromQuery, JSONBody

from backend.access import MANAGERS, SELLERS, Role, allow, current
from backend.customers import devices, qr, service
from backend.customers.schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    ContactIn,
    ContactOut,
    DeviceIn,
    DeviceOut,
    DevicePatch,
)
from backend.customers.tables import Grade
from backend.schemas import Limit, Offset, Page, PathId, QueryId, Search, Sort


class AccountController(Controller):
    path = "/api/accounts"
    tags = ["customers"]
    guards = [allow(*SELLERS)]

    @post("")
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[AccountIn],
        force: FromQuery[bool] = False,
    ) -> AccountOut:
        """Create an account; a likely duplicate (same phone or name) is a 409 unless force."""
        return await service.create_account(current(request), data, force)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        q: Search = None,
        grade: FromQuery[Grade | None] = None,
        owner_id: QueryId = None,
        pool: FromQuery[bool | None] = None,
        vip: FromQuery[bool | None] = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[AccountOut]:
        return await service.list_accounts(
            current(request),
            q=q,
            grade=grade.value if grade else None,
            owner_id=owner_id,
            pool=pool,
            vip=vip,
            limit=limit,
            offset=offset,
            sort=sort,
        )

    @get("/{account_id:int}")
    async def show(self, request: Request[Any, Any, Any], account_id: PathId) -> AccountOut:
        return await service.get_account(current(request), account_id)

    @patch("/{account_id:int}")
    async def update(
        self,
        request: Request[Any, Any, Any],
        account_id: PathId,
        data: JSONBody[AccountPatch],
    ) -> AccountOut:
        return await service.update_account(current(request), account_id, data)

    @get("/{account_id:int}/contacts")
    async def contacts(
        self, request: Request[Any, Any, Any], account_id: PathId
    ) -> list[ContactOut]:
        return await service.list_contacts(current(request), account_id)


class ContactController(Controller):
    path = "/api/contacts"
    tags = ["customers"]
    guards = [allow(*SELLERS)]

    @post("")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[ContactIn]
    ) -> ContactOut:
        return await service.create_contact(current(request), data)


class DeviceController(Controller):
    path = "/api/devices"
    tags = ["devices"]
    guards = [allow(*SELLERS)]

    @post("", guards=[allow(*MANAGERS)])
    async def create(self, data: JSONBody[DeviceIn]) -> DeviceOut:
        return await devices.create_device(data)

    @get("")
    async def index(
        self,
        request: Request[Any, Any, Any],
        account_id: QueryId = None,
        product_id: QueryId = None,
        serial: Search = None,
        q: Search = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[DeviceOut]:
        """serial= matches exactly; q= finds part of a serial or of the account's name."""
        return await devices.list_devices(
            current(request),
            account_id=account_id,
            product_id=product_id,
            serial=serial,
            limit=limit,
            offset=offset,
            q=q,
            sort=sort,
        )

    @get("/{device_id:int}")
    async def show(self, request: Request[Any, Any, Any], device_id: PathId) -> DeviceOut:
        return await devices.get_device(current(request), device_id)

    @patch("/{device_id:int}", guards=[allow(*MANAGERS)])
    async def update(self, device_id: PathId, data: JSONBody[DevicePatch]) -> DeviceOut:
        """Move a device to another account or place, or correct its installation date."""
        return await devices.update_device(device_id, data)

    @get("/{device_id:int}/qr.svg", guards=[allow(*MANAGERS)], media_type="image/svg+xml")
    async def qr_code(self, device_id: PathId) -> Response[str]:
        """The sticker's QR code: an SVG of the device's customer URL."""
        device = await devices.get_device(None, device_id)
        return Response(qr.qr_svg(device.qr_url), media_type="image/svg+xml")

    @post("/{device_id:int}/qr/rotate", guards=[allow(Role.ADMIN)], status_code=200)
    async def rotate(self, device_id: PathId) -> DeviceOut:
        """Issue a new QR token: the old sticker stops working (lost or copied sticker)."""
        return await devices.rotate_qr(device_id)


CUSTOMER_CONTROLLERS = [
    AccountController,
    ContactController,
    DeviceController,
]
