"""The directory in a real browser: a therapist joining, a verifier deciding, a visitor
searching and matching. Every page visited is checked with axe."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail

from tandem.conftest import PASSWORD, assert_accessible, client_for, totp_code
from tandem.directory.models import ProfileStatus, TherapistProfile
from tandem.directory.tests.helpers import make_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_as(page, user, live_server) -> None:
    """Reuse a signed-in session (the sign-in pages are tested by accounts)."""
    http = client_for(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_a_therapist_signs_up_and_their_profile_goes_public_once_verified(
    page, live_server, verifier_user
):
    page.goto("/for-therapists/")
    page.get_by_role("button", name="Create a therapist account").click()
    page.locator("#id_email").fill("new.therapist@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()

    # Two-step verification comes before anything else (after the password, once more).
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-step verification").click()
    page.wait_for_url(lambda url: "/activate/" not in url)

    page.goto("/therapists/me/")
    page.wait_for_url("**/therapists/me/edit/")
    assert_accessible(page)
    page.get_by_label("Your name as clients will see it").fill("Juniper Quillfeather")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("About you and how you work").fill(
        "I help people who **give too much** in relationships."
    )
    page.get_by_label("Qualifications").fill("MSc Relationship Therapy")
    page.get_by_label("Professional body you are registered with").fill("BACP")
    page.get_by_label("Registration or licence number").fill("778899")
    page.get_by_label("Years in practice").fill("3")
    page.get_by_label("Codependency").check()
    page.get_by_label("Self-esteem").check()
    page.get_by_label("Person-centred").check()
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Town or city you practise from").fill("Leeds")
    page.get_by_label("Where you see people in person").fill("Riverside Rooms, Mill Lane")
    page.get_by_label("Fee for an individual session").fill("45")
    page.get_by_role("button", name="Save profile").click()

    page.wait_for_url("**/therapists/me/")
    assert page.get_by_text("Draft", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Preview").click()
    assert page.get_by_role("heading", name="Juniper Quillfeather", exact=True).is_visible()
    assert page.get_by_text("Nobody else can see it yet").is_visible()
    assert_accessible(page)
    assert page.request.get("/therapists/juniper-quillfeather/").status == 404

    page.goto("/therapists/me/")
    page.get_by_role("button", name="Send for verification").click()
    assert page.get_by_text("Waiting for verification").is_visible()

    # The verifier works the queue in their own browser.
    verifier = page.context.browser.new_context(base_url=live_server.url)
    verifier_page = verifier.new_page()
    _sign_in_as(verifier_page, verifier_user, live_server)
    verifier_page.goto("/therapists/verification/")
    assert_accessible(verifier_page)
    verifier_page.get_by_role("link", name="Juniper Quillfeather").click()
    assert verifier_page.get_by_text("778899").is_visible()
    assert_accessible(verifier_page)
    verifier_page.get_by_label("I have checked this registration").check()
    verifier_page.get_by_label("Approved").check()
    verifier_page.get_by_role("button", name="Record decision").click()
    assert verifier_page.get_by_text("Decision on Juniper Quillfeather recorded.").is_visible()
    verifier.close()

    page.goto("/therapists/juniper-quillfeather/")
    assert page.get_by_role("heading", name="Juniper Quillfeather", exact=True).is_visible()
    assert page.get_by_text("Registered with BACP, number 778899.").is_visible()
    assert_accessible(page)
    profile = TherapistProfile.objects.get(slug="juniper-quillfeather")
    assert profile.status == ProfileStatus.VERIFIED
    assert profile.decisions.get().decided_by == verifier_user


def test_a_verifier_asks_for_changes_and_the_therapist_sees_why(
    page, live_server, verifier_user, therapist_user
):
    make_profile(therapist_user, name="Theo Therapist", status=ProfileStatus.SUBMITTED)
    _sign_in_as(page, verifier_user, live_server)
    page.goto("/therapists/verification/")
    page.get_by_role("link", name="Theo Therapist").click()
    page.get_by_label("Changes requested").check()
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Give the therapist a reason.").is_visible()
    assert_accessible(page)
    page.get_by_label("Reason (the therapist sees this)").fill("Please add your full name.")
    page.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Theo Therapist: Changes requested").is_visible()

    therapist = page.context.browser.new_context(base_url=live_server.url)
    therapist_page = therapist.new_page()
    _sign_in_as(therapist_page, therapist_user, live_server)
    therapist_page.goto("/therapists/me/")
    assert therapist_page.get_by_text("Please add your full name.").is_visible()
    assert_accessible(therapist_page)
    therapist.close()


def test_a_client_cannot_reach_the_queue(page, live_server, client_user):
    _sign_in_as(page, client_user, live_server)
    response = page.goto("/therapists/verification/")
    assert response is not None and response.status == 403


def test_a_visitor_searches_with_filters_and_gets_matches_from_a_check_result(page):
    make_profile(
        name="Alder Applewhite",
        specialties=("codependency", "self_esteem"),
        town="Leeds",
        fee_individual_minor=5000,
    )
    make_profile(
        name="Briar Bramblecroft",
        specialties=("anxiety",),
        town="Bradford",
        fee_individual_minor=9000,
        languages=("en", "pl"),
    )
    make_profile(
        name="Calla Cloudberry",
        specialties=("trauma", "abuse_recovery"),
        town="London",
        offers_in_person=False,
        place="",
        sliding_scale_min_minor=2500,
    )

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find a therapist").click()
    page.wait_for_url("**/therapists/")
    assert page.get_by_role("heading", name="3 therapists").is_visible()
    assert_accessible(page)

    page.get_by_label("Works with").select_option("codependency")
    page.get_by_role("button", name="Show therapists").click()
    # is_visible() does not wait: wait for the filtered page before looking at it.
    page.wait_for_url("**specialty=codependency**")
    assert page.get_by_role("heading", name="1 therapist", exact=True).is_visible()
    assert page.get_by_role("link", name="Alder Applewhite").is_visible()
    assert "specialty=codependency" in page.url  # the address can be shared

    page.goto("/therapists/?near=Leeds&within_km=25&sort=nearest&language=pl")
    assert page.get_by_role("link", name="Briar Bramblecroft").is_visible()
    assert page.get_by_text("km away").is_visible()

    page.goto("/therapists/?language=pl&specialty=codependency")
    assert page.get_by_text("No therapist matches all of these filters.").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Remove “speaks Polish”").click()
    assert page.get_by_role("link", name="Alder Applewhite").is_visible()

    page.goto("/therapists/?near=Leds")
    assert page.get_by_text("Did you mean Leeds?").is_visible()
    assert_accessible(page)

    page.goto("/therapists/alder-applewhite/")
    assert_accessible(page)

    # The results page of a check posts its result here; the hidden field is that seam.
    result = {
        "style": {"primary": "codependent", "pattern": "clear"},
        "plan": [{"strategy": "needs_boundaries"}],
        "flags": [],
    }
    page.goto("/therapists/match/")
    assert_accessible(page)
    page.locator("#id_result").evaluate("(field, value) => field.value = value", json.dumps(result))
    page.get_by_label("Most you can pay per session").fill("60")
    page.get_by_role("button", name="Suggest therapists").click()
    first = page.locator(".listings > li").first
    assert first.get_by_role("link", name="Alder Applewhite").is_visible()
    assert first.get_by_text("Works with codependency").is_visible()
    assert first.get_by_text("Within your budget (£50 a session)").is_visible()
    assert_accessible(page)

    unsafe = {**result, "flags": [{"key": "safety"}]}
    page.locator("#id_result").evaluate("(field, value) => field.value = value", json.dumps(unsafe))
    page.get_by_role("button", name="Suggest therapists").click()
    assert page.get_by_role("heading", name="Your safety comes first").is_visible()
    assert page.get_by_role("link", name="Calla Cloudberry").is_visible()
    assert page.get_by_role("link", name="Alder Applewhite").count() == 0
    assert page.get_by_text(
        "Has experience supporting people who feel unsafe in a relationship"
    ).is_visible()
    assert_accessible(page)


def test_the_search_works_on_a_narrow_screen_without_javascript(browser, live_server, db):
    make_profile(name="Alder Applewhite")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 320, "height": 700}
    )
    page = context.new_page()
    page.goto("/therapists/")
    page.get_by_label("Works with").select_option("codependency")
    page.get_by_role("button", name="Show therapists").click()
    assert page.get_by_role("link", name="Alder Applewhite").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    context.close()
