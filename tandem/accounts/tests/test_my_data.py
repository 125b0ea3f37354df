import json

import pytest
from django.urls import reverse

from tandem.accounts import personal_data
from tandem.accounts.models import User
from tandem.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes_section():
    """A stand-in app that keeps one note per person, plugged into the registry."""
    notes: dict[int, str] = {}
    personal_data.register(
        "test_notes",
        export=lambda user: {"note": notes.get(user.pk)},
        erase=lambda user: notes.pop(user.pk, None),
    )
    yield notes
    personal_data._sections.pop("test_notes")


def test_the_my_data_page_needs_an_account(anonymous):
    response = anonymous.get(reverse("my_data"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_download_page_asks_for_the_password_on_a_page_of_its_own(client_user):
    response = client_for(client_user).get(reverse("my_data_export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert 'type="password"' in page
    assert "Download my data" in page


def test_the_my_data_page_links_to_the_download_page_not_to_a_file(client_user):
    page = client_for(client_user).get(reverse("my_data")).content.decode()

    assert f'href="{reverse("my_data_export")}"' in page
    assert " download>" not in page


def test_the_export_holds_this_persons_data_and_nobody_elses(
    client_user, unrelated_client_user, notes_section
):
    notes_section[client_user.pk] = "mine"
    notes_section[unrelated_client_user.pk] = "not mine"

    response = client_for(client_user).post(reverse("my_data_export"), {"password": PASSWORD})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tandem-my-data-')
    assert "no-store" in response["Cache-Control"]
    exported = json.loads(response.content)
    assert exported["sections"]["account"]["email"] == client_user.email
    assert exported["sections"]["test_notes"] == {"note": "mine"}
    assert "not mine" not in response.content.decode()
    assert unrelated_client_user.email not in response.content.decode()


def test_a_wrong_password_gives_no_file_and_says_why(client_user, notes_section):
    notes_section[client_user.pk] = "mine"

    response = client_for(client_user).post(reverse("my_data_export"), {"password": "guess"})

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert "That is not your password. Nothing was downloaded." in response.content.decode()
    assert "mine" not in response.content.decode()


def test_an_empty_password_gives_no_file(client_user):
    response = client_for(client_user).post(reverse("my_data_export"), {})

    assert response.status_code == 400
    assert "Content-Disposition" not in response


def test_guessing_the_password_to_download_is_rate_limited(client_user):
    http = client_for(client_user)
    for _ in range(10):
        http.post(reverse("my_data_export"), {"password": "guess"})

    response = http.post(reverse("my_data_export"), {"password": PASSWORD})

    assert response.status_code == 429
    assert "Content-Disposition" not in response
    assert "Too many attempts" in response.content.decode()


def test_the_download_refuses_anonymous_visitors_and_other_methods(anonymous, client_user):
    response = anonymous.post(reverse("my_data_export"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client_for(client_user).put(reverse("my_data_export")).status_code == 405


def test_my_data_names_each_section_in_peoples_words(client_user):
    page = client_for(client_user).get(reverse("my_data")).content.decode()

    assert "Therapistprofile" not in page
    assert "Your therapist profile" in page
    assert "Your answers and results" in page
    assert "Your bookings" in page
    assert "Your comments on articles" in page
    assert "Your account" in page


def test_the_export_never_contains_mfa_secrets(anonymous, therapist_user):
    from allauth.mfa.models import Authenticator

    secret_data = json.dumps(Authenticator.objects.get(user=therapist_user).data)
    exported = personal_data.export_user(therapist_user)

    assert exported["sections"]["account"]["two_step_verification"][0]["type"] == "totp"
    assert secret_data not in json.dumps(exported)


def test_deleting_the_account_erases_every_section_and_signs_out(client_user, notes_section):
    notes_section[client_user.pk] = "mine"
    http = client_for(client_user)

    response = http.post(reverse("my_data_delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=client_user.pk).exists()
    assert client_user.pk not in notes_section
    assert "_auth_user_id" not in http.session


def test_a_wrong_password_deletes_nothing(client_user, notes_section):
    notes_section[client_user.pk] = "mine"

    response = client_for(client_user).post(
        reverse("my_data_delete"), {"password": "not-my-password", "confirm": "on"}
    )

    assert response.status_code == 400
    assert "That is not your password. Nothing has been deleted." in response.content.decode()
    assert User.objects.filter(pk=client_user.pk).exists()
    assert notes_section[client_user.pk] == "mine"


def test_deleting_needs_the_confirmation_box(client_user):
    response = client_for(client_user).post(reverse("my_data_delete"), {"password": PASSWORD})

    assert response.status_code == 400
    assert User.objects.filter(pk=client_user.pk).exists()


def test_deleting_refuses_get_and_anonymous_visitors(anonymous, client_user):
    assert client_for(client_user).get(reverse("my_data_delete")).status_code == 405
    response = anonymous.post(reverse("my_data_delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert User.objects.filter(pk=client_user.pk).exists()


def test_a_failing_eraser_leaves_everything_in_place(client_user, notes_section):
    def broken(user):
        raise RuntimeError("disk on fire")

    personal_data.register("test_broken", export=lambda user: None, erase=broken)
    notes_section[client_user.pk] = "mine"
    try:
        with pytest.raises(RuntimeError):
            personal_data.erase_user(client_user)
    finally:
        personal_data._sections.pop("test_broken")

    assert User.objects.filter(pk=client_user.pk).exists()


def test_guessing_the_password_to_delete_is_rate_limited(client_user):
    http = client_for(client_user)
    for _ in range(10):
        http.post(reverse("my_data_delete"), {"password": "guess", "confirm": "on"})

    response = http.post(reverse("my_data_delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=client_user.pk).exists()


def test_the_my_data_page_is_never_cached(client_user):
    response = client_for(client_user).get(reverse("my_data"))

    assert "no-store" in response["Cache-Control"]
