from __future__ import annotations

import pytest

from tandem.directory.content import render_statement
from tandem.directory.gazetteer import UnknownTown, find_town, haversine_km, towns


def test_the_gazetteer_has_about_150_uk_and_us_towns_with_plausible_coordinates():
    places = towns()
    assert len(places) >= 150
    assert {town.country for town in places} == {"GB", "US"}
    for town in places:
        if town.country == "GB":
            assert 49.5 < town.latitude < 61 and -8.5 < town.longitude < 2, town
        elif town.region not in ("HI", "AK"):
            assert 24 < town.latitude < 50 and -125 < town.longitude < -66, town


def test_it_finds_towns_in_any_case_and_picks_between_namesakes():
    assert find_town("leeds").name == "Leeds"
    assert find_town("Portland").region == "OR"
    assert find_town("Portland, ME").region == "ME"
    assert find_town("Birmingham US").region == "AL"
    assert find_town("birmingham").country == "GB"


def test_an_unknown_town_suggests_close_spellings():
    with pytest.raises(UnknownTown) as raised:
        find_town("Manchestr")
    assert raised.value.suggestions[0] == "Manchester"
    assert "Did you mean Manchester or " in str(raised.value)


def test_distances_match_known_values():
    london, leeds = find_town("London"), find_town("Leeds")
    assert haversine_km(london.latitude, london.longitude, leeds.latitude, leeds.longitude) == (
        pytest.approx(272, abs=3)
    )
    ny, la = find_town("New York"), find_town("Los Angeles")
    assert haversine_km(ny.latitude, ny.longitude, la.latitude, la.longitude) == pytest.approx(
        3936, abs=15
    )


def test_statements_keep_simple_markdown_and_drop_everything_else():
    html = render_statement("# Hi\n\n**bold** <b onclick=x>raw</b> [site](https://example.org)")
    assert "<h3>Hi</h3>" in html and "<strong>bold</strong>" in html
    assert "<b onclick" not in html and "&lt;b onclick=x&gt;" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow noopener noreferrer"' in html
