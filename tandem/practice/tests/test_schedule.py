"""When measures fall due, over real dates and real bookings (time frozen with time_machine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tandem.booking.models import BookingStatus
from tandem.practice.models import MeasureSchedule, ScheduleKind
from tandem.practice.schedule import due_occurrences, next_due, sessions_between
from tandem.practice.services import schedule_create
from tandem.practice.tests.conftest import session_on

pytestmark = pytest.mark.django_db

# Mondays at 10:00 UTC from 3 May 2027.
MONDAYS = [datetime(2027, 5, 3, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(10)]


def _schedule(consent: Any, kind: str, every: int | None, start: datetime) -> MeasureSchedule:
    return schedule_create(
        consent=consent, instrument_slug="healthy-relationship", kind=kind, every=every, now=start
    )


def test_every_three_sessions_skips_a_cancelled_one(
    consent: Any, bookable: Any, client_user: Any, therapist_user: Any
) -> None:
    schedule = _schedule(
        consent, ScheduleKind.EVERY_N_SESSIONS, 3, datetime(2027, 5, 1, tzinfo=UTC)
    )
    statuses = [
        BookingStatus.COMPLETED,  # 3 May: 1
        BookingStatus.CONFIRMED,  # 10 May: 2 (confirmed and over: it took place)
        BookingStatus.CANCELLED,  # 17 May: does not count
        BookingStatus.DECLINED,  # 24 May: does not count
        BookingStatus.CONFIRMED,  # 31 May: 3 -> due at its end
        BookingStatus.CONFIRMED,  # 7 June: 4
        BookingStatus.CONFIRMED,  # 14 June: 5
        BookingStatus.CONFIRMED,  # 21 June: 6 -> due at its end
    ]
    for monday, status in zip(MONDAYS, statuses, strict=False):
        session_on(bookable, client_user, monday, status)

    now = datetime(2027, 5, 30, tzinfo=UTC)
    sessions = sessions_between(client_user.pk, therapist_user.pk, now)
    assert due_occurrences(schedule, sessions, now) == []
    # Two attended so far; the session on 31 May is the third, so it is due when that ends.
    assert next_due(schedule, sessions, now).sessions_to_go == 1
    assert next_due(schedule, sessions, now).at == MONDAYS[4] + timedelta(minutes=50)

    now = datetime(2027, 6, 1, tzinfo=UTC)
    sessions = sessions_between(client_user.pk, therapist_user.pk, now)
    assert due_occurrences(schedule, sessions, now) == [(1, MONDAYS[4] + timedelta(minutes=50))]
    assert next_due(schedule, sessions, now).at == MONDAYS[7] + timedelta(minutes=50)

    now = datetime(2027, 6, 22, tzinfo=UTC)
    sessions = sessions_between(client_user.pk, therapist_user.pk, now)
    assert [number for number, _ in due_occurrences(schedule, sessions, now)] == [1, 2]


def test_a_session_before_the_schedule_started_does_not_count(
    consent: Any, bookable: Any, client_user: Any, therapist_user: Any
) -> None:
    # ``consent`` comes with a session on 10 March 2027, before the schedule started.
    schedule = _schedule(consent, ScheduleKind.EVERY_N_SESSIONS, 1, MONDAYS[2])
    now = MONDAYS[3] + timedelta(hours=2)
    session_on(bookable, client_user, MONDAYS[3])
    sessions = sessions_between(client_user.pk, therapist_user.pk, now)
    assert due_occurrences(schedule, sessions, now) == [(1, MONDAYS[3] + timedelta(minutes=50))]


def test_every_two_weeks_counts_from_the_start(consent: Any) -> None:
    start = datetime(2027, 3, 27, 9, tzinfo=UTC)  # the day before clocks change in London
    schedule = _schedule(consent, ScheduleKind.EVERY_N_WEEKS, 2, start)
    empty = sessions_between(0, 0, start)
    now = datetime(2027, 4, 24, 9, tzinfo=UTC)
    assert due_occurrences(schedule, empty, now) == [
        (1, start),
        (2, datetime(2027, 4, 10, 9, tzinfo=UTC)),
        (3, datetime(2027, 4, 24, 9, tzinfo=UTC)),
    ]
    assert next_due(schedule, empty, now).at == datetime(2027, 5, 8, 9, tzinfo=UTC)
    assert due_occurrences(schedule, empty, start - timedelta(seconds=1)) == []


def test_before_the_first_session_is_due_at_once_and_only_for_a_new_client(
    consent: Any, client_user: Any, therapist_user: Any, bookable: Any, unrelated_client_user: Any
) -> None:
    now = datetime(2027, 6, 10, tzinfo=UTC)
    # The client already had a session (the ``booked`` fixture): it is too late to be "before".
    late = _schedule(consent, ScheduleKind.BEFORE_FIRST_SESSION, None, now)
    sessions = sessions_between(client_user.pk, therapist_user.pk, now)
    assert due_occurrences(late, sessions, now) == []

    from tandem.practice.services import consent_save

    session_on(bookable, unrelated_client_user, now + timedelta(days=3), BookingStatus.CONFIRMED)
    new = consent_save(
        client=unrelated_client_user,
        therapist=therapist_user,
        instruments=["healthy-relationship"],
        share_from=now.date(),
        auto_share=True,
        share_safety=False,
    )
    early = _schedule(new, ScheduleKind.BEFORE_FIRST_SESSION, None, now)
    sessions = sessions_between(unrelated_client_user.pk, therapist_user.pk, now)
    assert due_occurrences(early, sessions, now) == [(1, now)]


def test_once_is_due_once(consent: Any) -> None:
    start = datetime(2027, 6, 1, tzinfo=UTC)
    schedule = _schedule(consent, ScheduleKind.ONCE, None, start)
    empty = sessions_between(0, 0, start)
    assert due_occurrences(schedule, empty, start + timedelta(days=300)) == [(1, start)]
    assert next_due(schedule, empty, start + timedelta(days=1)).at is None


@pytest.mark.parametrize(
    ("kind", "every", "message"),
    [
        (ScheduleKind.EVERY_N_SESSIONS, None, "how often"),
        (ScheduleKind.EVERY_N_WEEKS, 0, "how often"),
        (ScheduleKind.EVERY_N_WEEKS, 53, "how often"),
    ],
)
def test_a_repeating_schedule_needs_a_sensible_interval(
    consent: Any, kind: str, every: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _schedule(consent, kind, every, datetime(2027, 6, 1, tzinfo=UTC))


def test_a_check_the_client_does_not_share_cannot_be_scheduled(consent: Any) -> None:
    with pytest.raises(ValueError, match="does not share"):
        schedule_create(consent=consent, instrument_slug="relating-styles", kind="once", every=None)
