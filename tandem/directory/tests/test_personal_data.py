from __future__ import annotations

import pytest

from tandem.accounts import personal_data
from tandem.directory import services
from tandem.directory.models import ProfileStatus, TherapistProfile, VerificationDecision
from tandem.directory.tests.helpers import jpeg_with_gps, make_profile

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_profile_and_its_decisions(therapist_user, verifier_user):
    profile = make_profile(therapist_user, name="Theo Therapist", status=ProfileStatus.SUBMITTED)
    services.decide(profile=profile, verifier=verifier_user, decision="approved", reason="")
    exported = personal_data.export_user(therapist_user)["sections"]["therapist_profile"]
    assert exported["profile"]["name"] == "Theo Therapist"
    assert exported["profile"]["registration_number"] == "123456"
    assert exported["profile"]["decisions"][0]["decision"] == "approved"
    made = personal_data.export_user(verifier_user)["sections"]["therapist_profile"]
    assert made["profile"] is None
    assert made["decisions_made_as_verifier"][0]["profile"] == "theo-therapist"


def test_erasure_deletes_the_profile_its_decisions_and_its_photo(
    therapist_user, verifier_user, django_capture_on_commit_callbacks
):
    profile = make_profile(therapist_user, status=ProfileStatus.SUBMITTED)
    profile.photo.save("me.jpg", jpeg_with_gps())
    storage, name = profile.photo.storage, profile.photo.name
    services.decide(profile=profile, verifier=verifier_user, decision="approved", reason="")
    with django_capture_on_commit_callbacks(execute=True):
        personal_data.erase_user(therapist_user)
    assert not TherapistProfile.objects.exists()
    assert not VerificationDecision.objects.exists()
    assert not storage.exists(name)


def test_erasing_a_verifier_keeps_their_decisions_without_them(therapist_user, verifier_user):
    profile = make_profile(therapist_user, status=ProfileStatus.SUBMITTED)
    services.decide(profile=profile, verifier=verifier_user, decision="approved", reason="")
    personal_data.erase_user(verifier_user)
    decision = VerificationDecision.objects.get()
    assert decision.decided_by is None and decision.profile == profile


def test_erasing_someone_without_a_profile_changes_nothing(client_user):
    make_profile(name="Someone Else")
    personal_data.erase_user(client_user)
    assert TherapistProfile.objects.count() == 1


def test_a_verifiers_export_holds_what_they_did_not_what_they_learned(
    therapist_user, verifier_user
):
    profile = make_profile(therapist_user, status=ProfileStatus.SUBMITTED)
    services.decide(
        profile=profile,
        verifier=verifier_user,
        decision="rejected",
        reason="The registration number belongs to someone else.",
    )

    made = personal_data.export_user(verifier_user)["sections"]["therapist_profile"]
    (decision,) = made["decisions_made_as_verifier"]

    assert set(decision) == {"profile", "decision", "decided_at"}
    assert "someone else" not in str(made)
    assert profile.registration_number not in str(made)
