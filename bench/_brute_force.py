"""The check of bench (c): DESIGN.md's dispatch rules as plain Python over every row of the
tables they read; it imports nothing from dispatch/, so it can tell when dispatch/ is wrong."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from geopy.distance import geodesic
from shapely.geometry import Point, Polygon

from backend import db
from backend.settings import get_settings
from bench._world import OPEN_STATUSES

TIE_KM = 0.1  # DispatchRules.distance_tie_km: distances that round alike are a tie
RECENT_REPAIRS = 200  # the parts history reaches back this many completed repairs of the model


@dataclass(frozen=True)
class Pick:
    engineer_id: int
    distance_km: float
    key: tuple[int, int, int, float, int]  # band, -parts overlap, jobs today, distance, id
    origin: str  # "last" or "home"
    origin_at: tuple[float, float]


@dataclass
class BruteForce:
    pick: Pick | None
    ranked: list[Pick]
    eligible: int
    left_out: Counter[str]  # users ruled out, by the first rule they fail


async def read_everything() -> dict[str, list[Any]]:
    """Every row of every table the rules look at: simple SELECTs, no box, no filter."""
    tables = (
        "app_user",
        "zone",
        "stock",
        "work_order",
        "work_order_event",
        "part_usage",
        "product",
    )
    return {t: await db.fetch(f"SELECT * FROM {t}") for t in tables}


def brute_force(rows: dict[str, list[Any]], job_id: int, now: datetime) -> BruteForce:
    max_age: timedelta = get_settings().position_max_age
    job = next(w for w in rows["work_order"] if w["id"] == job_id)
    site = (job["lat"], job["lng"])
    skill = next(p["required_skill"] for p in rows["product"] if p["id"] == job["product"])
    covering: set[int] | None = None
    if rows["zone"]:  # zones defined: the engineer's zone must cover the site
        point = Point(site[1], site[0])
        covering = {
            z["id"]
            for z in rows["zone"]
            if Polygon([(lng, lat) for lat, lng in json.loads(z["boundary"])]).covers(point)
        }
    busy = {w["engineer"] for w in rows["work_order"] if w["status"] in OPEN_STATUSES}
    offered = {
        e["engineer"]
        for e in rows["work_order_event"]
        if e["work_order"] == job_id and e["kind"] == "offered"
    }
    repairs = sorted(
        (
            w
            for w in rows["work_order"]
            if w["product"] == job["product"] and w["completed_at"] is not None
        ),
        key=lambda w: w["completed_at"],
        reverse=True,
    )[:RECENT_REPAIRS]
    repair_ids = {w["id"] for w in repairs}
    history = {u["part"] for u in rows["part_usage"] if u["work_order"] in repair_ids}
    ranked = []
    left_out: Counter[str] = Counter()
    for u in rows["app_user"]:
        reason = (
            "not an engineer" if u["role"] != "engineer"
            else "inactive" if not u["active"]
            else "not on duty and available" if u["duty_status"] != "available"
            else "holds an open job" if u["id"] in busy
            else "no home base" if u["home_lat"] is None
            else "lacks the skill" if skill is not None and skill not in u["skills"]
            else "offered this job before" if u["id"] in offered
            else "zone does not cover the site" if covering is not None
            and u["zone"] not in covering
            else None
        )  # fmt: skip
        if reason is not None:
            left_out[reason] += 1
            continue
        fresh = (
            u["last_lat"] is not None
            and u["last_seen_at"] is not None
            and now - u["last_seen_at"] < max_age
        )
        origin = (u["last_lat"], u["last_lng"]) if fresh else (u["home_lat"], u["home_lng"])
        distance = geodesic(origin, site).km
        van = {s["part"] for s in rows["stock"] if s["engineer"] == u["id"] and s["qty"] > 0}
        today = sum(
            1
            for w in rows["work_order"]
            if w["engineer"] == u["id"] and w["created_at"] >= now - timedelta(hours=24)
        )
        key = (round(distance / TIE_KM), -len(van & history), today, distance, u["id"])
        ranked.append(Pick(u["id"], distance, key, "last" if fresh else "home", origin))
    ranked.sort(key=lambda p: p.key)
    return BruteForce(ranked[0] if ranked else None, ranked, len(ranked), left_out)
