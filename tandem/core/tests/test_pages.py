import io

import pytest
from django.test import override_settings
from django.urls import reverse

from tandem.accounts.adapter import SIGNUP_ROLE_SESSION_KEY

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_a_visitor_can_do(anonymous):
    html = anonymous.get(reverse("home")).content.decode()

    assert "Take a check" in html
    assert "Find a therapist" in html
    assert 'href="#main"' in html  # skip link
    assert "Exit this page" in html


def test_every_footer_has_the_crisis_lines(anonymous):
    for path in ("/", "/help/", "/accounts/login/"):
        html = anonymous.get(path).content.decode()
        assert "116 123" in html and "1-800-799-7233" in html


@override_settings(
    HELPLINES=[
        {"region": "IE", "name": "Test Line", "phone": "1800 000 000", "hours": "x", "about": "y"}
    ]
)
def test_helplines_are_configurable(anonymous):
    html = anonymous.get(reverse("help_now")).content.decode()

    assert "Test Line" in html and "1800 000 000" in html
    assert "116 123" not in html


@override_settings(QUICK_EXIT_URL="https://neutral.example/")
def test_the_quick_exit_target_is_configurable(anonymous):
    html = anonymous.get(reverse("home")).content.decode()

    assert 'href="https://neutral.example/" rel="noreferrer" data-quick-exit' in html


def test_the_page_for_therapists_starts_a_therapist_sign_up(anonymous):
    response = anonymous.post(reverse("for_therapists"))

    assert response.status_code == 302
    assert response.url == reverse("account_signup")
    assert anonymous.session[SIGNUP_ROLE_SESSION_KEY] == "therapist"


def test_pages_refuse_methods_they_do_not_take(anonymous):
    assert anonymous.post(reverse("home")).status_code == 405
    assert anonymous.put(reverse("for_therapists")).status_code == 405
    assert anonymous.head(reverse("home")).status_code == 200


def test_demo_content_loads_twice_without_changing(db):
    from django.core.management import call_command

    from tandem.accounts.models import User

    call_command("seed_demo", stdout=io.StringIO())
    count = User.objects.count()
    call_command("seed_demo", stdout=io.StringIO())

    assert count >= 2
    assert User.objects.count() == count


def test_every_card_on_the_home_page_leads_somewhere_that_exists(anonymous):
    import re

    html = anonymous.get(reverse("home")).content.decode()
    links = set(re.findall(r'class="button[^"]*" href="([^"]+)"', html))

    assert "/couples/" in links
    for link in links:
        assert anonymous.get(link).status_code == 200, link
