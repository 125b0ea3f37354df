from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from tandem.accounts.personal_data import erase_user, export_user
from tandem.booking.models import Booking, BookingStatus, Party
from tandem.booking.services import booking_cancel, booking_create
from tandem.booking.tests.helpers import make_bookable

pytestmark = pytest.mark.django_db

PAST = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)


def _book(session: Any, client: Any, start: datetime, now: datetime) -> Booking:
    with time_machine.travel(now, tick=False):
        return booking_create(
            slot_start=start,
            session_type=session,
            client=client,
            idempotency_key=uuid.uuid4(),
            note="About my sister",
        )


def test_the_export_holds_a_clients_bookings_and_a_therapists_agenda_without_addresses(
    client_user: Any,
) -> None:
    profile, session = make_bookable()
    _book(session, client_user, datetime(2027, 3, 29, 9, tzinfo=UTC), NOW)
    exported = export_user(client_user)["sections"]["bookings"]
    assert exported["as_client"][0]["therapist"] == profile.name
    assert exported["as_client"][0]["note"] == "About my sister"
    agenda = export_user(profile.user)["sections"]["bookings"]["as_therapist"]
    assert agenda["agenda"][0]["client"] == "Casey Client"
    assert "casey@example.com" not in json.dumps(agenda)


def test_erasing_a_client_cancels_future_sessions_and_leaves_a_nameless_record(
    client_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    profile, session = make_bookable()
    past = _book(session, client_user, PAST, PAST - timedelta(days=2))
    future = _book(session, client_user, datetime(2027, 3, 29, 9, tzinfo=UTC), NOW)
    mail.outbox.clear()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        erase_user(client_user)
    past.refresh_from_db()
    future.refresh_from_db()
    assert future.status == BookingStatus.CANCELLED
    assert past.client is None and past.client_name == "" and past.client_note == ""
    assert past.starts_at == PAST and past.session_name == session.name  # the therapist's record
    assert [m.to for m in mail.outbox] == [[profile.user.email]]
    body = mail.outbox[0].body
    assert "Casey" not in body and "sister" not in body and "closed" not in body


def test_the_therapists_export_keeps_only_time_session_status_and_the_clients_name(
    client_user: Any,
) -> None:
    profile, session = make_bookable()
    booking = _book(session, client_user, datetime(2027, 3, 29, 9, tzinfo=UTC), NOW)
    with time_machine.travel(NOW, tick=False):
        booking_cancel(booking=booking, by=Party.CLIENT, reason="My divorce hearing moved")
    agenda = export_user(profile.user)["sections"]["bookings"]["as_therapist"]["agenda"]
    assert agenda == [
        {
            "starts_at": "2027-03-29T09:00:00+00:00",
            "ends_at": "2027-03-29T09:50:00+00:00",
            "session": session.name,
            "status": BookingStatus.CANCELLED,
            "client": "Casey Client",
        }
    ]
    dumped = json.dumps(agenda)
    assert "sister" not in dumped and "divorce" not in dumped


def test_the_clients_export_keeps_their_own_note_and_reasons(client_user: Any) -> None:
    _profile, session = make_bookable()
    booking = _book(session, client_user, datetime(2027, 3, 29, 9, tzinfo=UTC), NOW)
    with time_machine.travel(NOW, tick=False):
        booking_cancel(booking=booking, by=Party.CLIENT, reason="My divorce hearing moved")
    mine = export_user(client_user)["sections"]["bookings"]["as_client"][0]
    assert mine["note"] == "About my sister"
    assert mine["cancel_reason"] == "My divorce hearing moved"
    assert mine["history"][-1]["reason"] == "My divorce hearing moved"
