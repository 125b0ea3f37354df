"""A client books, moves and cancels a session in Chromium; the therapist sees it."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import assert_accessible, browser_login, client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_as(page: Any, user: Any, live_server: Any) -> None:
    """Reuse a signed-in session (MFA sign-in is tested by accounts)."""
    http = client_for(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_a_client_books_moves_and_cancels_and_the_therapist_sees_it(
    page: Any, browser: Any, live_server: Any, client_user: Any, therapist_user: Any
) -> None:
    profile, _session = make_bookable(
        therapist_user, minimum_notice_minutes=180, cancellation_window_hours=1
    )
    browser_login(page, client_user.email)
    page.goto(f"/bookings/with/{profile.slug}/?tz=America/New_York")
    assert_accessible(page)
    first_time = page.locator(".booking-times label").first
    chosen = first_time.inner_text()
    first_time.click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/confirm/**")
    assert_accessible(page)
    assert "America/New York time" in page.locator(".booking-summary").inner_text()
    page.get_by_role("button", name="Book this session").click()
    page.wait_for_url("**/bookings/*-*/")
    assert page.locator(".booking-status").first.inner_text() == "Confirmed"
    assert chosen in page.locator(".booking-summary").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Choose another time").click()
    assert_accessible(page)
    page.locator(".booking-day").nth(3).locator(".booking-times label").first.click()
    page.get_by_label("Reason").fill("A work meeting moved")
    page.get_by_role("button", name="Move the session").click()
    page.wait_for_url("**/bookings/*-*/")
    assert "moved by you (A work meeting moved)" in page.locator(".booking-history").inner_text()

    page.get_by_label("Reason").fill("I feel better now")
    page.get_by_role("button", name="Cancel this session").click()
    assert page.locator(".booking-status").first.inner_text() == "Cancelled"
    assert_accessible(page)

    page.goto("/bookings/")
    assert_accessible(page)
    assert profile.name in page.locator("main").inner_text()

    therapist = browser.new_context(base_url=live_server.url)
    therapist_page = therapist.new_page()
    _sign_in_as(therapist_page, therapist_user, live_server)
    therapist_page.goto("/bookings/practice/agenda/")
    agenda = therapist_page.locator(".booking-agenda").inner_text()
    assert "Casey Client" in agenda and "Cancelled" in agenda
    assert_accessible(therapist_page)
    for path in (
        "/bookings/practice/",
        "/bookings/practice/hours/",
        "/bookings/practice/exceptions/",
        "/bookings/practice/sessions/",
    ):
        therapist_page.goto(path)
        assert_accessible(therapist_page)
    therapist.close()
