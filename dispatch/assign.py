"""Who gets which job: eligibility, the ranking for one job, and optimal assignment of a backlog."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from dispatch.geo import FloatArray, distance_km, distance_matrix_km, pair_distances_km
from dispatch.models import Assignment, DispatchRules, Engineer, Job, Position

BoolArray = npt.NDArray[np.bool_]
# Candidate sort key: distance band, -parts overlap, jobs today, exact distance, engineer id.
Score = tuple[int, int, int, float, int]
ServiceKey = tuple[int, datetime, int]  # rank, created, id


def effective_position(engineer: Engineer, now: datetime, rules: DispatchRules) -> Position:
    """Where to measure from: the last reported position while fresh, else the home base.

    `now` comes from the caller (timezone-aware UTC, like every datetime here): no clock is read.
    """
    if engineer.last_position is None or engineer.last_seen_at is None:
        return engineer.home
    if now - engineer.last_seen_at < rules.position_max_age:
        return engineer.last_position
    return engineer.home


def is_eligible(engineer: Engineer, job: Job, covering_zone_ids: frozenset[int] | None) -> bool:
    """Whether the engineer may be offered the job at all.

    Availability (active, on duty, free) is not checked here: the caller (dispatch/offers.py)
    hands in only engineers that have it, as its SQL finds them cheaply and under a lock.
    covering_zone_ids are the zones whose area holds the job's location (geo.zone_covers), or
    None when no zones are defined at all, which lifts the zone rule. A location that no zone
    covers (an empty set) has no eligible engineer: a supervisor assigns it by hand.
    """
    if job.required_skill is not None and job.required_skill not in engineer.skills:
        return False
    if engineer.id in job.excluded_engineer_ids:
        return False
    return covering_zone_ids is None or not engineer.zone_ids.isdisjoint(covering_zone_ids)


def _score(engineer: Engineer, job: Job, distance: float, rules: DispatchRules) -> Score:
    # Distances that round to the same 0.1 km (rules.distance_tie_km) are a tie; then a van
    # already holding parts this model needed saves a trip to the warehouse, then the lighter day.
    # The exact distance and the id only make the order total and repeatable.
    parts_overlap = len(engineer.van_parts & job.history_part_ids)
    band = round(distance / rules.distance_tie_km)
    return (band, -parts_overlap, engineer.jobs_today, distance, engineer.id)


def _scored_candidates(
    job: Job,
    engineers: Iterable[Engineer],
    now: datetime,
    rules: DispatchRules,
    covering_zone_ids: frozenset[int] | None,
) -> Iterator[tuple[Score, Assignment]]:
    for engineer in engineers:
        if is_eligible(engineer, job, covering_zone_ids):
            distance = distance_km(effective_position(engineer, now, rules), job.position)
            yield _score(engineer, job, distance, rules), Assignment(job.id, engineer.id, distance)


def rank_candidates(
    job: Job,
    engineers: Iterable[Engineer],
    now: datetime,
    rules: DispatchRules,
    covering_zone_ids: frozenset[int] | None,
) -> list[Assignment]:
    """Eligible engineers for one job, best first: the order offers go out in."""
    scored = sorted(
        _scored_candidates(job, engineers, now, rules, covering_zone_ids), key=lambda s: s[0]
    )
    return [assignment for _, assignment in scored]


def nearest_eligible(
    job: Job,
    engineers: Iterable[Engineer],
    now: datetime,
    rules: DispatchRules,
    covering_zone_ids: frozenset[int] | None,
) -> Assignment | None:
    """The engineer to offer the job to first, or None when nobody is eligible."""
    best = min(
        _scored_candidates(job, engineers, now, rules, covering_zone_ids),
        key=lambda s: s[0],
        default=None,
    )
    return None if best is None else best[1]


def rank(priority: str, vip: bool) -> int:
    """0 for urgent or VIP, 1 for high, 2 for normal: lower is served first."""
    if priority == "urgent" or vip:
        return 0
    return 1 if priority == "high" else 2


def service_key(priority: str, vip: bool, created_at: datetime, job_id: int) -> ServiceKey:
    """The order of service, the one rule for every queue: urgent and VIP, then high, then
    normal; oldest first within each."""
    return rank(priority, vip), created_at, job_id


def service_rank(job: Job) -> int:
    return rank(job.priority, job.vip)


def service_order(jobs: Iterable[Job]) -> list[Job]:
    """Jobs in the order they are served (service_key)."""
    return sorted(jobs, key=lambda j: service_key(j.priority, j.vip, j.created_at, j.id))


def _index_by_id(ids: Sequence[int], what: str) -> dict[int, int]:
    index = {id_: i for i, id_ in enumerate(ids)}
    if len(index) != len(ids):
        raise ValueError(f"{what} ids must be unique")
    return index


def _lat_lng(positions: Iterable[Position]) -> FloatArray:
    return np.array([(p.lat, p.lng) for p in positions], dtype=np.float64).reshape(-1, 2)


def _eligibility(
    jobs: Sequence[Job],
    engineers: Sequence[Engineer],
    covering_zone_ids_by_job: Mapping[int, frozenset[int] | None],
) -> BoolArray:
    """is_eligible for every (job, engineer) pair, built from small tables rather than 1M calls."""
    engineer_col = _index_by_id([e.id for e in engineers], "engineer")
    skills = sorted({job.required_skill for job in jobs if job.required_skill is not None})
    skill_row = {skill: i for i, skill in enumerate(skills)}
    # One row per skill a job asks for, plus a last all-true row for jobs that need no skill.
    has_skill = np.zeros((len(skills) + 1, len(engineers)), dtype=bool)
    has_skill[-1] = True
    for col, engineer in enumerate(engineers):
        for skill in engineer.skills:
            if skill in skill_row:
                has_skill[skill_row[skill], col] = True
    job_skill_rows = [
        len(skills) if job.required_skill is None else skill_row[job.required_skill] for job in jobs
    ]
    eligible = has_skill[job_skill_rows]

    covering = [covering_zone_ids_by_job[job.id] for job in jobs]
    zoned_rows = [row for row, zone_ids in enumerate(covering) if zone_ids is not None]
    if zoned_rows:
        zone_ids = sorted({z for row in zoned_rows for z in covering[row] or ()})
        zone_col = {zone_id: i for i, zone_id in enumerate(zone_ids)}
        job_in_zone = np.zeros((len(zoned_rows), len(zone_ids)), dtype=np.float32)
        for i, row in enumerate(zoned_rows):
            job_in_zone[i, [zone_col[z] for z in covering[row] or ()]] = 1.0
        engineer_in_zone = np.zeros((len(zone_ids), len(engineers)), dtype=np.float32)
        for col, engineer in enumerate(engineers):
            engineer_in_zone[[zone_col[z] for z in engineer.zone_ids if z in zone_col], col] = 1.0
        # A shared zone shows up as a positive entry of the product.
        eligible[zoned_rows] &= (job_in_zone @ engineer_in_zone) > 0

    for row, job in enumerate(jobs):
        for engineer_id in job.excluded_engineer_ids:
            if engineer_id in engineer_col:
                eligible[row, engineer_col[engineer_id]] = False
    return eligible


def _decisions(
    jobs: Sequence[Job],
    engineers: Sequence[Engineer],
    job_points: FloatArray,
    engineer_points: FloatArray,
    pairs: Sequence[tuple[int, int]],
) -> list[Assignment]:
    rows = [row for row, _ in pairs]
    cols = [col for _, col in pairs]
    distances = pair_distances_km(job_points[rows], engineer_points[cols])
    return [
        Assignment(jobs[row].id, engineers[col].id, float(distance))
        for row, col, distance in zip(rows, cols, distances, strict=True)
    ]


def assign_batch(
    jobs: Sequence[Job],
    engineers: Sequence[Engineer],
    now: datetime,
    rules: DispatchRules,
    covering_zone_ids_by_job: Mapping[int, frozenset[int] | None],
) -> list[Assignment]:
    """Assign a backlog at once by minimum total travel, in service order of the jobs.

    covering_zone_ids_by_job needs an entry for every job (None: no zones defined). Each engineer
    gets at most one job and each job at most one engineer; jobs nobody eligible is left for are
    absent from the result. When engineers are scarce the served jobs are chosen by priority
    first: as many urgent/VIP jobs as possible, then high, then normal, and only then the least
    total travel. Travel is optimised on great-circle distance; the figures reported are
    geodesic. Parts in the van and the day's load do not enter: they break ties for one job.
    """
    if not jobs or not engineers:
        return []
    _index_by_id([job.id for job in jobs], "job")
    job_points = _lat_lng(job.position for job in jobs)
    engineer_points = _lat_lng(effective_position(e, now, rules) for e in engineers)
    eligible = _eligibility(jobs, engineers, covering_zone_ids_by_job)
    rows, cols = np.flatnonzero(eligible.any(axis=1)), np.flatnonzero(eligible.any(axis=0))
    if len(rows) == 0:
        return []
    # Leave out jobs and engineers that have no eligible pair: a smaller matrix, same optimum.
    travel = distance_matrix_km(job_points[rows], engineer_points[cols])
    if len(rows) < len(jobs) or len(cols) < len(engineers):
        eligible = eligible[np.ix_(rows, cols)]

    # Serving a job earns a reward of `step` per priority level (normal 1, high 2, urgent/VIP 3).
    # Two matchings differ by disjoint alternating paths and cycles; each adds and/or drops at
    # most one served job and changes travel by less than step (it has at most min(rows, cols)
    # pairs). So the optimum serves the most urgent/VIP jobs, then high, then normal, and only
    # then travels least. Ineligible pairs cost 0, like leaving the job unserved; they are dropped.
    step = min(len(rows), len(cols)) * float(travel[eligible].max()) + 1.0
    reward = np.array([(3 - service_rank(jobs[row])) * step for row in rows.tolist()])
    cost = np.subtract(travel, reward[:, None], out=travel)
    np.copyto(cost, 0.0, where=~eligible)
    chosen_rows, chosen_cols = linear_sum_assignment(cost)
    kept = eligible[chosen_rows, chosen_cols]
    pairs = list(
        zip(rows[chosen_rows[kept]].tolist(), cols[chosen_cols[kept]].tolist(), strict=True)
    )

    service_position = {job.id: i for i, job in enumerate(service_order(jobs))}
    pairs.sort(key=lambda pair: service_position[jobs[pair[0]].id])
    return _decisions(jobs, engineers, job_points, engineer_points, pairs)


def assign_greedy(
    jobs: Sequence[Job],
    engineers: Sequence[Engineer],
    now: datetime,
    rules: DispatchRules,
    covering_zone_ids_by_job: Mapping[int, frozenset[int] | None],
) -> list[Assignment]:
    """The one-by-one baseline: in service order, each job takes the nearest free engineer.

    Same eligibility, same great-circle distances and same reported geodesic figures as
    assign_batch, so only the choice differs; ties go to the engineer listed first.
    """
    if not jobs or not engineers:
        return []
    job_row = _index_by_id([job.id for job in jobs], "job")
    job_points = _lat_lng(job.position for job in jobs)
    engineer_points = _lat_lng(effective_position(e, now, rules) for e in engineers)
    eligible = _eligibility(jobs, engineers, covering_zone_ids_by_job)
    travel = distance_matrix_km(job_points, engineer_points)

    free = np.ones(len(engineers), dtype=bool)
    pairs: list[tuple[int, int]] = []
    for job in service_order(jobs):
        row = job_row[job.id]
        candidates = eligible[row] & free
        if candidates.any():
            col = int(np.argmin(np.where(candidates, travel[row], np.inf)))
            free[col] = False
            pairs.append((row, col))
    return _decisions(jobs, engineers, job_points, engineer_points, pairs)
