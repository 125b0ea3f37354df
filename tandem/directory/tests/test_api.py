from __future__ import annotations

import pytest

from tandem.directory.models import ProfileStatus
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db


def test_the_list_takes_the_search_page_s_filters_and_sorts(anonymous):
    make_profile(name="Dear", fee_individual_minor=9000, specialties=("couples",))
    make_profile(name="Cheap", fee_individual_minor=4000)
    make_profile(name="Hidden", status=ProfileStatus.SUBMITTED)
    body = anonymous.get("/api/v1/therapists", {"sort": "fee"}).json()
    assert [row["name"] for row in body["results"]] == ["Cheap", "Dear"]
    assert (body["count"], body["count_is_capped"], body["pages"]) == (2, False, 1)
    assert body["results"][0]["fee_individual_minor"] == 4000
    assert body["results"][0]["url"] == "/therapists/cheap/"
    only = anonymous.get("/api/v1/therapists", {"specialty": "couples"}).json()
    assert [row["slug"] for row in only["results"]] == ["dear"]


def test_near_gives_distances(anonymous):
    make_profile(name="Bradford", town="Bradford")
    body = anonymous.get("/api/v1/therapists", {"near": "Leeds", "sort": "nearest"}).json()
    assert body["results"][0]["distance_km"] == pytest.approx(13.9, abs=1.5)


def test_an_empty_list_says_which_filter_to_remove(anonymous):
    make_profile(name="Video", offers_in_person=False, place="")
    body = anonymous.get("/api/v1/therapists", {"format": "in_person"}).json()
    assert body["count"] == 0 and body["relaxations"] == [
        {"remove": "in person sessions", "count": 1, "query": ""}
    ]


def test_bad_filters_are_422_with_clear_messages(anonymous):
    response = anonymous.get("/api/v1/therapists", {"near": "Leds", "max_fee": "x"})
    assert response.status_code == 422
    messages = {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}
    assert "Did you mean Leeds?" in messages[("query", "near")]
    assert messages[("query", "max_fee")] == "Enter a number."
    assert anonymous.get("/api/v1/therapists", {"page": "zero"}).status_code == 422


def test_one_profile_by_slug_and_404_unless_verified(anonymous):
    make_profile(name="Ada Lovelock")
    make_profile(name="Not Yet", status=ProfileStatus.DRAFT)
    body = anonymous.get("/api/v1/therapists/ada-lovelock").json()
    assert body["registration_body"] == "BACP" and body["qualifications"] == [
        "MSc Relationship Therapy"
    ]
    assert "<p>" in body["statement_html"]
    assert anonymous.get("/api/v1/therapists/not-yet").status_code == 404
    assert anonymous.get("/api/v1/therapists/nobody").status_code == 404


def test_match_with_a_result(anonymous):
    make_profile(name="Codep", specialties=("codependency", "self_esteem"))
    response = anonymous.post(
        "/api/v1/match",
        {
            "result": {"style": {"primary": "codependent"}, "flags": []},
            "preferences": {"max_fee_minor": 7000, "currency": "GBP"},
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["needs"]["specialties"][:2] == ["codependency", "self_esteem"]
    assert body["matches"][0]["therapist"]["slug"] == "codep"
    assert "works with codependency" in body["matches"][0]["reasons"]
    assert "within your budget (£60 a session)" in body["matches"][0]["reasons"]


def test_match_scores_answers_with_the_instrument_library_and_honours_safety(anonymous):
    from tandem.instruments import library

    make_profile(name="Codep", specialties=("codependency",))
    make_profile(name="Trauma", specialties=("trauma",))
    answers = dict.fromkeys(library.get("relating-styles").item_ids, 4)
    answers.update({f"sf{number}": 1 for number in range(1, 7)})
    response = anonymous.post(
        "/api/v1/match",
        {"instrument": "relating-styles", "answers": answers},
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["needs"]["safety"] is True
    assert [match["therapist"]["slug"] for match in body["matches"]] == ["trauma"]


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"preferences": {"near": "Atlantis"}}, "preferences.near"),
        ({"preferences": {"language": "klingon"}}, "language"),
        ({"preferences": {"max_fee_minor": -5}}, "max_fee_minor"),
        ({"answers": {"sr1": 4}}, "instrument"),
        ({"instrument": "no-such-check", "answers": {"sr1": 4}}, "instrument"),
        ({"instrument": "relating-styles", "answers": {"sr1": 99}}, "answers"),
        ({"result": {}, "answers": {"sr1": 4}, "instrument": "relating-styles"}, "result"),
    ],
)
def test_bad_match_requests_are_422(anonymous, payload, where):
    response = anonymous.post("/api/v1/match", payload, content_type="application/json")
    assert response.status_code == 422
    assert any(where in error["loc"] for error in response.json()["detail"]), response.json()


def test_the_api_refuses_other_methods(anonymous):
    assert anonymous.post("/api/v1/therapists").status_code == 405
    assert anonymous.get("/api/v1/match").status_code == 405
