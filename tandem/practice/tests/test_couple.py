"""Two partners side by side: only when both share with the therapist, each read logged on
its own consent, and a safety flag indistinguishable from an answer not yet given."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import AccessLog, User
from tandem.conftest import client_for
from tandem.couples.models import Couple
from tandem.couples.tests.helpers import active_couple, answer_all
from tandem.practice.models import Consent
from tandem.practice.services import consent_revoke
from tandem.practice.tests.conftest import NOW, result, share

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SIDE_BY_SIDE = "side by side"


def answer_round(couple: Couple, person: User, *, flagged: bool = False, lean: str = "") -> None:
    """``person`` answers the couple check's current round through its pages."""
    answer_all(client_for(person), couple, safety=flagged, lean=lean)


@pytest.fixture
def couple(consent: Consent, client_user: User, partner_user: User) -> Couple:
    """Casey (who shares with the therapist) and their partner, in an active couple check,
    each with two results of the shared check."""
    for person, scores in ((client_user, (40, 70)), (partner_user, (65, 45))):
        for weeks, score in zip((8, 2), scores, strict=True):
            result(person, score, NOW - timedelta(weeks=weeks))
    return active_couple(client_user, partner_user)


def _page(http: Client, consent: Consent) -> str:
    answer = http.get(reverse("practice:client", args=[consent.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_one_consent_shows_one_person_and_nothing_of_a_partner(
    therapist_user: User, consent: Consent, couple: Couple, partner_user: User
) -> None:
    html = _page(client_for(therapist_user), consent)
    assert SIDE_BY_SIDE not in html
    assert partner_user.email not in html and "partner" not in html.lower()
    csv_url = reverse("practice:couple_csv", args=[consent.pk])
    assert client_for(therapist_user).get(csv_url).status_code == 404
    assert not AccessLog.objects.filter(subject=partner_user).exists()


def test_both_consents_show_both_side_by_side_each_read_logged_on_its_own_consent(
    therapist_user: User, consent: Consent, couple: Couple, partner_user: User
) -> None:
    theirs = share(partner_user, therapist_user)
    html = _page(client_for(therapist_user), consent)
    assert SIDE_BY_SIDE in html
    assert reverse("practice:client", args=[theirs.pk]) in html
    assert "Recovered" in html and "Deteriorated" in html  # each partner's own change
    assert "couple report is not shared" in html
    assert AccessLog.objects.get(subject=partner_user).consent_id == theirs.pk
    assert AccessLog.objects.filter(subject=consent.client, consent_id=consent.pk).count() == 2
    # And from the partner's page, the same view the other way round.
    assert SIDE_BY_SIDE in _page(client_for(therapist_user), theirs)


@pytest.mark.parametrize("who", ["client", "partner"])
def test_revoking_either_consent_removes_it_at_once(
    who: str, therapist_user: User, consent: Consent, couple: Couple, partner_user: User
) -> None:
    theirs = share(partner_user, therapist_user)
    http = client_for(therapist_user)
    assert SIDE_BY_SIDE in _page(http, consent)
    consent_revoke(consent=consent if who == "client" else theirs)
    remaining = theirs if who == "client" else consent
    html = _page(http, remaining)
    assert SIDE_BY_SIDE not in html
    for gone in (consent, theirs):
        if gone != remaining:
            for name in ("practice:client", "practice:couple_csv", "practice:progress_pdf"):
                assert http.get(reverse(name, args=[gone.pk])).status_code == 404
    assert http.get(reverse("practice:couple_csv", args=[remaining.pk])).status_code == 404


def test_leaving_the_couple_check_removes_it(
    therapist_user: User, consent: Consent, couple: Couple, partner_user: User
) -> None:
    from tandem.couples.services import couple_leave

    share(partner_user, therapist_user)
    couple_leave(couple=couple, user=partner_user, notify=False)
    assert SIDE_BY_SIDE not in _page(client_for(therapist_user), consent)


def test_the_couple_report_needs_both_yeses(
    therapist_user: User, consent: Consent, couple: Couple, client_user: User, partner_user: User
) -> None:
    answer_round(couple, client_user, lean="high")
    answer_round(couple, partner_user, lean="low")
    share(partner_user, therapist_user, share_couple_report=True)
    http = client_for(therapist_user)
    assert "Their couple report (" not in _page(http, consent)  # the client has not said yes
    share(client_user, therapist_user, share_couple_report=True)
    html = _page(http, consent)
    assert "Their couple report (" in html and "round 1" in html
    rows = list(
        csv.reader(
            io.StringIO(
                http.get(reverse("practice:couple_csv", args=[consent.pk])).content.decode()
            )
        )
    )
    assert rows[0][3:] == [client_user.name, partner_user.name]
    assert any(row[0] == "couple report" for row in rows)
    assert {row.detail for row in AccessLog.objects.filter(subject=partner_user)} == {
        "couple view",  # before the client said yes too
        "couple view with the couple report",
        "couple CSV with the couple report",
    }


def _masked(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_a_partners_safety_flag_looks_exactly_like_an_answer_not_yet_given(
    therapist_user: User, consent: Consent, couple: Couple, client_user: User, partner_user: User
) -> None:
    share(partner_user, therapist_user, share_couple_report=True)
    share(client_user, therapist_user, share_couple_report=True)
    answer_round(couple, client_user)
    http = client_for(therapist_user)
    waiting = _masked(_page(http, consent))
    assert "No couple report is shared yet" in waiting
    answer_round(couple, partner_user, flagged=True)
    assert _masked(_page(http, consent)) == waiting
    csv_url = reverse("practice:couple_csv", args=[consent.pk])
    assert "couple report" not in http.get(csv_url).content.decode()


@pytest.mark.parametrize(
    "fixture", ["unrelated_therapist_user", "partner_user", "verifier_user", "editor_user"]
)
def test_the_couple_csv_answers_404_to_anyone_else(
    fixture: str,
    request: Any,
    therapist_user: User,
    consent: Consent,
    couple: Couple,
    partner_user: User,
) -> None:
    theirs = share(partner_user, therapist_user)
    http = client_for(request.getfixturevalue(fixture))
    for pk in (consent.pk, theirs.pk):
        for name in ("practice:couple_csv", "practice:client"):
            assert http.get(reverse(name, args=[pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_couple_csv_sends_an_anonymous_visitor_to_sign_in(
    anonymous: Client, therapist_user: User, consent: Consent, couple: Couple, partner_user: User
) -> None:
    share(partner_user, therapist_user)
    answer = anonymous.get(reverse("practice:couple_csv", args=[consent.pk]))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert (
        client_for(therapist_user)
        .post(reverse("practice:couple_csv", args=[consent.pk]))
        .status_code
        == 405
    )
    assert not AccessLog.objects.exists()
