"""The boards as the API and the pages both serve them: the same call, the same numbers."""

from __future__ import annotations

from datetime import date, timedelta

from backend import clock, db
from backend.boards import queries
from backend.boards.pipeline import PipelineBoard, pipeline
from backend.boards.sales import sales
from backend.boards.satisfaction import satisfaction
from backend.boards.schemas import SalesBoard, SatisfactionBoard
from backend.errors import Invalid
from backend.settings import get_settings

MAX_DAYS = 3 * 366  # a longer range is a mistake more often than a wish
DEFAULT_DAYS = 28


def date_range(first: date | None, last: date | None) -> tuple[date, date]:
    """The business days asked for; by default the last four weeks up to today."""
    last = last or clock.today()
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Invalid("from", "must not be after `to`")
    if (last - first).days >= MAX_DAYS:
        raise Invalid("from", f"a range of at most {MAX_DAYS} days")
    return first, last


async def satisfaction_board(
    first: date | None, last: date | None, zone_id: int | None
) -> SatisfactionBoard:
    """The board for the API and the page alike: both show these very numbers."""
    first, last = date_range(first, last)
    with db.reading_replica():  # figures of whole days: a moment's replica lag changes nothing
        await queries.check_zone(zone_id)
        return await satisfaction(first, last, zone_id)


async def sales_board(first: date | None, last: date | None, zone_id: int | None) -> SalesBoard:
    first, last = date_range(first, last)
    with db.reading_replica():
        await queries.check_zone(zone_id)
        return await sales(first, last, zone_id)


async def pipeline_board(
    first: date | None, last: date | None, owner_id: int | None
) -> PipelineBoard:
    """The funnel, forecast, wins, payments and pool figures of the sales board."""
    first, last = date_range(first, last)
    with db.reading_replica():
        if owner_id is not None and not await db.fetchval(
            "SELECT EXISTS (SELECT 1 FROM app_user WHERE id = $1)", owner_id
        ):
            raise Invalid("owner_id", "no user with this id")
        return await pipeline(first, last, owner_id, get_settings().business_timezone)
