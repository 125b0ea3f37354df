"""Pages with personal data tell browsers and proxies not to store them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tandem.booking.forms import slot_key
from tandem.booking.links import make_link_token
from tandem.booking.models import Booking, Party
from tandem.booking.services import booking_create, waitlist_join
from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import client_for

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)
START = datetime(2027, 3, 29, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bookable(therapist_user: Any) -> tuple[Any, Any]:
    return make_bookable(therapist_user)


@pytest.fixture
def booking(bookable: Any, client_user: Any) -> Booking:
    _profile, session = bookable
    return booking_create(
        slot_start=START, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
    )


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
