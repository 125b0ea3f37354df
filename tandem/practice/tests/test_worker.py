"""The worker's round: due measures created once, sent once, reminded once, closed when done."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tandem.booking.models import BookingStatus
from tandem.practice.models import DueMeasure
from tandem.practice.services import consent_revoke, schedule_create
from tandem.practice.tasks import run_round
from tandem.practice.tests.conftest import result, session_on

pytestmark = pytest.mark.django_db

MONDAY = datetime(2027, 5, 3, 10, tzinfo=UTC)


@pytest.fixture
def every_two(consent: Any, bookable: Any, client_user: Any) -> Any:
    """Every two sessions from 1 May; sessions on three Mondays, the second cancelled."""
    schedule = schedule_create(
        consent=consent,
        instrument_slug="healthy-relationship",
        kind="every_sessions",
        every=2,
        now=datetime(2027, 5, 1, tzinfo=UTC),
    )
    session_on(bookable, client_user, MONDAY)
    session_on(bookable, client_user, MONDAY + timedelta(weeks=1), BookingStatus.CANCELLED)
    session_on(bookable, client_user, MONDAY + timedelta(weeks=2), BookingStatus.CONFIRMED)
    return schedule


def _subjects() -> list[str]:
    return [str(message.subject) for message in mail.outbox]


def test_a_measure_is_sent_once_when_due_and_reminded_once(every_two: Any) -> None:
    with time_machine.travel(MONDAY + timedelta(days=8), tick=False):
        assert run_round().sent == 0  # one session attended, one cancelled
    due_time = MONDAY + timedelta(weeks=2, minutes=50)
    with time_machine.travel(due_time + timedelta(hours=1), tick=False):
        counts = run_round()
        assert (counts.created, counts.sent, counts.reminded) == (1, 1, 0)
        assert run_round().sent == 0  # a second round sends nothing more
    assert _subjects() == ["A check from Theo Therapist is ready"]
    assert mail.outbox[0].to == ["casey@example.com"]
    assert "/checks/healthy-relationship/" in mail.outbox[0].body
    with time_machine.travel(due_time + timedelta(days=2), tick=False):
        assert run_round().reminded == 0  # too soon
    with time_machine.travel(due_time + timedelta(days=4), tick=False):
        assert run_round().reminded == 1
        assert run_round().reminded == 0
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("Reminder: the Healthy Relationship Check")
    # Emails never carry a score or anything about safety.
    assert "score" not in mail.outbox[1].body.lower() and "safety" not in mail.outbox[1].body


def test_a_result_completed_after_it_fell_due_closes_the_measure(
    every_two: Any, client_user: Any
) -> None:
    due_time = MONDAY + timedelta(weeks=2, minutes=50)
    with time_machine.travel(due_time + timedelta(hours=1), tick=False):
        run_round()
    result(client_user, 60, due_time + timedelta(days=1))
    with time_machine.travel(due_time + timedelta(days=5), tick=False):
        counts = run_round()
    assert (counts.completed, counts.reminded) == (1, 0)
    assert DueMeasure.objects.get().completed_at == due_time + timedelta(days=1)


def test_nothing_is_sent_after_the_client_revokes(every_two: Any, consent: Any) -> None:
    consent_revoke(consent=consent)
    with time_machine.travel(MONDAY + timedelta(weeks=3), tick=False):
        counts = run_round()
    assert (counts.created, counts.sent) == (0, 0)
    assert mail.outbox == []


def test_the_command_queues_the_round_on_the_worker(every_two: Any) -> None:
    with time_machine.travel(MONDAY + timedelta(weeks=3), tick=False):
        call_command("send_due_measures", stdout=io.StringIO())
    # The immediate backend of the tests runs the queued round at once.
    assert _subjects() == ["A check from Theo Therapist is ready"]
