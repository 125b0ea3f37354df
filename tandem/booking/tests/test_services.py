from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from tandem.booking.models import NO_OVERLAP_CONSTRAINTS, Booking, BookingStatus, Party
from tandem.booking.services import (
    BookingRefused,
    SlotTaken,
    booking_cancel,
    booking_create,
    booking_decide,
    booking_reschedule,
)
from tandem.booking.tests.helpers import make_bookable
from tandem.conftest import make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 22, 8, tzinfo=UTC)  # Monday 08:00 GMT
MONDAY_NEXT_10 = datetime(2027, 3, 29, 9, tzinfo=UTC)  # 10:00 BST


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


def book(session, client, start=MONDAY_NEXT_10, key=None):
    return booking_create(
        slot_start=start, session_type=session, client=client, idempotency_key=key or uuid.uuid4()
    )


def test_it_books_a_free_slot_and_confirms_it_at_once(client_user) -> None:
    _profile, session = make_bookable()
    booking = book(session, client_user)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.ends_at - booking.starts_at == timedelta(minutes=50)
    assert booking.blocked_until - booking.ends_at == timedelta(minutes=10)
    assert booking.ical_uid == f"{booking.public_id}@tandem"
    assert len(booking.room_name) >= 32


def test_it_holds_a_request_when_the_therapist_approves_each_booking(client_user) -> None:
    _profile, session = make_bookable(auto_confirm=False)
    assert book(session, client_user).status == BookingStatus.REQUESTED


def test_the_same_form_sent_twice_makes_one_booking(client_user) -> None:
    _profile, session = make_bookable()
    key = uuid.uuid4()
    first = book(session, client_user, key=key)
    second = book(session, client_user, key=key)
    assert first.pk == second.pk
    assert Booking.objects.count() == 1


def test_it_refuses_a_slot_someone_else_holds(client_user, unrelated_client_user) -> None:
    _profile, session = make_bookable()
    book(session, client_user)
    with pytest.raises(SlotTaken, match="just been booked"):
        book(session, unrelated_client_user)
    # The buffer counts: 10:50 would run into the 10-minute break after the session.
    with pytest.raises(SlotTaken):
        book(session, unrelated_client_user, start=MONDAY_NEXT_10 + timedelta(minutes=50))


def test_it_refuses_a_slot_in_the_past(client_user) -> None:
    _profile, session = make_bookable()
    with pytest.raises(SlotTaken, match="already passed"):
        book(session, client_user, start=NOW - timedelta(hours=1))


def test_it_refuses_a_slot_inside_the_minimum_notice(client_user) -> None:
    _profile, session = make_bookable(minimum_notice_minutes=48 * 60)
    with pytest.raises(SlotTaken, match="minimum notice"):
        book(session, client_user, start=datetime(2027, 3, 23, 9, tzinfo=UTC))
    assert not Booking.objects.exists()


def test_it_refuses_a_slot_beyond_the_horizon_or_outside_the_hours(client_user) -> None:
    _profile, session = make_bookable(horizon_days=5)
    with pytest.raises(SlotTaken, match="that far ahead"):
        book(session, client_user)
    with pytest.raises(SlotTaken, match="does not offer"):
        book(session, client_user, start=datetime(2027, 3, 23, 3, tzinfo=UTC))


def test_it_refuses_a_day_that_has_reached_its_cap(client_user, unrelated_client_user) -> None:
    _profile, session = make_bookable(daily_cap=1)
    book(session, client_user)
    with pytest.raises(SlotTaken, match="fully booked"):
        book(session, unrelated_client_user, start=MONDAY_NEXT_10 + timedelta(hours=3))


def test_a_client_cannot_hold_two_overlapping_sessions(client_user) -> None:
    _p1, one = make_bookable()
    _p2, other = make_bookable()
    book(one, client_user)
    with pytest.raises(SlotTaken, match="already have a session"):
        book(other, client_user)


def test_a_therapist_cannot_book_themselves() -> None:
    profile, session = make_bookable()
    with pytest.raises(BookingRefused, match="yourself"):
        book(session, profile.user)


def test_reschedule_keeps_the_uid_and_raises_the_sequence(client_user) -> None:
    _profile, session = make_bookable()
    booking = book(session, client_user)
    moved = booking_reschedule(
        booking=booking,
        new_start=MONDAY_NEXT_10 + timedelta(days=1),
        by=Party.CLIENT,
        reason="Work",
    )
    assert moved.ical_uid == booking.ical_uid
    assert moved.ical_sequence == 1
    assert moved.starts_at == MONDAY_NEXT_10 + timedelta(days=1)
    assert moved.events.filter(kind="rescheduled", previous_start=MONDAY_NEXT_10).exists()
    # The old time is free again.
    assert book(session, make_user("x@example.com")).starts_at == MONDAY_NEXT_10


def test_a_client_cannot_change_inside_the_cancellation_window_but_the_therapist_can(
    client_user,
) -> None:
    _profile, session = make_bookable(cancellation_window_hours=48)
    booking = book(session, client_user, start=datetime(2027, 3, 23, 10, tzinfo=UTC))
    with pytest.raises(BookingRefused, match="too late"):
        booking_cancel(booking=booking, by=Party.CLIENT, reason="Ill")
    cancelled = booking_cancel(booking=booking, by=Party.THERAPIST, reason="I am ill")
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.ical_sequence == 1
    assert cancelled.cancelled_by == Party.THERAPIST


def test_cancelling_needs_a_reason_and_happens_once(client_user) -> None:
    _profile, session = make_bookable()
    booking = book(session, client_user)
    with pytest.raises(BookingRefused, match="reason"):
        booking_cancel(booking=booking, by=Party.CLIENT, reason="  ")
    booking_cancel(booking=booking, by=Party.CLIENT, reason="Changed my mind")
    booking.refresh_from_db()
    with pytest.raises(BookingRefused):
        booking_cancel(booking=booking, by=Party.CLIENT, reason="Again")


def test_the_therapist_accepts_or_declines_a_request(client_user, unrelated_client_user) -> None:
    _profile, session = make_bookable(auto_confirm=False)
    first = book(session, client_user)
    assert booking_decide(booking=first, accept=True).status == BookingStatus.CONFIRMED
    second = book(session, unrelated_client_user, start=MONDAY_NEXT_10 + timedelta(hours=2))
    declined = booking_decide(booking=second, accept=False, reason="Full")
    assert declined.status == BookingStatus.DECLINED
    with pytest.raises(BookingRefused):
        booking_decide(booking=declined, accept=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's"
)
def test_the_overlap_constraints_the_model_names_exist_on_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint"
            " WHERE conrelid = 'booking_booking'::regclass AND contype = 'x'"
        )
        found = {name for (name,) in cursor.fetchall()}
    assert found == set(NO_OVERLAP_CONSTRAINTS)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's"
)
def test_postgresql_itself_refuses_overlapping_bookings(client_user, unrelated_client_user) -> None:
    profile, session = make_bookable()
    fields = {
        "therapist": profile,
        "therapist_name": "T",
        "session_type": session,
        "session_name": "S",
        "format": "video",
        "status": BookingStatus.CONFIRMED,
    }
    start = MONDAY_NEXT_10
    Booking.objects.create(
        client=client_user,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        **fields,
    )
    later = start + timedelta(minutes=55)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            client=unrelated_client_user,
            starts_at=later,
            ends_at=later + timedelta(minutes=50),
            blocked_until=later + timedelta(minutes=60),
            **fields,
        )
    # A cancelled booking holds nothing.
    Booking.objects.update(status=BookingStatus.CANCELLED)
    Booking.objects.create(
        client=unrelated_client_user,
        starts_at=later,
        ends_at=later + timedelta(minutes=50),
        blocked_until=later + timedelta(minutes=60),
        **fields,
    )
