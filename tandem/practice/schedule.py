"""When a scheduled measure falls due, worked out from real dates and real sessions.

Sessions count when they were attended: a booking that was confirmed (or marked completed)
and has ended. Cancelled, declined and still-unanswered requests never count, so a client
whose fourth session was cancelled is not asked for a measure "after four sessions" until a
fourth session has really taken place.

These functions take the session times as arguments, so they are tested over real dates
without a database; :func:`sessions_between` loads them from booking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tandem.booking.models import ACTIVE_STATUSES, Booking, BookingStatus
from tandem.practice.models import MeasureSchedule, ScheduleKind

__all__ = [
    "ATTENDED_STATUSES",
    "NextDue",
    "Sessions",
    "due_occurrences",
    "next_due",
    "sessions_between",
]

#: A booking in one of these states, once it has ended, is a session that took place.
ATTENDED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)


@dataclass(frozen=True)
class Sessions:
    """One client's sessions with one therapist: the ends of those attended, the starts and
    ends of those still to come (requested or confirmed), each in time order."""

    attended_ends: tuple[datetime, ...]
    upcoming: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True)
class NextDue:
    """The next occurrence: a date, or a number of sessions still to take place, or neither."""

    at: datetime | None = None
    sessions_to_go: int | None = None


def sessions_from(bookings: Iterable[tuple[str, datetime, datetime]], now: datetime) -> Sessions:
    """Sort one client's bookings with one therapist, as (status, starts at, ends at), into
    attended and upcoming sessions."""
    attended = []
    upcoming = []
    for status, starts_at, ends_at in bookings:
        if status in ATTENDED_STATUSES and ends_at <= now:
            attended.append(ends_at)
        elif status in ACTIVE_STATUSES and starts_at > now:
            upcoming.append((starts_at, ends_at))
    return Sessions(tuple(sorted(attended)), tuple(sorted(upcoming)))


def sessions_between(client_id: int, therapist_user_id: int, now: datetime) -> Sessions:
    """Load one client's sessions with one therapist from booking."""
    bookings = Booking.objects.filter(
        client_id=client_id, therapist__user_id=therapist_user_id
    ).values_list("status", "starts_at", "ends_at")
    return sessions_from(bookings, now)


def _counted(schedule: MeasureSchedule, sessions: Sessions) -> list[datetime]:
    return [end for end in sessions.attended_ends if end > schedule.starts_at]


def due_occurrences(
    schedule: MeasureSchedule, sessions: Sessions, now: datetime
) -> list[tuple[int, datetime]]:
    """Every occurrence of ``schedule`` due by ``now``, as (number, due at), first first.

    - once: one, when the schedule starts;
    - before the first session: one, when the schedule starts, unless a session had already
      taken place by then (it is too late to be "before");
    - every N sessions: number k when the (k x N)-th attended session after the schedule
      started has ended;
    - every N weeks: number k + 1 at the start plus k x N weeks (the first at the start).
    """
    start = schedule.starts_at
    if start > now:
        return []
    if schedule.kind == ScheduleKind.ONCE:
        return [(1, start)]
    if schedule.kind == ScheduleKind.BEFORE_FIRST_SESSION:
        if any(end <= start for end in sessions.attended_ends):
            return []
        return [(1, start)]
    every = schedule.every or 1
    if schedule.kind == ScheduleKind.EVERY_N_SESSIONS:
        counted = _counted(schedule, sessions)
        return [(k, counted[k * every - 1]) for k in range(1, len(counted) // every + 1)]
    step = timedelta(weeks=every)
    occurrences = []
    k = 0
    while start + k * step <= now:
        occurrences.append((k + 1, start + k * step))
        k += 1
    return occurrences


def next_due(
    schedule: MeasureSchedule, sessions: Sessions, now: datetime, attended: int | None = None
) -> NextDue:
    """The first occurrence after ``now``: when it falls, or how many sessions are to go.

    ``attended``, when given, is the number of sessions attended since the schedule started,
    counted by the database (the caseload), and ``sessions`` need only hold the upcoming ones.
    """
    start = schedule.starts_at
    if schedule.kind in (ScheduleKind.ONCE, ScheduleKind.BEFORE_FIRST_SESSION):
        return NextDue(at=start) if start > now else NextDue()
    every = schedule.every or 1
    if schedule.kind == ScheduleKind.EVERY_N_WEEKS:
        if start > now:
            return NextDue(at=start)
        step = timedelta(weeks=every)
        passed = (now - start) // step
        return NextDue(at=start + (passed + 1) * step)
    counted = len(_counted(schedule, sessions)) if attended is None else attended
    to_go = every - counted % every
    booked: Sequence[tuple[datetime, datetime]] = sessions.upcoming
    if len(booked) >= to_go:
        return NextDue(at=booked[to_go - 1][1], sessions_to_go=to_go)
    return NextDue(sessions_to_go=to_go)
