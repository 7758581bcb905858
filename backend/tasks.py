"""After-commit work: what a change sets off (pushes, board events, webhooks) runs in the
background once the change is committed, and the drain that waits for it at shutdown."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from backend import db

log = logging.getLogger("fieldline.tasks")

SHUTDOWN_WAIT = 10.0  # seconds a stopping worker gives its background work to finish

# Strong references: the event loop keeps only weak ones, and a collected task is lost work.
_pending: set[asyncio.Task[None]] = set()


def after_commit(work: Callable[[], Awaitable[None]], what: str) -> None:
    """Starts work() in the background once the current transaction commits (at once outside
    one), never after a rollback: news sent earlier could announce a change that never was, or
    make a reader fetch the state from before it. Never raises; `what` names it in the log."""
    db.on_commit(functools.partial(_start, work, what))


def _start(work: Callable[[], Awaitable[None]], what: str) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        log.warning("background work not started (no event loop is running): %s", what)
        return
    # A fresh context: the caller's transaction (a ContextVar) must not follow the work, which
    # outlives it; the work takes pooled connections of its own.
    task = loop.create_task(_guarded(work, what), context=contextvars.Context())
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _guarded(work: Callable[[], Awaitable[None]], what: str) -> None:
    try:
        await work()
    except Exception:
        log.exception("background work failed: %s", what)


async def drain(timeout: float | None = None) -> None:
    """Waits for every background task started so far; after timeout (if given) cancels the
    rest."""
    try:
        async with asyncio.timeout(timeout):
            while _pending:
                await asyncio.wait(set(_pending))
    except TimeoutError:
        left = list(_pending)
        log.warning("%d background task(s) still running after %ss; cancelled", len(left), timeout)
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)


@asynccontextmanager
async def tasks_lifespan(_: Any) -> AsyncIterator[None]:
    """A stopping worker lets its background work finish (for a while) before it goes."""
    try:
        yield
    finally:
        await drain(timeout=SHUTDOWN_WAIT)
