"""The account import (POST /api/imports' service) on 50,000 rows, against COPY of the same rows.

    .venv/bin/python -m bench.import_rows [--rows 50000]

A scratch database fieldline_bench_import. One CSV of N accounts (Chinese headers, names, phones,
addresses, grades, an owner by e-mail, a tenth without coordinates), made in memory. Timed in the
same run: (1) a dry run, (2) a commit into an empty account table (imports.service.run: read,
map, check every row, dedupe within the file and against the database, write a batch of 1000 per
transaction), (3) the baseline: COPY of the same rows, already parsed and keyed, into the same
empty table (the data truncated between). Prints rows/s of each and the ratio import / COPY.
The HTTP upload itself (multipart of a ~5 MB file) is not in the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from backend import db
from backend.access import Principal, Role
from backend.customers.dedupe import normalise_name, normalise_phone
from backend.integrations.imports import service
from backend.integrations.imports.kinds import Kind
from bench._scratch import copy_rows, scratch_database

GOAL_SECONDS = 60.0  # issue #12: 50,000 rows "well under a minute"


def make_csv(n: int) -> tuple[bytes, list[tuple[object, ...]]]:
    lines = ["客户名称,电话,地址,等级,负责人,纬度,经度"]
    records = []
    for i in range(n):
        name = f"上海测试客户{i:06d}有限公司"
        phone = f"139{i:08d}"
        lat, lng = (None, None) if i % 10 == 0 else (31.0 + i % 1000 / 10000, 121.4)
        grade = "ABC"[i % 3]
        lines.append(
            f"{name},{phone},上海市黄浦区{i}号,{grade},rep@bench.test,"
            f"{'' if lat is None else lat},{'' if lng is None else lng}"
        )
        records.append(
            (
                name,
                normalise_name(name),
                phone,
                normalise_phone(phone),
                grade,
                f"上海市黄浦区{i}号",
                lat,
                lng,
                2,
                "import",
            )
        )
    return ("\n".join(lines) + "\n").encode(), records


async def empty() -> None:
    await db.execute("TRUNCATE account RESTART IDENTITY CASCADE")


async def main(n: int) -> None:
    async with scratch_database("import"):
        await db.execute(
            "INSERT INTO app_user (name, email, role, password_hash) VALUES "
            "('Admin', 'admin@bench.test', 'admin', 'x'), ('Rep', 'rep@bench.test', 'rep', 'x')"
        )
        admin = Principal(1, "Admin", Role.ADMIN, "bench", "bench", False)
        raw, records = make_csv(n)

        async def run(commit: bool) -> tuple[float, object]:
            started = time.perf_counter()
            result = await service.run(
                admin,
                raw=raw,
                filename="accounts.csv",
                kind=Kind.ACCOUNTS,
                mapping={},
                commit=commit,
                update=False,
            )
            return time.perf_counter() - started, result

        dry, _ = await run(False)
        commit, result = await run(True)
        assert result.created == n, result  # type: ignore[attr-defined]
        again, again_result = await run(True)
        assert again_result.created == 0  # type: ignore[attr-defined]
        await empty()
        columns = (
            "name",
            "name_key",
            "phone",
            "phone_key",
            "grade",
            "address",
            "lat",
            "lng",
            "owner",
            "source",
        )
        started = time.perf_counter()
        await copy_rows("account", columns, records)
        copy = time.perf_counter() - started
        print(f"rows: {n:,} accounts ({len(raw) / 1e6:.1f} MB CSV)")
        print(f"dry run:      {dry:6.2f} s  {n / dry:9,.0f} rows/s")
        print(
            f"commit:       {commit:6.2f} s  {n / commit:9,.0f} rows/s  "
            f"(goal < {GOAL_SECONDS:.0f} s: {'met' if commit < GOAL_SECONDS else 'not met'})"
        )
        print(f"re-commit:    {again:6.2f} s  (created nothing: every row skipped)")
        print(f"COPY:         {copy:6.2f} s  {n / copy:9,.0f} rows/s")
        print(f"ratio commit / COPY (rows/s): {copy / commit:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    asyncio.run(main(parser.parse_args().rows))
