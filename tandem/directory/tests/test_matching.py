from __future__ import annotations

import pytest

from tandem.conftest import client_for
from tandem.directory.gazetteer import find_town
from tandem.directory.matching import (
    SAFETY_REASON,
    MatchPreferences,
    Needs,
    match_therapists,
    needs_from_result,
)
from tandem.directory.models import TierRule
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db

CODEPENDENT = {
    "instrument": {"slug": "relating-styles", "version": 1},
    "style": {"primary": "codependent", "pattern": "clear", "strengths": {}, "reasons": []},
    "plan": [{"strategy": "needs_boundaries"}, {"strategy": "self_esteem"}],
    "flags": [],
}
COUPLE_WORK = {"plan": [{"strategy": "couples_counselling"}, {"strategy": "listening"}]}
UNSAFE = {
    "style": {"primary": "codependent"},
    "plan": [{"strategy": "specialist_support"}, {"strategy": "couples_counselling"}],
    "flags": [{"key": "safety", "title": "Safety", "message": "..."}],
}


def _names(matches) -> list[str]:
    return [match.profile.name for match in matches]


def test_a_result_points_to_specialties_in_order_of_how_telling_they_are():
    needs = needs_from_result(CODEPENDENT)
    assert needs.specialties == ("codependency", "self_esteem", "boundaries", "communication")
    assert not needs.couples and not needs.safety
    assert needs_from_result(COUPLE_WORK).couples


NOTHING = Needs()


@pytest.mark.parametrize(
    ("result", "needs"),
    [
        (None, NOTHING),
        ({}, NOTHING),
        ({"style": None, "plan": None, "flags": None}, NOTHING),
        ({"style": {"primary": "alien"}}, NOTHING),
        # Only the well-formed step counts; the others are skipped.
        ({"plan": ["self_esteem", 3, {"strategy": None}]}, Needs(specialties=("self_esteem",))),
        ("not a dict", NOTHING),
    ],
)
def test_it_reads_what_it_can_of_partial_or_odd_results(result, needs):
    make_profile(name="Codependency", specialties=("codependency",))
    make_profile(name="Trauma", specialties=("trauma",))
    assert needs_from_result(result) == needs
    # Nothing points anywhere in particular, so everyone is listed, in the neutral order.
    matches = match_therapists(result=result, preferences=MatchPreferences())
    assert _names(matches) == ["Codependency", "Trauma"]


def test_a_bare_safety_flag_is_enough_to_put_safety_first():
    make_profile(name="Codependency", specialties=("codependency",))
    make_profile(name="Trauma", specialties=("trauma",))
    needs = needs_from_result({"flags": ["safety"]})
    assert needs.safety
    assert needs.specialties == ("abuse_recovery", "trauma")
    matches = match_therapists(result={"flags": ["safety"]}, preferences=MatchPreferences())
    assert _names(matches) == ["Trauma"]


def test_it_ranks_those_who_work_with_what_the_result_shows_and_says_why():
    make_profile(name="Anxiety Only", specialties=("anxiety",), fee_individual_minor=5000)
    make_profile(
        name="Codependency Expert",
        specialties=("codependency", "self_esteem", "boundaries"),
        fee_individual_minor=5500,
    )
    matches = match_therapists(result=CODEPENDENT, preferences=MatchPreferences(max_fee_minor=6000))
    assert _names(matches) == ["Codependency Expert", "Anxiety Only"]
    assert matches[0].reasons[:3] == [
        "works with codependency",
        "works with self-esteem",
        "works with boundaries",
    ]
    assert "within your budget (£55 a session)" in matches[0].reasons


def test_preferences_alone_still_match():
    make_profile(name="Polish Video", languages=("en", "pl"))
    make_profile(name="English Only")
    matches = match_therapists(
        result=None, preferences=MatchPreferences(language="pl", format="video")
    )
    assert _names(matches) == ["Polish Video"]
    assert "speaks Polish" in matches[0].reasons and "offers video sessions" in matches[0].reasons


def test_couples_work_suggests_therapists_who_see_couples():
    make_profile(name="Individuals", specialties=("communication",))
    make_profile(
        name="Couples",
        specialties=("couples", "communication"),
        sees_couples=True,
        fee_couple_minor=8000,
    )
    matches = match_therapists(result=COUPLE_WORK, preferences=MatchPreferences())
    assert _names(matches) == ["Couples"]
    assert "sees couples" in matches[0].reasons


def test_with_the_safety_flag_only_abuse_or_trauma_specialists_who_see_individuals_are_suggested():
    make_profile(
        name="Couples Only",
        specialties=("abuse_recovery",),
        sees_individuals=False,
        sees_couples=True,
        fee_individual_minor=None,
        fee_couple_minor=9000,
    )
    make_profile(name="Codependency", specialties=("codependency", "self_esteem"))
    make_profile(name="Trauma", specialties=("trauma", "codependency"))
    make_profile(
        name="Abuse Recovery",
        specialties=("abuse_recovery",),
        sees_couples=True,
        fee_couple_minor=9000,
    )
    matches = match_therapists(
        result=UNSAFE,
        preferences=MatchPreferences(couples=True),  # couples asked, never given
    )
    assert sorted(_names(matches)) == ["Abuse Recovery", "Trauma"]
    for match in matches:
        assert match.reasons[0] == SAFETY_REASON
        assert "sees couples" not in match.reasons
        assert "sees people on their own" in match.reasons


def test_the_budget_counts_a_sliding_scale():
    make_profile(name="Sliding", fee_individual_minor=9000, sliding_scale_min_minor=3500)
    make_profile(name="Too Dear", fee_individual_minor=9000)
    matches = match_therapists(result=None, preferences=MatchPreferences(max_fee_minor=4000))
    assert _names(matches) == ["Sliding"]
    assert "offers a sliding scale from £35, within your budget" in matches[0].reasons


def test_in_person_near_a_town():
    make_profile(name="Bradford", town="Bradford")
    make_profile(name="London", town="London")
    matches = match_therapists(
        result=None, preferences=MatchPreferences(town=find_town("Leeds"), within_km=25)
    )
    assert _names(matches) == ["Bradford"]
    assert (
        matches[0].reasons[0].startswith("sees people in person 1")
        and "from Leeds" in matches[0].reasons[0]
    )


def test_tier_never_changes_the_ranking():
    TierRule.objects.update_or_create(pk=1, defaults={"premium_min_years": 10})
    first = make_profile(name="Standard", years_in_practice=2, fee_individual_minor=9000)
    second = make_profile(name="Premium", years_in_practice=25, fee_individual_minor=9000)
    assert (first.tier, second.tier) == ("standard", "premium")
    matches = match_therapists(result=CODEPENDENT, preferences=MatchPreferences())
    assert _names(matches) == ["Standard", "Premium"]
    assert matches[0].score == matches[1].score


def test_therapists_not_taking_clients_are_not_suggested():
    make_profile(name="Full", accepting_new_clients=False)
    assert match_therapists(result=None, preferences=MatchPreferences()) == []


class TestMatchPage:
    def test_preferences_alone_work_without_an_account(self, anonymous):
        make_profile(name="Ada Codep")
        response = anonymous.get(
            "/therapists/match/", {"max_fee": "70", "specialties": "codependency"}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "Ada Codep" in body and "Works with codependency" in body

    def test_a_posted_result_brings_its_needs_and_is_kept_for_refining(self, anonymous):
        import json

        make_profile(name="Trauma", specialties=("trauma",))
        response = anonymous.post("/therapists/match/", {"result": json.dumps(UNSAFE)})
        body = response.content.decode()
        assert "Your safety comes first" in body
        assert "Has experience supporting people who feel unsafe in a relationship" in body
        assert "We want to come as a couple" not in body
        assert "&quot;safety&quot;" in body  # carried in the hidden field

    def test_bad_input_is_refused(self, anonymous):
        response = anonymous.post("/therapists/match/", {"result": "{not json", "near": "Nowhere"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "That result could not be read" in body and "Nowhere" in body

    def test_it_refuses_other_methods(self, client_user):
        assert client_for(client_user).delete("/therapists/match/").status_code == 405


def test_it_never_suggests_a_deactivated_account():
    make_profile(name="Still Here", specialties=("codependency",))
    gone = make_profile(name="Gone Away", specialties=("codependency", "self_esteem"))
    gone.user.is_active = False
    gone.user.save()
    assert _names(match_therapists(result=CODEPENDENT, preferences=MatchPreferences())) == [
        "Still Here"
    ]


@pytest.mark.parametrize("flags", [5, True, "safety", {"key": "safety"}, None])
def test_a_malformed_flags_value_is_ignored_never_a_server_error(anonymous, flags):
    import json

    make_profile(name="Codependency", specialties=("codependency",))
    page = anonymous.post("/therapists/match/", {"result": json.dumps({"flags": flags})})
    api = anonymous.post(
        "/api/v1/match", {"result": {"flags": flags}}, content_type="application/json"
    )

    # Only a list of flags is read: anything else counts as no flags at all.
    assert page.status_code == 200
    assert "Your safety comes first" not in page.content.decode()
    assert "Codependency" in page.content.decode()
    assert api.status_code == 200
    assert api.json()["needs"]["safety"] is False
    assert [match["therapist"]["name"] for match in api.json()["matches"]] == ["Codependency"]


def test_a_result_in_the_address_bar_is_ignored(anonymous):
    import json

    safety = json.dumps({"flags": ["safety"], "style": {"primary": "codependent"}})
    page = anonymous.get("/therapists/match/", {"result": safety, "format": "video"})

    assert page.status_code == 200
    assert "Your safety comes first" not in page.content.decode()
