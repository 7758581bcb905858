"""Request and response shapes of the catalogue API: products, parts, van stock."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from backend.schemas import Id, Input, Name

Sku = Annotated[
    str, msgspec.Meta(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
]
Skill = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Qty = Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class ProductIn(Input):
    sku: Sku
    name: Name
    category: Annotated[str, msgspec.Meta(max_length=80)] | None = None
    required_skill: Skill | None = None
    warranty_months: Annotated[int, msgspec.Meta(ge=0, le=240)] = 12
    # A job on this model is completed only with the customer's signature.
    signature_required: bool = False


class ProductPatch(Input):
    """What an admin corrects; a changed warranty counts for devices installed from now on."""

    sku: Sku | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    category: Annotated[str, msgspec.Meta(max_length=80)] | UnsetType | None = UNSET
    required_skill: Skill | UnsetType | None = UNSET
    warranty_months: Annotated[int, msgspec.Meta(ge=0, le=240)] | UnsetType = UNSET
    signature_required: bool | UnsetType = UNSET


class ProductOut(msgspec.Struct):
    id: int
    sku: str
    name: str
    category: str | None
    required_skill: str | None
    warranty_months: int
    signature_required: bool


class PartIn(Input):
    sku: Sku
    name: Name
    price: Decimal | None = None  # range checked by the service (msgspec cannot bound Decimal)


class PartPatch(Input):
    sku: Sku | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    price: Decimal | UnsetType | None = UNSET  # range checked by the service


class PartOut(msgspec.Struct):
    id: int
    sku: str
    name: str
    price: Decimal | None


class StockItemIn(Input):
    part_id: Id
    qty: Qty


class StockIn(Input):
    items: Annotated[list[StockItemIn], msgspec.Meta(max_length=1000)]


class StockItemOut(msgspec.Struct):
    part_id: int
    sku: str
    name: str
    qty: int


class StockOut(msgspec.Struct):
    engineer_id: int
    items: list[StockItemOut]
