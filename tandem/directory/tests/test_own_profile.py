from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tandem.accounts.models import Role
from tandem.conftest import client_for, make_user
from tandem.directory.models import ProfileStatus, TherapistProfile
from tandem.directory.tests.helpers import jpeg_with_gps, make_profile, profile_form_data

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(anonymous):
    for url in ("/therapists/me/", "/therapists/me/edit/", "/therapists/me/preview/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_clients_and_staff_have_no_directory_profile(client_user, verifier_user):
    for user in (client_user, verifier_user):
        http = client_for(user)
        assert http.get("/therapists/me/").status_code == 403
        assert http.post("/therapists/me/edit/", profile_form_data()).status_code == 403
    assert not TherapistProfile.objects.exists()


def test_a_therapist_without_mfa_is_sent_to_set_it_up_first():
    therapist = make_user("new@example.com", role=Role.THERAPIST)
    response = client_for(therapist).get("/therapists/me/")
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_a_therapist_with_no_profile_is_guided_to_create_one(therapist_user):
    http = client_for(therapist_user)
    response = http.get("/therapists/me/")
    assert response.status_code == 302 and response["Location"] == "/therapists/me/edit/"
    assert "Create your profile" in http.get("/therapists/me/edit/").content.decode()


def test_a_therapist_creates_a_draft_profile(therapist_user):
    http = client_for(therapist_user)
    response = http.post("/therapists/me/edit/", profile_form_data())
    assert response.status_code == 302
    profile = TherapistProfile.objects.get(user=therapist_user)
    assert profile.status == ProfileStatus.DRAFT
    assert profile.slug == "robin-example"
    assert profile.fee_individual_minor == 5500 and profile.fee_couple_minor is None
    assert profile.specialties == ["codependency", "self_esteem"]
    assert (round(profile.latitude, 2), profile.country) == (53.80, "GB")
    assert "<strong>codependency</strong>" in profile.statement_html
    assert profile.tier == "standard"


def test_bad_input_is_refused_with_messages_tied_to_the_fields(therapist_user):
    http = client_for(therapist_user)
    response = http.post(
        "/therapists/me/edit/",
        profile_form_data(
            town="Atlantis",
            sees_individuals=None,
            fee_individual=None,
            offers_video=None,
            offers_in_person=None,
            specialties=[],
            registration_number="",
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "called “Atlantis”" in body
    assert "Tick who you see" in body
    assert "Tick at least one way you see clients" in body
    assert 'aria-describedby="id_registration_number_helptext id_registration_number_error"' in body
    assert not TherapistProfile.objects.exists()


def test_couples_need_a_couple_fee(therapist_user):
    response = client_for(therapist_user).post(
        "/therapists/me/edit/", profile_form_data(sees_couples="on")
    )
    assert response.status_code == 400
    assert "Enter your fee for a couple session" in response.content.decode()


def test_an_uploaded_photo_is_resized_turned_upright_and_stripped_of_its_metadata(therapist_user):
    http = client_for(therapist_user)
    response = http.post("/therapists/me/edit/", profile_form_data(photo_upload=jpeg_with_gps()))
    assert response.status_code == 302
    profile = TherapistProfile.objects.get(user=therapist_user)
    with profile.photo.open("rb") as stored, Image.open(stored) as photo:
        assert photo.format == "JPEG"
        assert photo.size == (600, 800)  # 1600x1200 turned upright, then fitted in 800x800
        assert not photo.getexif()
        assert "exif" not in photo.info
    assert profile.photo.name.startswith("therapists/") and "holiday" not in profile.photo.name


def test_a_file_that_is_not_an_image_gets_a_clear_error(therapist_user):
    fake = SimpleUploadedFile("me.jpg", b"not really a jpeg", content_type="image/jpeg")
    response = client_for(therapist_user).post(
        "/therapists/me/edit/", profile_form_data(photo_upload=fake)
    )
    assert response.status_code == 400
    assert "We could not read that file as a photo" in response.content.decode()


def test_replacing_a_photo_deletes_the_old_file(therapist_user, django_capture_on_commit_callbacks):
    http = client_for(therapist_user)
    http.post("/therapists/me/edit/", profile_form_data(photo_upload=jpeg_with_gps()))
    profile = TherapistProfile.objects.get(user=therapist_user)
    old_name, storage = profile.photo.name, profile.photo.storage
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buffer, format="PNG")
    png = SimpleUploadedFile("new.png", buffer.getvalue(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post("/therapists/me/edit/", profile_form_data(photo_upload=png))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.photo.name != old_name
    assert storage.exists(profile.photo.name) and not storage.exists(old_name)


def test_a_therapist_edits_only_their_own_profile(therapist_user, unrelated_therapist_user):
    theirs = make_profile(therapist_user, name="Theo Therapist", status=ProfileStatus.DRAFT)
    http = client_for(unrelated_therapist_user)
    http.post("/therapists/me/edit/", profile_form_data(name="Hijacked"))
    theirs.refresh_from_db()
    assert theirs.name == "Theo Therapist"
    assert TherapistProfile.objects.get(user=unrelated_therapist_user).name == "Hijacked"
    # There is no address that edits someone else's profile: the owner comes from the session.
    assert http.post(f"/therapists/{theirs.slug}/", profile_form_data()).status_code == 405


def test_a_therapist_submits_their_profile_once(therapist_user):
    profile = make_profile(therapist_user, status=ProfileStatus.DRAFT)
    http = client_for(therapist_user)
    assert http.get("/therapists/me/submit/").status_code == 405
    assert http.post("/therapists/me/submit/").status_code == 302
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED and profile.submitted_at is not None
    response = http.post("/therapists/me/submit/", follow=True)
    assert "already been sent" in response.content.decode()


def test_submitting_without_a_profile_is_404(therapist_user):
    assert client_for(therapist_user).post("/therapists/me/submit/").status_code == 404


def test_a_new_registration_on_a_verified_profile_is_checked_again(therapist_user):
    profile = make_profile(therapist_user, name="Robin Example")
    http = client_for(therapist_user)
    http.post(
        "/therapists/me/edit/",
        profile_form_data(statement="New words.", registration_number="123456"),
    )
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.VERIFIED
    http.post("/therapists/me/edit/", profile_form_data(registration_number="999999"))
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED


def test_the_page_shows_the_verifiers_reason(therapist_user, verifier_user):
    from tandem.directory import services

    profile = make_profile(therapist_user, status=ProfileStatus.SUBMITTED)
    services.decide(
        profile=profile,
        verifier=verifier_user,
        decision="changes_requested",
        reason="Please add your registration number as it appears on the register.",
    )
    body = client_for(therapist_user).get("/therapists/me/").content.decode()
    assert "Please add your registration number as it appears on the register." in body
    assert "Send for verification" in body


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Robin Someone-Else"},
        {"registration_body": "UKCP"},
        {"registration_number": "999999"},
        {"qualifications": "PhD Couples Therapy"},
    ],
)
def test_a_verified_therapist_changing_what_was_checked_is_checked_again(therapist_user, change):
    checked = {
        "name": "Robin Example",
        "registration_body": "BACP",
        "registration_number": "654321",
        "qualifications": "MSc Relationship Therapy",
    }
    profile = make_profile(therapist_user, **checked)
    http = client_for(therapist_user)
    http.post("/therapists/me/edit/", profile_form_data(statement="Other words.", **checked))
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.VERIFIED  # nothing checked has changed

    response = http.post("/therapists/me/edit/", profile_form_data(**change), follow=True)

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED
    assert not TherapistProfile.objects.public().filter(pk=profile.pk).exists()
    assert "we check your profile again" in response.content.decode()


def test_an_admin_edit_of_a_registration_sends_the_profile_back_to_the_queue(
    verifier_user, therapist_user, rf
):
    from django.contrib import admin
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.forms.models import model_to_dict

    from tandem.directory import services
    from tandem.directory.models import Decision

    profile = make_profile(therapist_user, registration_number="654321")
    model_admin = admin.site._registry[TherapistProfile]
    request = rf.post("/admin/")
    request.user = verifier_user
    request.session = {}
    request._messages = FallbackStorage(request)
    form_class = model_admin.get_form(request, profile, change=True)
    data = {
        name: value
        for name, value in model_to_dict(profile, fields=list(form_class.base_fields)).items()
        if value not in (None, "") and name != "photo"
    }
    created = data.pop("created_at")  # the admin splits a date-time into two inputs
    data.update({"created_at_0": f"{created:%Y-%m-%d}", "created_at_1": f"{created:%H:%M:%S}"})
    form = form_class({**data, "registration_number": "999999"}, instance=profile)
    assert form.is_valid(), form.errors

    model_admin.save_model(request, form.save(commit=False), form, change=True)

    profile.refresh_from_db()
    assert profile.registration_number == "999999"
    assert profile.status == ProfileStatus.SUBMITTED
    # Public again only through the queue, where the decision and the number checked are kept.
    record = services.decide(
        profile=profile, verifier=verifier_user, decision=Decision.APPROVED, reason=""
    )
    assert record.registration_checked.endswith("999999")
