import re

import pytest
from django.urls import reverse

from tandem.accounts.models import Role, User
from tandem.conftest import PASSWORD, message_text

pytestmark = pytest.mark.django_db


def _sign_up(http, email="new.person@example.com", password=PASSWORD):
    return http.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
    )


def test_signing_up_sends_a_real_verification_email_and_its_link_verifies(anonymous, smtp_inbox):
    response = _sign_up(anonymous)

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.role == Role.CLIENT
    (message,) = smtp_inbox.wait_for(1)
    assert message["To"] == "new.person@example.com"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message_text(message))
    assert link, message_text(message)
    path = link.group(0).split("testserver", 1)[-1]

    anonymous.post(path)

    assert user.emailaddress_set.get().verified is True


def test_an_unverified_person_cannot_sign_in(anonymous):
    _sign_up(anonymous)
    anonymous.logout()

    response = anonymous.post(
        reverse("account_login"), {"login": "new.person@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in anonymous.session


def test_the_email_is_stored_in_lower_case_and_is_unique(anonymous):
    _sign_up(anonymous, email="Mixed.Case@Example.com")
    other = type(anonymous)()

    response = _sign_up(other, email="mixed.case@example.com")

    assert User.objects.filter(email="mixed.case@example.com").count() == 1
    # With enumeration prevention on, the second sign-up is not told the address exists.
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1A", "at least 10 characters"),
        ("password123", "too common"),
        ("12345678901234", "entirely numeric"),
    ],
)
def test_weak_or_common_passwords_are_refused(anonymous, password, message):
    response = _sign_up(anonymous, password=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_a_therapist_signs_up_from_the_page_for_therapists(anonymous):
    anonymous.post(reverse("for_therapists"))

    _sign_up(anonymous, email="new.therapist@example.com")

    assert User.objects.get(email="new.therapist@example.com").role == Role.THERAPIST


def test_a_plain_sign_up_can_never_choose_a_staff_role(anonymous):
    anonymous.post(
        reverse("account_signup"),
        {
            "email": "sneaky@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": Role.ADMINISTRATOR,
        },
    )

    user = User.objects.get(email="sneaky@example.com")
    assert user.role == Role.CLIENT
    assert not user.is_staff and not user.is_superuser
