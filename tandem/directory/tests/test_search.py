from __future__ import annotations

import pytest

from tandem.conftest import client_for
from tandem.directory.forms import SearchForm
from tandem.directory.models import ProfileStatus, TherapistProfile, TierRule
from tandem.directory.search import PAGE_SIZE, search_profiles
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db


def _search(**query: str):
    form = SearchForm(query)
    assert form.is_valid(), form.errors
    return search_profiles(form.to_params())


def _names(results) -> list[str]:
    return [listing.profile.name for listing in results.listings]


def test_it_finds_verified_profiles_by_words_in_their_specialties_and_statement():
    make_profile(name="Ada Codep", specialties=("codependency",))
    make_profile(name="Ben Grief", specialties=("grief",), statement="Loss changes us.")
    assert _names(_search(q="codependency")) == ["Ada Codep"]
    assert _names(_search(q="codep")) == ["Ada Codep"]  # a prefix is enough
    assert _names(_search(q="loss grief")) == ["Ben Grief"]
    assert _names(_search(q="ben")) == ["Ben Grief"]


def test_text_search_follows_edits_to_a_profile():
    profile = make_profile(name="Cara Edit", statement="I work with grief.")
    profile.statement = "I work with infidelity now."
    profile.save()
    assert _names(_search(q="infidelity")) == ["Cara Edit"]
    assert _names(_search(q="grief")) == []


def test_punctuation_in_the_query_cannot_break_the_search():
    make_profile(name="Dee Quote")
    assert _search(q='"dee" OR * NEAR( -').total == 0
    assert _names(_search(q="dee!!")) == ["Dee Quote"]


def test_it_never_lists_unverified_or_deactivated_profiles():
    make_profile(name="Shown")
    make_profile(name="Draft", status=ProfileStatus.DRAFT)
    make_profile(name="Waiting", status=ProfileStatus.SUBMITTED)
    make_profile(name="Rejected", status=ProfileStatus.REJECTED)
    gone = make_profile(name="Gone")
    gone.user.is_active = False
    gone.user.save()
    assert _names(_search()) == ["Shown"]


def test_each_filter_narrows_the_results():
    make_profile(
        name="Everything",
        specialties=("couples", "infidelity"),
        approaches=("eft",),
        languages=("en", "pl"),
        sees_couples=True,
        fee_couple_minor=9000,
        offers_phone=True,
        sliding_scale_min_minor=3000,
        gender="woman",
        years_in_practice=20,
    )
    make_profile(name="Plain", offers_in_person=False, place="", accepting_new_clients=False)
    assert _names(_search(format="phone")) == ["Everything"]
    assert _names(_search(format="in_person")) == ["Everything"]
    assert _names(_search(specialty="infidelity")) == ["Everything"]
    assert _names(_search(approach="eft")) == ["Everything"]
    assert _names(_search(language="pl")) == ["Everything"]
    assert _names(_search(couples="1")) == ["Everything"]
    assert _names(_search(couples="1", max_fee="90")) == ["Everything"]
    assert _names(_search(couples="1", max_fee="89.99")) == []
    assert _names(_search(sliding_scale="1")) == ["Everything"]
    assert _names(_search(gender="woman")) == ["Everything"]
    assert _names(_search(tier="premium")) == ["Everything"]
    assert _names(_search(accepting="1")) == ["Everything"]
    assert sorted(_names(_search(max_fee="60"))) == ["Everything", "Plain"]
    assert _names(_search(max_fee="60", currency="USD")) == []


def test_near_finds_in_person_therapists_within_the_distance_and_sorts_nearest_first():
    make_profile(name="In Leeds", town="Leeds")
    make_profile(name="In Bradford", town="Bradford")  # about 14 km from Leeds
    make_profile(name="In York", town="York")  # about 35 km
    make_profile(name="Online in Leeds", town="Leeds", offers_in_person=False, place="")
    results = _search(near="leeds", within_km="25", sort="nearest")
    assert _names(results) == ["In Leeds", "In Bradford"]
    assert results.listings[1].distance_km == pytest.approx(13.9, abs=1.5)
    assert _names(_search(near="Leeds", within_km="50", sort="nearest")) == [
        "In Leeds",
        "In Bradford",
        "In York",
    ]


def test_sorting_by_fee_puts_the_lowest_first():
    make_profile(name="Dear", fee_individual_minor=9000)
    make_profile(name="Cheap", fee_individual_minor=4000)
    make_profile(name="Sliding", fee_individual_minor=8000, sliding_scale_min_minor=2500)
    assert _names(_search(sort="fee")) == ["Cheap", "Sliding", "Dear"]


def _cards(results) -> list[str]:
    """Each card's name and the fee the card shows first (the couple fee for couples)."""
    return [
        f"{listing.profile.name} {listing.profile.shown_fee_display}"
        for listing in results.listings
    ]


def _mixed_fees() -> None:
    make_profile(name="Sixty", fee_individual_minor=6000)
    make_profile(name="Seventy-five", fee_individual_minor=7500, sliding_scale_min_minor=2000)
    make_profile(name="Dollars 110", currency="USD", fee_individual_minor=11000)
    make_profile(name="Fifty", fee_individual_minor=5000)
    make_profile(
        name="Dollars 90", currency="USD", fee_individual_minor=9000, sliding_scale_min_minor=1000
    )
    make_profile(
        name="Couples only",
        sees_individuals=False,
        sees_couples=True,
        fee_individual_minor=None,
        fee_couple_minor=6500,
    )


def test_the_lowest_fee_sort_follows_the_fee_on_the_card_in_the_viewers_currency_first():
    _mixed_fees()
    assert _cards(_search(sort="fee")) == [
        "Fifty £50",
        "Sixty £60",
        "Couples only £65",
        "Seventy-five £75",  # its sliding scale from £20 is not the fee the card shows
        "Dollars 90 $90",
        "Dollars 110 $110",
    ]
    assert _cards(_search(sort="fee", currency="USD")) == [
        "Dollars 90 $90",
        "Dollars 110 $110",
        "Fifty £50",
        "Sixty £60",
        "Couples only £65",
        "Seventy-five £75",
    ]


def test_the_lowest_fee_sort_for_couples_follows_the_couple_fee_by_currency():
    make_profile(name="Couple £90", sees_couples=True, fee_couple_minor=9000)
    make_profile(name="Couple $80", currency="USD", sees_couples=True, fee_couple_minor=8000)
    make_profile(
        name="Couple £70",
        sees_couples=True,
        fee_couple_minor=7000,
        fee_individual_minor=3000,
    )
    assert _names(_search(sort="fee", couples="1")) == ["Couple £70", "Couple £90", "Couple $80"]
    assert _names(_search(sort="fee", couples="1", currency="USD")) == [
        "Couple $80",
        "Couple £70",
        "Couple £90",
    ]


def test_the_lowest_fee_sort_pages_across_the_currencies():
    for number in range(PAGE_SIZE - 2):
        make_profile(name=f"Pounds {number:02d}", fee_individual_minor=5000 + number)
    for number in range(5):
        make_profile(name=f"Dollars {number}", currency="USD", fee_individual_minor=4000 + number)
    first = _names(_search(sort="fee"))
    second = _names(_search(sort="fee", page="2"))
    assert first[-2:] == ["Dollars 0", "Dollars 1"]
    assert second == ["Dollars 2", "Dollars 3", "Dollars 4"]
    assert "currency=USD" in _search(sort="fee", currency="USD").params.querystring(page=2)


def test_best_match_never_ranks_by_tier():
    TierRule.objects.update_or_create(pk=1, defaults={"premium_min_years": 10})
    first = make_profile(name="Standard First", years_in_practice=3, fee_individual_minor=9000)
    second = make_profile(name="Premium Second", years_in_practice=30, fee_individual_minor=9000)
    assert (first.tier, second.tier) == ("standard", "premium")
    # Equal but for tier: the neutral order (oldest profile first) decides.
    assert _names(_search()) == ["Standard First", "Premium Second"]


def test_it_pages_through_many_results():
    for number in range(PAGE_SIZE + 3):
        make_profile(name=f"Therapist {number:02d}")
    first = _search()
    assert (first.total, first.total_is_capped, len(first.listings)) == (PAGE_SIZE, True, PAGE_SIZE)
    assert first.has_next and first.next_query == "page=2"
    second = _search(page="2")
    assert _names(second) == ["Therapist 20", "Therapist 21", "Therapist 22"]
    assert (second.total, second.total_is_capped) == (PAGE_SIZE + 3, False)
    assert second.has_previous and not second.has_next


def test_an_empty_result_says_which_filter_to_remove():
    make_profile(name="Polish Speaker", languages=("en", "pl"), offers_in_person=False, place="")
    results = _search(language="pl", format="in_person")
    assert results.total == 0
    assert [(r.label, r.count) for r in results.relaxations] == [("in person sessions", 1)]
    assert results.relaxations[0].querystring == "language=pl"


class TestSearchPage:
    def test_anyone_can_search_and_the_url_can_be_shared(self, anonymous):
        make_profile(name="Ada Codep")
        response = anonymous.get("/therapists/", {"specialty": "codependency", "sort": "fee"})
        assert response.status_code == 200
        assert "Ada Codep" in response.content.decode()
        assert 'value="codependency" selected' in response.content.decode()

    def test_an_unknown_town_is_refused_with_close_spellings(self, anonymous):
        response = anonymous.get("/therapists/", {"near": "Leds"})
        assert response.status_code == 400
        assert "Did you mean Leeds?" in response.content.decode()

    def test_bad_filter_values_are_refused(self, anonymous):
        response = anonymous.get("/therapists/", {"max_fee": "lots", "specialty": "astrology"})
        assert response.status_code == 400
        assert "Enter a number" in response.content.decode()

    def test_it_refuses_other_methods(self, anonymous):
        assert anonymous.post("/therapists/").status_code == 405

    def test_htmx_gets_only_the_results(self, anonymous):
        make_profile(name="Ada Codep")
        response = anonymous.get("/therapists/", HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert 'id="results"' in body and "Ada Codep" in body and "<html" not in body

    def test_the_empty_page_links_to_the_relaxed_search(self, anonymous):
        make_profile(name="Video Only", offers_in_person=False, place="")
        response = anonymous.get(
            "/therapists/", {"format": "in_person", "specialty": "codependency"}
        )
        assert 'href="?specialty=codependency"' in response.content.decode()

    def test_signed_in_people_search_too(self, client_user):
        make_profile(name="Ada Codep")
        assert "Ada Codep" in client_for(client_user).get("/therapists/").content.decode()


def test_the_soonest_sort_appears_only_once_booking_offers_it(anonymous):
    from tandem.directory import hooks

    registered = hooks.soonest_sort()  # the booking app's, when it is installed
    hooks.register_soonest_sort(None)
    try:
        assert "Soonest free slot" not in anonymous.get("/therapists/").content.decode()
        hooks.register_soonest_sort(lambda queryset: queryset.order_by("-id"))
        make_profile(name="Older")
        make_profile(name="Newer")
        response = anonymous.get("/therapists/", {"sort": "soonest"})
        body = response.content.decode()
        assert "Soonest free slot" in body
        assert body.index("Newer") < body.index("Older")
    finally:
        hooks.register_soonest_sort(registered)
    assert TherapistProfile.objects.count() == 2


def test_a_deactivated_account_on_a_page_does_not_shorten_it_or_shift_the_next():
    for number in range(25):
        make_profile(name=f"Therapist {number:02d}")
    gone = TherapistProfile.objects.get(name="Therapist 03")
    gone.user.is_active = False
    gone.user.save()
    first, second = _search(), _search(page=2)
    assert len(first.listings) == 20 and first.total_is_capped
    assert "Therapist 03" not in _names(first)
    assert _names(second) == ["Therapist 21", "Therapist 22", "Therapist 23", "Therapist 24"]


def test_the_results_fragment_and_the_page_are_cached_apart(anonymous):
    response = anonymous.get("/therapists/", HTTP_HX_REQUEST="true")

    assert "HX-Request" in response["Vary"]


def test_the_search_page_says_what_the_lowest_fee_sort_uses(anonymous):
    page = anonymous.get("/therapists/?sort=fee&currency=USD")
    assert page.status_code == 200
    assert 'aria-describedby="sort-hint"' in page.content.decode()
    assert "Lowest fee: the session fee each listing shows" in page.content.decode()
