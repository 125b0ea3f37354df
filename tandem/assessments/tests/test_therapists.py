from __future__ import annotations

import pytest
from django.urls import reverse

from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import complete_check
from tandem.conftest import client_for
from tandem.directory.tests.helpers import make_profile


@pytest.mark.django_db
def test_find_a_therapist_lists_matches_with_their_reasons(anonymous):
    fits = make_profile(
        name="Fay Fitting", specialties=("codependency", "dependency", "self_esteem")
    )
    make_profile(name="Olly Other", specialties=("anxiety",), fee_individual_minor=4000)
    complete_check(anonymous, value=2)
    url = reverse("assessments:therapists", args=[Response.objects.get().public_id])
    page = anonymous.get(url, {"budget": "70", "format": "video", "town": ""})
    text = page.content.decode()
    assert page.status_code == 200
    assert reverse("directory:profile", args=[fits.slug]) in text
    assert text.index("Fay Fitting") < text.index("Olly Other")
    assert "Within your budget" in text


@pytest.mark.django_db
def test_a_flagged_result_only_gets_therapists_for_safety_and_individuals(anonymous):
    make_profile(name="Sam Safety", specialties=("abuse_recovery", "trauma"))
    make_profile(
        name="Cory Couples", specialties=("couples",), sees_couples=True, fee_couple_minor=9000
    )
    complete_check(anonymous, safety=True)
    url = reverse("assessments:therapists", args=[Response.objects.get().public_id])
    text = anonymous.get(url).content.decode()
    assert "Sam Safety" in text
    assert "Cory Couples" not in text
    assert "may not always feel safe" in text


@pytest.mark.django_db
def test_bad_preferences_are_explained(anonymous):
    complete_check(anonymous)
    url = reverse("assessments:therapists", args=[Response.objects.get().public_id])
    page = anonymous.get(url, {"budget": "-5", "town": "Nowhereville-on-Sea"})
    text = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in text
    assert 'aria-describedby="id_budget-error"' in text
    assert "know a town called" in text


@pytest.mark.django_db
def test_matches_for_another_persons_result_are_a_404(client_user, unrelated_client_user):
    complete_check(client_for(client_user))
    url = reverse("assessments:therapists", args=[Response.objects.get().public_id])
    assert client_for(unrelated_client_user).get(url).status_code == 404
    assert client_for(client_user).post(url).status_code == 405


@pytest.mark.django_db
def test_a_budget_in_dollars_finds_therapists_who_charge_in_dollars(anonymous):
    make_profile(name="Dana Dollars", town="Boston")
    make_profile(name="Pat Pounds", town="Leeds")
    complete_check(anonymous, value=2)
    url = reverse("assessments:therapists", args=[Response.objects.get().public_id])
    page = anonymous.get(url, {"budget": "70", "currency": "USD", "format": "video"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Dana Dollars" in text
    assert "Pat Pounds" not in text
    assert "within your budget ($60 a session)" in text.lower()


@pytest.mark.django_db
def test_the_results_page_the_search_form_and_the_api_build_the_same_preferences(anonymous):
    from tandem.assessments.forms import MatchForm as ResultsMatchForm
    from tandem.directory.api import PreferencesIn
    from tandem.directory.forms import MatchForm as DirectoryMatchForm
    from tandem.directory.gazetteer import find_town
    from tandem.directory.matching import MatchPreferences

    results = ResultsMatchForm({"budget": "70", "currency": "USD", "town": "Boston"})
    directory = DirectoryMatchForm({"max_fee": "70", "currency": "USD", "near": "Boston"})
    assert results.is_valid() and directory.is_valid()
    wanted = PreferencesIn.model_validate(
        {"max_fee_minor": 7000, "currency": "USD", "near": "Boston"}
    )
    through_api = MatchPreferences.build(**wanted.dict(exclude={"near"}), town=find_town("Boston"))
    assert results.to_preferences() == directory.to_preferences() == through_api
    assert through_api.format == "in_person"


@pytest.mark.django_db
def test_suggestions_are_the_directorys_cards_with_fee_place_and_formats(anonymous):
    fees = {"fee_individual_minor": 6500, "sliding_scale_min_minor": 3000}
    make_profile(name="Fay Fitting", town="York", offers_phone=True, **fees)
    complete_check(anonymous, value=2)
    url = reverse("assessments:therapists", args=[Response.objects.get().public_id])
    text = anonymous.get(url).content.decode()
    assert '<article class="listing" aria-labelledby="listing-' in text
    assert "Individual £65" in text and "sliding scale from £30" in text
    assert "<span>York</span>" in text
    assert "<span>Video, Phone, In person</span>" in text
    assert 'aria-label="Why we suggest Fay Fitting"' in text


@pytest.mark.django_db
def test_the_budget_is_in_the_currency_the_person_chooses(anonymous):
    make_profile(name="Dana Dollars", town="Boston", fee_individual_minor=9000)
    make_profile(name="Polly Pounds", town="Leeds", fee_individual_minor=9000)
    complete_check(anonymous, value=2)
    url = reverse("assessments:therapists", args=[Response.objects.get().public_id])
    page = anonymous.get(url, {"budget": "100", "currency": "USD"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Dana Dollars" in text and "Polly Pounds" not in text
    assert "Within your budget ($90 a session)" in text
    assert '<option value="USD" selected>' in text
    in_pounds = anonymous.get(url, {"budget": "100", "currency": "GBP"}).content.decode()
    assert "Polly Pounds" in in_pounds and "Dana Dollars" not in in_pounds
    assert anonymous.get(url, {"budget": "100", "currency": "EUR"}).status_code == 400
