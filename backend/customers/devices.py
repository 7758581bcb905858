"""Installed devices: warranty, QR tokens, lookups by id, by ids for labels and by token."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import asyncpg
from msgspec import UNSET, structs

from backend import db
from backend.access import Principal, account_visibility, check_account_read
from backend.customers import qr
from backend.customers.schemas import DeviceIn, DeviceOut, DevicePatch
from backend.errors import Conflict, Invalid, NotFound
from backend.schemas import Page, from_row, order_by

DEVICE_SELECT = """
SELECT d.id, d.account AS account_id, a.name AS account_name, d.product AS product_id,
       p.sku AS product_sku, p.name AS product_name, d.serial, d.installed_on, d.warranty_until,
       d.lat, d.lng, d.qr_token, a.owner
FROM device d JOIN account a ON a.id = d.account JOIN product p ON p.id = d.product"""
# What ?sort= may order devices by.
DEVICE_ORDER = {
    "serial": "d.serial",
    "product_name": "p.name",
    "account_name": "a.name",
    "installed_on": "d.installed_on",
    "warranty_until": "d.warranty_until",
}


def warranty_end(installed_on: date | None, months: int) -> date | None:
    if installed_on is None:
        return None
    month_index = installed_on.month - 1 + months
    year, month = installed_on.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(installed_on.day, calendar.monthrange(year, month)[1]))


def device_out(row: asyncpg.Record) -> DeviceOut:
    until = row["warranty_until"]
    return from_row(
        DeviceOut,
        row,
        qr_url=qr.device_url(row["qr_token"]),
        in_warranty=until is not None and until >= datetime.now(UTC).date(),
    )


async def create_device(data: DeviceIn) -> DeviceOut:
    account = await db.fetchrow("SELECT lat, lng FROM account WHERE id = $1", data.account_id)
    if account is None:
        raise Invalid("account_id", "unknown account")
    months = await db.fetchval("SELECT warranty_months FROM product WHERE id = $1", data.product_id)
    if months is None:
        raise Invalid("product_id", "unknown product")
    if data.installed_on and data.installed_on > datetime.now(UTC).date():
        raise Invalid("installed_on", "must not be in the future")
    async with db.unique_or(
        Conflict("This product already has a device with this serial", field="serial")
    ):
        device_id = await db.fetchval(
            """INSERT INTO device (account, product, serial, installed_on, warranty_until, lat, lng,
                   qr_token, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING id""",
            data.account_id,
            data.product_id,
            data.serial,
            data.installed_on,
            warranty_end(data.installed_on, months),
            data.lat if data.lat is not None else account["lat"],
            data.lng if data.lng is not None else account["lng"],
            qr.new_token(),
        )
    return await get_device(None, device_id)


async def get_device(principal: Principal | None, device_id: int) -> DeviceOut:
    """The device, if principal may see its account (None: an internal call, no check)."""
    row = await db.fetchrow(f"{DEVICE_SELECT} WHERE d.id = $1", device_id)
    if row is None:
        raise NotFound("Device not found")
    if principal is not None:
        check_account_read(principal, row["owner"])
    return device_out(row)


async def list_devices(
    principal: Principal,
    *,
    account_id: int | None,
    product_id: int | None,
    serial: str | None,
    limit: int,
    offset: int,
    q: str | None = None,
    sort: str | None = None,
) -> Page[DeviceOut]:
    """Devices principal may see; q finds a part of the serial, or of the account's name."""
    visible, args = account_visibility(principal, 1)
    where = [visible]
    if q:
        args.append(f"%{q.strip().lower()}%")
        where.append(f"(lower(d.serial) LIKE ${len(args)} OR lower(a.name) LIKE ${len(args)})")
    for column, value in (
        ("d.account", account_id),
        ("d.product", product_id),
        ("d.serial", serial),
    ):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    order = order_by(sort, DEVICE_ORDER, "d.id", "d.id")
    rows, total = await db.fetch_page(
        DEVICE_SELECT, " AND ".join(where), args, order, limit, offset
    )
    return Page(items=[device_out(r) for r in rows], total=total, limit=limit, offset=offset)


async def update_device(device_id: int, patch: DevicePatch) -> DeviceOut:
    """Moves a device (another account, another place) or corrects its installation date; the
    warranty follows the installation date."""
    changes = {k: v for k, v in structs.asdict(patch).items() if v is not UNSET}
    async with db.transaction():
        row = await db.fetchrow(
            "SELECT d.product FROM device d WHERE d.id = $1 FOR UPDATE", device_id
        )
        if row is None:
            raise NotFound("Device not found")
        if "account_id" in changes:
            if not await db.fetchval("SELECT 1 FROM account WHERE id = $1", changes["account_id"]):
                raise Invalid("account_id", "unknown account")
            changes["account"] = changes.pop("account_id")
        if "installed_on" in changes:
            installed_on = changes["installed_on"]
            if installed_on and installed_on > datetime.now(UTC).date():
                raise Invalid("installed_on", "must not be in the future")
            months = await db.fetchval(
                "SELECT warranty_months FROM product WHERE id = $1", row["product"]
            )
            changes["warranty_until"] = warranty_end(installed_on, months)
        if changes:
            sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(changes, start=2))
            await db.execute(
                f"UPDATE device SET {sets} WHERE id = $1", device_id, *changes.values()
            )
    return await get_device(None, device_id)


async def devices_by_ids(ids: list[int]) -> list[DeviceOut]:
    rows = await db.fetch(f"{DEVICE_SELECT} WHERE d.id = ANY($1) ORDER BY d.id", ids)
    return [device_out(r) for r in rows]


async def rotate_qr(device_id: int) -> DeviceOut:
    """A new token for the sticker; the old one stops working at once."""
    done = await db.fetchval(
        "UPDATE device SET qr_token = $2, qr_rotated_at = now() WHERE id = $1 RETURNING id",
        device_id,
        qr.new_token(),
    )
    if done is None:
        raise NotFound("Device not found")
    return await get_device(None, device_id)


async def device_by_token(token: str) -> DeviceOut:
    row = await db.fetchrow(f"{DEVICE_SELECT} WHERE d.qr_token = $1", token)
    if row is None:
        raise NotFound("Unknown or revoked QR code")
    return device_out(row)
