"""Pages with personal data tell browsers and proxies not to store them."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.booking.forms import slot_key
from tandem.booking.links import make_link_token
from tandem.booking.models import Booking, Party
from tandem.booking.services import waitlist_join
from tandem.booking.tests.helpers import START
from tandem.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_week")]


def _assert_not_stored(response: Any) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, response.get("Cache-Control")


def test_the_clients_pages_are_not_stored(
    booking: Booking, bookable: Any, client_user: Any, unrelated_client_user: Any
) -> None:
    profile, session = bookable
    waitlist_join(therapist=profile, client=unrelated_client_user, session_type=session)
    http = client_for(client_user)
    for path, query in (
        ("/bookings/", {}),
        (booking.get_absolute_url(), {}),
        (f"{booking.get_absolute_url()}reschedule/", {}),
        ("/bookings/waitlist/", {}),
        (
            f"/bookings/with/{profile.slug}/confirm/",
            {"session": session.pk, "start": slot_key(START)},
        ),
    ):
        response = http.get(path, query)
        assert response.status_code == 200, path
        _assert_not_stored(response)
    _assert_not_stored(client_for(unrelated_client_user).get("/bookings/waitlist/"))


def test_the_therapists_pages_are_not_stored(booking: Booking, therapist_user: Any) -> None:
    http = client_for(therapist_user)
    session_pk = booking.session_type_id
    for path in (
        booking.get_absolute_url(),
        "/bookings/practice/",
        "/bookings/practice/hours/",
        "/bookings/practice/exceptions/",
        "/bookings/practice/sessions/",
        f"/bookings/practice/sessions/{session_pk}/",
        "/bookings/practice/agenda/",
    ):
        response = http.get(path)
        assert response.status_code == 200, path
        _assert_not_stored(response)


def test_the_signed_link_pages_are_not_stored(booking: Booking, anonymous: Any) -> None:
    token = make_link_token(booking, "cancel", Party.CLIENT)
    landing = anonymous.get(f"/bookings/link/{token}/")
    _assert_not_stored(landing)
    page = anonymous.get(landing["Location"])
    assert page.status_code == 200
    _assert_not_stored(page)
