"""Booking emails go through Django's SMTP backend to a real local server; the test reads
the messages as they arrived and parses their invite.ics with icalendar."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar

from tandem.booking.models import Party
from tandem.booking.services import booking_cancel, booking_create, booking_reschedule
from tandem.booking.slots import free_slots_for
from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import message_text

pytestmark = pytest.mark.django_db


def invite(message: Any) -> tuple[str, Calendar]:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            assert part.get_filename() == "invite.ics"
            return part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no invite.ics attached")


def event(calendar: Calendar) -> Any:
    return next(iter(calendar.walk("VEVENT")))


def test_booking_moving_and_cancelling_send_invites_with_one_uid(
    smtp_inbox: Any, client_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    profile, session = make_bookable(user=None)
    now = timezone.now()
    first, second = free_slots_for(
        profile, session, now + timedelta(days=3), now + timedelta(days=10)
    )[:2]

    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            slot_start=first.start,
            session_type=session,
            client=client_user,
            idempotency_key=uuid.uuid4(),
            client_time_zone="America/New_York",
        )
    messages = smtp_inbox.wait_for(2)
    assert len(messages) == 2
    by_address = {message["To"]: message for message in messages}
    to_client = by_address["casey@example.com"]
    to_therapist = by_address[profile.user.email]
    assert "is booked" in to_client["Subject"]
    method, calendar = invite(to_client)
    assert method == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    booked = event(calendar)
    assert str(booked["UID"]) == booking.ical_uid
    assert int(booked["SEQUENCE"]) == 0
    assert booked.decoded("DTSTART") == first.start.astimezone(UTC)
    assert booked.decoded("DTEND") == first.end.astimezone(UTC)
    assert str(booked["STATUS"]) == "CONFIRMED"
    assert "casey@example.com" in str(booked["ATTENDEE"])
    # The client's copy shows New York time, the therapist's London time.
    assert "(America/New York time)" in message_text(to_client)
    assert "(Europe/London time)" in message_text(to_therapist)
    assert "casey@example.com" not in message_text(to_therapist)
    assert re.search(r"/bookings/link/cancel\.", message_text(to_client))

    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booking, new_start=second.start, by=Party.CLIENT, reason="Work")
    messages = smtp_inbox.wait_for(4)
    method, calendar = invite(messages[2])
    moved = event(calendar)
    assert method == "REQUEST"
    assert str(moved["UID"]) == booking.ical_uid
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == second.start.astimezone(UTC)
    assert "moved" in messages[2]["Subject"]
    assert "Work" in message_text(messages[2])

    booking.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, by=Party.THERAPIST, reason="I am unwell")
    messages = smtp_inbox.wait_for(6)
    method, calendar = invite(messages[4])
    cancelled = event(calendar)
    assert method == "CANCEL"
    assert calendar["METHOD"] == "CANCEL"
    assert str(cancelled["UID"]) == booking.ical_uid
    assert int(cancelled["SEQUENCE"]) == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"

    for message in messages:
        text = message_text(message).lower()
        html = message.get_body(preferencelist=("html",)).get_content().lower()
        for word in ("assessment", "safety", "check result", "score"):
            assert word not in text and word not in html


def test_a_request_tells_the_therapist_to_answer(
    smtp_inbox: Any, client_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    profile, session = make_bookable(auto_confirm=False)
    now = timezone.now()
    slot = free_slots_for(profile, session, now + timedelta(days=3), now + timedelta(days=10))[0]
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(
            slot_start=slot.start, session_type=session, client=client_user, idempotency_key=None
        )
    messages = smtp_inbox.wait_for(2)
    to_therapist = next(m for m in messages if m["To"] == profile.user.email)
    assert "accept or decline" in message_text(to_therapist)
    _method, calendar = invite(to_therapist)
    assert str(event(calendar)["STATUS"]) == "TENTATIVE"
