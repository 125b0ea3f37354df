from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail

from tandem.booking.models import Party, WaitlistStatus
from tandem.booking.services import (
    BookingRefused,
    booking_cancel,
    booking_create,
    waitlist_claim,
    waitlist_join,
)
from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)
START = datetime(2027, 3, 29, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_freed_slot_is_offered_to_the_waitlist_and_the_first_to_take_it_gets_it(
    client_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    profile, session = make_bookable()
    booking = booking_create(
        slot_start=START, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
    )
    first = waitlist_join(
        therapist=profile, client=make_user("w1@example.com"), session_type=session
    )
    second = waitlist_join(
        therapist=profile, client=make_user("w2@example.com"), session_type=session
    )
    assert (
        waitlist_join(therapist=profile, client=first.client, session_type=session).pk == first.pk
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, by=Party.CLIENT, reason="Cannot come")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == WaitlistStatus.OFFERED
    assert first.offered_start == START
    offers = [m for m in mail.outbox if "earlier time" in m.subject]
    assert [m.to for m in offers] == [["w1@example.com"], ["w2@example.com"]]  # in order

    taken = waitlist_claim(entry=second)
    assert taken.starts_at == START and taken.client == second.client
    with pytest.raises(BookingRefused):
        waitlist_claim(entry=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == WaitlistStatus.BOOKED
    assert first.status == WaitlistStatus.WAITING  # back in the queue for the next opening


def test_the_waitlist_pages_refuse_other_peoples_entries(
    client_user: Any, unrelated_client_user: Any
) -> None:
    profile, session = make_bookable()
    entry = waitlist_join(therapist=profile, client=client_user, session_type=session)
    assert (
        client_for(unrelated_client_user).post(f"/bookings/waitlist/{entry.pk}/take/").status_code
        == 404
    )
    assert (
        client_for(unrelated_client_user).post(f"/bookings/waitlist/{entry.pk}/leave/").status_code
        == 404
    )
    mine = client_for(client_user)
    assert mine.get(f"/bookings/waitlist/{entry.pk}/leave/").status_code == 405
    page = mine.get("/bookings/waitlist/")
    assert profile.name in page.content.decode()
    response = mine.post(f"/bookings/waitlist/{entry.pk}/take/")
    assert response.status_code == 302  # no offer yet: told so, nothing booked
    assert not session.bookings.exists()
    assert (
        mine.post(f"/bookings/with/{profile.slug}/waitlist/", {"session": session.pk}).status_code
        == 302
    )
