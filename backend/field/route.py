"""A day's route from GPS fixes: drop unreliable fixes, measure the distance, simplify the line."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from shapely.geometry import LineString

from dispatch.geo import pair_distances_km

# IUGG mean radius: the local plane only has to be right to well under the tolerance.
MEAN_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Fix:
    lat: float
    lng: float


@dataclass(frozen=True)
class Route:
    coordinates: list[tuple[float, float]]  # simplified line, GeoJSON order [lng, lat]
    distance_km: float


class LocalPlane:
    """An equirectangular projection around a centre: metres east (x) and north (y).

    Over the few tens of km of a day's route its scale error stays within a fraction of a
    percent: plenty for a 10 m simplification tolerance (distances are measured geodesically,
    not on this plane), and it needs no projection library.
    """

    def __init__(self, fixes: Sequence[Fix]) -> None:
        self.ref_lng = fixes[0].lng
        lats = np.array([f.lat for f in fixes])
        self.lat0 = float(lats.mean())
        self.lng0 = self.ref_lng + float(self._unwrapped([f.lng for f in fixes]).mean())
        # Kept away from zero so a route at a pole does not divide by nothing.
        self.kx = MEAN_EARTH_RADIUS_M * max(math.cos(math.radians(self.lat0)), 1e-6)

    def _unwrapped(self, lngs: Sequence[float]) -> np.ndarray:
        """Longitudes as offsets from the first fix in (-180, 180]: a route over the date line
        stays one piece instead of spanning the globe."""
        return (np.asarray(lngs, dtype=np.float64) - self.ref_lng + 180.0) % 360.0 - 180.0

    def to_xy(self, fixes: Sequence[Fix]) -> np.ndarray:
        lng = self.ref_lng + self._unwrapped([f.lng for f in fixes])
        x = np.radians(lng - self.lng0) * self.kx
        y = np.radians(np.array([f.lat for f in fixes]) - self.lat0) * MEAN_EARTH_RADIUS_M
        return np.column_stack((x, y))

    def to_lng_lat(self, xy: np.ndarray) -> list[tuple[float, float]]:
        lng = self.lng0 + np.degrees(xy[:, 0] / self.kx)
        lat = self.lat0 + np.degrees(xy[:, 1] / MEAN_EARTH_RADIUS_M)
        lng = (lng + 180.0) % 360.0 - 180.0
        return [(round(float(a), 7), round(float(b), 7)) for a, b in zip(lng, lat, strict=True)]


def drop_jitter(xy: np.ndarray, tolerance_m: float) -> list[int]:
    """Indexes of the fixes to keep: a fix closer than tolerance_m to the last kept one is GPS
    wander while standing still, and summing that wander would add phantom kilometres.
    The last fix is always kept, so the line ends where the person was last seen."""
    points = xy.tolist()  # plain floats: math.dist on numpy rows is much slower
    kept = [0]
    for i in range(1, len(points)):
        if math.dist(points[kept[-1]], points[i]) >= tolerance_m:
            kept.append(i)
    if len(xy) > 1 and kept[-1] != len(xy) - 1:
        kept.append(len(xy) - 1)
    return kept


def build_route(usable: Sequence[Fix], tolerance_m: float) -> Route | None:
    """The route through the usable fixes (in time order), or None for fewer than two.

    The distance is the geodesic length through every kept fix, not through the simplified
    line: simplification cuts corners, and the distance must not shrink with the drawing.
    """
    if len(usable) < 2:
        return None
    plane = LocalPlane(usable)
    xy = plane.to_xy(usable)
    kept = drop_jitter(xy, tolerance_m)
    path = [(usable[i].lat, usable[i].lng) for i in kept]
    # Vectorised WGS84 geodesic, equal to geopy's to under a millimetre and far faster:
    # a day of fixes every few seconds must not hold the event loop.
    distance_km = float(pair_distances_km(path[:-1], path[1:]).sum())
    line = LineString(xy[kept]).simplify(tolerance_m, preserve_topology=False)
    simplified = np.asarray(line.coords) if not line.is_empty else np.empty((0, 2))
    if len(simplified) < 2:  # everything collapsed onto one spot: keep its two ends
        simplified = xy[[kept[0], kept[-1]]]
    return Route(plane.to_lng_lat(simplified), distance_km)
