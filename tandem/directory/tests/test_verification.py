from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tandem.conftest import client_for
from tandem.directory import services
from tandem.directory.models import Decision, ProfileStatus, VerificationDecision
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(therapist_user):
    profile = make_profile(therapist_user, name="Theo Therapist", status=ProfileStatus.SUBMITTED)
    profile.submitted_at = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    profile.save()
    return profile


def test_anonymous_visitors_are_sent_to_sign_in(anonymous, waiting):
    for url in ("/therapists/verification/", f"/therapists/verification/{waiting.pk}/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_clients_therapists_and_editors_cannot_reach_the_queue(
    client_user, therapist_user, editor_user, waiting
):
    for user in (client_user, therapist_user, editor_user):
        http = client_for(user)
        assert http.get("/therapists/verification/").status_code == 403
        assert http.get(f"/therapists/verification/{waiting.pk}/").status_code == 403
        response = http.post(
            f"/therapists/verification/{waiting.pk}/",
            {"decision": "approved", "registration_checked": "on"},
        )
        assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == ProfileStatus.SUBMITTED


def test_verifiers_and_administrators_see_the_queue_oldest_first(
    verifier_user, administrator_user, waiting
):
    newer = make_profile(name="Newer Person", status=ProfileStatus.SUBMITTED)
    make_profile(name="Still Drafting", status=ProfileStatus.DRAFT)
    for user in (verifier_user, administrator_user):
        body = client_for(user).get("/therapists/verification/").content.decode()
        assert body.index("Theo Therapist") < body.index(newer.name)
        assert "Still Drafting" not in body
        assert "BACP 123456" in body


def test_approving_needs_the_registration_checked(verifier_user, waiting):
    http = client_for(verifier_user)
    response = http.post(f"/therapists/verification/{waiting.pk}/", {"decision": "approved"})
    assert response.status_code == 400
    assert "Check the registration before approving" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == ProfileStatus.SUBMITTED


@time_machine.travel(dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC), tick=False)
def test_an_approval_makes_the_profile_public_and_records_who_and_when(
    verifier_user, waiting, anonymous
):
    assert anonymous.get("/therapists/theo-therapist/").status_code == 404
    response = client_for(verifier_user).post(
        f"/therapists/verification/{waiting.pk}/",
        {"decision": "approved", "registration_checked": "on"},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == ProfileStatus.VERIFIED
    assert waiting.verified_at == dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
    decision = VerificationDecision.objects.get()
    assert (decision.decided_by, decision.decision) == (verifier_user, Decision.APPROVED)
    assert decision.decided_at == dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
    assert decision.registration_checked == "BACP 123456"
    assert anonymous.get("/therapists/theo-therapist/").status_code == 200


@pytest.mark.parametrize(
    ("decision", "status"),
    [("changes_requested", ProfileStatus.CHANGES_REQUESTED), ("rejected", ProfileStatus.REJECTED)],
)
def test_asking_for_changes_or_rejecting_needs_a_reason_the_therapist_sees(
    verifier_user, therapist_user, waiting, decision, status
):
    http = client_for(verifier_user)
    response = http.post(f"/therapists/verification/{waiting.pk}/", {"decision": decision})
    assert response.status_code == 400
    assert "Give the therapist a reason" in response.content.decode()
    http.post(
        f"/therapists/verification/{waiting.pk}/",
        {"decision": decision, "reason": "The number is not on the BACP register."},
    )
    waiting.refresh_from_db()
    assert waiting.status == status
    page = client_for(therapist_user).get("/therapists/me/").content.decode()
    assert "The number is not on the BACP register." in page


def test_a_profile_is_decided_once_even_by_two_verifiers(
    verifier_user, administrator_user, waiting
):
    services.decide(profile=waiting, verifier=verifier_user, decision="approved", reason="")
    with pytest.raises(services.InvalidTransition):
        services.decide(
            profile=waiting, verifier=administrator_user, decision="rejected", reason="No."
        )
    response = client_for(administrator_user).post(
        f"/therapists/verification/{waiting.pk}/", {"decision": "rejected", "reason": "No."}
    )
    assert response.status_code == 302
    assert VerificationDecision.objects.count() == 1


def test_bad_input_and_unknown_profiles(verifier_user, waiting):
    http = client_for(verifier_user)
    assert http.get("/therapists/verification/999999/").status_code == 404
    response = http.post(f"/therapists/verification/{waiting.pk}/", {"decision": "bribe"})
    assert response.status_code == 400
    assert http.put(f"/therapists/verification/{waiting.pk}/").status_code == 405


def test_the_history_keeps_decisions_after_the_verifier_leaves(verifier_user, waiting):
    services.decide(profile=waiting, verifier=verifier_user, decision="approved", reason="")
    verifier_user.delete()
    decision = VerificationDecision.objects.get()
    assert decision.decided_by is None and decision.profile == waiting
