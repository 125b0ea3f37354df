"""Reminders 24 h and 1 h before, as deferred tasks claimed with a conditional update."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks import default_task_backend

from tandem.booking.models import Booking, Party
from tandem.booking.services import booking_cancel, booking_create, booking_reschedule
from tandem.booking.tasks import send_reminder
from tandem.booking.tests.helpers import NOW, START, make_bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def deferring(settings: Any) -> Any:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "email"],
        }
    }
    default_task_backend.clear()
    return default_task_backend


def _reminders(backend: Any) -> list[Any]:
    return [result for result in backend.results if result.task.func is send_reminder.func]


@pytest.fixture
def booked(deferring: Any, client_user: Any, django_capture_on_commit_callbacks: Any) -> Booking:
    """The client's booking at START, made at NOW, its reminders deferred in ``deferring``."""
    _profile, session = make_bookable()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        return booking_create(
            slot_start=START, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
        )


def test_booking_schedules_both_reminders_and_each_sends_once(
    booked: Booking, deferring: Any
) -> None:
    reminders = _reminders(deferring)
    assert sorted(result.task.run_after for result in reminders) == [
        START - timedelta(hours=24),
        START - timedelta(hours=1),
    ]
    day_before = next(r for r in reminders if r.args[1] == "24h")
    mail.outbox.clear()
    with time_machine.travel(START - timedelta(hours=24), tick=False):
        assert day_before.task.call(*day_before.args) is True
        assert day_before.task.call(*day_before.args) is False  # a second worker sends nothing
    assert len(mail.outbox) == 2
    assert "tomorrow" in mail.outbox[0].subject
    booked.refresh_from_db()
    assert booked.reminder_24h_sent_at == START - timedelta(hours=24)


def test_a_moved_or_cancelled_bookings_old_reminder_sends_nothing(
    booked: Booking, deferring: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stale = next(r for r in _reminders(deferring) if r.args[1] == "1h")
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(
            booking=booked, new_start=START + timedelta(days=1), by=Party.CLIENT, reason="Away"
        )
    mail.outbox.clear()
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        assert stale.task.call(*stale.args) is False
    assert mail.outbox == []
    fresh = [
        r for r in _reminders(deferring) if r.args[2] == (START + timedelta(days=1)).isoformat()
    ]
    assert len(fresh) == 2
    booked.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        booking_cancel(booking=booked, by=Party.CLIENT, reason="Better now")
    one_hour = next(r for r in fresh if r.args[1] == "1h")
    with time_machine.travel(START + timedelta(days=1, hours=-1), tick=False):
        assert one_hour.task.call(*one_hour.args) is False
    assert mail.outbox == []


def test_the_safety_net_command_sends_what_is_due_once(client_user: Any) -> None:
    _profile, session = make_bookable()
    with time_machine.travel(NOW, tick=False):
        booking_create(
            slot_start=START, session_type=session, client=client_user, idempotency_key=uuid.uuid4()
        )
    mail.outbox.clear()
    with time_machine.travel(START - timedelta(minutes=50), tick=False):
        call_command("send_due_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("send_due_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Only the one-hour reminder: the day-before one is no longer worth sending.
    assert len(mail.outbox) == 2
    assert all("in an hour" in message.subject for message in mail.outbox)
    booking = Booking.objects.get()
    assert booking.reminder_1h_sent_at is not None and booking.reminder_24h_sent_at is None
