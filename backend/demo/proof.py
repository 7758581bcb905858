"""The demo's proof of work and contract terms on past jobs: a job filed while a service contract
covered its device runs on that contract (its response and resolution hours, for the SLA
attainment by contract), and the latest completed jobs carry before/after photos and the
customer's signature, so their service reports (and the customer's, behind the QR code) show
what a real one does. Pictures are drawn here from a seeded Random: nothing is downloaded."""

from __future__ import annotations

import io
import random

import asyncpg
from PIL import Image, ImageDraw

PROVEN_JOBS = 40  # the latest completed jobs given photos and a signature

# The contract in force on the job's device on the day it was filed (the newest, if several).
LINK_CONTRACTS = """
UPDATE work_order w
SET contract = c.id,
    respond_by = COALESCE(w.created_at + make_interval(hours => c.respond_hours), w.respond_by),
    resolve_by = COALESCE(w.created_at + make_interval(hours => c.resolve_hours), w.resolve_by)
FROM (
    SELECT DISTINCT ON (w2.id) w2.id AS job, sc.id, sc.respond_hours, sc.resolve_hours
    FROM work_order w2
    JOIN service_contract_device cd ON cd.device = w2.device
    JOIN service_contract sc ON sc.id = cd.contract
    WHERE w2.contract IS NULL AND w2.source <> 'plan'
      AND (w2.created_at AT TIME ZONE $1)::date BETWEEN sc.starts_on AND sc.ends_on
    ORDER BY w2.id, sc.starts_on DESC, sc.id DESC
) c
WHERE w.id = c.job"""

LATEST_DONE = """
SELECT w.id, w.engineer, w.completed_at, w.arrived_at, w.reporter_name,
       (SELECT ct.name FROM contact ct WHERE ct.account = w.account
        ORDER BY ct.decision_maker DESC, ct.id LIMIT 1) AS contact
FROM work_order w
WHERE w.status IN ('completed', 'rated') AND w.arrived_at IS NOT NULL
ORDER BY w.completed_at DESC, w.id DESC LIMIT $1"""


def _photo(rng: random.Random, stage: str) -> bytes:
    """A 640 × 480 JPEG of a unit: a cabinet with panels, grimy before and clean after."""
    dirty = stage == "before"
    wall = (150, 140, 120) if dirty else (205, 212, 220)
    image = Image.new("RGB", (640, 480), wall)
    draw = ImageDraw.Draw(image)
    body = (105, 110, 105) if dirty else (225, 230, 235)
    x, y = rng.randint(120, 200), rng.randint(60, 100)
    draw.rectangle((x, y, x + 300, y + 340), fill=body, outline=(40, 40, 40), width=4)
    for row in range(6):
        line_y = y + 40 + row * 45
        draw.line((x + 20, line_y, x + 280, line_y), fill=(60, 60, 60), width=3)
    if dirty:
        for _ in range(60):
            cx, cy = rng.randint(x, x + 300), rng.randint(y, y + 340)
            r = rng.randint(3, 14)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(80, 70, 55))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _signature(rng: random.Random) -> bytes:
    """A hand's scribble, black on white, like signature_pad's PNG."""
    image = Image.new("RGB", (600, 200), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    x, y = 40.0, 110.0
    points = [(x, y)]
    while x < 540:
        x += rng.uniform(8, 22)
        y = min(170.0, max(30.0, y + rng.uniform(-35, 35)))
        points.append((x, y))
    draw.line(points, fill=(11, 35, 64), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


async def load_proof(conn: asyncpg.Connection, seed: int, timezone: str) -> dict[str, int]:
    """Contracts on past jobs, photos and signatures on the latest completed ones."""
    linked = await conn.execute(LINK_CONTRACTS, timezone)
    rng = random.Random(f"proof-{seed}")
    jobs = await conn.fetch(LATEST_DONE, PROVEN_JOBS)
    photos = []
    for job in jobs:
        for stage, at in (("before", job["arrived_at"]), ("after", job["completed_at"])):
            photos.append((job["id"], stage, "image/jpeg", 640, 480, _photo(rng, stage),
                           job["engineer"], at))  # fmt: skip
        await conn.execute(
            "UPDATE work_order SET signer_name = $2, signature = $3, signed_at = $4 WHERE id = $1",
            job["id"],
            job["contact"] or job["reporter_name"] or "—",
            _signature(rng),
            job["completed_at"],
        )
    await conn.executemany(
        """INSERT INTO work_order_photo (work_order, stage, content_type, width, height, data,
               taken_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        photos,
    )
    return {"jobs_under_contract": int(linked.split()[-1]), "signed_jobs": len(jobs)}
