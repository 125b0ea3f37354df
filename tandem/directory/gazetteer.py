"""A small gazetteer of UK and US towns, for "near a town" searches, and distances.

The towns are in ``data/towns.csv`` (name, country, region, latitude, longitude). A name
alone finds the first town of that name in the file; "Portland, ME" or "Birmingham, US"
picks one of several.

Distances from a town (:func:`distance_km`) are plain arithmetic, so the database can filter
and sort by exactly the distance a page shows: an equirectangular distance whose east-west
scale is the cosine of the mid latitude, to first order. For every town here (19° to 61.5°
north) and up to 200 km it is never shorter than the great-circle distance and at most
0.02 % longer: 40 m at 200 km, 5 m at 100 km, 8 cm at 25 km (tests/test_distance.py
measures it). So "within N km" never reaches past N km by great circle, and may leave out
someone in its outermost 0.02 %. The plain form, scaled by the town's own cosine, errs by
over 1 % either way at 200 km, which is why it is not used.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "EARTH_RADIUS_KM",
    "KM_PER_DEGREE",
    "Town",
    "UnknownTown",
    "bounding_box",
    "distance_km",
    "east_scale",
    "east_scale_terms",
    "find_town",
    "haversine_km",
    "towns",
]

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # 111.195 km: a degree of latitude
TOWNS_FILE = Path(__file__).parent / "data" / "towns.csv"


@dataclass(frozen=True)
class Town:
    name: str
    country: str
    region: str
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        return f"{self.name}, {self.region}"


class UnknownTown(ValueError):
    """A town the gazetteer does not know; ``suggestions`` holds close spellings."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        message = f"We don't know a town called “{name}”."
        if suggestions:
            message += " Did you mean " + " or ".join(suggestions) + "?"
        else:
            message += " Try the nearest large town or city."
        super().__init__(message)


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@cache
def towns() -> tuple[Town, ...]:
    with TOWNS_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Town(
                name=row["name"],
                country=row["country"],
                region=row["region"],
                latitude=float(row["lat"]),
                longitude=float(row["lng"]),
            )
            for row in csv.DictReader(handle)
        )


@cache
def _index() -> dict[str, Town]:
    index: dict[str, Town] = {}
    for town in towns():
        for key in (town.name, f"{town.name} {town.region}", f"{town.name} {town.country}"):
            index.setdefault(_normalise(key), town)
        if town.country == "GB":
            index.setdefault(_normalise(f"{town.name} UK"), town)
    return index


def find_town(name: str) -> Town:
    """The town called ``name`` (case and punctuation do not matter).

    Raises:
        UnknownTown: with up to three close spellings.

    Example: ``find_town("leeds").latitude`` is about 53.80.
    """
    key = _normalise(name)
    town = _index().get(key)
    if town is not None:
        return town
    labels = {_normalise(t.name): t.name for t in towns()}
    close = difflib.get_close_matches(key, list(labels), n=3, cutoff=0.6)
    raise UnknownTown(name.strip(), [labels[c] for c in close])


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in kilometres.

    Formula: ``2 R asin(sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)))``.
    Example: London to Leeds is about 272 km.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def east_scale_terms(town_latitude: float) -> tuple[float, float]:
    """``(a, b)`` such that ``a - b * (latitude - town_latitude)`` is, to first order, the
    cosine of the latitude halfway between the town and ``latitude``: how many kilometres
    a degree of longitude spans, relative to a degree of latitude, along the way there."""
    phi = math.radians(town_latitude)
    return math.cos(phi), math.sin(phi) * math.pi / 360


def east_scale(town_latitude: float, latitude: float) -> float:
    a, b = east_scale_terms(town_latitude)
    return a - b * (latitude - town_latitude)


def distance_km(town_lat: float, town_lng: float, lat: float, lng: float) -> float:
    """The directory's distance from a town to a point, in kilometres: what "within N km"
    filters on, "nearest" sorts by and pages show (``search.near_condition`` computes the
    same in SQL). Never shorter than :func:`haversine_km` and at most 0.02 % longer, up to
    200 km from the gazetteer's towns (see the module's docstring).

    Example: Leeds to Bradford is about 13.9 km.
    """
    d_lat = lat - town_lat
    d_east = (lng - town_lng) * east_scale(town_lat, lat)
    return KM_PER_DEGREE * math.sqrt(d_lat * d_lat + d_east * d_east)


def bounding_box(lat: float, lng: float, km: float) -> tuple[float, float, float, float]:
    """``(min_lat, max_lat, min_lng, max_lng)`` of a box holding every point within ``km``
    of the town at ``lat``, ``lng`` (by :func:`distance_km`, and so by great circle too).

    The east-west half-width uses the narrowest scale within the box's latitudes: the
    circle is widest on its poleward side."""
    d_lat = km / KM_PER_DEGREE
    a, b = east_scale_terms(lat)
    narrowest = max(0.01, a - abs(b) * d_lat)
    d_lng = d_lat / narrowest
    return lat - d_lat, lat + d_lat, lng - d_lng, lng + d_lng
