"""Every email the account pages send, through a real SMTP server: our words, our links."""

import re

import pytest
from django.urls import reverse

from tandem.conftest import PASSWORD, message_text

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8100"


@pytest.fixture(autouse=True)
def _site_url(settings):
    # The request arrives for "testserver"; links must still come from SITE_URL.
    settings.SITE_URL = SITE


def _html(message):
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "the email has no HTML part"
    return part.get_content()


def _assert_the_one_email_is_ours(smtp_inbox, *, to, subject, link_path):
    """One email came, to ``to``, in our words, linking to ``link_path`` on SITE; its text."""
    (message,) = smtp_inbox.wait_for(1)
    assert message["To"] == to
    text, html = message_text(message), _html(message)
    assert message["Subject"] == subject
    for body in (text, html):
        assert "Hello from" not in body
        assert "testserver" not in body
        assert "Tandem" in body
    links = re.findall(r"https?://[^\s\"<>]+", text)
    assert any(link.startswith(SITE + link_path) for link in links), links
    assert all(link.startswith(SITE) for link in links), links
    assert f'href="{SITE}{link_path}' in html
    return text


def test_the_sign_up_confirmation(anonymous, smtp_inbox):
    anonymous.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    text = _assert_the_one_email_is_ours(
        smtp_inbox,
        to="new@example.com",
        subject="Confirm your email address for Tandem",
        link_path="/accounts/confirm-email/",
    )
    assert "Thank you for creating an account on Tandem" in text


def test_signing_up_again_with_a_known_address(anonymous, client_user, smtp_inbox):
    anonymous.post(
        reverse("account_signup"),
        {"email": client_user.email, "password1": PASSWORD, "password2": PASSWORD},
    )

    _assert_the_one_email_is_ours(
        smtp_inbox,
        to=client_user.email,
        subject="You already have an account on Tandem",
        link_path="/accounts/password/reset/",
    )


def test_adding_an_email_address(anonymous, client_user, smtp_inbox):
    http = anonymous  # adding an address asks for the password again first
    http.post(reverse("account_login"), {"login": client_user.email, "password": PASSWORD})
    http.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    http.post(reverse("account_email"), {"action_add": "", "email": "second@example.com"})

    text = _assert_the_one_email_is_ours(
        smtp_inbox,
        to="second@example.com",
        subject="Confirm your email address for Tandem",
        link_path="/accounts/confirm-email/",
    )
    assert "added to an account on Tandem" in text


def test_asking_for_a_new_password(anonymous, client_user, smtp_inbox):
    anonymous.post(reverse("account_reset_password"), {"email": client_user.email})

    _assert_the_one_email_is_ours(
        smtp_inbox,
        to=client_user.email,
        subject="Choose a new password for Tandem",
        link_path="/accounts/password/reset/key/",
    )


def test_asking_for_a_new_password_for_an_unknown_address(anonymous, smtp_inbox):
    anonymous.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    _assert_the_one_email_is_ours(
        smtp_inbox,
        to="nobody@example.com",
        subject="About your request to Tandem",
        link_path="/accounts/signup/",
    )
