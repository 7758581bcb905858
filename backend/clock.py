"""Time: now in UTC, the company's day, and the periodic jobs that every worker runs on its clock
and `fieldline clock --once` runs on demand (how operators and tests drive time-based work).

A job is a coroutine taking `now` and saying in one line what it did. The workers each run every
job on its own beat; a PostgreSQL advisory lock per job keeps two workers from running the same
job at once, so jobs need not be written for concurrency with themselves (they must still be
idempotent: a job may run again right after another worker ran it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from backend import db
from backend.settings import get_settings

log = logging.getLogger("fieldline.clock")


def now_utc() -> datetime:
    return datetime.now(UTC)


def company_zone() -> ZoneInfo:
    """The zone of the company's day: "today", routes and boards count days in it."""
    return ZoneInfo(get_settings().business_timezone)


def today() -> date:
    """The company's today."""
    return datetime.now(company_zone()).date()


def company_day(at: datetime) -> date:
    """The company's day an instant falls on."""
    return at.astimezone(company_zone()).date()


def day_start(day: date) -> datetime:
    """The UTC instant the company's day begins: midnight there, so a 23 or 25 hour day of a
    daylight-saving change comes out right (unlike start + 24 h)."""
    return datetime.combine(day, time(0), tzinfo=company_zone()).astimezone(UTC)


# --- periodic jobs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta  # how often each worker offers to run it; zero: only `clock --once`
    run: Callable[[datetime], Awaitable[str]]  # does one round at `now`, says what it did


def _lock_key(name: str) -> int:
    """A stable advisory-lock key (bigint) for the job's name."""
    digest = hashlib.sha256(f"fieldline.clock.{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def run_job(job: Job, now: datetime | None = None) -> str | None:
    """One round of the job, or None when another worker is running it right now."""
    key = _lock_key(job.name)
    async with db.connection() as conn:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
            return None
        try:
            return await job.run(now or now_utc())
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", key)


async def run_once(jobs: Sequence[Job], now: datetime | None = None) -> list[tuple[str, str]]:
    """Every job once, in order: [(name, what it did)] (`fieldline clock --once`)."""
    done = []
    for job in jobs:
        said = await run_job(job, now)
        done.append((job.name, "skipped: another worker is running it" if said is None else said))
    return done


Lifespan = Callable[[Any], contextlib.AbstractAsyncContextManager[None]]


def clock_lifespan(jobs: Sequence[Job]) -> Lifespan:
    """The workers' clock: each job on its own beat, for as long as the app runs (unless
    FIELDLINE_WORKER_CLOCK=0)."""

    async def beat(job: Job) -> None:
        seconds = job.every.total_seconds()
        while True:
            await asyncio.sleep(seconds)
            try:
                await run_job(job)
            except Exception:  # a failed round must not stop the clock
                log.exception("clock job %s failed", job.name)

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        wanted = jobs if get_settings().worker_clock else []
        running = [asyncio.create_task(beat(j)) for j in wanted if j.every > timedelta(0)]
        try:
            yield
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    return lifespan
