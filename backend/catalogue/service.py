"""The catalogue: products and parts (admins keep them), and the parts in each engineer's van."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
import msgspec
from msgspec import UNSET, structs

from backend import db
from backend.access import Role
from backend.catalogue.schemas import (
    PartIn,
    PartOut,
    PartPatch,
    ProductIn,
    ProductOut,
    ProductPatch,
    StockIn,
    StockItemOut,
    StockOut,
)
from backend.errors import Conflict, Invalid, NotFound
from backend.schemas import Page, from_row, page

S = TypeVar("S", bound=msgspec.Struct)

# --- products and parts ----------------------------------------------------------------------


async def _insert_unique(sql: str, *args: Any) -> asyncpg.Record:
    async with db.unique_or(Conflict("This SKU exists already", field="sku")):
        row = await db.fetchrow(sql, *args)
    assert row is not None
    return row


async def create_product(data: ProductIn) -> ProductOut:
    row = await _insert_unique(
        """INSERT INTO product (sku, name, category, required_skill, warranty_months,
               signature_required)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *""",
        data.sku,
        data.name,
        data.category,
        data.required_skill,
        data.warranty_months,
        data.signature_required,
    )
    return from_row(ProductOut, row)


async def list_products(q: str | None, limit: int, offset: int) -> Page[ProductOut]:
    args: list[Any] = [f"%{q.lower()}%"] if q else []
    where = "(lower(sku) LIKE $1 OR lower(name) LIKE $1)" if q else "TRUE"
    return await page(ProductOut, "SELECT * FROM product", where, args, "id", limit, offset)


def _check_price(price: Decimal | None) -> None:
    if price is not None and not (
        price.is_finite() and 0 <= price < 10**10 and price * 100 % 1 == 0
    ):
        raise Invalid("price", "an amount from 0 to 9,999,999,999.99 with at most 2 decimals")


async def _update(table: str, cls: type[S], row_id: int, changes: dict[str, Any]) -> S:
    """One UPDATE of the given columns of a product or part (a SKU in use → 409 naming sku)."""
    sets = ", ".join(f"{column} = ${i}" for i, column in enumerate(changes, start=2))
    sql = (
        f"UPDATE {table} SET {sets} WHERE id = $1 RETURNING *"
        if changes
        else f"SELECT * FROM {table} WHERE id = $1"
    )
    async with db.unique_or(Conflict("This SKU exists already", field="sku")):
        row = await db.fetchrow(sql, row_id, *changes.values())
    if row is None:
        raise NotFound(f"{table.title()} not found")
    return from_row(cls, row)


async def get_product(product_id: int) -> ProductOut:
    return await _update("product", ProductOut, product_id, {})


async def update_product(product_id: int, patch: ProductPatch) -> ProductOut:
    changes = {k: v for k, v in structs.asdict(patch).items() if v is not UNSET}
    return await _update("product", ProductOut, product_id, changes)


async def get_part(part_id: int) -> PartOut:
    return await _update("part", PartOut, part_id, {})


async def update_part(part_id: int, patch: PartPatch) -> PartOut:
    changes = {k: v for k, v in structs.asdict(patch).items() if v is not UNSET}
    if "price" in changes:
        _check_price(changes["price"])
    return await _update("part", PartOut, part_id, changes)


async def create_part(data: PartIn) -> PartOut:
    _check_price(data.price)
    row = await _insert_unique(
        "INSERT INTO part (sku, name, price) VALUES ($1, $2, $3) RETURNING *",
        data.sku,
        data.name,
        data.price,
    )
    return from_row(PartOut, row)


async def list_parts(q: str | None, limit: int, offset: int) -> Page[PartOut]:
    args: list[Any] = [f"%{q.lower()}%"] if q else []
    where = "(lower(sku) LIKE $1 OR lower(name) LIKE $1)" if q else "TRUE"
    return await page(PartOut, "SELECT * FROM part", where, args, "id", limit, offset)


# --- van stock ---------------------------------------------------------------------------------


async def _check_engineer(engineer_id: int) -> None:
    role = await db.fetchval("SELECT role FROM app_user WHERE id = $1", engineer_id)
    if role != Role.ENGINEER.value:
        raise NotFound("Engineer not found")


async def get_stock(engineer_id: int) -> StockOut:
    await _check_engineer(engineer_id)
    rows = await db.fetch(
        """SELECT p.id AS part_id, p.sku, p.name, s.qty FROM stock s JOIN part p ON p.id = s.part
           WHERE s.engineer = $1 AND s.qty > 0 ORDER BY p.sku""",
        engineer_id,
    )
    return StockOut(engineer_id=engineer_id, items=[from_row(StockItemOut, r) for r in rows])


async def set_stock(engineer_id: int, data: StockIn) -> StockOut:
    """Replaces the van's stock with exactly the items given (a stock count)."""
    part_ids = [item.part_id for item in data.items]
    if len(set(part_ids)) != len(part_ids):
        raise Invalid("items", "each part may appear once")
    await _check_engineer(engineer_id)
    async with db.transaction():
        known = {
            r["id"] for r in await db.fetch("SELECT id FROM part WHERE id = ANY($1)", part_ids)
        }
        for i, item in enumerate(data.items):
            if item.part_id not in known:
                raise Invalid(f"items[{i}].part_id", "unknown part")
        await db.execute("DELETE FROM stock WHERE engineer = $1", engineer_id)
        async with db.connection() as conn:
            await conn.executemany(
                "INSERT INTO stock (part, engineer, qty) VALUES ($1, $2, $3)",
                [(item.part_id, engineer_id, item.qty) for item in data.items if item.qty > 0],
            )
    return await get_stock(engineer_id)
