"""Proof of work: photos (type read from the bytes, metadata stripped, kept in PostgreSQL), the
customer's signature, and labour (travel and work minutes, pauses with a reason)."""

from __future__ import annotations

import base64
import binascii
import io
import warnings
from datetime import datetime
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from backend import db
from backend.access import JobActor, Principal, check_job_action
from backend.clock import now_utc
from backend.errors import Conflict, DomainError, Invalid, NotFound
from backend.workorders.events import Event, record_event
from backend.workorders.schemas import LabourOut, PauseOut, PhotoOut
from backend.workorders.tables import TAKEN, ActorKind, Status

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a larger picture is a decompression bomb, not a phone's photo
MAX_PHOTOS = 30  # per job
MAX_SIGNATURE_BYTES = 512 * 1024
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Photos may still arrive from the outbox once the job is done (taken offline, sent later).
PHOTO_STATUSES = TAKEN | {Status.COMPLETED}


class TooLarge(DomainError):
    status_code = 413


class Unsupported(DomainError):
    status_code = 415


def _open(data: bytes, field: str) -> Image.Image:
    """The picture in data, whatever its name or declared type says; a bomb or junk → 4xx."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise Invalid(field, f"more than {MAX_PIXELS // 1_000_000} megapixels")
            image.load()
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
        ) as exc:
            raise Unsupported(
                "Not a JPEG, PNG or WebP image",
                errors=[{"field": field, "message": "not a JPEG, PNG or WebP image"}],
            ) from exc
    return image


def clean_image(data: bytes, field: str = "file") -> tuple[bytes, str, int, int]:
    """The picture saved again in its own format, without EXIF (location, camera), text chunks
    or XMP; turned upright first, as its EXIF said. Returns (bytes, content type, width, height)."""
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge(
            "The photo is larger than 5 MB",
            errors=[{"field": field, "message": "larger than 5 MB"}],
        )
    image = _open(data, field)
    kind = image.format or ""
    if kind not in FORMATS:
        raise Unsupported(
            f"{kind or 'This'} is not a JPEG, PNG or WebP image",
            errors=[{"field": field, "message": "not a JPEG, PNG or WebP image"}],
        )
    upright = ImageOps.exif_transpose(image) or image
    out = io.BytesIO()
    if kind == "JPEG":
        upright.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif kind == "PNG":
        upright.save(out, "PNG", optimize=True)
    else:
        upright.save(out, "WEBP", quality=88)
    return out.getvalue(), FORMATS[kind], upright.width, upright.height


async def add_photo(principal: Principal, work_order_id: int, data: bytes, stage: str) -> PhotoOut:
    """The assigned engineer's photo of the job, stripped of its metadata."""
    async with db.transaction():
        row = await db.fetchrow(
            "SELECT id, status, engineer FROM work_order WHERE id = $1 FOR UPDATE", work_order_id
        )
        if row is None:
            raise NotFound("Work order not found")
        check_job_action(principal, row["engineer"], JobActor.ENGINEER)
        if row["status"] not in PHOTO_STATUSES:
            raise Conflict(
                f"Cannot add a photo to a work order that is {row['status']}", status=row["status"]
            )
        count = await db.fetchval(
            "SELECT count(*) FROM work_order_photo WHERE work_order = $1", work_order_id
        )
        if count >= MAX_PHOTOS:
            raise Conflict(f"A job keeps at most {MAX_PHOTOS} photos", limit=MAX_PHOTOS)
        clean, content_type, width, height = clean_image(data)
        photo = await db.fetchrow(
            """INSERT INTO work_order_photo (work_order, stage, content_type, width, height, data,
                   taken_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at""",
            work_order_id,
            stage,
            content_type,
            width,
            height,
            clean,
            principal.id,
            now_utc(),
        )
    assert photo is not None
    return PhotoOut(
        id=photo["id"],
        stage=stage,
        content_type=content_type,
        width=width,
        height=height,
        bytes=len(clean),
        created_at=photo["created_at"],
    )


async def photo_bytes(work_order_id: int, photo_id: int) -> tuple[bytes, str]:
    row = await db.fetchrow(
        "SELECT data, content_type FROM work_order_photo WHERE id = $1 AND work_order = $2",
        photo_id,
        work_order_id,
    )
    if row is None:
        raise NotFound("Photo not found")
    return bytes(row["data"]), row["content_type"]


# The detail's columns of proof (backend/workorders/queries.py: one statement for the detail).
DETAIL_COLUMNS = """
  (p.signature_required OR COALESCE((SELECT c.signature_required FROM service_contract c
                                      WHERE c.id = w.contract), false)) AS signature_asked,
  (SELECT coalesce(json_agg(json_build_object('id', ph.id, 'stage', ph.stage,
        'content_type', ph.content_type, 'width', ph.width, 'height', ph.height,
        'bytes', octet_length(ph.data), 'created_at', ph.created_at) ORDER BY ph.id), '[]')
     FROM work_order_photo ph WHERE ph.work_order = w.id) AS photos_json,
  (SELECT coalesce(json_agg(json_build_object('started_at', wp.started_at,
        'ended_at', wp.ended_at, 'reason', wp.reason) ORDER BY wp.started_at), '[]')
     FROM work_order_pause wp WHERE wp.work_order = w.id) AS pauses_json,
  (SELECT min(se.at) FROM work_order_event se WHERE se.work_order = w.id
      AND se.kind = 'en_route') AS set_off_at"""


# --- the signature ------------------------------------------------------------------------------

PNG_DATA_URL = "data:image/png;base64,"


def signature_png(image: str) -> bytes:
    """The signature's PNG from its data URL, checked and saved again (nothing but pixels)."""
    field = "signature.image"
    if not image.startswith(PNG_DATA_URL):
        raise Invalid(field, "a PNG data URL (data:image/png;base64,…)")
    try:
        raw = base64.b64decode(image[len(PNG_DATA_URL) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(field, "not valid base64") from exc
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise Invalid(field, "larger than 512 KB")
    try:
        picture = _open(raw, field)
    except Unsupported as exc:
        raise Invalid(field, "not a PNG image") from exc
    if picture.format != "PNG":
        raise Invalid(field, "not a PNG image")
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


async def signature_required(work_order_id: int) -> bool:
    """The job's contract or its product asks for the customer's signature on completion."""
    return bool(
        await db.fetchval(
            """SELECT COALESCE(c.signature_required, false) OR p.signature_required
               FROM work_order w JOIN product p ON p.id = w.product
               LEFT JOIN service_contract c ON c.id = w.contract WHERE w.id = $1""",
            work_order_id,
        )
    )


# --- labour: travel and work minutes, pauses ----------------------------------------------------


async def pause(principal: Principal, work_order_id: int, reason: str | None) -> None:
    """Work on site stops for a while (resume ends it); `reason` is None to resume."""
    now = now_utc()
    async with db.transaction():
        row = await db.fetchrow(
            "SELECT status, engineer FROM work_order WHERE id = $1 FOR UPDATE", work_order_id
        )
        if row is None:
            raise NotFound("Work order not found")
        check_job_action(principal, row["engineer"], JobActor.ENGINEER)
        if row["status"] != Status.ON_SITE:
            step = "pause" if reason is not None else "resume"
            raise Conflict(
                f"Cannot {step} a work order that is {row['status']}", status=row["status"]
            )
        if reason is not None:
            async with db.unique_or(Conflict("The work is paused already")):
                await db.execute(
                    """INSERT INTO work_order_pause (work_order, started_at, reason)
                       VALUES ($1, $2, $3)""",
                    work_order_id,
                    now,
                    reason,
                )
        elif await end_pause(work_order_id, now) is None:
            raise Conflict("The work is not paused")
        await record_event(
            Event(
                work_order_id,
                now,
                "paused" if reason is not None else "resumed",
                Status.ON_SITE,
                Status.ON_SITE,
                ActorKind.STAFF,
                actor_id=principal.id,
                engineer_id=principal.id,
                note=reason,
            )
        )


async def end_pause(work_order_id: int, now: datetime) -> int | None:
    """Closes the open pause, if any (completion does it too)."""
    return await db.fetchval(
        """UPDATE work_order_pause SET ended_at = $2 WHERE work_order = $1 AND ended_at IS NULL
           RETURNING id""",
        work_order_id,
        now,
    )


def _minutes(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(round((end - start).total_seconds() / 60), 0)


def labour_of(
    row: Any, set_off: datetime | None, pauses: list[PauseOut], now: datetime
) -> LabourOut:
    """Travel: set off → arrived. Work: arrived → completed (or now), less the pauses."""
    end = row["completed_at"] or (now if row["arrived_at"] is not None else None)
    work = None
    if row["arrived_at"] is not None and end is not None:
        paused = sum(((p.ended_at or end) - p.started_at).total_seconds() for p in pauses)
        work = max(round(((end - row["arrived_at"]).total_seconds() - paused) / 60), 0)
    return LabourOut(
        travel_minutes=_minutes(set_off, row["arrived_at"]),
        work_minutes=work,
        paused=any(p.ended_at is None for p in pauses),
        pauses=pauses,
    )


async def labour(row: Any) -> LabourOut:
    """The job's labour, read on its own (the report; the detail reads it in its statement)."""
    set_off = await db.fetchval(
        "SELECT min(at) FROM work_order_event WHERE work_order = $1 AND kind = 'en_route'",
        row["id"],
    )
    pauses = await db.fetch(
        "SELECT started_at, ended_at, reason FROM work_order_pause WHERE work_order = $1 "
        "ORDER BY started_at",
        row["id"],
    )
    return labour_of(
        row,
        set_off,
        [
            PauseOut(started_at=p["started_at"], ended_at=p["ended_at"], reason=p["reason"])
            for p in pauses
        ],
        now_utc(),
    )
