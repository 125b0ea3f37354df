"""'Within N km of a town' is a circle, not the box around it, in search and in matching."""

from __future__ import annotations

import math

import pytest

from tandem.directory.gazetteer import (
    EARTH_RADIUS_KM,
    KM_PER_DEGREE,
    Town,
    bounding_box,
    distance_km,
    east_scale,
    find_town,
    haversine_km,
    towns,
)
from tandem.directory.matching import MatchPreferences, match_therapists
from tandem.directory.search import SearchParams, search_profiles
from tandem.directory.tests.helpers import make_profile


def _point(town: Town, km: float, bearing: float) -> tuple[float, float]:
    """The point ``km`` along the great circle from ``town`` at ``bearing`` degrees."""
    phi1, lambda1 = math.radians(town.latitude), math.radians(town.longitude)
    theta, delta = math.radians(bearing), km / EARTH_RADIUS_KM
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lambda2)


def _at(name: str, town: Town, km: float, bearing: float):
    latitude, longitude = _point(town, km, bearing)
    return make_profile(name=name, town=town.name, latitude=latitude, longitude=longitude)


def _search_names(town: Town, km: int, sort: str) -> list[str]:
    results = search_profiles(SearchParams(near=town.name, town=town, within_km=km, sort=sort))
    return [listing.profile.name for listing in results.listings]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["best", "nearest", "fee"])
def test_near_a_town_leaves_out_the_corners_of_the_box(sort):
    leeds = find_town("Leeds")
    _at("Box Corner", leeds, 30, 45)  # inside the 25 km box, 30 km away
    _at("Just Outside", leeds, 25.5, 45)
    _at("Due East", leeds, 24, 90)
    _at("Just Inside", leeds, 24.9, 45)
    _at("South West", leeds, 20, 225)
    found = _search_names(leeds, 25, sort)
    assert sorted(found) == ["Due East", "Just Inside", "South West"]
    if sort == "nearest":
        assert found == ["South West", "Due East", "Just Inside"]


@pytest.mark.django_db
def test_distances_shown_agree_with_the_filter_and_the_nearest_sort():
    leeds = find_town("Leeds")
    for number, (km, bearing) in enumerate([(9.8, 10), (3, 200), (24.99, 315), (12, 135)]):
        _at(f"Therapist {number}", leeds, km, bearing)
    results = search_profiles(SearchParams(near="Leeds", town=leeds, within_km=25, sort="nearest"))
    shown = [listing.distance_km for listing in results.listings if listing.distance_km]
    assert len(shown) == 4
    assert shown == sorted(shown) and max(shown) <= 25
    assert shown == pytest.approx([3, 9.8, 12, 24.99], rel=3e-4)


@pytest.mark.django_db
def test_the_circle_reaches_its_edge_even_far_north_and_wide():
    # At Anchorage's latitude the circle is widest east and west; the box must hold it all.
    anchorage = find_town("Anchorage")
    bearings = range(0, 360, 20)
    for bearing in bearings:
        _at(f"Inside {bearing}", anchorage, 199.9, bearing)
        _at(f"Outside {bearing}", anchorage, 200.1, bearing)
    found = _search_names(anchorage, 200, "nearest")
    assert sorted(found) == sorted(f"Inside {bearing}" for bearing in bearings)


@pytest.mark.django_db
def test_matching_near_a_town_is_a_circle_too():
    leeds = find_town("Leeds")
    _at("Box Corner", leeds, 30, 45)
    _at("Due East", leeds, 24, 90)
    matches = match_therapists(result=None, preferences=MatchPreferences(town=leeds, within_km=25))
    assert [match.profile.name for match in matches] == ["Due East"]
    assert matches[0].distance_km == pytest.approx(24, rel=3e-4)


def _flat_km(town: Town, latitude: float, longitude: float) -> float:
    """The plain equirectangular distance, scaled by the cosine of the town's latitude."""
    d_lat = latitude - town.latitude
    d_east = (longitude - town.longitude) * math.cos(math.radians(town.latitude))
    return KM_PER_DEGREE * math.hypot(d_lat, d_east)


def test_the_directory_distance_is_within_a_fiftieth_of_a_percent_of_great_circle_and_never_short():
    # Every town lies between 19° and 61.5° north (Honolulu to Anchorage); radii up to 200 km.
    assert all(19 <= town.latitude <= 61.5 for town in towns())
    worst_flat = worst = 0.0
    for half_degrees in range(38, 124):
        town = Town("Test", "GB", "", half_degrees / 2, -2.0)
        for km in (0.5, 1, 5, 10, 25, 50, 100, 150, 200):
            for bearing in range(0, 360, 3):
                latitude, longitude = _point(town, km, bearing)
                exact = haversine_km(town.latitude, town.longitude, latitude, longitude)
                approximate = distance_km(town.latitude, town.longitude, latitude, longitude)
                # Never shorter (but for float rounding, under a millimetre): the filter
                # never reaches past N km.
                assert approximate >= exact * (1 - 1e-9)
                worst = max(worst, approximate / exact - 1)
                worst_flat = max(worst_flat, abs(_flat_km(town, latitude, longitude) / exact - 1))
    assert worst < 2e-4  # measured: 0.0199 % at 61.5° north and 200 km; 0.0003 % at 25 km
    # Why not the plain form: with the town's cosine alone it errs by over 1 % either way.
    assert worst_flat > 0.01


def test_the_box_holds_the_circle():
    # The edge of the region the filter keeps, traced exactly: d_lat² + d_east² = r².
    for latitude in (21.3, 40.7, 51.5, 61.2):
        for km in (5, 25, 200):
            min_lat, max_lat, min_lng, max_lng = bounding_box(latitude, -2.0, km)
            radius = km / KM_PER_DEGREE
            for step in range(-100, 101):
                d_lat = radius * step / 100
                d_east = math.sqrt(max(0.0, radius * radius - d_lat * d_lat))
                for sign in (-1, 1):
                    point_lng = -2.0 + sign * d_east / east_scale(latitude, latitude + d_lat)
                    point = (latitude + d_lat, point_lng)
                    assert distance_km(latitude, -2.0, *point) == pytest.approx(km)
                    assert min_lat <= point[0] <= max_lat and min_lng <= point[1] <= max_lng
