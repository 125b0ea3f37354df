import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tandem.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(http, email, password):
    return http.post(reverse("account_login"), {"login": email, "password": password})


def test_a_client_signs_in_with_email_and_password(anonymous, client_user):
    response = _login(anonymous, "Casey@Example.com", PASSWORD)

    assert response.status_code == 302
    assert anonymous.session["_auth_user_id"] == str(client_user.pk)


def test_a_wrong_password_says_so_without_signing_in(anonymous, client_user):
    response = _login(anonymous, client_user.email, "not-the-password")

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in anonymous.session


def test_repeated_failed_logins_lock_the_address_out_even_with_the_right_password(
    anonymous, client_user
):
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"].endswith("5/300s/key")
    for _ in range(5):
        _login(anonymous, client_user.email, "wrong-password")

    response = _login(anonymous, client_user.email, PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in anonymous.session


def test_the_session_key_changes_when_someone_signs_in(anonymous, client_user):
    anonymous.get(reverse("home"))
    anonymous.session.save()
    before = anonymous.session.session_key

    _login(anonymous, client_user.email, PASSWORD)

    assert anonymous.session.session_key != before


def test_a_session_ends_after_half_an_hour_without_activity(anonymous, client_user):
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        _login(anonymous, client_user.email, PASSWORD)
        clock.shift(dt.timedelta(minutes=25))
        assert anonymous.get(reverse("my_data")).status_code == 200  # activity extends it

        clock.shift(dt.timedelta(minutes=29))
        assert anonymous.get(reverse("my_data")).status_code == 200

        clock.shift(dt.timedelta(minutes=31))
        response = anonymous.get(reverse("my_data"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
