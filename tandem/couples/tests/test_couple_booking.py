"""Booking a couple session: both partners on the booking, both told, either can cancel."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tandem.accounts import personal_data
from tandem.booking.models import Booking, SessionType
from tandem.booking.services import booking_create
from tandem.booking.tests.helpers import NOW, START, make_bookable
from tandem.conftest import client_for
from tandem.couples import services
from tandem.couples.tests.helpers import active_couple

pytestmark = pytest.mark.django_db


@pytest.fixture
def couple_session(therapist_user: Any) -> SessionType:
    _profile, session = make_bookable(therapist_user, sees_couples=True, fee_couple_minor=9000)
    session.for_couples = True
    session.name = "Couple session"
    session.save()
    return session


def book(session: SessionType, client: Any, capture: Any) -> Booking:
    with time_machine.travel(NOW, tick=False), capture(execute=True):
        return booking_create(
            slot_start=START, session_type=session, client=client, idempotency_key=uuid.uuid4()
        )


@pytest.fixture
def couple_booking(
    couple_session: SessionType,
    client_user: Any,
    partner_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> Booking:
    """Casey and Parker are a couple, and Casey has booked them a couple session."""
    active_couple(client_user, partner_user)
    return book(couple_session, client_user, django_capture_on_commit_callbacks)


def test_a_couple_session_records_the_partner_and_tells_all_three(
    couple_booking: Booking, client_user: Any, partner_user: Any, therapist_user: Any
) -> None:
    assert couple_booking.partner == partner_user
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [client_user.email, partner_user.email, therapist_user.email]
    )
    to_partner = next(m for m in mail.outbox if m.to == [partner_user.email])
    assert "Couple session" in to_partner.body
    assert to_partner.attachments  # the calendar invite
    # The partner sees the session among theirs and on its page (with the room link later).
    parker = client_for(partner_user)
    assert "Couple session" in parker.get(reverse("booking:mine")).content.decode()
    with time_machine.travel(START - timedelta(minutes=5), tick=False):
        page = client_for(partner_user).get(couple_booking.get_absolute_url())
    assert page.status_code == 200 and "Join the video session" in page.content.decode()


@pytest.mark.usefixtures("couple_booking")
def test_reminders_go_to_the_partner_too(partner_user: Any) -> None:
    mail.outbox.clear()
    with time_machine.travel(START - timedelta(minutes=50), tick=False):
        call_command("send_due_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 3
    assert partner_user.email in {m.to[0] for m in mail.outbox}


def test_either_partner_can_cancel_within_the_rules_and_everyone_is_told(
    couple_booking: Booking,
    client_user: Any,
    partner_user: Any,
    therapist_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    url = reverse("booking:cancel", args=[couple_booking.public_id])
    # Inside the cancellation window the partner is held to the client's rules.
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        late = client_for(partner_user).post(url, {"reason": "Ill"})
    couple_booking.refresh_from_db()
    assert late.status_code == 302 and couple_booking.is_active  # refused with a message
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        client_for(partner_user).post(url, {"reason": "We cannot make it"})
    couple_booking.refresh_from_db()
    assert couple_booking.status == "cancelled" and couple_booking.cancelled_by == "partner"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [client_user.email, partner_user.email, therapist_user.email]
    )


def test_an_individual_session_or_a_person_without_a_couple_books_alone(
    couple_session: Any,
    client_user: Any,
    partner_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    alone = book(couple_session, client_user, django_capture_on_commit_callbacks)
    assert alone.partner is None
    Booking.objects.all().delete()
    couple = active_couple(client_user, partner_user)
    couple_session.for_couples = False
    couple_session.save()
    assert book(couple_session, client_user, django_capture_on_commit_callbacks).partner is None
    services.couple_leave(couple=couple, user=partner_user)
    assert services.current_partner(client_user) is None


def test_strangers_cannot_see_a_couple_booking_and_the_partner_exports_it(
    couple_booking: Booking, partner_user: Any, unrelated_client_user: Any
) -> None:
    stranger = client_for(unrelated_client_user)
    assert stranger.get(couple_booking.get_absolute_url()).status_code == 404
    exported = personal_data.export_user(partner_user)["sections"]["bookings"]
    assert [b["session"] for b in exported["as_partner"]] == ["Couple session"]
    assert exported["as_partner"][0]["note"] is None
