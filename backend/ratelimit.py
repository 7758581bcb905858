"""Fixed-window rate limits counted in PostgreSQL, so every worker shares one count per client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table

from backend import db
from backend.clock import Job
from backend.errors import TooManyRequests


class RateHit(Table):
    key = Varchar(length=200)
    window_start = Timestamptz()
    hits = Integer(default=0)


async def hit(key: str, limit: int, window: timedelta, now: datetime | None = None) -> None:
    """Counts one request for key; over `limit` in the current window → 429 with Retry-After."""
    now = now or datetime.now(UTC)
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, UTC)
    hits = await db.fetchval(
        """INSERT INTO rate_hit (key, window_start, hits) VALUES ($1, $2, 1)
           ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_hit.hits + 1
           RETURNING hits""",
        key,
        start,
    )
    if hits > limit:
        retry = int((start + window - now).total_seconds()) + 1
        raise TooManyRequests("Too many requests; slow down", retry_after=max(1, retry))


# The longest window any limit counts in (the public pages' is a minute, the QR request form's
# an hour); a window that ended before this is no longer read by anyone.
LONGEST_WINDOW = timedelta(days=1)


async def prune(now: datetime) -> str:
    """Drops windows that ended (the clock's housekeeping)."""
    gone = await db.execute("DELETE FROM rate_hit WHERE window_start < $1", now - LONGEST_WINDOW)
    return f"{gone.split()[-1]} rate window(s) dropped"


PRUNE_HITS = Job("rate-hits", timedelta(minutes=10), prune)
