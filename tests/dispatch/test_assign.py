"""Eligibility, ranking, service order and batch assignment of dispatch/assign.py."""

import itertools
import random
from dataclasses import astuple, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from geopy.distance import geodesic

from dispatch.assign import (
    assign_batch,
    assign_greedy,
    effective_position,
    is_eligible,
    nearest_eligible,
    rank_candidates,
    service_order,
)
from dispatch.geo import distance_matrix_km
from dispatch.models import PRIORITIES, Assignment, DispatchRules, Engineer, Job, Position

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
RULES = DispatchRules()
SITE = Position(31.2304, 121.4737)  # People's Square


def north_of(origin: Position, km: float) -> Position:
    """The point km north of origin (south when km is negative)."""
    point = geodesic(kilometers=abs(km)).destination(
        (origin.lat, origin.lng), 0 if km >= 0 else 180
    )
    return Position(point.latitude, point.longitude)


def job(id_: int = 1, position: Position = SITE, **fields: Any) -> Job:
    return replace(Job(id_, position, created_at=NOW), **fields)


def engineer_at(id_: int, km_north: float, **fields: Any) -> Engineer:
    """An engineer measured from home (unless fields say otherwise), km_north of the site."""
    return replace(Engineer(id_, north_of(SITE, km_north)), **fields)


def pairs(assignments: list[Assignment]) -> set[tuple[int, int]]:
    return {(a.job_id, a.engineer_id) for a in assignments}


def ranked_ids(
    job_: Job, crew: list[Engineer], covering: frozenset[int] | None = None
) -> list[int]:
    return [a.engineer_id for a in rank_candidates(job_, crew, NOW, RULES, covering)]


def some(rng: random.Random, pool: list[Any], most: int) -> frozenset[Any]:
    """A random subset of pool of at most `most` members."""
    return frozenset(rng.sample(pool, min(len(pool), rng.randint(0, most))))


def test_fresh_position_is_used_and_stale_one_falls_back_to_home() -> None:
    home, seen = Position(31.0, 121.0), Position(31.3, 121.5)
    fresh = Engineer(1, home, last_position=seen, last_seen_at=NOW - timedelta(minutes=14))
    stale = Engineer(2, home, last_position=seen, last_seen_at=NOW - timedelta(minutes=16))
    at_the_limit = Engineer(3, home, last_position=seen, last_seen_at=NOW - RULES.position_max_age)
    lenient = DispatchRules(position_max_age=timedelta(hours=1))

    assert effective_position(fresh, NOW, RULES) == seen
    assert effective_position(stale, NOW, RULES) == home
    assert effective_position(at_the_limit, NOW, RULES) == home
    assert effective_position(Engineer(4, home), NOW, RULES) == home  # never seen
    assert effective_position(stale, NOW, lenient) == seen


def test_stale_position_changes_who_is_nearest() -> None:
    # Engineer 1 pinged at the site two hours ago; his home is 20 km away.
    stale_nearby = engineer_at(1, 20, last_position=SITE, last_seen_at=NOW - timedelta(hours=2))

    best = nearest_eligible(job(), [stale_nearby, engineer_at(2, 5)], NOW, RULES, None)

    assert best is not None
    assert (best.job_id, best.engineer_id) == (1, 2)
    assert best.distance_km == pytest.approx(5.0, abs=1e-6)


def test_skill_is_required_only_when_the_product_asks_for_one() -> None:
    boiler_engineer = engineer_at(1, 1, skills=frozenset({"boiler"}))

    assert is_eligible(boiler_engineer, job(required_skill="boiler"), None)
    assert not is_eligible(boiler_engineer, job(required_skill="hvac"), None)
    assert is_eligible(boiler_engineer, job(required_skill=None), None)
    assert is_eligible(engineer_at(2, 1), job(required_skill=None), None)


def test_an_engineer_who_declined_or_let_the_offer_expire_is_not_asked_again() -> None:
    declined = job(excluded_engineer_ids=frozenset({1}))

    assert not is_eligible(engineer_at(1, 1), declined, None)
    assert is_eligible(engineer_at(2, 1), declined, None)


def test_zone_rule() -> None:
    zoned, unzoned = engineer_at(1, 1, zone_ids=frozenset({10, 11})), engineer_at(2, 1)

    assert is_eligible(zoned, job(), None)  # no zones defined anywhere
    assert is_eligible(unzoned, job(), None)
    assert is_eligible(zoned, job(), frozenset({11, 12}))
    assert not is_eligible(zoned, job(), frozenset({12}))
    assert not is_eligible(unzoned, job(), frozenset({10}))
    assert not is_eligible(zoned, job(), frozenset())  # location outside every zone


def test_nearer_engineer_wins_beyond_the_tie_tolerance() -> None:
    near = engineer_at(1, 2.0, jobs_today=5)
    far = engineer_at(2, 2.3, jobs_today=0, van_parts=frozenset({7}))

    ranked = rank_candidates(job(history_part_ids=frozenset({7})), [far, near], NOW, RULES, None)

    assert [a.engineer_id for a in ranked] == [1, 2]
    assert [a.distance_km for a in ranked] == pytest.approx([2.0, 2.3], abs=1e-6)


def test_within_the_tie_tolerance_parts_in_the_van_win_then_the_lighter_day() -> None:
    crew = [  # all four round to 3.0 km
        engineer_at(1, 2.96, jobs_today=4),
        engineer_at(2, 3.04, jobs_today=1),
        engineer_at(3, 3.02, jobs_today=6, van_parts=frozenset({7, 99})),
        engineer_at(4, 3.01, jobs_today=6, van_parts=frozenset({7, 8})),
    ]
    compressor_job = job(history_part_ids=frozenset({7, 8, 9}))

    ranked = rank_candidates(compressor_job, crew, NOW, RULES, None)

    assert [a.engineer_id for a in ranked] == [4, 3, 2, 1]
    assert nearest_eligible(compressor_job, crew, NOW, RULES, None) == ranked[0]


def test_identical_candidates_are_ordered_by_distance_then_id() -> None:
    crew = [engineer_at(9, 1.01), engineer_at(3, 1.0), engineer_at(5, 1.0)]

    assert ranked_ids(job(), crew) == ranked_ids(job(), crew[::-1]) == [3, 5, 9]


def test_ineligible_engineers_are_not_ranked_and_nobody_means_none() -> None:
    crew = [
        engineer_at(1, 1, skills=frozenset({"hvac"})),
        engineer_at(2, 2, skills=frozenset({"boiler"})),
        engineer_at(3, 3, skills=frozenset({"boiler"})),
    ]
    boiler = job(required_skill="boiler", excluded_engineer_ids=frozenset({2}))

    assert ranked_ids(boiler, crew) == [3]
    assert nearest_eligible(job(required_skill="solar"), crew, NOW, RULES, None) is None
    assert nearest_eligible(job(), [], NOW, RULES, None) is None
    assert ranked_ids(job(), crew, frozenset()) == []


def brute_force_nearest(
    job_: Job, engineers: list[Engineer], covering: frozenset[int] | None
) -> tuple[int, float] | None:
    """The documented rule, spelled out step by step without the code under test."""
    found = []
    for e in engineers:
        skilled = not job_.required_skill or job_.required_skill in e.skills
        in_zone = covering is None or bool(e.zone_ids & covering)
        if not skilled or not in_zone or e.id in job_.excluded_engineer_ids:
            continue
        fresh = e.last_seen_at is not None and NOW - e.last_seen_at < timedelta(minutes=15)
        origin = e.last_position if fresh and e.last_position else e.home
        km = geodesic((origin.lat, origin.lng), (job_.position.lat, job_.position.lng)).km
        found.append((e, km))
    if not found:
        return None
    best_band = min(round(km / 0.1) for _, km in found)
    found = [(e, km) for e, km in found if round(km / 0.1) == best_band]
    most_parts = max(len(e.van_parts & job_.history_part_ids) for e, _ in found)
    found = [(e, km) for e, km in found if len(e.van_parts & job_.history_part_ids) == most_parts]
    lightest = min(e.jobs_today for e, _ in found)
    found = [(e, km) for e, km in found if e.jobs_today == lightest]
    closest = min(km for _, km in found)
    winner = min(e.id for e, km in found if km == closest)
    return winner, closest


def random_scenario(rng: random.Random) -> tuple[Job, list[Engineer], frozenset[int] | None]:
    # Engineers crowd within a few hundred metres so that distance bands tie often.
    spread = rng.choice([0.002, 0.01, 0.05])
    skills, zones, parts = ["boiler", "hvac", "solar"], [0, 1, 2, 3], [0, 1, 2, 3, 4, 5]

    def nearby() -> Position:
        return Position(*(c + rng.uniform(-spread, spread) for c in (SITE.lat, SITE.lng)))

    engineers = []
    for id_ in rng.sample(range(1, 60), rng.randint(0, 12)):
        seen = rng.random() < 0.6
        engineers.append(
            Engineer(
                id_,
                home=nearby(),
                last_position=nearby() if seen else None,
                last_seen_at=NOW - timedelta(minutes=rng.uniform(0, 30)) if seen else None,
                skills=some(rng, skills, 3),
                zone_ids=some(rng, zones, 2),
                van_parts=some(rng, parts, 4),
                jobs_today=rng.randint(0, 3),
            )
        )
    job_ = Job(
        1,
        nearby(),
        created_at=NOW,
        required_skill=rng.choice([None, *skills]),
        excluded_engineer_ids=some(rng, [e.id for e in engineers], 2),
        history_part_ids=some(rng, parts, 3),
    )
    return job_, engineers, rng.choice([None, frozenset(), some(rng, zones, 2) | {0}])


def test_nearest_eligible_equals_brute_force_on_1000_random_scenarios() -> None:
    rng = random.Random(20250303)
    found = 0
    for _ in range(1000):
        job_, engineers, covering = random_scenario(rng)
        got = nearest_eligible(job_, engineers, NOW, RULES, covering)
        expected = brute_force_nearest(job_, engineers, covering)
        assert (got if got is None else (got.engineer_id, got.distance_km)) == expected
        found += expected is not None
    assert found > 300  # the scenarios do exercise the ranking, not only "nobody"


def test_urgent_and_vip_first_then_high_then_oldest() -> None:
    t = NOW - timedelta(hours=3)
    jobs = [
        job(1, created_at=t),
        job(2, created_at=t + timedelta(minutes=5), priority="high"),
        job(3, created_at=t + timedelta(minutes=50), priority="urgent"),
        job(4, created_at=t + timedelta(minutes=10), vip=True),
        job(5, created_at=t - timedelta(minutes=1), priority="high"),
        job(6, created_at=t),
        job(7, created_at=t + timedelta(minutes=50), priority="urgent"),
    ]

    assert [j.id for j in service_order(jobs)] == [4, 3, 7, 5, 2, 1, 6]
    assert [j.id for j in service_order(reversed(jobs))] == [4, 3, 7, 5, 2, 1, 6]


def backlog(rng: random.Random, n_jobs: int, n_engineers: int) -> tuple[list[Job], list[Engineer]]:
    def anywhere() -> Position:
        return Position(31.23 + rng.uniform(-0.3, 0.3), 121.47 + rng.uniform(-0.35, 0.35))

    jobs = [job(100 + i, anywhere(), created_at=NOW - timedelta(minutes=i)) for i in range(n_jobs)]
    return jobs, [Engineer(500 + i, home=anywhere()) for i in range(n_engineers)]


def no_zones(jobs: list[Job]) -> dict[int, frozenset[int] | None]:
    return {j.id: None for j in jobs}


def great_circle_total(done: list[Assignment], jobs: list[Job], crew: list[Engineer]) -> float:
    job_at = {j.id: (j.position.lat, j.position.lng) for j in jobs}
    home = {e.id: (e.home.lat, e.home.lng) for e in crew}
    return sum(distance_matrix_km(job_at[a.job_id], home[a.engineer_id])[0, 0] for a in done)


def assert_one_to_one(assignments: list[Assignment]) -> None:
    assert len({a.job_id for a in assignments}) == len(assignments)
    assert len({a.engineer_id for a in assignments}) == len(assignments)


@pytest.mark.parametrize(("n_jobs", "n_crew"), [(30, 30), (40, 25), (20, 45), (1, 10), (10, 1)])
def test_batch_travels_no_more_than_greedy_and_is_one_to_one(n_jobs: int, n_crew: int) -> None:
    rng = random.Random(n_jobs * 1000 + n_crew)
    for _ in range(10):
        jobs, crew = backlog(rng, n_jobs, n_crew)
        batch = assign_batch(jobs, crew, NOW, RULES, no_zones(jobs))
        greedy = assign_greedy(jobs, crew, NOW, RULES, no_zones(jobs))

        assert len(batch) == len(greedy) == min(n_jobs, n_crew)
        assert_one_to_one(batch)
        assert_one_to_one(greedy)
        # Optimal on the great-circle figures it optimises; the geodesic totals it reports
        # may differ from those by the sphere's < 0.5%.
        batch_km, greedy_km = (great_circle_total(a, jobs, crew) for a in (batch, greedy))
        assert batch_km <= greedy_km + 1e-9
        assert sum(a.distance_km for a in batch) <= sum(a.distance_km for a in greedy) * 1.005


def test_batch_is_optimal_against_every_matching_and_reports_geodesics() -> None:
    rng = random.Random(99)
    for n_jobs, n_crew in [(4, 4), (5, 3), (3, 6)]:
        jobs, crew = backlog(rng, n_jobs, n_crew)
        sites, homes = [astuple(j.position) for j in jobs], [astuple(e.home) for e in crew]
        travel = distance_matrix_km(sites, homes)
        size = min(n_jobs, n_crew)
        best = min(
            sum(travel[r, c] for r, c in zip(rows, cols, strict=True))
            for rows in itertools.permutations(range(n_jobs), size)
            for cols in itertools.combinations(range(n_crew), size)
        )
        batch = assign_batch(jobs, crew, NOW, RULES, no_zones(jobs))

        assert great_circle_total(batch, jobs, crew) == pytest.approx(best, abs=1e-9)
        for a in batch:
            site = next(j.position for j in jobs if j.id == a.job_id)
            home = next(e.home for e in crew if e.id == a.engineer_id)
            expected = geodesic(astuple(site), astuple(home)).km
            assert a.distance_km == pytest.approx(expected, abs=1e-6)


def test_urgent_and_vip_jobs_are_served_first_when_engineers_are_scarce() -> None:
    crew = [engineer_at(1, 0.5), engineer_at(2, 1.0)]
    jobs = [job(i, north_of(SITE, km)) for i, km in [(1, 0.6), (2, 0.9), (3, 1.1)]] + [
        job(4, north_of(SITE, 40), priority="urgent"),
        job(5, north_of(SITE, -35), vip=True),
    ]

    batch = assign_batch(jobs, crew, NOW, RULES, no_zones(jobs))

    assert {a.job_id for a in assign_greedy(jobs, crew, NOW, RULES, no_zones(jobs))} == {4, 5}
    # Engineer 2 is nearer job 4 (39 km against 39.5 km): the optimum gives it to him.
    assert pairs(batch) == {(4, 2), (5, 1)}


def test_high_beats_normal_and_priority_beats_distance() -> None:
    jobs = [job(1, north_of(SITE, 0.1)), job(2, north_of(SITE, 30), priority="high")]

    [assignment] = assign_batch(jobs, [engineer_at(1, 0.0)], NOW, RULES, no_zones(jobs))

    assert (assignment.job_id, assignment.engineer_id) == (2, 1)
    assert assignment.distance_km == pytest.approx(30.0, abs=1e-6)


def test_batch_serves_as_many_jobs_as_eligibility_allows() -> None:
    # Job 1 is next to engineer 1, but only engineer 1 can do job 2: greedy strands job 2.
    crew = [engineer_at(1, 0.0, skills=frozenset({"boiler"})), engineer_at(2, 5.0)]
    jobs = [
        job(1, north_of(SITE, 0.1), created_at=NOW - timedelta(hours=1)),
        job(2, north_of(SITE, 3.0), required_skill="boiler"),
    ]

    assert pairs(assign_batch(jobs, crew, NOW, RULES, no_zones(jobs))) == {(1, 2), (2, 1)}
    assert pairs(assign_greedy(jobs, crew, NOW, RULES, no_zones(jobs))) == {(1, 1)}


def test_batch_respects_skills_exclusions_and_zones() -> None:
    rng = random.Random(3)
    jobs, crew = backlog(rng, 40, 30)
    skills, zones, ids = ["boiler", "hvac"], [0, 1, 2], [e.id for e in crew]
    crew = [replace(e, skills=some(rng, skills, 2), zone_ids=some(rng, zones, 2)) for e in crew]
    jobs = [
        replace(j, required_skill=rng.choice([None, *skills]), priority=rng.choice(PRIORITIES))
        for j in jobs
    ]
    jobs = [replace(j, excluded_engineer_ids=frozenset(rng.sample(ids, 5))) for j in jobs]
    covering = {j.id: rng.choice([None, frozenset(), frozenset({rng.randrange(3)})]) for j in jobs}
    job_by_id, engineer_by_id = {j.id: j for j in jobs}, {e.id: e for e in crew}

    batch = assign_batch(jobs, crew, NOW, RULES, covering)
    greedy = assign_greedy(jobs, crew, NOW, RULES, covering)

    assert len(batch) >= len(greedy) > 0
    for assignments in (batch, greedy):
        assert_one_to_one(assignments)
        for a in assignments:
            engineer, job_ = engineer_by_id[a.engineer_id], job_by_id[a.job_id]
            assert is_eligible(engineer, job_, covering[a.job_id])
    # Returned in service order, so the store can send the most pressing offers first.
    order = [j.id for j in service_order(jobs)]
    assert [a.job_id for a in batch] == sorted((a.job_id for a in batch), key=order.index)


def test_batch_uses_fresh_positions_and_copes_with_nothing_to_do() -> None:
    moved = engineer_at(1, 30, last_position=north_of(SITE, 1), last_seen_at=NOW)
    solar = [job(1, required_skill="solar")]

    [assignment] = assign_batch([job(1)], [moved], NOW, RULES, {1: None})

    assert assignment.distance_km == pytest.approx(1.0, abs=1e-6)
    assert assign_batch([], [moved], NOW, RULES, {}) == []
    assert assign_batch(solar, [], NOW, RULES, {1: None}) == []
    assert assign_batch(solar, [moved], NOW, RULES, {1: None}) == []
    assert assign_greedy(solar, [moved], NOW, RULES, {1: None}) == []


def test_batch_refuses_duplicate_ids_and_jobs_without_a_zone_entry() -> None:
    with pytest.raises(ValueError, match="engineer ids"):
        assign_batch([job(1)], [engineer_at(1, 1), engineer_at(1, 2)], NOW, RULES, {1: None})
    with pytest.raises(ValueError, match="job ids"):
        assign_batch([job(1), job(1)], [engineer_at(1, 1)], NOW, RULES, {1: None})
    with pytest.raises(KeyError):
        assign_batch([job(1)], [engineer_at(1, 1)], NOW, RULES, {})
