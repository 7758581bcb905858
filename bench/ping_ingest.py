"""Location pings over HTTP against COPY: how close the API's ingest comes to a bulk load.

    .venv/bin/python -m bench.ping_ingest [--pings 100000 --clients 4 --rounds 5]

A real app server (uvicorn in a subprocess, started as the browser tests start it) on a scratch
database fieldline_bench_pings. `--clients` engineers, each signed in with a bearer token and on a
keep-alive connection of its own, send `POST /api/me/locations` with batches of 100 fixes at the
same time until `--pings` fixes are in. The baseline, in the same run and into the same table:
one asyncpg `copy_records_to_table` of as many rows of the same kind (the same engineers, newer
fixes) on one connection. A third figure sends every batch with an Idempotency-Key, as the PWA's
outbox does. The table starts with a history (HISTORY fixes of 200 other people, analysed), as a
table in use would; each measurement adds its rows, and every fix is newer than those before it
(so every batch moves the engineer's last position, as live tracking does). A warm-up round of
HTTP comes first and is not counted; the order of HTTP and COPY alternates between rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from backend import db
from backend.access import Role
from backend.staff import service as staff
from backend.staff.schemas import UserIn
from bench._scratch import app_server, scratch_database
from bench._timing import median
from bench._world import SHANGHAI, offset

GOAL = 0.40  # HTTP rows/s over COPY rows/s (issue #4)
BATCH = 100
PASSWORD = "bench-password-1"
# Between one engineer's fixes: every batch is newer than the one before.
STEP = timedelta(milliseconds=50)
COLUMNS = ("user", "at", "lat", "lng", "accuracy")
HISTORY = 2_000_000
Row = tuple[int, datetime, float, float, float]


@dataclass
class Engineer:
    id: int
    token: str


class Connection:
    """One keep-alive HTTP/1.1 connection sending prepared requests: a light load generator, so
    that the client's own CPU (it shares the machine with the server) stays small."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, base_url: str) -> Connection:
        parts = urlsplit(base_url)
        return cls(*await asyncio.open_connection(parts.hostname, parts.port))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


def request(host: str, token: str, body: bytes, key: str | None) -> bytes:
    head = [
        "POST /api/me/locations HTTP/1.1",
        f"Host: {host}",
        f"Authorization: Bearer {token}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    if key is not None:
        head.append(f"Idempotency-Key: {key}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def batch_body(rows: list[Row]) -> bytes:
    pings = [
        {"at": at.isoformat(), "lat": lat, "lng": lng, "accuracy": accuracy}
        for _, at, lat, lng, accuracy in rows
    ]
    return json.dumps({"pings": pings}, separators=(",", ":")).encode()


def walk(rng: random.Random, engineer: int, first: datetime, n: int) -> list[Row]:
    """n fixes of one engineer moving about the city, STEP apart from `first`; 2% too vague."""
    here = offset(SHANGHAI, 20 * rng.random(), rng.uniform(0, 6.3))
    rows: list[Row] = []
    for k in range(n):
        here = offset(here, 0.02 * rng.random(), rng.uniform(0, 6.3))
        accuracy = rng.uniform(150, 900) if rng.random() < 0.02 else rng.uniform(3, 60)
        rows.append((engineer, first + k * STEP, here[0], here[1], round(accuracy, 1)))
    return rows


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far, from /proc/<pid>/stat (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def backend_pids() -> list[int]:
    """The PostgreSQL processes serving this database (the server's pool, the bench's)."""
    rows = await db.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid IS NOT NULL"
    )
    return [row["pid"] for row in rows]


def postgres_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds so far of each of these PostgreSQL processes still running (same machine)."""
    found = {}
    for pid in pids:
        try:
            found[pid] = cpu_seconds(pid)
        except (OSError, IndexError):
            continue  # ended, or on another machine
    return found


async def engineers(count: int) -> list[Engineer]:
    """Field users signed in the way the app signs them in (a bearer token of a session)."""
    found = []
    for i in range(count):
        email = f"pinger{i}@bench.fieldline.test"
        user = await staff.create_user(
            UserIn(name=f"Pinger {i}", email=email, password=PASSWORD, role=Role.ENGINEER)
        )
        session = await staff.login(email, PASSWORD, "127.0.0.1")
        found.append(Engineer(user.id, session.token))
    return found


@dataclass
class Run:
    """One measurement: wall seconds and the CPU seconds each party used meanwhile."""

    rows: int
    seconds: float
    server_cpu: float = 0.0
    postgres_cpu: float = 0.0
    bench_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    def cpu(self) -> str:
        """CPU use as a share of one core over the run's wall time."""
        parts = [("server", self.server_cpu), ("PostgreSQL", self.postgres_cpu)]
        parts.append(("bench", self.bench_cpu))
        return ", ".join(f"{name} {cpu / self.seconds:4.0%}" for name, cpu in parts if cpu)


class Meter:
    """CPU seconds used from start to stop by the server process, by the PostgreSQL processes of
    the scratch database (a connection opened meanwhile counts from its start) and by the bench."""

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid

    async def __aenter__(self) -> Meter:
        self._postgres = postgres_cpu(await backend_pids())
        self._server = cpu_seconds(self.server_pid) if self.server_pid else 0.0
        self._bench = time.process_time()
        self._wall = time.perf_counter()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.bench = time.process_time() - self._bench
        self.server = cpu_seconds(self.server_pid) - self._server if self.server_pid else 0.0
        now = postgres_cpu(await backend_pids())
        self.postgres = sum(cpu - self._postgres.get(pid, 0.0) for pid, cpu in now.items())


async def over_http(
    base_url: str,
    server_pid: int,
    per_engineer: dict[int, list[Row]],
    tokens: dict[int, str],
    keys: bool,
) -> Run:
    """Every engineer's fixes in batches, all engineers at once; every answer must be
    202 {"accepted": 100}."""
    host = urlsplit(base_url).netloc
    plans = {
        user: [
            request(
                host,
                tokens[user],
                batch_body(rows[i : i + BATCH]),
                str(uuid.uuid4()) if keys else None,
            )
            for i in range(0, len(rows), BATCH)
        ]
        for user, rows in per_engineer.items()
    }
    connections = {user: await Connection.open(base_url) for user in plans}

    async def client(user: int) -> None:
        for prepared in plans[user]:
            status, body = await connections[user].send(prepared)
            if status != 202 or body != b'{"accepted":%d}' % BATCH:
                raise RuntimeError(f"{status} {body[:300]!r}")

    async with Meter(server_pid) as meter:
        await asyncio.gather(*(client(user) for user in plans))
    for connection in connections.values():
        await connection.close()
    rows = sum(len(rows) for rows in per_engineer.values())
    return Run(rows, meter.wall, meter.server, meter.postgres, meter.bench)


async def by_copy(rows: list[Row]) -> Run:
    async with db.connection() as conn:
        async with Meter(None) as meter:
            await conn.copy_records_to_table("location_ping", records=rows, columns=list(COLUMNS))
    return Run(len(rows), meter.wall, postgres_cpu=meter.postgres, bench_cpu=meter.bench)


async def seed_history() -> None:
    """HISTORY older fixes of 200 other people over the last 60 days, then ANALYZE."""
    people = 200
    await db.execute(
        """INSERT INTO app_user (name, email, role, password_hash)
           SELECT 'Past ' || n, 'past' || n || '@bench.fieldline.test', 'rep', 'x'
           FROM generate_series(1, $1) n""",
        people,
    )
    await db.execute(
        """INSERT INTO location_ping ("user", at, lat, lng, accuracy)
           SELECT u.id, now() - interval '60 days' + n * interval '60 days' / $1,
                  31.23 + random() / 3, 121.47 + random() / 3, 3 + random() * 60
           FROM app_user u CROSS JOIN generate_series(1, $1) n""",
        HISTORY // people,
    )
    await db.execute("VACUUM ANALYZE location_ping")


class Table:
    """Counts location_ping, and checks that each measurement stored every row it sent."""

    def __init__(self, rows: int) -> None:
        self.rows = rows

    async def check(self, added: int) -> None:
        found = int(await db.fetchval("SELECT count(*) FROM location_ping"))
        if found != self.rows + added:
            raise RuntimeError(f"{found - self.rows:,} rows stored of {added:,}")
        self.rows = found


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pings", type=int, default=100_000, help="fixes per measurement")
    parser.add_argument("--clients", type=int, default=4, help="engineers sending at once")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    per_client = args.pings // args.clients // BATCH * BATCH
    pings = per_client * args.clients
    print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min)")
    rng = random.Random(20261123)
    async with scratch_database("pings") as url:
        await seed_history()
        team = await engineers(args.clients)
        tokens = {e.id: e.token for e in team}
        measurements = 1 + 3 * args.rounds
        first = datetime.now(UTC) - STEP * per_client * measurements - timedelta(minutes=30)
        made = 0

        def fresh_fixes() -> dict[int, list[Row]]:
            nonlocal made
            start = first + STEP * per_client * made
            made += 1
            return {e.id: walk(rng, e.id, start, per_client) for e in team}

        table = Table(int(await db.fetchval("SELECT count(*) FROM location_ping")))
        print(f"location_ping holds {table.rows:,} older fixes")

        async def http_run(keys: bool) -> Run:
            run = await over_http(base_url, server.pid, fresh_fixes(), tokens, keys)
            await table.check(run.rows)
            return run

        async def copy_run() -> Run:
            run = await by_copy([row for rows in fresh_fixes().values() for row in rows])
            await table.check(run.rows)
            return run

        with tempfile.TemporaryDirectory() as logs:
            with app_server(url, Path(logs) / "uvicorn.log") as (base_url, server):
                print(
                    f"{args.clients} engineers × {per_client:,} fixes = {pings:,} rows per "
                    f"measurement, batches of {BATCH}; server {base_url} (pid {server.pid})"
                )
                warm = await http_run(keys=False)
                print(f"warm-up over HTTP: {warm.rate:,.0f} rows/s (not counted)")
                http, keyed, copy = [], [], []
                for r in range(args.rounds):
                    if r % 2 == 0:
                        http.append(await http_run(keys=False))
                        copy.append(await copy_run())
                    else:
                        copy.append(await copy_run())
                        http.append(await http_run(keys=False))
                    keyed.append(await http_run(keys=True))
                    h, c, k = http[-1], copy[-1], keyed[-1]
                    print(
                        f"round {r + 1}: HTTP {h.rate:8,.0f} rows/s in {h.seconds:.2f} s "
                        f"(CPU: {h.cpu()}) | COPY {c.rate:8,.0f} rows/s in {c.seconds:.2f} s "
                        f"(CPU: {c.cpu()}) | ratio {h.rate / c.rate:.3f} | "
                        f"HTTP with Idempotency-Key {k.rate:8,.0f} rows/s (CPU: {k.cpu()})"
                    )
    ratios = [h.rate / c.rate for h, c in zip(http, copy, strict=True)]
    ratio = median(ratios)
    print()
    print(f"median HTTP, no key            {median([run.rate for run in http]):9,.0f} rows/s")
    print(f"median HTTP, Idempotency-Key   {median([run.rate for run in keyed]):9,.0f} rows/s")
    print(f"median COPY (baseline)         {median([run.rate for run in copy]):9,.0f} rows/s")
    print(
        f"ratio HTTP / COPY: median {ratio:.3f} of the rounds' ratios "
        f"({min(ratios):.3f}–{max(ratios):.3f})"
    )
    keyed_ratios = [k.rate / c.rate for k, c in zip(keyed, copy, strict=True)]
    print(f"ratio HTTP with Idempotency-Key / COPY: median {median(keyed_ratios):.3f}")
    print(f"goal ≥ {GOAL:.2f}: {'met' if ratio >= GOAL else 'NOT met'} on this machine")
    print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    asyncio.run(main())
