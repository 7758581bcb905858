"""Distances, search boxes and zones of dispatch/geo.py, and the value checks of the models."""

import math
import random
from datetime import UTC, datetime

import numpy as np
import pytest
from geopy.distance import geodesic

from dispatch.geo import (
    bounding_box,
    distance_km,
    distance_matrix_km,
    pair_distances_km,
    zone_covers,
)
from dispatch.models import Engineer, Job, Position, Zone

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

PEOPLES_SQUARE = Position(31.2304, 121.4737)
ORIENTAL_PEARL_TOWER = Position(31.2397, 121.4998)

# WGS84, restated here so the local-plane check below owes nothing to the code under test.
A_M = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)


def local_plane_km(a: Position, b: Position) -> float:
    """Short distances on the ellipsoid's tangent plane, from the radii of curvature."""
    mid = math.radians((a.lat + b.lat) / 2)
    w = math.sqrt(1 - E2 * math.sin(mid) ** 2)
    north_south = A_M * (1 - E2) / w**3 * math.radians(b.lat - a.lat)
    east_west = A_M / w * math.cos(mid) * math.radians(b.lng - a.lng)
    return math.hypot(north_south, east_west) / 1000


def dms(degrees: int, minutes: int, seconds: float) -> float:
    sign = -1 if degrees < 0 else 1
    return sign * (abs(degrees) + minutes / 60 + seconds / 3600)


def test_distance_between_shanghai_landmarks_matches_local_plane() -> None:
    expected = local_plane_km(PEOPLES_SQUARE, ORIENTAL_PEARL_TOWER)

    assert 2.6 < expected < 2.8
    assert distance_km(PEOPLES_SQUARE, ORIENTAL_PEARL_TOWER) == pytest.approx(expected, abs=1e-3)
    assert distance_km(ORIENTAL_PEARL_TOWER, PEOPLES_SQUARE) == pytest.approx(expected, abs=1e-3)


def test_distance_matches_published_geodesics() -> None:
    # Geoscience Australia's worked example (Flinders Peak to Buninyong): 54 972.271 m.
    flinders_peak = Position(dms(-37, 57, 3.72030), dms(144, 25, 29.52440))
    buninyong = Position(dms(-37, 39, 10.15610), dms(143, 55, 35.38390))
    # A meridian quadrant of WGS84, equator to pole: 10 001 965.729 m.
    equator, pole = Position(0.0, 0.0), Position(90.0, 0.0)

    assert distance_km(flinders_peak, buninyong) == pytest.approx(54.972271, abs=1e-6)
    assert distance_km(equator, pole) == pytest.approx(10001.965729, abs=1e-6)
    assert distance_km(pole, pole) == 0.0


def test_distance_matrix_is_close_to_geodesic_for_every_pair() -> None:
    rng = random.Random(7)
    jobs = [
        Position(31.23 + rng.uniform(-0.4, 0.4), 121.47 + rng.uniform(-0.4, 0.4)) for _ in range(7)
    ]
    engineers = [
        Position(31.23 + rng.uniform(-0.4, 0.4), 121.47 + rng.uniform(-0.4, 0.4)) for _ in range(5)
    ]

    matrix = distance_matrix_km([(p.lat, p.lng) for p in jobs], [(p.lat, p.lng) for p in engineers])

    assert matrix.shape == (7, 5)
    for i, job in enumerate(jobs):
        for j, engineer in enumerate(engineers):
            # A sphere is off the ellipsoid by well under 0.5% at any distance.
            assert matrix[i, j] == pytest.approx(distance_km(job, engineer), rel=5e-3)


def test_distance_matrix_is_zero_for_the_same_point_and_exact_for_short_hops() -> None:
    points = [(31.2304, 121.4737), (31.2304, 121.4737), (-33.8568, 151.2153)]
    matrix = distance_matrix_km(points, points)

    assert np.allclose(np.diag(matrix), 0.0, atol=1e-9)
    assert matrix[0, 1] == pytest.approx(0.0, abs=1e-9)
    # One metre north: the chord formula must not lose it to cancellation.
    metre_north = (31.2304 + math.degrees(0.001 / 6371.0088), 121.4737)
    assert distance_matrix_km([points[0]], [metre_north])[0, 0] == pytest.approx(0.001, rel=1e-6)


def test_pair_distances_agree_with_geopy_everywhere() -> None:
    rng = np.random.default_rng(11)
    a = np.column_stack((rng.uniform(-90, 90, 400), rng.uniform(-180, 180, 400)))
    b = np.column_stack((rng.uniform(-90, 90, 400), rng.uniform(-180, 180, 400)))
    # Coincident, equatorial, across the antimeridian, pole to pole, nearly antipodal.
    a[:5] = np.array([[10, 20], [0, 0], [0, 179.9], [90, 0], [0, 0]])
    b[:5] = np.array([[10, 20], [0, 100], [1, -179.9], [-90, 0], [0.5, 179.7]])

    got = pair_distances_km(a, b)
    expected = [geodesic(tuple(p), tuple(q)).km for p, q in zip(a, b, strict=True)]

    assert np.allclose(got, expected, rtol=0, atol=1e-6)  # a millimetre


def test_pair_distances_need_as_many_points_on_both_sides() -> None:
    with pytest.raises(ValueError, match="as many points"):
        pair_distances_km([(0, 0), (1, 1)], [(0, 0)])


@pytest.mark.parametrize(
    ("center", "seed"),
    [
        (Position(31.23, 121.47), 1),  # Shanghai
        (Position(-33.87, 151.21), 2),  # Sydney
        (Position(64.15, -21.94), 3),  # Reykjavik: meridians converge fast
        (Position(-17.8, 179.95), 4),  # Fiji, on the antimeridian
        (Position(89.9, 10.0), 5),  # next to the North Pole
        (Position(-89.95, -70.0), 6),  # next to the South Pole
        (Position(0.0, -180.0), 7),
    ],
)
def test_bounding_box_holds_every_point_within_the_radius(center: Position, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        radius = rng.uniform(0.05, 60.0)
        box = bounding_box(center, radius)
        for _ in range(5):
            # Points on and inside the circle, in every direction.
            reach = radius * rng.choice([1.0, rng.random()])
            point = geodesic(kilometers=reach).destination(
                (center.lat, center.lng), rng.uniform(0, 360)
            )
            assert box.min_lat <= point.latitude <= box.max_lat
            assert box.min_lng <= point.longitude <= box.max_lng
            assert -90 <= box.min_lat <= box.max_lat <= 90
            assert -180 <= box.min_lng <= box.max_lng <= 180


def test_bounding_box_is_tight_at_city_scale() -> None:
    box = bounding_box(PEOPLES_SQUARE, 10.0)
    north = geodesic(kilometers=10).destination((PEOPLES_SQUARE.lat, PEOPLES_SQUARE.lng), 0)
    east = geodesic(kilometers=10).destination((PEOPLES_SQUARE.lat, PEOPLES_SQUARE.lng), 90)

    # Within 2% of the true extent: a box much larger would make the SQL prefilter useless.
    assert box.max_lat - PEOPLES_SQUARE.lat == pytest.approx(
        north.latitude - PEOPLES_SQUARE.lat, rel=0.02
    )
    assert box.max_lng - PEOPLES_SQUARE.lng == pytest.approx(
        east.longitude - PEOPLES_SQUARE.lng, rel=0.02
    )
    assert bounding_box(PEOPLES_SQUARE, 0.0) == (31.2304, 121.4737, 31.2304, 121.4737)


def test_bounding_box_widens_to_all_longitudes_at_a_pole_or_the_antimeridian() -> None:
    assert bounding_box(Position(89.95, 10.0), 20.0)[1::2] == (-180.0, 180.0)
    assert bounding_box(Position(89.95, 10.0), 20.0).max_lat == 90.0
    assert bounding_box(Position(-17.8, 179.95), 20.0)[1::2] == (-180.0, 180.0)
    assert bounding_box(Position(-17.8, 178.0), 20.0).max_lng < 180.0


@pytest.mark.parametrize("radius", [-1.0, math.nan, math.inf])
def test_bounding_box_refuses_a_meaningless_radius(radius: float) -> None:
    with pytest.raises(ValueError, match="radius"):
        bounding_box(PEOPLES_SQUARE, radius)


def test_zone_covers_reads_boundaries_as_lat_lng() -> None:
    # A triangle that is not symmetric in lat and lng: swapping them moves the point out.
    triangle = Zone(1, ((0.0, 0.0), (0.0, 4.0), (2.0, 4.0)))

    assert zone_covers([triangle], Position(lat=1.0, lng=3.0)) == {1}
    assert zone_covers([triangle], Position(lat=3.0, lng=1.0)) == frozenset()


def test_zone_covers_reports_every_zone_holding_the_point_borders_included() -> None:
    puxi = Zone(10, ((31.15, 121.40), (31.30, 121.40), (31.30, 121.49), (31.15, 121.49)))
    pudong = Zone(20, ((31.15, 121.49), (31.30, 121.49), (31.30, 121.65), (31.15, 121.65)))
    zones = [puxi, pudong]

    assert zone_covers(zones, PEOPLES_SQUARE) == {10}
    assert zone_covers(zones, ORIENTAL_PEARL_TOWER) == {20}
    assert zone_covers(zones, Position(31.2, 121.49)) == {10, 20}  # on the shared border
    assert zone_covers(zones, Position(39.9, 116.4)) == frozenset()  # Beijing
    assert zone_covers([], PEOPLES_SQUARE) == frozenset()


def test_zone_needs_an_area() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        Zone(1, ((0.0, 0.0), (1.0, 1.0)))


@pytest.mark.parametrize(("lat", "lng"), [(90.5, 0.0), (0.0, -180.5), (math.nan, 0.0)])
def test_position_refuses_coordinates_off_the_globe(lat: float, lng: float) -> None:
    with pytest.raises(ValueError, match="out of range"):
        Position(lat, lng)


def test_naive_datetimes_and_unknown_priorities_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Job(1, PEOPLES_SQUARE, created_at=datetime(2025, 3, 3, 9, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        Engineer(
            1, PEOPLES_SQUARE, last_position=PEOPLES_SQUARE, last_seen_at=datetime(2025, 3, 3, 9, 0)
        )
    with pytest.raises(ValueError, match="priority"):
        Job(1, PEOPLES_SQUARE, NOW, priority="critical")  # type: ignore[arg-type]
