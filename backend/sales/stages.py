"""The pipeline's stages as data: the seeded defaults (Chinese and English names), reading them
in order, and the admin's edit of the whole list."""

from __future__ import annotations

from backend import db
from backend.errors import Invalid
from backend.sales.schemas import StageIn, StageOut
from backend.sales.tables import StageKind
from backend.schemas import from_row

# (English, 简体中文, probability, kind): the product's defaults, written when none exist.
DEFAULT_STAGES = (
    ("Initial contact", "初步接洽", 10, StageKind.OPEN),
    ("Needs confirmed", "需求确认", 30, StageKind.OPEN),
    ("Proposal and quote", "方案报价", 50, StageKind.OPEN),
    ("Negotiation", "商务谈判", 70, StageKind.OPEN),
    ("Won", "赢单", 100, StageKind.WON),
    ("Lost", "输单", 0, StageKind.LOST),
)
STAGE_SELECT = "SELECT id, position, name, name_zh, probability, kind FROM stage"


async def ensure_defaults() -> None:
    """The default stages, the first time anything asks for stages."""
    if await db.fetchval("SELECT EXISTS (SELECT 1 FROM stage)"):
        return
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock(hashtext('fieldline.stages'))")
        if await db.fetchval("SELECT EXISTS (SELECT 1 FROM stage)"):
            return
        await db.execute(
            """INSERT INTO stage (position, name, name_zh, probability, kind)
               SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[])""",
            list(range(1, len(DEFAULT_STAGES) + 1)),
            [s[0] for s in DEFAULT_STAGES],
            [s[1] for s in DEFAULT_STAGES],
            [s[2] for s in DEFAULT_STAGES],
            [s[3].value for s in DEFAULT_STAGES],
        )


async def list_stages() -> list[StageOut]:
    await ensure_defaults()
    rows = await db.fetch(f"{STAGE_SELECT} WHERE NOT retired ORDER BY position, id")
    return [from_row(StageOut, r) for r in rows]


async def stage(stage_id: int, field: str = "stage_id") -> StageOut:
    """A stage in use (not retired), or a 400 naming the field."""
    row = await db.fetchrow(f"{STAGE_SELECT} WHERE id = $1 AND NOT retired", stage_id)
    if row is None:
        raise Invalid(field, "no such stage")
    return from_row(StageOut, row)


async def first_open() -> StageOut:
    await ensure_defaults()
    row = await db.fetchrow(
        f"{STAGE_SELECT} WHERE NOT retired AND kind = 'open' ORDER BY position, id LIMIT 1"
    )
    if row is None:  # PUT /api/stages keeps at least one open stage
        raise Invalid("stage_id", "no open stage is set up")
    return from_row(StageOut, row)


def _check(items: list[StageIn]) -> None:
    for i, item in enumerate(items):
        if item.kind == StageKind.WON and item.probability != 100:
            raise Invalid(f"[{i}].probability", "a won stage is 100")
        if item.kind == StageKind.LOST and item.probability != 0:
            raise Invalid(f"[{i}].probability", "a lost stage is 0")
        if not item.name.strip():
            raise Invalid(f"[{i}].name", "must not be blank")
    for kind in StageKind:
        if not any(item.kind == kind for item in items):
            raise Invalid("body", f"the stages need at least one of kind {kind.value}")
    ids = [item.id for item in items if item.id is not None]
    if len(ids) != len(set(ids)):
        raise Invalid("body", "a stage id appears twice")


async def replace_stages(items: list[StageIn]) -> list[StageOut]:
    """The whole list, in order: stages named by id are changed, the others added; a stage left
    out is retired (history keeps its name), never deleted."""
    _check(items)
    await ensure_defaults()
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock(hashtext('fieldline.stages'))")
        known = {r["id"] for r in await db.fetch("SELECT id FROM stage")}
        kept: list[int] = []
        for position, item in enumerate(items, start=1):
            if item.id is not None and item.id not in known:
                raise Invalid(f"[{position - 1}].id", "no such stage")
            stage_id = await db.fetchval(
                """INSERT INTO stage (id, position, name, name_zh, probability, kind, retired)
                   VALUES (COALESCE($1, nextval('stage_id_seq')), $2, $3, $4, $5, $6, false)
                   ON CONFLICT (id) DO UPDATE SET position = $2, name = $3, name_zh = $4,
                       probability = $5, kind = $6, retired = false
                   RETURNING id""",
                item.id,
                position,
                item.name.strip(),
                item.name_zh.strip(),
                item.probability,
                item.kind.value,
            )
            kept.append(stage_id)
        await db.execute("UPDATE stage SET retired = true WHERE NOT (id = ANY($1::int[]))", kept)
    return await list_stages()
