"""The service report of a work order: what was done, when, with what, proven by photos and the
customer's signature. The same report for staff and for the customer behind the QR code."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from backend import db
from backend.errors import NotFound
from backend.workorders import proof
from backend.workorders.queries import _parts, events
from backend.workorders.schemas import EventOut, LabourOut, PartUsedOut

REPORT_SELECT = """
SELECT w.*, d.serial, d.qr_token, p.name AS product_name, p.sku AS product_sku,
       a.name AS account_name, a.address, u.name AS engineer_name, c.kind AS contract_kind
FROM work_order w JOIN device d ON d.id = w.device JOIN product p ON p.id = w.product
JOIN account a ON a.id = w.account LEFT JOIN app_user u ON u.id = w.engineer
LEFT JOIN service_contract c ON c.id = w.contract
WHERE w.id = $1"""


@dataclass
class Photo:
    stage: str
    src: str  # a data URL: the report prints and saves whole, with nothing to fetch


@dataclass
class Report:
    job: Any  # the work order's row with its device, account and engineer
    events: list[EventOut]
    parts: list[PartUsedOut]
    labour: LabourOut
    photos: list[Photo]
    signature_src: str | None


def _data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


async def report(work_order_id: int) -> Report:
    row = await db.fetchrow(REPORT_SELECT, work_order_id)
    if row is None:
        raise NotFound("Work order not found")
    photo_rows = await db.fetch(
        "SELECT stage, content_type, data FROM work_order_photo WHERE work_order = $1 "
        "ORDER BY stage DESC, id",  # before, then after
        work_order_id,
    )
    signature = row["signature"]
    return Report(
        job=row,
        events=await events(work_order_id),
        parts=(await _parts([work_order_id])).get(work_order_id, []),
        labour=await proof.labour(row),
        photos=[
            Photo(r["stage"], _data_url(r["content_type"], bytes(r["data"]))) for r in photo_rows
        ],
        signature_src=_data_url("image/png", bytes(signature)) if signature is not None else None,
    )
