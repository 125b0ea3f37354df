"""The client's side: share with a therapist they booked with, change it, revoke it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.conftest import client_for
from tandem.practice.models import Consent
from tandem.practice.tests.conftest import NOW, result

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

FORM = {
    "instruments": ["healthy-relationship"],
    "share_from": "2027-01-01",
    "auto_share": "on",
}


def test_a_client_shares_with_a_therapist_they_booked_with(
    booked: Any, client_user: Any, therapist_user: Any
) -> None:
    http = client_for(client_user)
    page = http.get(reverse("practice:sharing")).content.decode()
    assert "Share results with Theo Therapist" in page
    answer = http.post(reverse("practice:share", args=[therapist_user.pk]), FORM)
    assert answer.status_code == 302
    consent = Consent.objects.current().get(client=client_user)
    assert consent.therapist == therapist_user
    assert consent.instruments == ["healthy-relationship"]
    assert consent.share_from == date(2027, 1, 1)
    assert consent.auto_share and not consent.share_safety
    # The form to change it shows the date as a date input can read it (ISO), so it saves
    # again without retyping; and the couple report is a separate yes.
    edit = http.get(reverse("practice:share", args=[therapist_user.pk])).content.decode()
    assert 'type="date" name="share_from" value="2027-01-01"' in edit
    assert not consent.share_couple_report
    # Sharing again edits the same consent rather than adding a second.
    http.post(
        reverse("practice:share", args=[therapist_user.pk]),
        {**FORM, "share_safety": "on", "share_couple_report": "on"},
    )
    again = Consent.objects.current().get(client=client_user)
    assert again.pk == consent.pk and again.share_safety and again.share_couple_report


def test_without_auto_share_only_results_up_to_now_are_shared(
    booked: Any, client_user: Any, therapist_user: Any
) -> None:
    older = result(client_user, 50, NOW - timedelta(days=30))
    http = client_for(client_user)
    http.post(
        reverse("practice:share", args=[therapist_user.pk]),
        {"instruments": ["healthy-relationship"], "share_from": "2027-01-01"},
    )
    consent = Consent.objects.current().get(client=client_user)
    assert consent.covers(older.instrument_slug, older.completed_at)
    assert consent.shared_through == NOW
    newer = result(client_user, 70, NOW + timedelta(minutes=1))
    assert not consent.covers(newer.instrument_slug, newer.completed_at)


def test_it_refuses_a_therapist_the_client_never_booked_with(
    booked: Any, client_user: Any, unrelated_therapist_user: Any
) -> None:
    http = client_for(client_user)
    assert (
        http.get(reverse("practice:share", args=[unrelated_therapist_user.pk])).status_code == 404
    )
    answer = http.post(reverse("practice:share", args=[unrelated_therapist_user.pk]), FORM)
    assert answer.status_code == 404
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"share_from": "2027-01-01"}, "Choose at least one check to share."),
        ({**FORM, "instruments": ["couple-balance"]}, "Select a valid choice"),
        ({**FORM, "share_from": "yesterday"}, "Enter a valid date."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    booked: Any, client_user: Any, therapist_user: Any, data: dict[str, Any], message: str
) -> None:
    answer = client_for(client_user).post(reverse("practice:share", args=[therapist_user.pk]), data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Consent.objects.exists()


def test_revoking_takes_effect_at_once(consent: Any, client_user: Any, therapist_user: Any) -> None:
    therapist = client_for(therapist_user)
    assert therapist.get(reverse("practice:client", args=[consent.pk])).status_code == 200
    http = client_for(client_user)
    answer = http.post(reverse("practice:revoke", args=[consent.pk]))
    assert answer.status_code == 302
    assert therapist.get(reverse("practice:client", args=[consent.pk])).status_code == 404
    assert "Casey" not in therapist.get(reverse("practice:caseload")).content.decode()
    # Revoking twice, or someone else's consent, is a 404 and changes nothing.
    assert http.post(reverse("practice:revoke", args=[consent.pk])).status_code == 404


def test_revoke_refuses_get_anonymous_and_other_people(
    consent: Any, anonymous: Client, partner_user: Any, therapist_user: Any
) -> None:
    url = reverse("practice:revoke", args=[consent.pk])
    assert client_for(consent.client).get(url).status_code == 405
    assert anonymous.post(url).status_code == 302
    assert client_for(partner_user).post(url).status_code == 404
    assert client_for(therapist_user).post(url).status_code == 404
    consent.refresh_from_db()
    assert consent.is_current


def test_due_measures_appear_on_the_clients_page(consent: Any, client_user: Any) -> None:
    from tandem.practice.services import schedule_create
    from tandem.practice.tasks import run_round

    schedule_create(
        consent=consent, instrument_slug="healthy-relationship", kind="once", every=None
    )
    run_round()
    page = client_for(client_user).get(reverse("practice:sharing")).content.decode()
    assert "Take the Healthy Relationship Check" in page
    assert reverse("assessments:take", args=["healthy-relationship"]) in page
