"""An import run: read, map, check every row, and either report (a dry run changes nothing) or
apply the valid rows in one transaction per batch; the run is kept for its error rows' .xlsx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import msgspec

from backend import db
from backend.access import Principal
from backend.clock import now_utc
from backend.errors import Invalid, NotFound
from backend.integrations.imports import reading
from backend.integrations.imports import rows as sql
from backend.integrations.imports.kinds import FIELDS, Kind, Problem, guess, mapping_for, parse_row
from backend.integrations.imports.plans import PLANS, Plan, Row
from backend.integrations.schemas import (
    ImportField,
    ImportOut,
    ImportPreview,
    ImportRunOut,
    RowProblem,
)
from backend.schemas import Page, from_row

BATCH = 1000  # rows per transaction when committing
SHOWN = 1000  # rows of each list in the answer (all of them are in the errors' .xlsx)


def corrections(raw: str | None) -> dict[str, str | None]:
    """The user's mapping: a JSON object {column header: field, or null to skip the column}."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise Invalid("mapping", "a JSON object {column: field or null}") from exc
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in value.items()
    ):
        raise Invalid("mapping", "a JSON object {column: field or null}")
    return value


def _batches(rows: list[Row]) -> Iterator[list[Row]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _within_file(plan: Plan, rows: list[Row]) -> None:
    """A later row sharing a key with an earlier one is an error naming the first."""
    seen: dict[tuple[str, Any], int] = {}
    for r in rows:
        for name, key in plan.keys(r):
            if (name, key) in seen:
                r.problem(name, f"duplicate of row {seen[(name, key)]} in this file")
                break
        else:
            for name, key in plan.keys(r):
                seen[(name, key)] = r.line


async def _apply(
    plan: Plan, batch: list[Row], update: bool, principal: Principal, commit: bool
) -> tuple[int, int, list[Problem]]:
    """Matches a batch against the database and, committing, writes it: (created, updated,
    skipped rows)."""
    await plan.matches(batch)
    skipped = [r.skip for r in batch if r.skip is not None]
    new = [r for r in batch if r.skip is None and r.match is None]
    matched = [r for r in batch if r.skip is None and r.match is not None]
    if not update:
        skipped += [
            {
                "row": r.line,
                "field": plan.keys(r)[0][0],
                "message": f"exists already (id {r.match})",
            }
            for r in matched
        ]
        matched = []
    if not commit:
        return len(new), len(matched), skipped
    now = now_utc()
    created = await sql.insert(
        plan.table, plan.insert_columns, [plan.record(r, now, principal.id) for r in new]
    )
    changes = [{**r.values, "id": r.match} for r in matched]
    updated = await sql.update(plan.table, plan.update_columns, changes)
    unchanged = len(matched) - updated
    skipped += [{"row": r.line, "field": "", "message": "no change"} for r in matched[:unchanged]]
    return created, updated, skipped


PREVIEW_ROWS = 5


def preview(raw: bytes, filename: str, kind: Kind) -> ImportPreview:
    """The file's columns and the guessed mapping, before any row is checked (nothing is kept)."""
    header, lines = reading.read(raw, filename)
    mapping = guess(kind, header)
    chosen = set(mapping.values())
    return ImportPreview(
        kind=kind.value,
        filename=filename,
        rows=len(lines),
        columns=header,
        mapping=mapping,
        fields=[ImportField(f.name, f.required) for f in FIELDS[kind]],
        missing=[f.name for f in FIELDS[kind] if f.required and f.name not in chosen],
        sample=[cells for _, cells in lines[:PREVIEW_ROWS]],
    )


async def run(
    principal: Principal,
    *,
    raw: bytes,
    filename: str,
    kind: Kind,
    mapping: dict[str, str | None],
    commit: bool,
    update: bool,
) -> ImportOut:
    header, lines = reading.read(raw, filename)
    chosen = mapping_for(kind, header, mapping)
    plan = PLANS[kind]
    rows = []
    for line, cells in lines:
        values, problems = parse_row(kind, chosen, header, line, cells)
        rows.append(Row(line, cells, values, problems))
    await plan.resolve(rows)
    _within_file(plan, [r for r in rows if not r.problems])
    valid = [r for r in rows if not r.problems]
    created = updated = 0
    skipped: list[Problem] = []
    for i, batch in enumerate(_batches(valid)):
        if commit and i and i % 5 == 0:
            # The table grew by thousands of rows since the planner last looked: without fresh
            # statistics it scans the table for each batch's duplicate lookup (seen: 10x slower).
            await db.execute(f"ANALYZE {plan.table}")
        # One transaction per batch: a batch's rows land together, a failure undoes only it.
        async with db.transaction():
            c, u, s = await _apply(plan, batch, update, principal, commit)
        created, updated, skipped = created + c, updated + u, skipped + s
    errors = [p for r in rows for p in r.problems]
    bad = [[r.line, *r.cells] for r in rows if r.problems]
    run_id = await db.fetchval(
        """INSERT INTO import_run (kind, filename, mode, on_duplicate, mapping, header, rows,
               valid, created, updated, skipped, errors, error_rows, created_by, created_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11, $12::jsonb,
                   $13::jsonb, $14, now()) RETURNING id""",
        kind.value,
        filename[:255],
        "commit" if commit else "dry_run",
        "update" if update else "skip",
        json.dumps(chosen),
        json.dumps(header),
        len(rows),
        len(valid),
        created,
        updated,
        len(skipped),
        json.dumps(errors),
        json.dumps(bad),
        principal.id,
    )
    no_position = [r.line for r in valid if "no_position" in r.flags]
    return ImportOut(
        id=run_id,
        kind=kind,
        mode="commit" if commit else "dry_run",
        filename=filename,
        rows=len(rows),
        valid=len(valid),
        created=created,
        updated=updated,
        skipped=len(skipped),
        columns=header,
        mapping=chosen,
        errors=[msgspec.convert(p, RowProblem) for p in errors[:SHOWN]],
        errors_total=len(errors),
        skipped_rows=[msgspec.convert(p, RowProblem) for p in skipped[:SHOWN]],
        no_position=no_position[:SHOWN],
        no_position_total=len(no_position),
        errors_url=f"/api/imports/{run_id}/errors.xlsx" if errors else None,
    )


async def error_rows(import_id: int) -> tuple[list[list[Any]], list[str], str]:
    """The rows in error as they were uploaded (line, cells), with an "error" column saying what
    to fix; the header and a file name."""
    run_row = await db.fetchrow(
        "SELECT kind, filename, header, errors, error_rows FROM import_run WHERE id = $1",
        import_id,
    )
    if run_row is None:
        raise NotFound("Import not found")
    messages: dict[int, list[str]] = {}
    for p in json.loads(run_row["errors"]):
        messages.setdefault(p["row"], []).append(f"{p['field']}: {p['message']}")
    header = ["row", *json.loads(run_row["header"]), "error"]
    rows = [
        [*cells, "; ".join(messages.get(cells[0], []))]
        for cells in json.loads(run_row["error_rows"])
    ]
    stem = run_row["filename"].rsplit(".", 1)[0] or run_row["kind"]
    return rows, header, f"{stem}-errors.xlsx"


RUN_SELECT = """
SELECT r.id, r.kind, r.mode, r.filename, r.on_duplicate, r.rows, r.valid, r.created, r.updated,
       r.skipped, jsonb_array_length(r.errors) AS errors_total, r.created_by,
       u.name AS created_by_name, r.created_at
FROM import_run r LEFT JOIN app_user u ON u.id = r.created_by"""


async def list_runs(
    kind: Kind | None, mode: str | None, limit: int, offset: int, q: str | None = None
) -> Page[ImportRunOut]:
    """Past runs, newest first: dry runs and commits, with their counts; q finds a file name."""
    where, args = "TRUE", []
    if q:
        args.append(q.strip().lower())
        where += f" AND strpos(lower(r.filename), ${len(args)}) > 0"
    if kind is not None:
        args.append(kind.value)
        where += f" AND r.kind = ${len(args)}"
    if mode is not None:
        args.append(mode)
        where += f" AND r.mode = ${len(args)}"
    rows, total = await db.fetch_page(RUN_SELECT, where, args, "r.id DESC", limit, offset)
    items = [
        from_row(
            ImportRunOut,
            r,
            errors_url=f"/api/imports/{r['id']}/errors.xlsx" if r["errors_total"] else None,
        )
        for r in rows
    ]
    return Page(items, total, limit, offset)
