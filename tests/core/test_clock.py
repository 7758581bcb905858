"""The workers' clock (backend/clock.py): every periodic job registered once, one worker at a time
per job, `fieldline clock --once` to run them on demand; time moved in the data, never slept."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from backend import clock, db
from backend.app import periodic_jobs
from tests.support.commands import fieldline
from tests.support.factories import staff

JOB_NAMES = [
    "offers",
    "plans",
    "sla",
    "board-rollups",
    "idempotency-keys",
    "rate-hits",
    "login-failures",
    "webhooks",
    "reminder-rules",
    "task-reminders",
    "pool-recycle",
    "contract-renewals",
]


def test_every_periodic_job_is_registered_once():
    assert [j.name for j in periodic_jobs()] == JOB_NAMES


async def test_two_workers_never_run_the_same_job_at_once(api):
    started, release = asyncio.Event(), asyncio.Event()
    rounds = 0

    async def slow(now):
        nonlocal rounds
        rounds += 1
        started.set()
        await release.wait()
        return "done"

    job = clock.Job("slow", timedelta(0), slow)
    first = asyncio.create_task(clock.run_job(job))
    await started.wait()
    assert await clock.run_job(job) is None  # the second worker finds it taken and moves on
    release.set()
    assert await first == "done"
    assert await clock.run_job(job) == "done"  # free again once the first round ended
    assert rounds == 2


async def test_pruning_forgets_old_keys_rate_windows_and_failed_sign_ins(api):
    rep = await staff(api, "rep")
    now = clock.now_utc()
    await db.execute(
        """INSERT INTO idempotency_key ("user", key, method, path, body_hash, status_code,
               response, created_at)
           VALUES ($1, 'old', 'POST', '/x', 'h', 200, '', $2),
                  ($1, 'new', 'POST', '/x', 'h', 200, '', $3)""",
        rep.id,
        now - timedelta(hours=49),
        now - timedelta(hours=47),
    )
    await db.execute(
        "INSERT INTO rate_hit (key, window_start, hits) VALUES ('a', $1, 3), ('b', $2, 3)",
        now - timedelta(days=2),
        now - timedelta(minutes=1),
    )
    await db.execute(
        "INSERT INTO login_failure (email, ip, at) VALUES ('x@y.test', '1.2.3.4', $1), "
        "('x@y.test', '1.2.3.4', $2)",
        now - timedelta(hours=1),
        now - timedelta(minutes=1),
    )
    pruning = [
        j for j in periodic_jobs() if j.name in ("idempotency-keys", "rate-hits", "login-failures")
    ]
    done = dict(await clock.run_once(pruning, now))
    assert done == {
        "idempotency-keys": "1 key(s) older than 48 h forgotten",
        "rate-hits": "1 rate window(s) dropped",
        "login-failures": "1 old failed sign-in(s) forgotten",
    }
    assert await db.fetchval("SELECT array_agg(key) FROM idempotency_key") == ["new"]
    assert await db.fetchval("SELECT array_agg(key) FROM rate_hit") == ["b"]
    assert await db.fetchval("SELECT count(*) FROM login_failure") == 1


async def test_clock_once_on_the_command_line_runs_each_job_and_says_what_it_did(api):
    result = await asyncio.to_thread(fieldline, "clock", "--once", url=db.engine.config["dsn"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == JOB_NAMES
    assert lines[0] == "offers: 0 lapsed offer(s) passed on, 0 waiting job(s) offered"


async def test_clock_refuses_an_unknown_job(api):
    result = await asyncio.to_thread(
        fieldline, "clock", "--once", "--job", "nope", url=db.engine.config["dsn"]
    )
    assert result.returncode == 2
    assert "no clock job nope" in result.stderr


async def test_the_workers_clock_beats_unless_turned_off(monkeypatch):
    beat = asyncio.Event()

    async def mark(now):
        beat.set()
        return "marked"

    job = clock.Job("mark", timedelta(milliseconds=1), mark)
    settings = clock.get_settings()
    before = asyncio.all_tasks()
    monkeypatch.setattr(clock, "get_settings", lambda: replace(settings, worker_clock=False))
    async with clock.clock_lifespan([job])(None):
        assert asyncio.all_tasks() == before  # nothing started: FIELDLINE_WORKER_CLOCK=0
    monkeypatch.setattr(clock, "get_settings", lambda: replace(settings, worker_clock=True))
    async with clock.clock_lifespan([job])(None):
        assert len(asyncio.all_tasks() - before) == 1
        async with asyncio.timeout(30):
            await beat.wait()
    assert asyncio.all_tasks() == before  # stopped with the app
