"""Plain frozen data the dispatch core decides over: positions, engineers, jobs, zones, rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Literal, get_args

from shapely.geometry import Polygon

Priority = Literal["normal", "high", "urgent"]
PRIORITIES: tuple[Priority, ...] = get_args(Priority)


def _require_aware(name: str, value: datetime | None) -> None:
    # One time zone rule (store UTC): comparing naive and aware datetimes would fail far from here.
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class Position:
    """A WGS84 point in degrees; latitude first, as people say it (shapely wants lng first)."""

    lat: float
    lng: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"latitude out of range: {self.lat!r}")
        if not (math.isfinite(self.lng) and -180.0 <= self.lng <= 180.0):
            raise ValueError(f"longitude out of range: {self.lng!r}")


@dataclass(frozen=True, slots=True)
class Engineer:
    """A field engineer the caller has already found active, on duty and free."""

    id: int
    home: Position
    last_position: Position | None = None
    last_seen_at: datetime | None = None
    skills: frozenset[str] = frozenset()
    zone_ids: frozenset[int] = frozenset()
    van_parts: frozenset[int] = frozenset()  # part ids the van holds with qty > 0
    jobs_today: int = 0

    def __post_init__(self) -> None:
        _require_aware("last_seen_at", self.last_seen_at)


@dataclass(frozen=True, slots=True)
class Job:
    """A work order waiting for an engineer, at its device's location."""

    id: int
    position: Position
    created_at: datetime
    required_skill: str | None = None  # None: any engineer may take it
    priority: Priority = "normal"
    vip: bool = False
    excluded_engineer_ids: frozenset[int] = frozenset()  # declined or let the offer expire
    history_part_ids: frozenset[int] = frozenset()  # parts past repairs of this product model used

    def __post_init__(self) -> None:
        if self.priority not in PRIORITIES:
            raise ValueError(f"priority must be one of {PRIORITIES}, got {self.priority!r}")
        _require_aware("created_at", self.created_at)


@dataclass(frozen=True)
class Zone:
    """A service zone drawn by an admin; boundary vertices are (lat, lng) pairs."""

    id: int
    boundary: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        if len(self.boundary) < 3:
            raise ValueError(f"zone {self.id} needs at least 3 boundary points")

    @cached_property
    def polygon(self) -> Polygon:
        # Built on first use and kept: zones are read far more often than drawn.
        return Polygon([(lng, lat) for lat, lng in self.boundary])


@dataclass(frozen=True, slots=True)
class Assignment:
    """A decision: offer this job to this engineer, who is this far away (geodesic km)."""

    job_id: int
    engineer_id: int
    distance_km: float


@dataclass(frozen=True, slots=True)
class DispatchRules:
    """Tunable knobs of the dispatch decision, read from the admin's rules."""

    # A position older than this says little about where the engineer is now; use home base.
    position_max_age: timedelta = timedelta(minutes=15)
    # Distances equal once rounded to this step count as a tie (GPS noise and road layout make
    # 100 m meaningless), so the parts in the van and the day's load decide instead.
    distance_tie_km: float = 0.1
