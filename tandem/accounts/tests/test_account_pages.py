"""The account pages are ours: the site's layout, our words, one clear primary action."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tandem.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

# allauth's own headings and buttons, which must not show through anywhere.
LIBRARY_WORDS = [
    "Sign In",
    "Sign Up",
    "Signup",
    "Two-Factor",
    "two-factor",
    "Make Primary",
    "Re-send Verification",
    "Email Addresses",
    "Change Password",
    "Recovery Codes",
    "Authenticator App",
    "Confirm Access",
    "Hello from",
]


def _assert_ours(page, heading):
    assert "Exit this page" in page  # the site's layout, with its quick exit
    assert "Need help now?" in page  # and its crisis footer
    assert f"<h1>{heading}</h1>" in page
    for words in LIBRARY_WORDS:
        assert words not in page, words


def _primary_buttons(page):
    """Submit buttons and button links styled as the page's main action."""
    buttons = re.findall(r'<button type="submit"([^>]*)>', page)
    links = re.findall(r'<a class="button"', page)
    return [b for b in buttons if "class=" not in b] + links


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("account_login", "Sign in"),
        ("account_signup", "Create an account"),
        ("account_reset_password", "Forgotten your password?"),
    ],
)
def test_the_pages_before_sign_in(anonymous, name, heading):
    page = anonymous.get(reverse(name)).content.decode()

    _assert_ours(page, heading)
    assert len(_primary_buttons(page)) == 1


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("account_email", "Email addresses"),
        ("account_change_password", "Change your password"),
        ("mfa_index", "Two-step verification"),
        ("my_data", "My data"),
    ],
)
def test_the_pages_of_a_signed_in_person(client_user, name, heading):
    page = client_for(client_user).get(reverse(name)).content.decode()

    _assert_ours(page, heading)
    assert len(_primary_buttons(page)) == 1
    assert "Two-step verification" in page  # the account menu uses the same words


def test_the_password_again_page(anonymous, client_user):
    anonymous.post(reverse("account_login"), {"login": client_user.email, "password": PASSWORD})

    page = anonymous.get(reverse("account_reauthenticate")).content.decode()

    _assert_ours(page, "Confirm it is you")
    assert 'autocomplete="current-password"' in page


def test_the_two_step_verification_page_of_a_therapist_who_has_it_on(therapist_user):
    index = client_for(therapist_user).get(reverse("mfa_index")).content.decode()

    _assert_ours(index, "Two-step verification")
    assert "Turn off two-step verification" in index
    assert "Recovery codes" in index


def test_the_sign_in_code_page_uses_our_words(anonymous, therapist_user):
    response = anonymous.post(
        reverse("account_login"), {"login": therapist_user.email, "password": PASSWORD}
    )
    page = anonymous.get(response["Location"]).content.decode()

    _assert_ours(page, "Two-step verification")
    assert "recovery codes" in page


def test_setting_up_two_step_verification_uses_our_words(anonymous, client_user):
    anonymous.post(reverse("account_login"), {"login": client_user.email, "password": PASSWORD})
    anonymous.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    page = anonymous.get(reverse("mfa_activate_totp")).content.decode()

    _assert_ours(page, "Turn on two-step verification")
    assert 'id="authenticator_secret"' in page
    assert re.search(r'<img class="totp-qr" src="data:image/svg\+xml', page)


def test_the_email_page_gives_each_address_its_own_distinct_actions(client_user):
    EmailAddress.objects.create(user=client_user, email="second@example.com", verified=True)
    EmailAddress.objects.create(user=client_user, email="third@example.com", verified=False)

    page = client_for(client_user).get(reverse("account_email")).content.decode()

    make_main = re.search(r'<button type="submit" name="action_primary" class="([^"]+)"', page)
    resend = re.search(r'<button type="submit" name="action_send" class="([^"]+)"', page)
    remove = re.search(r'<button type="submit" name="action_remove" class="([^"]+)"', page)
    assert make_main and resend and remove
    assert len({make_main.group(1), resend.group(1), remove.group(1)}) == 3
    assert "Make this my main address" in page
    assert "Send the confirmation link again" in page
    assert "Remove this address" in page
    # The main address cannot be removed or made main again.
    main_item = page[page.index(client_user.email) : page.index("second@example.com")]
    assert "action_remove" not in main_item and "action_primary" not in main_item


def test_making_an_address_the_main_one_still_works(client_user, anonymous):
    EmailAddress.objects.create(user=client_user, email="second@example.com", verified=True)
    anonymous.post(reverse("account_login"), {"login": client_user.email, "password": PASSWORD})
    anonymous.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    anonymous.post(reverse("account_email"), {"action_primary": "", "email": "second@example.com"})

    assert EmailAddress.objects.get(email="second@example.com").primary
