"""The practice in Chromium, end to end.

A client books a session, shares results, and takes the measure their therapist scheduled;
the therapist sees the change and the alert; the client revokes and the therapist gets a
404; the client sees the therapist's reads on My data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import assert_accessible, browser_login, client_for
from tandem.couples.tests.helpers import active_couple
from tandem.practice.tasks import run_round
from tandem.practice.tests.conftest import result, share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_as(page: Any, user: Any, live_server: Any) -> None:
    """Reuse a signed-in session (MFA sign-in is tested by accounts)."""
    http = client_for(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}]
    )


def _take_check_answering_first_options(page: Any) -> None:
    """Answer every question with its first option, page by page, and finish."""
    while True:
        for group in page.locator("fieldset.question").all():
            group.locator("input[type=radio]").first.check()
        button = page.get_by_role("button", name="See my results")
        if button.count():
            button.click()
            page.wait_for_url("**/checks/results/**")
            return
        page.get_by_role("button", name="Next").click()


def test_a_client_shares_takes_a_measure_and_revokes(
    page: Any, browser: Any, live_server: Any, client_user: Any, therapist_user: Any
) -> None:
    profile, _session = make_bookable(therapist_user, minimum_notice_minutes=60)
    # A result from before, when things felt better.
    result(client_user, 80, timezone.now() - timedelta(days=40))

    browser_login(page, client_user.email)
    page.goto(f"/bookings/with/{profile.slug}/")
    page.locator(".booking-times label").first.click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Book this session").click()
    page.wait_for_url("**/bookings/*-*/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sharing").click()
    assert_accessible(page)
    page.get_by_role("link", name="Share results with Theo Therapist").click()
    page.get_by_label("Healthy Relationship Check").check()
    page.get_by_label("Share results completed from").fill(
        (timezone.localdate() - timedelta(days=60)).isoformat()
    )
    page.get_by_label("Share new results automatically").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save what I share").click()
    assert "Stop sharing with Theo Therapist" in page.locator("main").inner_text()

    therapist_context = browser.new_context(base_url=live_server.url)
    therapist = therapist_context.new_page()
    _sign_in_as(therapist, therapist_user, live_server)
    therapist.goto("/")
    therapist.get_by_role("link", name="Practice").click()
    assert_accessible(therapist)
    therapist.get_by_role("link", name="Casey Client").click()
    client_url = therapist.url
    therapist.locator("#id_instrument").select_option("healthy-relationship")
    therapist.locator("#id_kind").select_option("once")
    therapist.get_by_role("button", name="Set the schedule").click()
    assert "Healthy Relationship Check, once" in therapist.locator("main").inner_text()
    assert_accessible(therapist)

    run_round()  # the worker's round: the measure is now due and sent

    page.goto("/practice/sharing/")
    page.get_by_role("link", name="Take the Healthy Relationship Check").click()
    page.get_by_role("link", name="Start the check").click()
    _take_check_answering_first_options(page)

    therapist.goto("/practice/")
    row = therapist.locator("tr", has_text="Casey Client")
    assert "Deteriorated" in row.inner_text()
    assert "Deterioration:" in row.inner_text()
    therapist.goto(client_url)
    assert "<polygon" in therapist.content()
    assert_accessible(therapist)

    page.goto("/practice/sharing/")
    page.get_by_role("button", name="Stop sharing with Theo Therapist").click()
    assert "took effect at once" in page.locator("main").inner_text()

    answer = therapist.goto(client_url)
    assert answer is not None and answer.status == 404
    therapist_context.close()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My data").click()
    log = page.locator(".access-log").inner_text()
    assert "Theo Therapist (therapist)" in log
    assert "Results over time: progress page" in log
    assert "Latest score, on the caseload" in log
    assert_accessible(page)


def test_the_therapist_sees_a_couple_side_by_side_until_one_stops_sharing(
    page: Any,
    browser: Any,
    live_server: Any,
    consent: Any,
    client_user: Any,
    partner_user: Any,
    therapist_user: Any,
) -> None:
    for person, score in ((client_user, 45), (partner_user, 70)):
        result(person, score, timezone.now() - timedelta(days=3))
    active_couple(client_user, partner_user)
    share(partner_user, therapist_user)

    _sign_in_as(page, therapist_user, live_server)
    page.goto("/practice/")
    page.get_by_role("link", name="Casey Client").click()
    client_url = page.url
    section = page.locator("section.couple-side-by-side")
    assert "side by side" in section.inner_text()
    assert_accessible(page)
    section.get_by_role("link", name=partner_user.name).click()
    assert "side by side" in page.locator("section.couple-side-by-side").inner_text()

    partner_context = browser.new_context(base_url=live_server.url)
    partner = partner_context.new_page()
    _sign_in_as(partner, partner_user, live_server)
    partner.goto("/practice/sharing/")
    partner.get_by_role("button", name="Stop sharing with Theo Therapist").click()
    partner_context.close()

    page.goto(client_url)
    assert page.locator("section.couple-side-by-side").count() == 0
    assert partner_user.name not in page.locator("main").inner_text()
